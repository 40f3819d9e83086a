import JSONCore
import Testing

@Suite("Selective parsing: only the selected parts are built, everything is validated")
struct JSONSelectionTests {
    let selection: JSONSelection = .members([
        "kept": .all,
        "list": .members(["name": .all]),
        "nested": .members(["inner": .members(["deep": .all])]),
    ])

    @Test func keepsOnlyTheSelectedMembers() throws {
        let document = #"""
        {"kept": {"a": [1, 2]}, "dropped": {"big": [1, 2, 3]}, "list": [{"name": "x", "other": 1}, {"name": "y"}, "scalar"],
         "nested": {"inner": {"deep": true, "shallow": false}, "sibling": null}}
        """#
        let value = try JSON.parse(Array(document.utf8), selecting: selection)
        let expected: JSONValue = [
            "kept": ["a": [1, 2]],
            "list": [["name": "x"], ["name": "y"], "scalar"],
            "nested": ["inner": ["deep": true]],
        ]
        #expect(value == expected)
    }

    @Test func aSelectionOnAScalarKeepsTheScalar() throws {
        // Type errors stay visible to the reader: `list` is not an array here.
        let value = try JSON.parse(Array(#"{"list": "nope", "kept": 3}"#.utf8), selecting: selection)
        #expect(value["list"] == "nope")
        #expect(value["kept"] == 3)
    }

    @Test func escapedKeysAreMatchedByTheirDecodedText() throws {
        let value = try JSON.parse(Array(#"{"k\u0065pt": 1, "\u00e9": 2}"#.utf8), selecting: selection)
        #expect(value == ["kept": 1])
    }

    /// Skipped parts are validated as strictly as kept ones.
    @Test(arguments: [
        #"{"dropped": "\x"}"#, #"{"dropped": [1,]}"#, #"{"dropped": 01}"#, #"{"dropped": "a\#u{01}b"}"#,
        #"{"dropped": {"a" 1}}"#, #"{"dropped": tru}"#, #"{"dropped": "\uZZZZ"}"#, #"{"dropped": [1 2]}"#,
        #"{"dropped": "unterminated}"#,
    ])
    func invalidSkippedPartsAreRejected(_ document: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(Array(document.utf8), selecting: selection) }
    }

    @Test(arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0x80]] as [[UInt8]])
    func invalidUTF8InSkippedStringsIsRejected(_ sequence: [UInt8]) {
        let document = Array(#"{"dropped": ""#.utf8) + sequence + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSON.parse(document, selecting: selection) }
    }

    @Test func validUTF8InSkippedStringsIsAccepted() throws {
        let value = try JSON.parse(Array(#"{"dropped": "é€😀", "kept": "ü"}"#.utf8), selecting: selection)
        #expect(value == ["kept": "ü"])
    }

    @Test func depthIsLimitedInSkippedParts() {
        let deep = #"{"dropped": "# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        #expect(throws: JSONParseError.self) { try JSON.parse(Array(deep.utf8), selecting: selection) }
    }

    @Test func selectingEverythingEqualsAFullParse() throws {
        let document = Array(#"{"a": [1, {"b": "\n"}], "c": null, "d": -1.5e3}"#.utf8)
        #expect(try JSON.parse(document, selecting: .all) == JSON.parse(document))
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
