/// Byte-level helpers for HTTP's ASCII syntax (field names, tokens, optional whitespace), shared by the
/// request parser and `HTTPHeaders`: they run per request, so they never build `String`s.
enum ASCII {
    /// Without leading and trailing spaces and tabs (RFC 9110 optional whitespace).
    static func trimmed<Bytes: BidirectionalCollection<UInt8>>(_ bytes: Bytes) -> Bytes.SubSequence {
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            bytes.formIndex(after: &start)
        }
        while end > start {
            let last = bytes.index(before: end)
            guard bytes[last] == UInt8(ascii: " ") || bytes[last] == UInt8(ascii: "\t") else { break }
            end = last
        }
        return bytes[start..<end]
    }

    /// Case-insensitive comparison with a lower-case literal: letters differ by 0x20, other bytes must match.
    static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        var wanted = lowercase.utf8Start
        for byte in bytes {
            guard byte == wanted.pointee
                || (wanted.pointee >= UInt8(ascii: "a") && wanted.pointee <= UInt8(ascii: "z") && byte | 0x20 == wanted.pointee)
            else { return false }
            wanted += 1
        }
        return true
    }
}
