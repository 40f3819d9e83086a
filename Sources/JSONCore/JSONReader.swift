/// A pull reader over raw JSON bytes: the caller walks the document and takes only what it needs,
/// skipping the rest (validated as strictly as `JSON.parse`). No tree is built unless asked for
/// (`readValue`): this is how the admission hot path decodes a Pod.
public struct JSONReader {
    public enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null

        /// The kind of the value starting with `byte`; nil when no value starts with it.
        @inlinable
        init?(firstByte byte: UInt8) {
            switch byte {
            case UInt8(ascii: "{"): self = .object
            case UInt8(ascii: "["): self = .array
            case UInt8(ascii: "\""): self = .string
            case UInt8(ascii: "t"), UInt8(ascii: "f"): self = .bool
            case UInt8(ascii: "n"): self = .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): self = .number
            default: return nil
            }
        }

        /// The JSON type name used in error messages ("expected an array, got string").
        public var typeName: String {
            switch self {
            case .object: "object"
            case .array: "array"
            case .string: "string"
            case .number: "number"
            case .bool: "boolean"
            case .null: "null"
            }
        }
    }

    /// An object member's key, compared without building a `String` for the keys nobody reads. Its bytes
    /// are valid only during the `readObject` callback that receives it.
    public struct Key {
        @usableFromInline let bytes: UnsafeBufferPointer<UInt8>

        @usableFromInline init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        /// Inlined into the decoders: most comparisons end at the length check.
        @inlinable
        public static func == (key: Key, literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard key.bytes.count == count else { return false }
            let expected = literal.utf8Start
            for index in 0..<count where key.bytes[index] != expected[index] { return false }
            return true
        }

        @inlinable
        public func hasSuffix(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count >= count else { return false }
            let expected = literal.utf8Start, start = bytes.count - count
            for index in 0..<count where bytes[start + index] != expected[index] { return false }
            return true
        }

        public var string: String { String(copying: bytes) }
    }

    /// Decoded copies of keys written with escapes (rare): alive as long as the reader, freed with it.
    private final class EscapedKeys {
        var buffers: [UnsafeMutableBufferPointer<UInt8>] = []

        func keep(_ key: String) -> UnsafeBufferPointer<UInt8> {
            let utf8 = Array(key.utf8)
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, utf8.count))
            _ = buffer.initialize(from: utf8)
            buffers.append(buffer)
            return UnsafeBufferPointer(rebasing: buffer[0..<utf8.count])
        }

        deinit {
            for buffer in buffers { buffer.deallocate() }
        }
    }

    private var escapedKeys: EscapedKeys?

    @usableFromInline var parser: JSONParser

    init(parser: JSONParser) { self.parser = parser }

    /// The kind of the next value (whitespace skipped); throws at the end of input or on an invalid character.
    /// Inlinable: decoders ask before reading most values, and the next byte usually answers.
    @inlinable
    public mutating func kind() throws(JSONParseError) -> Kind {
        if parser.position < parser.bytes.count, let kind = Kind(firstByte: parser.bytes[parser.position]) { return kind }
        return try kindAfterWhitespace()
    }

    @usableFromInline
    mutating func kindAfterWhitespace() throws(JSONParseError) -> Kind {
        parser.skipWhitespace()
        guard let byte = parser.peek() else { throw parser.error("unexpected end of input, expected a value") }
        guard let kind = Kind(firstByte: byte) else {
            throw parser.error("invalid character \(parser.describe(byte)), expected a value")
        }
        return kind
    }

    /// Calls `member` for each member with the reader at its value, which `member` must read or skip.
    /// Errors from `member` are passed through; invalid JSON throws `JSONParseError`.
    /// Inlinable, so `member` is inlined into the decoder that calls this (no closure call per member, the
    /// key comparisons see the key); the framing between members is one call.
    @inlinable
    public mutating func readObject(_ member: (inout JSONReader, Key) throws -> Void) throws {
        guard var key = try firstMemberKey() else { return }
        while true {
            let start = parser.position
            try member(&self, key)
            if let next = compactNextMemberKey(afterValueFrom: start) {
                key = next
                continue
            }
            if compactObjectEnd(afterValueFrom: start) { return }
            guard let next = try nextMemberKey(afterValueFrom: start) else { return }
            key = next
        }
    }

    /// After a member's value (which started at `start`), the compact form the API server sends: `,"key":` with
    /// a plain key. Its key, the reader at its value; nil with nothing consumed for anything else (whitespace,
    /// the closing brace, escapes, errors), which `nextMemberKey` takes.
    @inlinable @inline(__always)
    mutating func compactNextMemberKey(afterValueFrom start: Int) -> Key? {
        let bytes = parser.bytes, comma = parser.position
        guard comma != start, comma + 2 < bytes.count, bytes[comma] == UInt8(ascii: ","),
              bytes[comma + 1] == UInt8(ascii: "\"") else { return nil }
        let end = ByteScan.firstSpecialByte(in: bytes, from: comma + 2, stopAtNonASCII: true)
        guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\""), bytes[end + 1] == UInt8(ascii: ":") else { return nil }
        parser.position = end + 2
        parser.skipWhitespace()
        return Key(bytes: UnsafeBufferPointer(rebasing: bytes[(comma + 2)..<end]))
    }

    /// After a member's value (which started at `start`), the object's closing brace right after it: consumed
    /// (the object's depth left, as `continueContainer` does) and true; false with nothing consumed otherwise.
    /// Every object read ends here: inline, not through `nextMemberKey`'s call.
    @inlinable @inline(__always)
    mutating func compactObjectEnd(afterValueFrom start: Int) -> Bool {
        let brace = parser.position
        guard brace != start, brace < parser.bytes.count, parser.bytes[brace] == UInt8(ascii: "}") else { return false }
        parser.position = brace + 1
        parser.depth -= 1
        return true
    }

    /// At an object: its first member's key, the reader at its value; nil for `{}` (consumed).
    @usableFromInline
    mutating func firstMemberKey() throws(JSONParseError) -> Key? {
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "{") else { throw parser.error("expected an object") }
        guard try parser.openContainer(closedBy: UInt8(ascii: "}")) else { return nil }
        return try memberKey()
    }

    /// After a member's value (which started at `start`): the next member's key, or nil at the object's end.
    @usableFromInline
    mutating func nextMemberKey(afterValueFrom start: Int) throws(JSONParseError) -> Key? {
        if parser.position == start { throw parser.error("internal error: a member's value was not consumed") }
        let more = try parser.continueContainer(closedBy: UInt8(ascii: "}"), misplaced: "expected ',' or '}' after an object member")
        return more ? try memberKey() : nil
    }

    @inline(__always)
    private mutating func memberKey() throws(JSONParseError) -> Key {
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string key in object") }
        let key: Key
        if let span = parser.scanPlainString() {
            key = Key(bytes: UnsafeBufferPointer(rebasing: parser.bytes[span]))
        } else {
            if escapedKeys == nil { escapedKeys = EscapedKeys() }
            key = Key(bytes: escapedKeys!.keep(try parser.parseString()))
        }
        try parser.expectColon(afterKey: key.bytes)
        return key
    }

    /// Calls `element` for each element (with its index) with the reader at it, which it must read or skip.
    @inlinable
    public mutating func readArray(_ element: (inout JSONReader, Int) throws -> Void) throws {
        guard try firstElement() else { return }
        var index = 0
        while true {
            let start = parser.position
            try element(&self, index)
            index += 1
            guard try nextElement(afterElementFrom: start) else { return }
        }
    }

    /// At an array: true with the reader at its first element; false for `[]` (consumed).
    @usableFromInline
    mutating func firstElement() throws(JSONParseError) -> Bool {
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "[") else { throw parser.error("expected an array") }
        guard try parser.openContainer(closedBy: UInt8(ascii: "]")) else { return false }
        parser.skipWhitespace()
        return true
    }

    /// After an element (which started at `start`): true with the reader at the next one, false at the array's end.
    @usableFromInline
    mutating func nextElement(afterElementFrom start: Int) throws(JSONParseError) -> Bool {
        if parser.position == start { throw parser.error("internal error: an element was not consumed") }
        guard try parser.continueContainer(closedBy: UInt8(ascii: "]"), misplaced: "expected ',' or ']' after array element") else {
            return false
        }
        parser.skipWhitespace()
        return true
    }

    /// Inlinable for a plain ASCII string (names, namespaces: what decoders read), taken in the caller;
    /// escapes, other text and errors in `readAnyString`.
    @inlinable
    public mutating func readString() throws(JSONParseError) -> String {
        let bytes = parser.bytes, quote = parser.position
        if quote < bytes.count, bytes[quote] == UInt8(ascii: "\"") {
            let end = ByteScan.firstSpecialByte(in: bytes, from: quote + 1, stopAtNonASCII: true)
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                parser.position = end + 1
                return String(copying: UnsafeBufferPointer(rebasing: bytes[(quote + 1)..<end]))
            }
        }
        return try readAnyString()
    }

    @usableFromInline
    mutating func readAnyString() throws(JSONParseError) -> String {
        parser.skipWhitespace()
        guard parser.peek() == UInt8(ascii: "\"") else { throw parser.error("expected a string") }
        return try parser.parseString()
    }

    /// Builds the next value as a tree.
    public mutating func readValue() throws(JSONParseError) -> JSONValue {
        parser.skipWhitespace()
        return try parser.parseValue()
    }

    /// Inlinable for its commonest case, a plain ASCII string (most skipped members' values), taken in the
    /// caller; everything else in `skipAnyValue`.
    @inlinable
    public mutating func skipValue() throws(JSONParseError) {
        let bytes = parser.bytes, quote = parser.position
        if quote < bytes.count, bytes[quote] == UInt8(ascii: "\"") {
            let end = ByteScan.firstSpecialByte(in: bytes, from: quote + 1, stopAtNonASCII: true)
            if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
                parser.position = end + 1
                return
            }
        }
        try skipAnyValue()
    }

    @usableFromInline
    mutating func skipAnyValue() throws(JSONParseError) {
        parser.skipWhitespace()
        try parser.skipValue()
    }

    /// Where the reader is, to come back to (e.g. to skip a value whose decoding was abandoned).
    public var position: Int { parser.position }

    public mutating func rewind(to position: Int) { parser.position = position }
}

extension JSON {
    /// Reads `bytes` with `body`, then checks that only whitespace follows the value `body` read.
    /// Invalid JSON throws `JSONParseError`; errors thrown by `body` pass through.
    public static func read<T>(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth,
                               _ body: (inout JSONReader) throws -> T) throws -> T {
        try bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(parser: JSONParser(buffer: buffer, maxDepth: maxDepth))
            let result = try body(&reader)
            reader.parser.skipWhitespace()
            if reader.parser.position < buffer.count {
                throw reader.parser.error("unexpected data after the JSON value")
            }
            return result
        }
    }
}
