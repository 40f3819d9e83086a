import Testing
@testable import HTTPServer

/// One header field line: which error each malformation gets (the message a client is sent), and the
/// RFC 9110 token alphabet over every byte value.
@Suite struct HTTP1FieldSyntaxTests {
    @Test(arguments: [
        ("NoColon", "header line without colon"),
        ("No Colon at all", "header line without colon"),
        (": value", "invalid header name"),
        ("Bad Name: value", "invalid header name"),
        ("Na(me: value", "invalid header name"),
        ("X: a\u{1}b", "control character in header value"),
        ("X: a\u{7F}", "control character in header value"),
        ("X: \u{0}", "control character in header value"),
        ("user\rAgent: v", "invalid header name"),  // a known name's length, a CR where it has `-` (trailers)
    ])
    func malformedFieldsNameTheirFault(_ line: String, _ detail: String) {
        #expect(throws: HTTP1ParseError(.malformedHeader, detail)) {
            try HTTP1RequestParser.parseField(ArraySlice(line.utf8))
        }
    }

    @Test(arguments: [
        ("Host: example", "Host", "example"),
        ("x-tab:\tvalue with\ttab\t ", "x-tab", "value with\ttab"),
        ("Empty:", "Empty", ""),
        ("!#$%&'*+-.^_`|~09azAZ: v", "!#$%&'*+-.^_`|~09azAZ", "v"),
        ("X: caf\u{E9} \u{80}", "X", "caf\u{E9} \u{80}"),
    ])
    func wellFormedFieldsSplitIntoNameAndTrimmedValue(_ line: String, _ name: String, _ value: String) throws {
        let (parsedName, parsedValue) = try HTTP1RequestParser.parseField(ArraySlice(line.utf8))
        #expect(String(decoding: parsedName, as: UTF8.self) == name)
        #expect(String(decoding: parsedValue, as: UTF8.self) == value)
    }

    @Test func tokenBytesAreExactlyRFC9110Tchar() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in 0...255 {
            #expect(HTTP1RequestParser.isTokenByte(UInt8(byte)) == tchar.contains(UInt8(byte)), "byte \(byte)")
        }
    }
}
