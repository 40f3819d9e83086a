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
        (#"{"dropped": "\x"}"#, #"invalid escape '\'x'' in string"#),
        (#"{"dropped": [1,]}"#, "invalid character ']', expected a value"),
        (#"{"dropped": 01}"#, "expected ',' or '}' after an object member"),
        (#"{"dropped": "a\#u{01}b"}"#, "invalid control character 0x1 in string"),
        (#"{"dropped": {"a" 1}}"#, "expected ':' after object key"),
        (#"{"dropped": tru}"#, "invalid literal, expected 'true'"),
        (#"{"dropped": "\uZZZZ"}"#, #"invalid \u escape: 'Z' is not a hex digit"#),
        (#"{"dropped": [1 2]}"#, "expected ',' or ']' after array element"),
        (#"{"dropped": "unterminated}"#, "unterminated string"),
        (#"{"kept": 1} trailing"#, "unexpected data after the JSON value"),
        (#"{"kept": 1"#, "unexpected end of input in object"),
    ])
    func invalidSkippedPartsAreRejected(_ document: String, _ reason: String) {
        let error = #expect(throws: JSONParseError.self) { try Self.readKept(document) }
        #expect(error?.reason == reason)
    }

    @Test(arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]] as [[UInt8]])
    func invalidUTF8InSkippedStringsIsRejected(_ sequence: [UInt8]) {
        let document = Array(#"{"dropped": ""#.utf8) + sequence + Array(#""}"#.utf8)
        let error = #expect(throws: JSONParseError.self) { try JSON.read(document) { reader in try reader.skipValue() } }
        #expect(error?.reason == "invalid UTF-8 in string")
    }

    /// The skipper scans eight bytes at a time: put each special byte at every offset of long strings.
    /// nil: the document is valid; else the reason it is refused (a raw quote ends the string early).
    @Test(arguments: 0..<20, [
        ("\\\"", nil), ("\\\\", nil), ("é", nil),
        ("\u{01}", "invalid control character 0x1 in string"), ("\"", "expected ',' or '}' after an object member"),
    ] as [(String, String?)])
    func specialBytesAreFoundAtEveryOffset(_ offset: Int, _ special: (inner: String, refusal: String?)) throws {
        let padding = String(repeating: "a", count: offset)
        let tail = String(repeating: "b", count: 17)
        let document = #"{"dropped": ""# + padding + special.inner + tail + #"", "kept": 7}"#
        if let refusal = special.refusal {
            let error = #expect(throws: JSONParseError.self) { try Self.readKept(document) }
            #expect(error?.reason == refusal)
        } else {
            #expect(try Self.readKept(document).kept == 7)
        }
    }

    /// Keys and read strings take the same eight-bytes-at-a-time scan: decoded text must not depend on where
    /// an escape, a non-ASCII character or the closing quote falls.
    @Test(arguments: 0..<20, [("\\\"", "\""), ("\\n", "\n"), ("é", "é"), ("\\u00e9", "é"), ("", "")])
    func readStringsAndKeysAreDecodedWithSpecialBytesAtEveryOffset(_ offset: Int, _ special: (inner: String, decoded: String)) throws {
        let padding = String(repeating: "a", count: offset)
        let text = padding + special.inner + "bc"
        let document = "{\"" + text + "\": 1, \"kept\": \"" + text + "\"}"
        var keys: [String] = []
        var kept: String?
        try JSON.read(Array(document.utf8)) { reader in
            try reader.readObject { reader, key in
                keys.append(key.string)
                if key == "kept" { kept = try reader.readString() } else { try reader.skipValue() }
            }
        }
        #expect(keys == [padding + special.decoded + "bc", "kept"])
        #expect(kept == padding + special.decoded + "bc")
    }

    @Test func depthIsLimitedInSkippedParts() {
        let deep = #"{"dropped": "# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        let error = #expect(throws: JSONParseError.self) { try Self.readKept(deep) }
        #expect(error?.reason == "document nested deeper than 128 levels")
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
