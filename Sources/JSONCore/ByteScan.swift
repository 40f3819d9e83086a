/// Finding the bytes a JSON string scanner must look at, eight bytes at a time (SWAR), or sixteen (SIMD).
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

    /// The same, sixteen bytes at a time while sixteen remain, for the one-loop skipper (long strings, values
    /// nobody reads). Not used by the readers' inlined fast paths: they scan short keys and names, where one
    /// word usually suffices, and the larger body changes what the compiler inlines into the decoders.
    @inlinable @inline(__always)
    static func firstSpecialByteWide(base: UnsafePointer<UInt8>, count: Int, from index: Int, stopAtNonASCII: Bool) -> Int {
        // Wrapping arithmetic: `index <= count` and a buffer's count is far below `Int.max - 16`.
        var offset = index
        // `offset + 16 <= count`: the load stays in the buffer. SIMD16 compiles to SSE2/NEON compares:
        // 16 instructions per 16 bytes against 15 per 8 for the words of `firstSpecialByte`.
        while offset &+ 16 <= count {
            let lanes = UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD16<Int8>.self)
            let found = specialLanes(lanes, stopAtNonASCII: stopAtNonASCII)
            if found[0] | found[1] != 0 {
                return found[0] != 0 ? offset &+ found[0].trailingZeroBitCount &>> 3
                    : offset &+ 8 &+ found[1].trailingZeroBitCount &>> 3
            }
            offset &+= 16
        }
        return firstSpecialByte(base: base, count: count, from: offset, stopAtNonASCII: stopAtNonASCII)  // the last 15
    }

    /// Whether any of the `count` bytes at `base` is `"`, `\` or a control character (bytes above 0x7F are not):
    /// the writers' question for a string, which usually needs no escape. Sixteen bytes at a time, then the
    /// last (up to fifteen) by at most two words, the last one overlapping bytes already seen, instead of a
    /// loop over each byte; strings under eight bytes byte by byte.
    @inlinable @inline(__always)
    static func hasSpecialByte(base: UnsafePointer<UInt8>, count: Int) -> Bool {
        // Wrapping arithmetic: a buffer's count is far below `Int.max - 16`.
        var offset = 0
        while offset &+ 16 <= count {
            let found = specialLanes(UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD16<Int8>.self), stopAtNonASCII: false)
            if found[0] | found[1] != 0 { return true }
            offset &+= 16
        }
        guard count >= 8 else {
            while offset < count {
                let byte = base[offset]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
                offset &+= 1
            }
            return false
        }
        // A mask is non-zero exactly when the word has a special byte (borrows only mark bytes above one).
        var marks: UInt64 = 0
        if count &- offset > 8 { marks = specialMask(UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self), stopAtNonASCII: false) }
        if count > offset {
            marks |= specialMask(UnsafeRawPointer(base + (count &- 8)).loadUnaligned(as: UInt64.self), stopAtNonASCII: false)
        }
        return marks != 0
    }

    /// The bytes of `lanes` that are `"`, `\`, below 0x20 or (optionally) above 0x7F, as all ones, the others
    /// zero; seen as two little-endian words, so a trailing zero count finds the first. Vector-to-vector
    /// compares only: the `.== scalar` forms are not vectorized.
    @inlinable @inline(__always)
    static func specialLanes(_ lanes: SIMD16<Int8>, stopAtNonASCII: Bool) -> SIMD2<UInt64> {
        // Typed constants: with `SIMD16(repeating:)` inline the compare resolves to the generic, lane-by-lane one.
        let space = SIMD16<Int8>(repeating: 0x20), zero = SIMD16<Int8>(repeating: 0)
        let quote = SIMD16<Int8>(repeating: 0x22), backslash = SIMD16<Int8>(repeating: 0x5C)
        // Signed lanes: bytes from 0x80 are negative, so `< 0x20` also takes them; `>= 0` leaves them out.
        let below20 = lanes .< space
        let controlOrHigh = stopAtNonASCII ? below20 : below20 .& (lanes .>= zero)
        let special = controlOrHigh .| (lanes .== quote) .| (lanes .== backslash)
        return unsafeBitCast(special, to: SIMD2<UInt64>.self)  // a mask is its lanes (0 or -1), 16 bytes
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
