import Testing
@testable import HTTPClient

@Suite struct HTTPClientRequestTests {
    @Test func theClientAddsHostLengthAndConnectionAfterTheCallersHeaders() throws {
        let request = HTTPClientRequest(method: "POST", url: HTTPURL(scheme: .http, host: "127.0.0.1", port: 5000, path: "/", query: "Action=GetCallerIdentity"),
                                        headers: [("X-Amz-Date", "20261201T000000Z")], body: Array("a=b".utf8))
        #expect(String(decoding: try request.encoded(), as: UTF8.self) == """
            POST /?Action=GetCallerIdentity HTTP/1.1\r
            X-Amz-Date: 20261201T000000Z\r
            Host: 127.0.0.1:5000\r
            Content-Length: 3\r
            Connection: close\r
            \r
            a=b
            """)
    }

    @Test func aGivenHostHeaderIsSentAsGivenAndDefaultPortsAreLeftOut() throws {
        let own = HTTPClientRequest(url: HTTPURL(scheme: .https, host: "sts.amazonaws.com"), headers: [("host", "sts.amazonaws.com")])
        #expect(String(decoding: try own.encoded(), as: UTF8.self) == "GET / HTTP/1.1\r\nhost: sts.amazonaws.com\r\nConnection: close\r\n\r\n")
        let ipv6 = HTTPClientRequest(url: HTTPURL(scheme: .https, host: "::1", port: 443))
        #expect(String(decoding: try ipv6.encoded(), as: UTF8.self).contains("Host: [::1]\r\n"))
    }

    @Test(arguments: [
        (("X", "a\r\nEvil: 1"), "the value of header X holds CR, LF or NUL"),
        (("Bad Name", "v"), "invalid header name \"Bad Name\""),
        (("Connection", "keep-alive"), "header Connection is set by the client"),
    ])
    func headersThatWouldCorruptTheRequestAreRefused(header: (String, String), reason: String) {
        let request = HTTPClientRequest(url: HTTPURL(scheme: .http, host: "h", port: 80), headers: [(name: header.0, value: header.1)])
        #expect(throws: HTTPClientError(target: "h:80", .invalidRequest(reason))) { try request.encoded() }
    }
}

@Suite struct HTTPURLTests {
    @Test(arguments: [
        ("https://s3.eu-west-1.amazonaws.com/bucket/key?x=1", HTTPURL(scheme: .https, host: "s3.eu-west-1.amazonaws.com", port: 443, path: "/bucket/key", query: "x=1")),
        ("http://127.0.0.1:5000", HTTPURL(scheme: .http, host: "127.0.0.1", port: 5000, path: "/")),
        ("https://[fd00::1]:6443/prefix", HTTPURL(scheme: .https, host: "fd00::1", port: 6443, path: "/prefix")),
    ])
    func urlsParse(text: String, expected: HTTPURL) throws {
        #expect(try HTTPURL(parsing: text) == expected)
    }

    @Test(arguments: [
        ("ftp://h/", "the scheme must be https:// or http://"),
        ("https://user@h/", "user info is not allowed"),
        ("https://h/#top", "a fragment is not allowed"),
        ("https://h:99999/", "the port \"99999\" is not a number between 1 and 65535"),
        ("https://[::1/", "unterminated IPv6 address"),
        ("https:///x", "the host is empty"),
    ])
    func badURLsSayWhy(text: String, reason: String) {
        #expect(throws: HTTPURLError(url: text, reason: reason)) { try HTTPURL(parsing: text) }
    }
}
