public struct XMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String
    public var description: String { "malformed XML at byte \(offset): \(reason)" }
}

/// A small strict reader for the XML AWS answers with (IAM and STS Query responses, S3 errors and
/// listings). Chosen over FoundationXML, which would bring libxml2 into the image for a handful of
/// flat documents. It reads elements, attributes, character data, CDATA, comments, processing
/// instructions and the five predefined entities plus character references; it refuses DTDs (so no
/// entity expansion), mismatched tags, trailing content and anything deeper than `maxDepth`.
public enum XMLReader {
    public static let defaultMaxDepth = 32

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(XMLParseError) -> XMLElement {
        var reader = Cursor(bytes: bytes, maxDepth: maxDepth)
        return try reader.document()
    }

    public static func parse(_ text: String) throws(XMLParseError) -> XMLElement { try parse(Array(text.utf8)) }

    private struct Cursor {
        let bytes: [UInt8]
        let maxDepth: Int
        var position = 0

        init(bytes: [UInt8], maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        func fail(_ reason: String) -> XMLParseError { XMLParseError(offset: position, reason: reason) }

        func starts(with literal: String) -> Bool { bytes[position...].starts(with: literal.utf8) }

        mutating func document() throws(XMLParseError) -> XMLElement {
            try skipMisc()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else { throw fail("expected the root element") }
            let root = try element(depth: 1)
            try skipMisc()
            guard position == bytes.count else { throw fail("content after the root element") }
            return root
        }

        /// Whitespace, comments and processing instructions (the XML declaration among them).
        mutating func skipMisc() throws(XMLParseError) {
            while true {
                skipWhitespace()
                if starts(with: "<?") { try skip(past: "?>") }
                else if starts(with: "<!--") { try skip(past: "-->") }
                else if starts(with: "<!") { throw fail("document type declarations are not accepted") }
                else { return }
            }
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func skip(past terminator: String) throws(XMLParseError) {
            let end = Array(terminator.utf8)
            while position < bytes.count {
                if bytes[position...].starts(with: end) { position += end.count; return }
                position += 1
            }
            throw fail("unterminated construct, expected '\(terminator)'")
        }

        mutating func name() throws(XMLParseError) -> String {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                let isNameByte = byte >= 0x80 || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                guard isNameByte else { break }
                position += 1
            }
            guard position > start else { throw fail("expected a name") }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        static func localName(_ name: String) -> String {
            name.split(separator: ":", maxSplits: 1).last.map(String.init) ?? name
        }

        mutating func element(depth: Int) throws(XMLParseError) -> XMLElement {
            guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) elements") }
            position += 1  // "<"
            let qualifiedName = try name()
            var attributes: [String: String] = [:]
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw fail("unterminated start tag <\(qualifiedName)>") }
                if bytes[position] == UInt8(ascii: "/") {
                    guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: ">") else { throw fail("expected '/>'") }
                    position += 2
                    return XMLElement(name: Self.localName(qualifiedName), attributes: attributes)
                }
                if bytes[position] == UInt8(ascii: ">") { position += 1; break }
                let attributeName = try name()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { throw fail("expected '=' after attribute \(attributeName)") }
                position += 1
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                    throw fail("attribute \(attributeName) needs a quoted value")
                }
                let quote = bytes[position]
                position += 1
                let value = try characterData(until: quote)
                position += 1
                guard attributes.updateValue(value, forKey: attributeName) == nil else { throw fail("duplicate attribute \(attributeName)") }
            }
            var children: [XMLElement] = []
            var text = ""
            while true {
                guard position < bytes.count else { throw fail("unterminated element <\(qualifiedName)>") }
                if starts(with: "</") {
                    position += 2
                    let closing = try name()
                    guard closing == qualifiedName else { throw fail("</\(closing)> closes <\(qualifiedName)>") }
                    skipWhitespace()
                    guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else { throw fail("expected '>'") }
                    position += 1
                    // Character data around child elements is layout, not content.
                    let content = children.isEmpty ? text : ""
                    return XMLElement(name: Self.localName(qualifiedName), attributes: attributes, children: children, text: content)
                } else if starts(with: "<!--") {
                    try skip(past: "-->")
                } else if starts(with: "<![CDATA[") {
                    position += 9
                    let start = position
                    try skip(past: "]]>")
                    text += String(decoding: bytes[start..<(position - 3)], as: UTF8.self)
                } else if starts(with: "<?") {
                    try skip(past: "?>")
                } else if starts(with: "<!") {
                    throw fail("declarations are not accepted inside elements")
                } else if bytes[position] == UInt8(ascii: "<") {
                    children.append(try element(depth: depth + 1))
                } else {
                    text += try characterData(until: UInt8(ascii: "<"))
                }
            }
        }

        /// Text up to (not including) `terminator`, with entity and character references resolved.
        mutating func characterData(until terminator: UInt8) throws(XMLParseError) -> String {
            var out: [UInt8] = []
            while position < bytes.count, bytes[position] != terminator {
                let byte = bytes[position]
                if byte == UInt8(ascii: "&") {
                    guard let semicolon = bytes[position...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw fail("unterminated entity reference") }
                    let reference = String(decoding: bytes[(position + 1)..<semicolon], as: UTF8.self)
                    switch reference {
                    case "lt": out.append(UInt8(ascii: "<"))
                    case "gt": out.append(UInt8(ascii: ">"))
                    case "amp": out.append(UInt8(ascii: "&"))
                    case "quot": out.append(UInt8(ascii: "\""))
                    case "apos": out.append(UInt8(ascii: "'"))
                    default:
                        let scalarValue: UInt32? = reference.hasPrefix("#x") ? UInt32(reference.dropFirst(2), radix: 16)
                            : reference.hasPrefix("#") ? UInt32(reference.dropFirst(), radix: 10) : nil
                        guard let scalarValue, let scalar = Unicode.Scalar(scalarValue), scalarValue != 0 else {
                            throw fail("unknown entity &\(reference);")
                        }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    }
                    position = semicolon + 1
                } else if byte == UInt8(ascii: "<") {
                    throw fail("'<' inside an attribute value")
                } else {
                    out.append(byte)
                    position += 1
                }
            }
            guard position < bytes.count else { throw fail("unterminated text") }
            guard let text = String(validating: out, as: UTF8.self) else { throw fail("text is not UTF-8") }
            return text
        }
    }
}
