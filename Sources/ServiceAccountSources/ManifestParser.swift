import JSONCore
import Yams

/// Splits a manifest file into documents (`---` separated) and reads each as JSON (when it starts
/// with `{`, keeping numbers' text and key order exactly) or as YAML.
public enum ManifestParser {
    /// YAML nesting deeper than this is rejected, like JSON's depth limit.
    static let maxDepth = JSON.defaultMaxDepth

    public static func parse(_ text: String, source: String) throws(ManifestError) -> [ManifestDocument] {
        var documents: [ManifestDocument] = []
        for chunk in split(text) where !isBlank(chunk.text) {
            let index = documents.count + 1
            let where_ = "document \(index) (line \(chunk.line))"
            let value: JSONValue
            if chunk.text.first(where: { !$0.isWhitespace }) == "{" {
                do {
                    value = try JSON.parse(chunk.text)
                } catch {
                    throw ManifestError(source: source, document: where_,
                                        reason: "invalid JSON: \(error.reason) at line \(chunk.line + error.line - 1), column \(error.column)")
                }
            } else {
                value = try yamlDocument(chunk.text, source: source, document: where_, firstLine: chunk.line)
            }
            if !value.isNull { documents.append(ManifestDocument(index: index, line: chunk.line, value: value)) }
        }
        return documents
    }

    /// Documents start after a line that begins with `---` (YAML's document marker, always at column 0).
    private static func split(_ text: String) -> [(line: Int, text: String)] {
        var chunks: [(line: Int, text: String)] = []
        var current: [Substring] = [], start = 1, lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.hasPrefix("---"), line.count == 3 || line.dropFirst(3).first == " " || line.dropFirst(3).first == "\t"
                || line.dropFirst(3).first == "\r" {
                chunks.append((start, current.joined(separator: "\n")))
                current = [line.dropFirst(3)]
                start = lineNumber
            } else {
                current.append(line)
            }
        }
        chunks.append((start, current.joined(separator: "\n")))
        return chunks
    }

    private static func isBlank(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { line in
            let trimmed = line.drop { $0.isWhitespace }
            return trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed == "..."
        }
    }

    private static func yamlDocument(_ text: String, source: String, document: String, firstLine: Int) throws(ManifestError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ManifestError(source: source, document: document, reason: "invalid YAML: \(error)")
        }
        guard let node else { return .null }
        do {
            return try convert(node, depth: 0)
        } catch {
            let line = error.line.map { " at line \(firstLine + $0 - 1)" } ?? ""
            throw ManifestError(source: source, document: document, reason: error.reason + line)
        }
    }

    struct ConversionError: Error {
        let reason: String
        let line: Int?
    }

    /// YAML node -> JSON value, resolving scalars as Kubernetes' YAML reader does (YAML 1.1 core types).
    private static func convert(_ node: Node, depth: Int) throws(ConversionError) -> JSONValue {
        guard depth < maxDepth else { throw ConversionError(reason: "nested deeper than \(maxDepth) levels", line: node.mark?.line) }
        switch node {
        case .scalar(let scalar):
            return try convert(scalar, tag: node.tag.rawValue, line: node.mark?.line)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConversionError(reason: "mapping keys must be scalars", line: key.mark?.line)
                }
                object[keyScalar.string] = try convert(value, depth: depth + 1)
            }
            return .object(object)
        case .alias:
            throw ConversionError(reason: "YAML aliases are not supported", line: node.mark?.line)
        }
    }

    /// `tag` is the resolved tag (the scalar's own is empty for plain scalars).
    private static func convert(_ scalar: Node.Scalar, tag: String, line: Int?) throws(ConversionError) -> JSONValue {
        let text = scalar.string
        switch tag {
        case Tag.Name.null.rawValue:
            return .null
        case Tag.Name.bool.rawValue:
            if let flag = Bool.construct(from: scalar) { return .bool(flag) }
        case Tag.Name.int.rawValue:
            if let number = jsonNumber(text) { return .number(number) }
            if let number = Int.construct(from: scalar) { return .number(JSONNumber(number)) }
        case Tag.Name.float.rawValue:
            if let number = jsonNumber(text) { return .number(number) }
            if let number = Double.construct(from: scalar) {
                guard number.isFinite else { throw ConversionError(reason: "\(text) cannot be represented in JSON", line: line) }
                return .number(JSONNumber(unchecked: "\(number)"))
            }
        default:
            break
        }
        return .string(text)
    }

    /// The scalar's text when it already is a JSON number, so `1.50` stays `1.50`.
    private static func jsonNumber(_ text: String) -> JSONNumber? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
              case .number(let number)? = try? JSON.parse(text) else { return nil }
        return number
    }
}
