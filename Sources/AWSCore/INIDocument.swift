/// The INI dialect of `~/.aws/config` and `~/.aws/credentials`, read as botocore reads it:
/// `[section]` headers, `key = value` (or `key: value`), keys lowercased, full-line `#`/`;` comments,
/// indented lines continuing a key (nested settings such as `s3 =` sub-keys, kept as raw text).
public struct INIDocument: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public let name: String
        public var values: [String: String]
    }

    public private(set) var sections: [Section]

    public init(parsing text: String, path: String) throws(AWSConfigurationError) {
        var sections: [Section] = []
        var lastKey: String?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.count < line.count, let key = lastKey, !sections.isEmpty {
                // A continuation line: part of the previous key's value.
                let previous = sections[sections.count - 1].values[key] ?? ""
                sections[sections.count - 1].values[key] = previous.isEmpty ? Self.trim(trimmed) : previous + "\n" + Self.trim(trimmed)
                continue
            }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.lastIndex(of: "]") else {
                    throw .malformedConfigFile(path: path, line: lineNumber, problem: "section header without ']'")
                }
                let name = Self.trim(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                guard !name.isEmpty else { throw .malformedConfigFile(path: path, line: lineNumber, problem: "empty section name") }
                sections.append(Section(name: name, values: [:]))
                lastKey = nil
                continue
            }
            guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw .malformedConfigFile(path: path, line: lineNumber, problem: "expected 'key = value' or '[section]'")
            }
            guard !sections.isEmpty else {
                throw .malformedConfigFile(path: path, line: lineNumber, problem: "setting before the first [section]")
            }
            let key = Self.trim(trimmed[..<separator]).lowercased()
            guard !key.isEmpty else { throw .malformedConfigFile(path: path, line: lineNumber, problem: "empty key") }
            sections[sections.count - 1].values[key] = Self.trim(trimmed[trimmed.index(after: separator)...])
            lastKey = key
        }
        self.sections = sections
    }

    /// The section's values; when a name appears twice, later values win (as in botocore).
    public func section(_ name: String) -> [String: String]? {
        let matching = sections.filter { $0.name == name }
        guard !matching.isEmpty else { return nil }
        return matching.reduce(into: [:]) { merged, section in merged.merge(section.values) { _, new in new } }
    }

    private static func trim(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
