import Testing
import HTTPClient
import Locking

@Suite struct HTTPClientTests {
    let client = HTTPClient(tls: nil)

    @Test func aPlainHTTPCallReturnsStatusHeadersAndBody() throws {
        let server = try LoopbackServer(answers: [Array("HTTP/1.1 404 Not Found\r\nX-Amzn-RequestId: r1\r\nContent-Length: 5\r\n\r\nnope!".utf8)])
        let url = HTTPURL(scheme: .http, host: "127.0.0.1", port: server.port, path: "/bucket/key")
        let response = try client.send(HTTPClientRequest(method: "GET", url: url), deadline: .now + .seconds(30))
        #expect(response.status == 404)
        #expect(response.value(of: "x-amzn-requestid") == "r1")
        #expect(response.body == Array("nope!".utf8))
        #expect(server.requests == ["GET /bucket/key HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\nConnection: close\r\n\r\n"])
    }

    @Test func aRefusedConnectionNamesTheTarget() throws {
        let port = try LoopbackServer(answers: []).port  // closed again at once: nothing listens there
        let url = HTTPURL(scheme: .http, host: "127.0.0.1", port: port)
        #expect(throws: HTTPClientError(target: "127.0.0.1:\(port)", .connect("Connection refused"))) {
            try client.send(HTTPClientRequest(url: url), deadline: .now + .seconds(30))
        }
    }

    @Test func aSilentServerRunsIntoTheDeadline() throws {
        let server = try LoopbackServer(answers: [])  // accepts into the backlog, never answers
        let url = HTTPURL(scheme: .http, host: "127.0.0.1", port: server.port)
        #expect(throws: HTTPClientError(target: "127.0.0.1:\(server.port)", .timeout("reading the response"))) {
            try client.send(HTTPClientRequest(url: url), deadline: .now + .milliseconds(300))
        }
    }

    @Test func aStopSignalEndsAWait() throws {
        let server = try LoopbackServer(answers: [])
        let stop = StopSignal()
        stop.stop()
        let url = HTTPURL(scheme: .http, host: "127.0.0.1", port: server.port)
        #expect(throws: HTTPClientError(target: "127.0.0.1:\(server.port)", .stopped)) {
            try client.send(HTTPClientRequest(url: url), deadline: .now + .seconds(30), stop: stop)
        }
    }

    @Test func httpsWithoutATLSContextIsRefused() {
        let url = HTTPURL(scheme: .https, host: "127.0.0.1", port: 1)
        #expect(throws: HTTPClientError(target: "127.0.0.1:1", .invalidRequest("an https URL needs a TLS context"))) {
            try client.send(HTTPClientRequest(url: url), deadline: .now + .seconds(30))
        }
    }

    @Test func anUnresolvableHostIsAResolveError() {
        let url = HTTPURL(scheme: .http, host: "no-such-host.invalid", port: 80)
        #expect { try client.send(HTTPClientRequest(url: url), deadline: .now + .seconds(30)) } throws: { error in
            guard let error = error as? HTTPClientError, case .resolve = error.failure else { return false }
            return error.target == "no-such-host.invalid:80"
        }
    }
}
