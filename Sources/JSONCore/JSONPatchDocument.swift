/// A JSON Patch built straight as bytes: the admission hot path writes its operations without building
/// value trees, and sends `bytes` as they are. `operations` reads them back for the CLI and tests.
public struct JSONPatchDocument: Sendable, Equatable {
    /// The compact JSON array so far, closing bracket included.
    @usableFromInline var writer: JSONByteWriter
    @usableFromInline var operationCount: Int

    public var count: Int { operationCount }

    public init() {
        operationCount = 0
        writer = JSONByteWriter(capacity: 2048)
        writer.raw("[]")
    }

    /// The compact JSON array, `[]` when empty.
    public var bytes: [UInt8] { writer.bytes }

    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try writer.withBytes(body)
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends `{"op":"add","path":P,"value":V}`. `path` writes the JSON Pointer's characters (already
    /// escaped for a JSON string: literals and integers), `value` writes exactly one JSON value.
    @inlinable
    public mutating func add(path: (inout JSONByteWriter) -> Void, value: (inout JSONByteWriter) -> Void) {
        writer.removeLast()  // the closing bracket
        if operationCount > 0 { writer.raw(byte: UInt8(ascii: ",")) }
        writer.raw(#"{"op":"add","path":""#)
        path(&writer)
        writer.raw(#"","value":"#)
        value(&writer)
        writer.raw("}]")
        operationCount += 1
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

