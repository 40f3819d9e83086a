/// Finding the bytes a JSON string scanner must look at, eight bytes at a time (SWAR: no SIMD needed).
/// Strings are most of an AdmissionReview, so this is the hottest loop of both reading and writing.
/// Inlinable: `JSONReader.readObject` scans keys in its callers' loops.
@usableFromInline
enum ByteScan {
    /// Literals rather than stored constants: inlined into other modules, a static would be reached by a call.
    @usableFromInline static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @usableFromInline static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    /// The index of the first byte in `bytes[from...]` that is `"`, `\`, a control character, or (when
    /// `stopAtNonASCII`) above 0x7F; `bytes.count` when there is none.
    @inlinable @inline(__always)
    static func firstSpecialByte(in bytes: UnsafeBufferPointer<UInt8>, from index: Int, stopAtNonASCII: Bool) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        return firstSpecialByte(base: base, count: bytes.count, from: index, stopAtNonASCII: stopAtNonASCII)
    }

    /// The same over `count` bytes at `base`, for loops that hold the base address already.
    @inlinable @inline(__always)
    static func firstSpecialByte(base: UnsafePointer<UInt8>, count: Int, from index: Int, stopAtNonASCII: Bool) -> Int {
        // Wrapping arithmetic: `index <= count` and a buffer's count is far below `Int.max - 8`.
        var offset = index
        while offset &+ 8 <= count {
            let mask = specialMask(UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self), stopAtNonASCII: stopAtNonASCII)
            if mask != 0 { return offset &+ mask.trailingZeroBitCount &>> 3 }
            offset &+= 8
        }
        while offset < count {
            let byte = base[offset]
            if byte < 0x20 || (stopAtNonASCII && byte >= 0x80) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return offset
            }
            offset &+= 1
        }
        return count
    }

    /// The high bit of each byte of `word` (little-endian) that is `"`, `\`, below 0x20 or (optionally)
    /// above 0x7F, by the classic "has zero byte" tricks. A byte above a marked one may be marked wrongly
    /// (borrows), never the lowest, so the trailing zero count finds the first special byte exactly.
    @inlinable @inline(__always)
    static func specialMask(_ word: UInt64, stopAtNonASCII: Bool) -> UInt64 {
        func zeroBytes(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highBits }
        let quote = zeroBytes(word ^ (ones &* 0x22))
        let backslash = zeroBytes(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & highBits
        return quote | backslash | control | (stopAtNonASCII ? word & highBits : 0)
    }
}
