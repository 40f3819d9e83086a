/// Which parts of a document to build as values. Everything else is still fully validated
/// (RFC 8259, UTF-8) but skipped without allocating: an admission request carries a whole Pod,
/// and the webhook reads a few dozen of its fields.
public struct JSONSelection: Sendable {
    /// nil: build everything. Otherwise the members to build, keyed by their UTF-8 bytes so that a
    /// member can be recognized (or skipped) before its key is turned into a `String`.
    let wanted: [(key: [UInt8], selection: JSONSelection)]?

    /// Build the value and everything under it.
    public static let all = JSONSelection(wanted: nil)

    /// For an object: build only these members (each with its own selection); other members are
    /// validated and left out. For an array: applies to each element. Scalars are always built.
    public static func members(_ members: [String: JSONSelection]) -> JSONSelection {
        JSONSelection(wanted: members.map { (key: Array($0.key.utf8), selection: $0.value) })
    }

    /// The selection for a member whose key is `key` (raw UTF-8, no escapes), nil when it is not wanted.
    func selection(forKey key: UnsafeBufferPointer<UInt8>) -> JSONSelection? {
        guard let wanted else { return .all }
        for entry in wanted where entry.key.count == key.count {
            if entry.key.withUnsafeBufferPointer({ $0.elementsEqual(key) }) { return entry.selection }
        }
        return nil
    }
}

extension JSON {
    /// Parses one complete JSON text, building only the selected parts (see `JSONSelection`).
    /// Validation is the same as `parse(_:)`: an invalid document is rejected wherever the error is.
    public static func parse(_ bytes: [UInt8], selecting selection: JSONSelection,
                             maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            var parser = JSONParser(buffer: buffer, maxDepth: maxDepth)
            return try parser.parseDocument(selecting: selection)
        }
    }
}
