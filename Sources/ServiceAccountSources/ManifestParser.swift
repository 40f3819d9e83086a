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
    /// Scans bytes, not Characters: files with 100k ServiceAccounts must load in well under a second.
    private static func split(_ text: String) -> [(line: Int, text: String)] {
        var text = text
        return text.withUTF8 { bytes in
            var chunks: [(line: Int, text: String)] = []
            var chunkStart = 0, chunkLine = 1, lineStart = 0, lineNumber = 1
            while lineStart <= bytes.count {
                let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
                if isDocumentMarker(UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])) {
                    // The previous document ends before the newline that precedes the marker.
                    chunks.append((chunkLine, String(decoding: bytes[chunkStart..<max(chunkStart, lineStart - 1)], as: UTF8.self)))
                    chunkStart = lineStart + 3
                    chunkLine = lineNumber
                }
                lineStart = lineEnd + 1
                lineNumber += 1
            }
            chunks.append((chunkLine, String(decoding: bytes[min(chunkStart, bytes.count)...], as: UTF8.self)))
            return chunks
        }
    }

    private static func isDocumentMarker(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        guard line.count >= 3, line[0] == UInt8(ascii: "-"), line[1] == UInt8(ascii: "-"), line[2] == UInt8(ascii: "-") else {
            return false
        }
        return line.count == 3 || line[3] == 0x20 || line[3] == 0x09 || line[3] == 0x0D
    }

    /// True when every line is empty, a comment or `...`; stops at the first line with content.
    private static func isBlank(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.count
                var first = index
                while first < lineEnd, bytes[first] == 0x20 || bytes[first] == 0x09 || bytes[first] == 0x0D { first += 1 }
                let rest = bytes[first..<lineEnd]
                let isEnd = rest.count >= 3 && rest.prefix(3).allSatisfy { $0 == UInt8(ascii: ".") }
                    && rest.dropFirst(3).allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
                if !(rest.isEmpty || rest.first == UInt8(ascii: "#") || isEnd) { return false }
                index = lineEnd + 1
            }
            return true
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
