/// Validating without building: what a `JSONReader` skips is checked as strictly as what it reads.
extension JSONParser {
    mutating func skipValue() throws(JSONParseError) {
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
            if peek() == UInt8(ascii: "\"") { try skipString() } else { try skipValue() }
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
