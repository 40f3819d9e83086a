import Glibc

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

    /// Byte-for-byte equality with a literal.
    @inline(__always)
    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount
            && (bytes.isEmpty || memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0)
    }

    /// A literal's bytes, copied at once (appending a `String` literal's UTF-8 view goes byte by byte).
    @inline(__always)
    static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A non-negative integer's decimal digits, appended without building a `String`.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        withDecimal(value) { out.append(contentsOf: $0) }
    }

    /// A non-negative integer's decimal digits (at most 20), given to `body` from a buffer on the stack.
    static func withDecimal(_ value: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var remaining = UInt(max(0, value))
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            } while remaining > 0
            body(UnsafeRawBufferPointer(rebasing: buffer[index...]).bindMemory(to: UInt8.self))
        }
    }
}
