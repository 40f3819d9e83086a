/// JSON text made once and written many times (a settings value as a quoted string, a fixed array item):
/// writing it is one copy, without escaping or formatting again.
public struct JSONFragment: Sendable, Equatable {
    public let bytes: [UInt8]

    /// The text `write` produces.
    public init(_ write: (inout JSONByteWriter) -> Void) {
        var writer = JSONByteWriter(capacity: 64)
        write(&writer)
        bytes = writer.bytes
    }

    /// `text` as a JSON string literal, quotes included.
    public init(string text: String) {
        self.init { $0.string(text) }
    }
}

extension JSONByteWriter {
    @inlinable
    public mutating func raw(_ fragment: JSONFragment) {
        fragment.bytes.withUnsafeBufferPointer { bytes in
            if let base = bytes.baseAddress { append(base, count: bytes.count) }
        }
    }
}
