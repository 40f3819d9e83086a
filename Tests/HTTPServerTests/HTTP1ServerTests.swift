import Glibc
import HTTPServer
import Testing

/// The plain HTTP/1.1 listener (as used for metrics) driven with raw sockets.
@Suite struct HTTP1ServerTests {
    @Test func keepAliveAndPipelinedResponsesStayInOrder() throws {
        let running = try RunningServer.start(tls: false)
        defer { running.stop() }
        let client = try RawClient(port: running.port)
        // The first answer comes later from another thread; the second would be ready first.
        client.send("POST /async HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
                    + "GET /second?q=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = client.readResponses(2)
        #expect(responses.count == 2)
        #expect(responses.first?.hasPrefix("HTTP/1.1 200 OK\r\n") == true)
        #expect(responses.first?.hasSuffix("\r\n\r\nfirst") == true)
        #expect(responses.last?.contains("x-path: /second\r\n") == true)
        #expect(responses.last?.contains("x-query: q=1\r\n") == true)
        // Still open: a third request on the same connection works.
        client.send("GET /third HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponses(1).first?.contains("x-path: /third") == true)
    }

    @Test func chunkedRequestBodyIsDecoded() throws {
        let running = try RunningServer.start(tls: false)
        defer { running.stop() }
        let client = try RawClient(port: running.port)
        client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n")
        let response = client.readResponses(1).first ?? ""
        #expect(response.contains("x-body-bytes: 7\r\n"))
        #expect(response.hasSuffix("abcdefg"))
    }

    @Test func expectContinueGetsInterimResponseBeforeTheBodyIsSent() throws {
        let running = try RunningServer.start(tls: false)
        defer { running.stop() }
        let client = try RawClient(port: running.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
        let interim = client.readResponses(1).first ?? ""
        #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n")
        client.send("body")
        #expect(client.readResponses(1).first?.hasSuffix("body") == true)
    }

    @Test func http10ConnectionIsClosedAfterTheResponse() throws {
        let running = try RunningServer.start(tls: false)
        defer { running.stop() }
        let client = try RawClient(port: running.port)
        client.send("GET /old HTTP/1.0\r\n\r\n")
        let (text, closed) = client.readUntilClose()
        #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(text.contains("connection: close"))
        #expect(closed)
    }

    @Test(arguments: [
        ("garbage\r\n\r\n", "HTTP/1.1 400 "),
        ("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "HTTP/1.1 400 "),
        ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "HTTP/1.1 400 "),
        ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n", "HTTP/1.1 413 "),
        ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 3000) + "\r\n\r\n", "HTTP/1.1 431 "),
        ("GET / HTTP/3.0\r\nHost: x\r\n\r\n", "HTTP/1.1 505 "),
    ])
    func badRequestsGetTheirStatusAndTheConnectionCloses(request: String, statusLine: String) throws {
        var limits = ServerLimits()
        limits.maxRequestBytes = 1000
        limits.maxHeaderListBytes = 2048
        let running = try RunningServer.start(tls: false, limits: limits)
        defer { running.stop() }
        let client = try RawClient(port: running.port)
        client.send(request)
        let (text, closed) = client.readUntilClose()
        #expect(text.hasPrefix(statusLine), "\(text.prefix(60))")
        #expect(text.contains("connection: close"))
        #expect(closed)
    }

    @Test func oversizedBodyIsRefusedBeforeItIsSentAndTheClientStillReadsThe413() throws {
        var limits = ServerLimits()
        limits.maxRequestBytes = 1000
        let running = try RunningServer.start(tls: false, limits: limits)
        defer { running.stop() }
        let client = try RawClient(port: running.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n")
        client.send([UInt8](repeating: 0x61, count: 200_000))  // the server discards this while lingering
        let (text, closed) = client.readUntilClose()
        #expect(text.hasPrefix("HTTP/1.1 413 "))
        #expect(closed)
        try waitUntil { running.observer.count("bodyTooLarge") == 1 }
    }

    @Test func slowHeadIsCutOffByTheHeaderTimeout() throws {
        var limits = ServerLimits()
        limits.readHeaderTimeout = .seconds(1)
        let running = try RunningServer.start(tls: false, limits: limits)
        defer { running.stop() }
        let client = try RawClient(port: running.port, receiveTimeoutSeconds: 10)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n")  // never finished
        let started = monotonicSeconds()
        let (text, closed) = client.readUntilClose()
        #expect(closed && text.isEmpty)
        #expect(monotonicSeconds() - started < 8)
        try waitUntil { running.observer.count("headerTimeout") == 1 }
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        var limits = ServerLimits()
        limits.idleTimeout = .seconds(1)
        let running = try RunningServer.start(tls: false, limits: limits)
        defer { running.stop() }
        let client = try RawClient(port: running.port, receiveTimeoutSeconds: 10)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponses(1).count == 1)
        let (rest, closed) = client.readUntilClose()
        #expect(rest.isEmpty && closed)
    }

    @Test func overloadAnswers503WhenTooManyRequestsWaitForTheHandler() throws {
        var limits = ServerLimits()
        limits.maxPendingRequests = 1
        let running = try RunningServer.start(tls: false, limits: limits)
        defer { running.stop() }
        let holder = try RawClient(port: running.port)
        holder.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n")
        try waitUntil { running.handler.held.withLock { $0.count } == 1 }
        let second = try RawClient(port: running.port)
        second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(second.readResponses(1).first?.hasPrefix("HTTP/1.1 503 ") == true)
        running.handler.releaseHeld()
        #expect(holder.readResponses(1).first?.hasSuffix("released") == true)
    }

    @Test func connectionsBeyondTheLimitAreClosedAtOnce() throws {
        var limits = ServerLimits()
        limits.maxConnections = 1
        let running = try RunningServer.start(tls: false, limits: limits, loops: 1)
        defer { running.stop() }
        let first = try RawClient(port: running.port)
        first.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(first.readResponses(1).count == 1)
        let second = try RawClient(port: running.port)
        let (text, closed) = second.readUntilClose()
        #expect(text.isEmpty && closed)
        try waitUntil { running.observer.count("connectionLimit") == 1 }
    }

    @Test func gracefulShutdownFinishesInFlightRequestsAndStopsAccepting() throws {
        let running = try RunningServer.start(tls: false)
        let busy = try RawClient(port: running.port)
        busy.send("GET /never HTTP/1.1\r\nHost: x\r\n\r\n")
        let idle = try RawClient(port: running.port)
        idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponses(1).count == 1)
        try waitUntil { running.handler.held.withLock { $0.count } == 1 }

        running.server.beginShutdown()
        // The idle keep-alive connection is closed, new connections are refused.
        #expect(idle.readUntilClose().closed)
        try waitUntil { (try? RawClient(port: running.port)) == nil }
        // The in-flight request still gets its answer, marked as the last one.
        running.handler.releaseHeld()
        let (text, closed) = busy.readUntilClose()
        #expect(text.hasSuffix("released") && text.contains("connection: close") && closed)
        #expect(running.server.waitForDrain(timeout: .seconds(5)))
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// Polls `condition` every 10 ms for at most `seconds`.
func waitUntil(seconds: Double = 5, _ condition: () throws -> Bool) throws {
    let deadline = monotonicSeconds() + seconds
    while monotonicSeconds() < deadline {
        if try condition() { return }
        var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
        nanosleep(&pause, nil)
    }
    throw TestFailure("condition not met within \(seconds) s")
}
