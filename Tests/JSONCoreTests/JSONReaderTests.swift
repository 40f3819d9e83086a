import JSONCore
import Testing

@Suite("JSONReader: take what you need, skip the rest, validate everything")
struct JSONReaderTests {
    /// Reads `kept` (as a value) and `list[].name`; skips everything else.
    static func readKept(_ document: String) throws -> (kept: JSONValue?, names: [String]) {
        var kept: JSONValue?
        var names: [String] = []
        try JSON.read(Array(document.utf8)) { reader in
            try reader.readObject { reader, key in
                if key == "kept" {
                    kept = try reader.readValue()
                } else if key == "list" {
                    try reader.readArray { reader, _ in
                        try reader.readObject { reader, key in
                            if key == "name" { names.append(try reader.readString()) } else { try reader.skipValue() }
                        }
                    }
                } else {
                    try reader.skipValue()
                }
            }
        }
        return (kept, names)
    }

    @Test func readsOnlyWhatIsAskedFor() throws {
        let result = try Self.readKept(#"""
            {"dropped": {"big": [1, 2, {"x": null}]}, "kept": {"a": [1, 2.5e1]}, "list": [{"name": "x", "o": 1}, {"name": "y"}]}
            """#)
        #expect(result.kept == ["a": [1, .number(JSONNumber(unchecked: "2.5e1"))]])
        #expect(result.names == ["x", "y"])
    }

    @Test func escapedKeysAreComparedByTheirDecodedText() throws {
        #expect(try Self.readKept(#"{"k\u0065pt": 1}"#).kept == 1)
    }

    @Test func kindsAreReported() throws {
        let kinds = try JSON.read(Array(#"[{}, [], "s", 1, true, null]"#.utf8)) { reader -> [JSONReader.Kind] in
            var kinds: [JSONReader.Kind] = []
            try reader.readArray { reader, _ in
                kinds.append(try reader.kind())
                try reader.skipValue()
            }
            return kinds
        }
        #expect(kinds == [.object, .array, .string, .number, .bool, .null])
    }

    /// Skipped parts are validated as strictly as read ones.
    @Test(arguments: [
        #"{"dropped": "\x"}"#, #"{"dropped": [1,]}"#, #"{"dropped": 01}"#, #"{"dropped": "a\#u{01}b"}"#,
        #"{"dropped": {"a" 1}}"#, #"{"dropped": tru}"#, #"{"dropped": "\uZZZZ"}"#, #"{"dropped": [1 2]}"#,
        #"{"dropped": "unterminated}"#, #"{"kept": 1} trailing"#, #"{"kept": 1"#,
    ])
    func invalidSkippedPartsAreRejected(_ document: String) {
        #expect(throws: JSONParseError.self) { try Self.readKept(document) }
    }

    @Test(arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]] as [[UInt8]])
    func invalidUTF8InSkippedStringsIsRejected(_ sequence: [UInt8]) {
        let document = Array(#"{"dropped": ""#.utf8) + sequence + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSON.read(document) { reader in try reader.skipValue() } }
    }

    /// The skipper scans eight bytes at a time: put each special byte at every offset of long strings.
    @Test(arguments: 0..<20)
    func specialBytesAreFoundAtEveryOffset(_ offset: Int) throws {
        let padding = String(repeating: "a", count: offset)
        let tail = String(repeating: "b", count: 17)
        for (inner, valid) in [("\\\"", true), ("\\\\", true), ("é", true), ("\u{01}", false), ("\"", false)] {
            let document = #"{"dropped": ""# + padding + inner + tail + #"", "kept": 7}"#
            if valid {
                #expect(try Self.readKept(document).kept == 7, "\(inner) at \(offset)")
            } else {
                #expect(throws: JSONParseError.self, "\(inner) at \(offset)") { try Self.readKept(document) }
            }
        }
    }

    /// Keys and read strings take the same eight-bytes-at-a-time scan: decoded text must not depend on where
    /// an escape, a non-ASCII character or the closing quote falls.
    @Test(arguments: 0..<20)
    func readStringsAndKeysAreDecodedWithSpecialBytesAtEveryOffset(_ offset: Int) throws {
        let padding = String(repeating: "a", count: offset)
        for (inner, decoded) in [("\\\"", "\""), ("\\n", "\n"), ("é", "é"), ("\\u00e9", "é"), ("", "")] {
            let text = padding + inner + "bc"
            let document = "{\"" + text + "\": 1, \"kept\": \"" + text + "\"}"
            var keys: [String] = []
            var kept: String?
            try JSON.read(Array(document.utf8)) { reader in
                try reader.readObject { reader, key in
                    keys.append(key.string)
                    if key == "kept" { kept = try reader.readString() } else { try reader.skipValue() }
                }
            }
            #expect(keys == [padding + decoded + "bc", "kept"], "\(inner) at \(offset)")
            #expect(kept == padding + decoded + "bc", "\(inner) at \(offset)")
        }
    }

    @Test func depthIsLimitedInSkippedParts() {
        let deep = #"{"dropped": "# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(throws: JSONParseError.self) { try Self.readKept(deep) }
    }

    @Test(arguments: [0, 1, 2, 3, 4, 5, 100])
    func base64IntoABufferMatchesTheStringForm(_ count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var output = Array("prefix".utf8)
        Base64.encode(bytes, into: &output)
        #expect(String(decoding: output, as: UTF8.self) == "prefix" + Base64.encode(bytes))
        #expect(Base64.decode(Base64.encode(bytes)) == bytes)
    }
}
