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
        // Native strings expose their bytes directly; only others (bridged, or odd) take the copying path.
        let written: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in writeString(utf8: bytes, into: &output) }
        if written == nil {
            var copy = string
            copy.withUTF8 { bytes in writeString(utf8: bytes, into: &output) }
        }
    }

    /// Appends UTF-8 bytes as a JSON string literal; runs without escapes are copied in one go.
    public static func writeString(utf8 bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        while true {
            let special = ByteScan.firstSpecialByte(in: bytes, from: runStart, stopAtNonASCII: false)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<special]))
            guard special < bytes.count else { break }
            appendEscaped(bytes[special], to: &output)
            runStart = special + 1
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): output.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case ..<0x20:
            output.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        default: output.append(byte)
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
