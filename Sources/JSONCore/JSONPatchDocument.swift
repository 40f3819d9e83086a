/// A JSON Patch built straight as bytes: the admission hot path writes its operations without building
/// value trees, and sends `bytes` as they are. `operations` reads them back for the CLI and tests.
public struct JSONPatchDocument: Sendable, Equatable {
    /// The compact JSON array, `[]` when empty.
    public private(set) var bytes: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "]")]
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// Appends `{"op":"add","path":P,"value":V}`. `path` writes the JSON Pointer's characters (already
    /// escaped for a JSON string: literals and integers), `value` writes exactly one JSON value.
    public mutating func add(path: (inout JSONByteWriter) -> Void, value: (inout JSONByteWriter) -> Void) {
        var writer = JSONByteWriter(bytes: [])
        swap(&writer.bytes, &bytes)  // no copy of what is written so far
        writer.bytes.removeLast()
        if count > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        writer.raw(#"{"op":"add","path":""#)
        path(&writer)
        writer.raw(#"","value":"#)
        value(&writer)
        writer.raw("}]")
        swap(&writer.bytes, &bytes)
        count += 1
    }

    /// The operations, parsed back from the bytes (never fails for documents built with `add`).
    public var operations: [JSONPatchOperation] {
        do {
            return try JSONPatch.parse(JSON.parse(bytes))
        } catch {
            preconditionFailure("a JSONPatchDocument holds invalid JSON Patch: \(error)")
        }
    }
}

/// Compact JSON written piece by piece. `raw` takes literal JSON text the caller vouches for; strings and
/// numbers from data go through `string` and `integer`, which escape and format them.
public struct JSONByteWriter {
    public var bytes: [UInt8]

    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    @inline(__always)
    public mutating func raw(_ literal: StaticString) {
        JSON.appendLiteral(literal, to: &bytes)
    }

    /// A JSON string literal, quotes included, escaped for any content.
    public mutating func string(_ text: String) {
        JSON.writeString(text, into: &bytes)
    }

    public mutating func integer(_ value: some BinaryInteger) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude)
    }

    private mutating func appendDigits<Magnitude: BinaryInteger>(_ value: Magnitude) {
        if value >= 10 { appendDigits(value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
    }
}
