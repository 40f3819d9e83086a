/// Validating without building: what a `JSONReader` skips is checked as strictly as what it reads.
/// Two skippers: `skipValidValue`, one loop without recursion or calls, accepts only valid JSON and gives up
/// (false) at anything else; then `skipValueReportingErrors`, the recursive one, goes over the same value again
/// and throws the error with its message and offset. Invalid input is rare: it may pay twice.
extension JSONParser {
    @inline(__always)
    mutating func skipValue() throws(JSONParseError) {
        if skipValidValue() { return }
        try skipValueReportingErrors()
    }

    @inline(never)
    private mutating func skipValueReportingErrors() throws(JSONParseError) {
        guard let byte = peek() else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): try skipContainer(open: UInt8(ascii: "{"))
        case UInt8(ascii: "["): try skipContainer(open: UInt8(ascii: "["))
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectLiteral("true")
        case UInt8(ascii: "f"): try expectLiteral("false")
        case UInt8(ascii: "n"): try expectLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
        default: throw error("invalid character \(describe(byte)), expected a value")
        }
    }

    private mutating func skipContainer(open: UInt8) throws(JSONParseError) {
        let isObject = open == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        guard try openContainer(closedBy: close) else { return }
        while true {
            skipWhitespace()
            if isObject {
                guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key in object") }
                try skipString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
                position += 1
                skipWhitespace()
            }
            // Strings are most of what is skipped: no detour through skipValue for them.
            if peek() == UInt8(ascii: "\"") { try skipString() } else { try skipValueReportingErrors() }
            let more = try continueContainer(
                closedBy: close,
                misplaced: isObject ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element")
            if !more { return }
        }
    }

    /// Checks a string's escapes, control characters and UTF-8 without decoding it.
    private mutating func skipString() throws(JSONParseError) {
        let openQuote = position
        position += 1
        while true {
            position = firstByteNeedingAttention(from: position)
            guard position < bytes.count else { break }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                position += 1
                guard let escape = peek() else { break }
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    position += 1
                    _ = try parseHex4()
                default:
                    throw error("invalid escape '\\\(describe(escape))' in string")
                }
            case ..<0x20:
                throw error("invalid control character \(describe(byte)) in string")
            default:
                guard let length = UTF8Validation.sequenceLength(bytes, at: position) else {
                    throw error("invalid UTF-8 in string")
                }
                position += length
            }
        }
        position = openQuote
        throw error("unterminated string")
    }
}

extension JSONParser {
    /// The index of the first byte at or after `index` that is `"`, `\`, a control character or not ASCII
    /// (`bytes.count` when none is).
    @inline(__always)
    func firstByteNeedingAttention(from index: Int) -> Int {
        ByteScan.firstSpecialByte(in: bytes, from: index, stopAtNonASCII: true)
    }
}

/// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Validation {
    /// The length of the valid multi-byte sequence starting at `index`, or nil.
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF  // allowed range of the second byte
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        let second = bytes[index + 1]
        guard second >= lower && second <= upper else { return nil }
        for offset in 2..<max(2, length) where bytes[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }
}

extension JSONParser {
    /// Moves past the value at `position` when it is valid JSON within the depth limit and returns true;
    /// otherwise returns false with `position` unchanged (the caller lets the strict skipper say why).
    @inline(__always)
    mutating func skipValidValue() -> Bool {
        guard position < bytes.count else { return false }  // the skipper needs a byte (and so a base address)
        var skipper = ValidValueSkipper(bytes: bytes, index: position)
        guard skipper.skipValue(levelLimit: min(64, maxDepth - depth)) else { return false }
        position = skipper.index
        return true
    }
}

/// One loop with the container stack in a bit set: the per-token cost of recursion, calls and error plumbing
/// is what skipping a Pod's many small objects (probes, ports, resources, managedFields) spends most on.
/// Accepts exactly what `skipValueReportingErrors` accepts, except containers nested more than 64 levels
/// inside the skipped value, which it leaves to it. A struct, not local functions: captured locals would be
/// boxed and their every access checked at run time.
private struct ValidValueSkipper {
    let bytes: UnsafeBufferPointer<UInt8>
    /// `bytes.baseAddress`: the skipper starts at a byte, so the buffer is not empty.
    private let base: UnsafePointer<UInt8>
    var index: Int

    init(bytes: UnsafeBufferPointer<UInt8>, index: Int) {
        self.bytes = bytes
        self.base = bytes.baseAddress.unsafelyUnwrapped
        self.index = index
    }

    // Every `at(index)` below follows a check that `index < bytes.count`: unchecked access is safe.
    @inline(__always) private func at(_ offset: Int) -> UInt8 { base[offset] }

    @inline(__always) private var atEnd: Bool { index >= bytes.count }

    @inline(__always) private mutating func skipWhitespace() {
        while index < bytes.count {
            switch at(index) {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The index past the rest of a string (from `start`, any byte after its opening quote) when it is valid,
    /// nil otherwise. Non-mutating, the index passed and returned in registers: a `mutating` call would keep
    /// the skipper in memory, and every token of `skipValue` would load and store its index.
    @inline(never) private func endOfStringContent(from start: Int) -> Int? {
        var index = start
        while true {
            index = ByteScan.firstSpecialByteWide(base: base, count: bytes.count, from: index, stopAtNonASCII: true)
            guard index < bytes.count else { return nil }
            switch at(index) {
            case UInt8(ascii: "\""):
                return index + 1
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                switch at(index + 1) {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 2
                case UInt8(ascii: "u"):
                    guard index + 6 <= bytes.count else { return nil }
                    for offset in 2..<6 where !at(index + offset).isHexDigit { return nil }
                    index += 6
                default:
                    return nil
                }
            case ..<0x20:
                return nil
            default:
                guard let length = UTF8Validation.sequenceLength(bytes, at: index) else { return nil }
                index += length
            }
        }
    }

    @inline(__always) private var atDigit: Bool { !atEnd && at(index) &- UInt8(ascii: "0") < 10 }

    @inline(__always) private mutating func skipDigits() {
        while atDigit { index += 1 }
    }

    /// The grammar of RFC 8259, as `JSONParser.scanNumber`.
    @inline(__always) private mutating func skipNumber() -> Bool {
        if at(index) == UInt8(ascii: "-") { index += 1 }
        guard atDigit else { return false }
        if at(index) == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if !atEnd, at(index) == UInt8(ascii: ".") {
            index += 1
            guard atDigit else { return false }
            skipDigits()
        }
        if !atEnd, at(index) | 0x20 == UInt8(ascii: "e") {
            index += 1
            if !atEnd, at(index) == UInt8(ascii: "+") || at(index) == UInt8(ascii: "-") { index += 1 }
            guard atDigit else { return false }
            skipDigits()
        }
        return true
    }

    @inline(__always) private mutating func skipLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where at(index + offset) != literal.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// Inlined into `skipValidValue`, so the skipper is a local whose index lives in a register.
    @inline(__always)
    mutating func skipValue(levelLimit: Int) -> Bool {
        // Bit n set: the container at level n + 1 (counted from the skipped value) is an object.
        var objects: UInt64 = 0
        var level = 0
        // At a member's key rather than a value. Keys and string values share the one string loop below.
        var atKey = false
        token: while true {
            guard !atEnd else { return false }
            switch at(index) {
            case UInt8(ascii: "\""):
                // Most strings are plain ASCII: one scan to the closing quote, inline.
                index = ByteScan.firstSpecialByteWide(base: base, count: bytes.count, from: index + 1, stopAtNonASCII: true)
                if !atEnd, at(index) == UInt8(ascii: "\"") {
                    index += 1
                } else {
                    guard let end = endOfStringContent(from: index) else { return false }
                    index = end
                }
                if atKey {
                    if atEnd || at(index) != UInt8(ascii: ":") { skipWhitespace() }
                    guard !atEnd, at(index) == UInt8(ascii: ":") else { return false }
                    index += 1
                    atKey = false
                    continue token
                }
            // Whitespace is rare in what the API server sends: tested for where a token was expected, not before.
            case 0x20, 0x09, 0x0A, 0x0D:
                skipWhitespace()
                continue token
            case _ where atKey:
                return false
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard level < levelLimit else { return false }
                let isObject = at(index) == UInt8(ascii: "{")
                index += 1
                skipWhitespace()
                guard !atEnd else { return false }
                if at(index) == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    index += 1  // empty: a complete value at the current level
                } else {
                    if isObject { objects |= 1 &<< level } else { objects &= ~(1 &<< level) }  // level < 64: no overshift
                    level += 1
                    atKey = isObject
                    continue token
                }
            case UInt8(ascii: "t"): guard skipLiteral("true") else { return false }
            case UInt8(ascii: "f"): guard skipLiteral("false") else { return false }
            case UInt8(ascii: "n"): guard skipLiteral("null") else { return false }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard skipNumber() else { return false }
            default:
                return false
            }
            // A value ended: a comma and the next member or element, or the end of containers.
            while level > 0 {
                guard !atEnd else { return false }
                let isObject = objects & (1 &<< (level - 1)) != 0
                switch at(index) {
                case UInt8(ascii: ","):
                    index += 1
                    atKey = isObject
                    continue token
                case isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"):
                    index += 1
                    level -= 1
                case 0x20, 0x09, 0x0A, 0x0D:
                    skipWhitespace()
                default:
                    return false
                }
            }
            return true
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        self &- UInt8(ascii: "0") < 10 || (self | 0x20) &- UInt8(ascii: "a") < 6
    }
}
