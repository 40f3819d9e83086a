/// Why a document is not valid JSON, and where.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let line: Int
    public let column: Int
    public let reason: String

    public var description: String { "\(reason) at line \(line), column \(column) (byte \(offset))" }
}

public enum JSON {
    /// Documents nested deeper than this are rejected: recursion must stay bounded on hostile input.
    public static let defaultMaxDepth = 128

    /// Parses one complete JSON text (RFC 8259): exactly one value, surrounded only by whitespace.
    /// Strings must be valid UTF-8; escapes and surrogate pairs are decoded (a lone surrogate becomes
    /// U+FFFD, as Go's encoding/json and so the API server do).
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            try parse(buffer, maxDepth: maxDepth)
        }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(buffer: buffer, maxDepth: maxDepth)
        return try parser.parseDocument()
    }
}

/// A recursive-descent parser over raw bytes. Depth is bounded, so recursion is too.
@usableFromInline
struct JSONParser {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    @usableFromInline var position = 0
    @usableFromInline var depth = 0

    init(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = buffer
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < bytes.count { throw error("unexpected data after the JSON value") }
        return value
    }

    // MARK: Values

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("invalid character \(describe(bytes[position])), expected a value")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(8)  // most Kubernetes objects are small: one allocation instead of four
        guard try openContainer(closedBy: UInt8(ascii: "}")) else { return .object(JSONObject(members)) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key in object") }
            let key = try parseString()
            try expectColon(afterKey: key)
            members.append((key, try parseValue()))
            let more = try continueContainer(closedBy: UInt8(ascii: "}"),
                                             misplaced: "expected ',' or '}' after object member \"\(key)\"")
            if !more { return .object(JSONObject(members)) }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        var elements: [JSONValue] = []
        elements.reserveCapacity(4)
        guard try openContainer(closedBy: UInt8(ascii: "]")) else { return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            let more = try continueContainer(closedBy: UInt8(ascii: "]"), misplaced: "expected ',' or ']' after array element")
            if !more { return .array(elements) }
        }
    }

    /// Moves past `:` (and the whitespace around it) after an object key; the key names the error.
    @inline(__always)
    mutating func expectColon(afterKey key: @autoclosure () -> String) throws(JSONParseError) {
        if position < bytes.count && bytes[position] == UInt8(ascii: ":") {
            position += 1  // the compact form the API server sends
        } else {
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after object key \"\(key())\"") }
            position += 1
        }
        skipWhitespace()
    }

    @inline(__always)
    mutating func expectColon(afterKey key: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        try expectColon(afterKey: String(decoding: key, as: UTF8.self))
    }

    /// At an opening quote: if the string is printable ASCII without escapes, moves past it and returns
    /// the span of its content; otherwise leaves the position unchanged and returns nil.
    @inline(__always)
    mutating func scanPlainString() -> Range<Int>? {
        let start = position + 1
        let end = firstByteNeedingAttention(from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return start..<end
    }

    @inline(__always)
    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw error("document nested deeper than \(maxDepth) levels") }
    }

    // The frame of the object/array loop, shared by parsing, skipping and the reader: open the container,
    // then after each member or element either a comma (another follows) or the closing byte.
    // Inlined: this is the innermost loop of every admission review.

    /// Enters the container whose opening byte is at `position`; false when it is empty (and already closed).
    @inline(__always)
    mutating func openContainer(closedBy close: UInt8) throws(JSONParseError) -> Bool {
        try enterContainer()
        position += 1
        skipWhitespace()
        guard peek() == close else { return true }
        position += 1
        depth -= 1
        return false
    }

    /// After a member or element: true when a comma says another follows, false when `close` ended the container.
    @inline(__always)
    mutating func continueContainer(closedBy close: UInt8, misplaced: @autoclosure () -> String) throws(JSONParseError) -> Bool {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: ","):
            position += 1
            return true
        case close?:
            position += 1
            depth -= 1
            return false
        case nil:
            throw error(close == UInt8(ascii: "}") ? "unexpected end of input in object" : "unexpected end of input in array")
        default:
            throw error(misplaced())
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("invalid literal, expected '\(literal)'") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw error("invalid literal, expected '\(literal)'") }
        position += count
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        try scanNumber()
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        return JSONNumber(unchecked: text)
    }

    /// Moves past a number, checking its grammar (RFC 8259) without building anything.
    mutating func scanNumber() throws(JSONParseError) {
        if peek() == UInt8(ascii: "-") { position += 1 }
        switch peek() ?? 0 {
        case UInt8(ascii: "0"): position += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"): skipDigits()
        default: throw error("invalid number: expected a digit")
        }
        if peek() == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek(), isDigit(digit) else { throw error("invalid number: expected a digit after '.'") }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek(), isDigit(digit) else { throw error("invalid number: expected a digit in the exponent") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: Strings

    mutating func parseString() throws(JSONParseError) -> String {
        let openQuote = position
        let start = position + 1
        // Fastest path: printable ASCII up to the closing quote.
        let end = firstByteNeedingAttention(from: start)
        if end < bytes.count && bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            return String(copying: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
        position = end
        // Fast path: no escapes. Control characters are invalid inside strings.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try makeString(raw, at: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("invalid control character \(describe(byte)) in string") }
            position += 1
        }
        if position >= bytes.count {
            position = openQuote
            throw error("unterminated string")
        }
        return try parseEscapedString(from: start)
    }

    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(position - start + 16)
        decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try decoded.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> String in
                    try makeString(buffer, at: start)
                }
            case UInt8(ascii: "\\"):
                position += 1
                guard let escape = peek() else { break }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): decoded.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): decoded.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): decoded.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"): appendUTF8(try parseUnicodeEscape(), to: &decoded)
                default:
                    position -= 1
                    throw error("invalid escape '\\\(describe(escape))' in string")
                }
            default:
                if byte < 0x20 { throw error("invalid control character \(describe(byte)) in string") }
                decoded.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    /// Reads the XXXX of `\uXXXX` (and a following low surrogate escape when this is a high one).
    private mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = try parseHex4()
        switch first {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed by `\u` + a low surrogate; otherwise it is replaced.
            if position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                let saved = position
                position += 2
                let second = try parseHex4()
                if (0xDC00...0xDFFF).contains(second) {
                    let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    return Unicode.Scalar(combined)!
                }
                position = saved
            }
            return "\u{FFFD}"
        case 0xDC00...0xDFFF:
            return "\u{FFFD}"
        default:
            return Unicode.Scalar(first)!
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("invalid \\u escape: expected 4 hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape: \(describe(byte)) is not a hex digit")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        UTF8.encode(scalar) { output.append($0) }
    }

    private func makeString(_ raw: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONParseError) -> String {
        // ASCII needs no validation; anything else must be well-formed UTF-8.
        var ascii = true
        for byte in raw where byte >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(copying: raw) }
        guard let string = String(validating: raw, as: UTF8.self) else {
            throw JSONParseError.at(start, in: bytes, reason: "invalid UTF-8 in string")
        }
        return string
    }

    // MARK: Helpers

    @inline(__always)
    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    @inlinable @inline(__always)
    mutating func skipWhitespace() {
        // Compact JSON (what the API server sends) has none: one comparison.
        if position < bytes.count && bytes[position] > 0x20 { return }
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func describe(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "0x" + String(byte, radix: 16, uppercase: true)
    }

    func error(_ reason: String) -> JSONParseError {
        JSONParseError.at(min(position, bytes.count), in: bytes, reason: reason)
    }
}

extension JSONParseError {
    static func at(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, reason: String) -> JSONParseError {
        var line = 1, column = 1
        for index in 0..<min(offset, bytes.count) {
            if bytes[index] == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return JSONParseError(offset: offset, line: line, column: column, reason: reason)
    }
}

extension String {
    /// `String(decoding: utf8, as: UTF8.self)` (same repairs), cheaper for the short ASCII strings a Pod is made
    /// of: up to 15 bytes the copy lands in a small string with one ASCII check, where `String(decoding:)` goes
    /// through the general validating path.
    @inlinable @inline(__always)
    init(copying utf8: UnsafeBufferPointer<UInt8>) {
        self.init(unsafeUninitializedCapacity: utf8.count) { buffer in
            guard let source = utf8.baseAddress, let target = buffer.baseAddress else { return 0 }
            target.initialize(from: source, count: utf8.count)
            return utf8.count
        }
    }
}
