import JSONCore
import PropertyBased
import Testing

@Suite("JSONCore parser, serializer and patch")
struct JSONCoreTests {
    @Test func escapesAndSurrogatesDecode() throws {
        let value = try JSON.parse(#"["\"\\\/\b\f\n\r\t", "\u00e9\u20AC", "\ud83d\ude00", "\ud800x", "\udc00"]"#)
        #expect(value[0]?.string == "\"\\/\u{08}\u{0C}\n\r\t")
        #expect(value[1]?.string == "é€")
        #expect(value[2]?.string == "😀")
        #expect(value[3]?.string == "\u{FFFD}x")
        #expect(value[4]?.string == "\u{FFFD}")
    }

    @Test func numbersKeepTheirText() throws {
        let value = try JSON.parse("[0, -0, 1.50, 1e3, -2.5E-7, 9223372036854775808]")
        #expect(value.array?.compactMap(\.number?.text) == ["0", "-0", "1.50", "1e3", "-2.5E-7", "9223372036854775808"])
        #expect(JSON.serializeToString(value) == "[0,-0,1.50,1e3,-2.5E-7,9223372036854775808]")
    }

    @Test(arguments: [
        ("01", "unexpected data after the JSON value"), ("1.", "invalid number: expected a digit after '.'"),
        (".5", "invalid character '.', expected a value"), ("-", "invalid number: expected a digit"),
        ("1e", "invalid number: expected a digit in the exponent"), ("+1", "invalid character '+', expected a value"),
        ("0x1", "unexpected data after the JSON value"), ("NaN", "invalid character 'N', expected a value"),
        ("[1,]", "invalid character ']', expected a value"), ("{\"a\":1,}", "expected a string key in object"),
        ("{a:1}", "expected a string key in object"), ("\"\u{01}\"", "invalid control character 0x1 in string"),
        ("\"\\x\"", "invalid escape '\\'x'' in string"), ("\"\\u12G4\"", "invalid \\u escape: 'G' is not a hex digit"),
        ("tru", "invalid literal, expected 'true'"), ("[1] x", "unexpected data after the JSON value"),
        ("", "unexpected end of input, expected a value"), ("\"unterminated", "unterminated string"),
    ])
    func invalidDocumentsAreRejected(_ text: String, _ reason: String) {
        let error = #expect(throws: JSONParseError.self) { try JSON.parse(text) }
        #expect(error?.reason == reason)
    }

    @Test func depthIsLimited() throws {
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        let error = #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
        #expect(error?.reason == "document nested deeper than 128 levels")
        #expect(error?.offset == 128)
        let fine = String(repeating: "[", count: 128) + String(repeating: "]", count: 128)
        _ = try JSON.parse(fine)
    }

    @Test func invalidUTF8IsRejectedWithItsPosition() {
        do {
            _ = try JSON.parse([0x5B, 0x0A, 0x20, 0x22, 0xC3, 0x28, 0x22, 0x5D])
            Issue.record("accepted invalid UTF-8")
        } catch {
            #expect(error.reason.contains("UTF-8"))
            #expect(error.line == 2)
        }
    }

    @Test func errorPositionsPointAtTheProblem() {
        do {
            _ = try JSON.parse("{\n  \"a\": tru\n}")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 2 && error.column == 8, "\(error)")
        }
    }

    @Test func duplicateKeysLastWins() throws {
        #expect(try JSON.parse(#"{"a":1,"a":2}"#)["a"]?.int64 == 2)
    }

    @Test func stringsRoundTrip() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...0x10FFFF).array(of: 0...20)) { codes in
            let string = String(String.UnicodeScalarView(codes.compactMap(Unicode.Scalar.init)))
            var bytes: [UInt8] = []
            JSON.writeString(string, into: &bytes)
            #expect((try? JSON.parse(bytes))?.string == string)
        }
    }

    @Test func controlCharactersAreEscaped() {
        var bytes: [UInt8] = []
        JSON.writeString("a\u{01}\u{1F}\"\\\n", into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""a\u0001\u001f\"\\\n""#)
    }

    @Test func documentsRoundTripThroughPrettyAndCompact() throws {
        let text = #"{"b":[true,false,null,{"c":"d"}],"a":-1.0e+2,"e":{}}"#
        let value = try JSON.parse(text)
        #expect(JSON.serializeToString(value) == text)
        #expect(try JSON.parse(JSON.serializePretty(value)) == value)
    }

    @Test func patchAddsWithEscapedPointers() throws {
        let document = try JSON.parse(#"{"metadata":{"labels":{}},"list":[1,3]}"#)
        let patched = try JSONPatch.apply([
            .add("/metadata/labels/" + JSONPointer.escape("eks.amazonaws.com/pod-identity"), "enabled"),
            .add("/list/1", 2), .add("/list/-", 4),
        ], to: document)
        #expect(JSON.serializeToString(patched) == #"{"metadata":{"labels":{"eks.amazonaws.com/pod-identity":"enabled"}},"list":[1,2,3,4]}"#)
        let error = #expect(throws: JSONPatchError.self) { try JSONPatch.apply([.add("/missing/x", 1)], to: document) }
        #expect(error?.path == "/missing/x")
        #expect(error?.reason == #"member "missing" does not exist"#)
    }

    @Test func patchDocumentsAreWrittenAsValidJSONPatch() throws {
        var document = JSONPatchDocument()
        #expect(document.bytes == Array("[]".utf8) && document.isEmpty && document.operations.isEmpty)
        document.add { $0.raw("/spec/containers/") ; $0.integer(12); $0.raw("/env/-") } value: { out in
            out.raw(#"{"name":"#)
            out.string("quote \" backslash \\ newline \n nul \u{0} é")
            out.raw(#","n":"#)
            out.integer(-86400)
            out.raw("}")
        }
        document.add { $0.raw("/metadata/labels/a~1b") } value: { $0.string("enabled") }
        #expect(document.count == 2)
        let parsed = try JSON.parse(document.bytes)
        #expect(parsed.array?.count == 2)
        #expect(document.operations == [
            .add("/spec/containers/12/env/-", ["name": "quote \" backslash \\ newline \n nul \u{0} é", "n": -86400]),
            .add("/metadata/labels/a~1b", "enabled"),
        ])
    }

    @Test func base64RoundTrips() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...255).array(of: 0...40)) { ints in
            let bytes = ints.map(UInt8.init)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
    }
}
