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

    /// Skipped values go through a one-loop skipper that gives up at anything unusual and lets the strict one
    /// report it: the error names the same byte either way.
    @Test(arguments: [
        (#"{"dropped": [1,]}"#, 15), (#"{"dropped": {"a": 1,}}"#, 20), (#"{"dropped": {"a": 1 "b": 2}}"#, 20),
        (#"{"dropped": [[[1]]}"#, 18), (#"{"dropped": "ok\q"}"#, 16), (#"{"dropped": [1.e5]}"#, 15),
        (#"{"dropped": [-]}"#, 14), (#"{"dropped": {"a": nul}}"#, 18), (#"{"dropped": {"a": [}]}}"#, 19),
    ])
    func errorsInSkippedPartsPointAtTheirByte(_ document: String, _ offset: Int) {
        let error = #expect(throws: JSONParseError.self) { try Self.readKept(document) }
        #expect(error?.offset == offset)
    }

    /// Valid forms the one-loop skipper must take as they are (whitespace everywhere, every number form, escapes).
    @Test(arguments: [
        #"{ "dropped" : [ 1 , { "a" : [ ] , "b" : { } } , "x" ] , "kept" : 7 }"#,
        "{\n\t\"dropped\":\r\n[-0, 0.5, 1e5, 1E+5, -2.25e-3, 10, 0]\n, \"kept\": 7}",
        #"{"dropped": [true, false, null, "", "\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"], "kept": 7}"#,
        #"{"dropped": {"é": "日本語", "\u0041": ["😀"]}, "kept": 7}"#,
    ])
    func validSkippedPartsAreSkipped(_ document: String) throws {
        #expect(try Self.readKept(document).kept == 7)
    }

    /// The skipper tests eight bytes at a time for plain ASCII: an invalid UTF-8 byte or a `\u` escape (valid or
    /// not) at every offset of a long string, so at every position of a word and across word boundaries.
    @Test(arguments: 0..<20, [
        ([0xFF], "invalid UTF-8 in string", 0), ([0xC3, 0xA9], nil, 0), ([0xE2, 0x82], "invalid UTF-8 in string", 0),
        (Array(#"\u00e9"#.utf8), nil, 0), (Array(#"\u00g9"#.utf8), "invalid \\u escape: 'g' is not a hex digit", 4),
        (Array(#"\"#.utf8) + [0x01], "invalid escape '\\0x1' in string", 1),
    ] as [([UInt8], String?, Int)])
    func skippedStringBytesAreCheckedAtEveryOffset(_ offset: Int, _ special: (bytes: [UInt8], refusal: String?, at: Int)) throws {
        let document = Array(#"{"dropped": ["x", ""#.utf8) + Array(repeating: UInt8(ascii: "a"), count: offset) + special.bytes
            + Array(repeating: UInt8(ascii: "b"), count: 9) + Array(#""], "kept": 7}"#.utf8)
        let read = { try JSON.read(document) { reader in try reader.readObject { reader, key in
            if key == "kept" { _ = try reader.readValue() } else { try reader.skipValue() }
        } } }
        if let refusal = special.refusal {
            let error = #expect(throws: JSONParseError.self) { try read() }
            #expect(error?.reason == refusal)
            #expect(error?.offset == 19 + offset + special.at)  // the string's text starts at byte 19
        } else {
            try read()
        }
    }

    /// Up to the limit a skipped value may nest as deep as a parsed one, also past the depth the one-loop skipper
    /// handles itself (64 levels), and one level more is refused.
    @Test(arguments: [(60, nil), (100, nil), (127, nil), (128, "document nested deeper than 128 levels")] as [(Int, String?)])
    func skippedNestingIsLimitedLikeParsing(_ levels: Int, _ refusal: String?) throws {
        let document = #"{"dropped": "# + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + #", "kept": 7}"#
        if let refusal {
            let error = #expect(throws: JSONParseError.self) { try Self.readKept(document) }
            #expect(error?.reason == refusal)
            #expect(error?.offset == 12 + 127)
        } else {
            #expect(try Self.readKept(document).kept == 7)
        }
    }

    /// Between members the reader takes the compact `,"key":` in one pass: keys it cannot take that way
    /// (escapes, non-ASCII, whitespace before the colon) must come out the same through the general path.
    @Test(arguments: [
        (#"{"a":1,"b":2}"#, ["a", "b"]), (#"{"a":1,"k\u0065y":2}"#, ["a", "key"]), (#"{"a":1,"é":2}"#, ["a", "é"]),
        (#"{"a":1,"b" :2}"#, ["a", "b"]), (#"{"a":1, "b":2}"#, ["a", "b"]), (#"{"a":1,"":2}"#, ["a", ""]),
        (#"{"a":1,"q\"":2}"#, ["a", "q\""]),
    ])
    func compactKeysAreReadLikeAnyOther(_ document: String, _ keys: [String]) throws {
        var read: [String] = []
        try JSON.read(Array(document.utf8)) { reader in
            try reader.readObject { reader, key in
                read.append(key.string)
                try reader.skipValue()
            }
        }
        #expect(read == keys)
    }

    /// Objects the reader reads end inline at a `}` right after a value, through `nextMemberKey` otherwise: both
    /// must leave the object's depth, or 200 read objects would make a later 120-level skipped value too deep.
    @Test(arguments: [#"{"name":"x"}"#, #"{"name":"x" }"#, #"{"name":"x","o":{}}"#, #"{"name":"x","o":[1] }"#])
    func readObjectsLeaveTheirDepth(_ element: String) throws {
        let list = Array(repeating: element, count: 200).joined(separator: ",")
        let deep = String(repeating: "[", count: 120) + String(repeating: "]", count: 120)
        let result = try Self.readKept(#"{"list": ["# + list + #"], "dropped": "# + deep + #", "kept": 7}"#)
        #expect(result.kept == 7)
        #expect(result.names == Array(repeating: "x", count: 200))
    }

    /// A member whose value the callback did not consume is a bug in the caller, also before a `}`.
    @Test(arguments: [#"{"a":1}"#, #"{"a":1 }"#, #"{"a":1,"b":2}"#])
    func unconsumedValuesAreReported(_ document: String) {
        let error = #expect(throws: JSONParseError.self) {
            try JSON.read(Array(document.utf8)) { reader in try reader.readObject { _, _ in } }
        }
        #expect(error?.reason == "internal error: a member's value was not consumed")
        #expect(error?.offset == 5)
    }

    @Test(arguments: [
        (#"{"a":1,"b""#, #"expected ':' after object key "b""#, 10), (#"{"a":1,"b"#, "unterminated string", 7),
        (#"{"a":1,"b":"#, "unexpected end of input, expected a value", 11), (#"{"a":1,}"#, "expected a string key in object", 7),
    ])
    func truncatedCompactKeysAreRejected(_ document: String, _ reason: String, _ offset: Int) {
        let error = #expect(throws: JSONParseError.self) {
            try JSON.read(Array(document.utf8)) { reader in try reader.readObject { reader, _ in try reader.skipValue() } }
        }
        #expect(error?.reason == reason)
        #expect(error?.offset == offset)
    }

    /// Nothing to skip: the one-loop skipper must not look at a byte (an empty array has no base address).
    @Test(arguments: ["", " ", "\n\t"])
    func skippingNothingIsRejected(_ document: String) {
        let error = #expect(throws: JSONParseError.self) { try JSON.read(Array(document.utf8)) { reader in try reader.skipValue() } }
        #expect(error?.reason == "unexpected end of input, expected a value")
        #expect(error?.offset == document.utf8.count)
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
