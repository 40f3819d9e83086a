/// A JSON Patch built straight as bytes: the admission hot path writes its operations without building
/// value trees, and sends `bytes` as they are. `operations` reads them back for the CLI and tests.
public struct JSONPatchDocument: Sendable, Equatable {
    /// The compact JSON array so far, closing bracket included; nil until the first operation, so the empty
    /// document of every pod that needs no change costs no allocation.
    @usableFromInline var writer: JSONByteWriter?
    @usableFromInline var operationCount: Int

    public var count: Int { operationCount }

    public init() {
        operationCount = 0
        writer = nil
    }

    /// The compact JSON array, `[]` when empty.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let writer { return try writer.withBytes(body) }
        let empty: StaticString = "[]"
        return try body(UnsafeBufferPointer(start: empty.utf8Start, count: empty.utf8CodeUnitCount))
    }

    public var isEmpty: Bool { count == 0 }

    /// Appends `{"op":"add","path":P,"value":V}`. `path` writes the JSON Pointer's characters (already
    /// escaped for a JSON string: literals and integers), `value` writes exactly one JSON value.
    @inlinable
    public mutating func add(path: (inout JSONByteWriter) -> Void, value: (inout JSONByteWriter) -> Void) {
        if var writer = writer.take() {
            writer.removeLast()  // the closing bracket
            writer.raw(#",{"op":"add","path":""#)
            write(&writer, path: path, value: value)
        } else {
            var writer = JSONByteWriter(capacity: 2048)
            writer.raw(#"[{"op":"add","path":""#)
            write(&writer, path: path, value: value)
        }
        operationCount += 1
    }

    @inlinable
    mutating func write(_ writer: inout JSONByteWriter, path: (inout JSONByteWriter) -> Void, value: (inout JSONByteWriter) -> Void) {
        path(&writer)
        writer.raw(#"","value":"#)
        value(&writer)
        writer.raw("}]")
        self.writer = writer
    }

    public static func == (lhs: JSONPatchDocument, rhs: JSONPatchDocument) -> Bool {
        lhs.operationCount == rhs.operationCount && lhs.withBytes { left in rhs.withBytes { right in left.elementsEqual(right) } }
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

