/// A Kubernetes label selector in its string form (`--namespace-selector`), as `kubectl -l` takes it:
/// `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, comma-separated,
/// all ANDed. The empty selector selects everything.
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        case exists(String)
        case doesNotExist(String)
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let selector: String
        public let problem: String
        public var description: String { "label selector \"\(selector)\": \(problem)" }
    }

    public let text: String
    public let requirements: [Requirement]

    public static let everything = LabelSelector(text: "", requirements: [])

    private init(text: String, requirements: [Requirement]) {
        self.text = text
        self.requirements = requirements
    }

    public init(parsing text: String) throws(ParseError) {
        var requirements: [Requirement] = []
        for term in try Self.terms(of: text) {
            requirements.append(try Self.requirement(term, in: text))
        }
        self.init(text: text, requirements: requirements)
    }

    public var description: String { text }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            case .equals(let key, let value): labels[key] == value
            // As in Kubernetes: `!=` and `notin` also select objects without the label.
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): !(labels[key].map(values.contains) ?? false)
            }
        }
    }

    /// Splits at the commas outside parentheses.
    private static func terms(of text: String) throws(ParseError) -> [Substring] {
        var terms: [Substring] = []
        var depth = 0
        var start = text.startIndex
        for index in text.indices {
            switch text[index] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth < 0 { throw ParseError(selector: text, problem: "unbalanced )") }
            case "," where depth == 0:
                terms.append(text[start..<index])
                start = text.index(after: index)
            default: break
            }
        }
        guard depth == 0 else { throw ParseError(selector: text, problem: "unbalanced (") }
        terms.append(text[start...])
        let trimmed = terms.map(Self.trim)
        if trimmed == [""] { return [] }
        if trimmed.contains("") { throw ParseError(selector: text, problem: "empty requirement") }
        return trimmed
    }

    private static func requirement(_ term: Substring, in text: String) throws(ParseError) -> Requirement {
        func key(_ raw: Substring) throws(ParseError) -> String {
            let key = trim(raw)
            guard !key.isEmpty, key.allSatisfy(isLabelCharacter) else {
                throw ParseError(selector: text, problem: "invalid label key \"\(key)\"")
            }
            return String(key)
        }
        func value(_ raw: Substring) throws(ParseError) -> String {
            let value = trim(raw)
            guard value.allSatisfy({ isLabelCharacter($0) && $0 != "/" }) else {
                throw ParseError(selector: text, problem: "invalid label value \"\(value)\"")
            }
            return String(value)
        }
        if let range = term.firstRange(of: "!=") {
            return .notEquals(try key(term[..<range.lowerBound]), try value(term[range.upperBound...]))
        }
        if let range = term.firstRange(of: "==") ?? term.firstRange(of: "=") {
            return .equals(try key(term[..<range.lowerBound]), try value(term[range.upperBound...]))
        }
        for (operation, isIn) in [("notin", false), ("in", true)] {
            let word = " \(operation) "
            guard let range = term.firstRange(of: word) else { continue }
            let list = trim(term[range.upperBound...])
            guard list.hasPrefix("("), list.hasSuffix(")") else {
                throw ParseError(selector: text, problem: "\(operation) needs a parenthesised list in \"\(term)\"")
            }
            var values = Set<String>()
            for item in list.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
                values.insert(try value(item))
            }
            let name = try key(term[..<range.lowerBound])
            return isIn ? .isIn(name, values) : .notIn(name, values)
        }
        if term.hasPrefix("!") { return .doesNotExist(try key(term.dropFirst())) }
        return .exists(try key(term))
    }

    private static func isLabelCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_./".contains(character))
    }

    private static func trim(_ text: Substring) -> Substring {
        var result = text
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
