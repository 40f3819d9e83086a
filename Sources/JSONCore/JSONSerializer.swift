extension JSON {
    /// Compact JSON: members in stored order, numbers as their literal text.
    public static func serialize(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        serialize(value, into: &output)
        return output
    }

    /// Compact JSON appended to `output`. Written directly on the buffer: this runs for every patch.
    public static func serialize(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: appendLiteral("null", to: &output)
        case .bool(let flag): appendLiteral(flag ? "true" : "false", to: &output)
        case .number(let number):
            var text = number.text
            text.withUTF8 { output.append(contentsOf: $0) }
        case .string(let string): writeString(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                serialize(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                serialize(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a literal's bytes in one copy (appending a `String.UTF8View` goes element by element).
    @inline(__always)
    public static func appendLiteral(_ literal: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Indented JSON (two spaces) with a trailing newline, for people reading a terminal.
    public static func serializePretty(_ value: JSONValue) -> String {
        var writer = JSONWriter(output: [], indent: "  ")
        writer.write(value)
        writer.output.append(0x0A)
        return String(decoding: writer.output, as: UTF8.self)
    }

    public static func serializeToString(_ value: JSONValue) -> String {
        String(decoding: serialize(value), as: UTF8.self)
    }

    /// Appends `string` as a JSON string literal (quotes included), escaped for any content.
    public static func writeString(_ string: String, into output: inout [UInt8]) {
        withUTF8(of: string) { writeString(utf8: $0, into: &output) }
    }

    /// Appends UTF-8 bytes as a JSON string literal; runs without escapes are copied in one go.
    public static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        escapedPieces(of: bytes) { output.append(contentsOf: $0) }
        output.append(UInt8(ascii: "\""))
    }

    /// `body` with the string's UTF-8 bytes: native strings expose them directly, others (bridged, odd) are copied.
    static func withUTF8<Result>(of string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = string
        return copy.withUTF8(body)
    }

    /// Gives `bytes` escaped for the inside of a JSON string, piece by piece: each run that needs no escape as it
    /// is (UTF-8 included), and each escape sequence. Shared by both writers (`[UInt8]` and `JSONByteWriter`).
    static func escapedPieces(of bytes: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var runStart = 0
        while true {
            let special = ByteScan.firstSpecialByte(in: bytes, from: runStart, stopAtNonASCII: false)
            if special > runStart { emit(UnsafeBufferPointer(rebasing: bytes[runStart..<special])) }
            guard special < bytes.count else { return }
            var sequence: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0x5C, 0, 0, 0, 0, 0)  // a backslash, then...
            let length: Int
            switch bytes[special] {
            case UInt8(ascii: "\""): sequence.1 = UInt8(ascii: "\""); length = 2
            case UInt8(ascii: "\\"): sequence.1 = UInt8(ascii: "\\"); length = 2
            case 0x0A: sequence.1 = UInt8(ascii: "n"); length = 2
            case 0x0D: sequence.1 = UInt8(ascii: "r"); length = 2
            case 0x09: sequence.1 = UInt8(ascii: "t"); length = 2
            case 0x08: sequence.1 = UInt8(ascii: "b"); length = 2
            case 0x0C: sequence.1 = UInt8(ascii: "f"); length = 2
            case let control:  // the other control characters: \u00XX
                let hex: StaticString = "0123456789abcdef"
                sequence = (0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                            hex.utf8Start[Int(control >> 4)], hex.utf8Start[Int(control & 0x0F)])
                length = 6
            }
            withUnsafeBytes(of: &sequence) { emit(UnsafeBufferPointer(start: $0.bindMemory(to: UInt8.self).baseAddress, count: length)) }
            runStart = special + 1
        }
    }
}

/// Writes a `JSONValue` indented, for people (the compact form is `JSON.serialize(_:into:)`).
struct JSONWriter {
    var output: [UInt8]
    let indent: String
    private var level = 0

    init(output: [UInt8], indent: String) {
        self.output = output
        self.indent = indent
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: number.text.utf8)
        case .string(let string): JSON.writeString(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            if !elements.isEmpty {
                level += 1
                for (index, element) in elements.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    newline()
                    write(element)
                }
                level -= 1
                newline()
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            if !object.isEmpty {
                level += 1
                for (index, member) in object.members.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    newline()
                    JSON.writeString(member.key, into: &output)
                    output.append(UInt8(ascii: ":"))
                    output.append(UInt8(ascii: " "))
                    write(member.value)
                }
                level -= 1
                newline()
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline() {
        output.append(0x0A)
        for _ in 0..<level { output.append(contentsOf: indent.utf8) }
    }
}
