import Testing
@testable import HTTPServer

/// Feeds `input` split at every byte boundary (and whole) and checks every split yields the same events.
private func parseAllSplits(_ input: String, limits: HTTP1RequestParser.Limits = .init(maxHeadBytes: 1024, maxBodyBytes: 100))
    -> [Result<[String], HTTP1ParseError>]
{
    let bytes = Array(input.utf8)
    var outcomes: [Result<[String], HTTP1ParseError>] = []
    for split in 0...bytes.count {
        for chunkSize in [0, 1] {
            var parser = HTTP1RequestParser(limits: limits)
            var events: [String] = []
            var failure: HTTP1ParseError?
            let pieces: [ArraySlice<UInt8>] = chunkSize == 1 ? bytes.indices.map { bytes[$0...$0] }
                : [bytes[0..<split], bytes[split...]]
            feeding: for piece in pieces {
                parser.append(piece)
                do {
                    while let event = try parser.next() { events.append(describe(event)) }
                } catch {
                    failure = error
                    break feeding
                }
            }
            outcomes.append(failure.map { .failure($0) } ?? .success(events))
        }
    }
    return outcomes
}

private func describe(_ event: HTTP1RequestParser.Event) -> String {
    switch event {
    case .continueExpected: return "100-continue"
    case .request(let parsed):
        let r = parsed.request
        return "\(r.method) \(r.path) ?\(r.query) 1.\(parsed.minorVersion) keepAlive=\(parsed.keepAlive) body=\(String(decoding: r.body, as: UTF8.self))"
    }
}

/// Every split must give the same outcome; returns it.
private func parse(_ input: String, limits: HTTP1RequestParser.Limits = .init(maxHeadBytes: 1024, maxBodyBytes: 100))
    -> Result<[String], HTTP1ParseError>
{
    let outcomes = parseAllSplits(input, limits: limits)
    let first = outcomes[0]
    for outcome in outcomes {
        switch (first, outcome) {
        case (.success(let a), .success(let b)): #expect(a == b, "split changed the events")
        case (.failure(let a), .failure(let b)): #expect(a.kind == b.kind, "split changed the error")
        default: Issue.record("split changed success/failure: \(first) vs \(outcome)")
        }
    }
    return first
}

private func events(_ input: String) -> [String] {
    switch parse(input) {
    case .success(let events): return events
    case .failure(let error): Issue.record("unexpected error \(error)"); return []
    }
}

private func error(_ input: String, limits: HTTP1RequestParser.Limits = .init(maxHeadBytes: 1024, maxBodyBytes: 100))
    -> HTTP1ParseError?
{
    if case .failure(let error) = parse(input, limits: limits) { return error }
    Issue.record("expected an error for \(input.debugDescription)")
    return nil
}

@Suite struct HTTP1RequestParserTests {
    @Test func simpleGetWithQuery() {
        #expect(events("GET /healthz?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n")
            == ["GET /healthz ?verbose=1 1.1 keepAlive=true body="])
    }

    @Test func headersAreLowercasedAndTrimmed() throws {
        var parser = HTTP1RequestParser(limits: .init(maxHeadBytes: 1024, maxBodyBytes: 10))
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\nX-Thing: \t v a l \t\r\n\r\n".utf8))
        guard case .request(let parsed) = try #require(try parser.next()) else { Issue.record("no request"); return }
        #expect(parsed.request.headers["x-thing"] == "v a l")
        #expect(parsed.request.headers.fields.map(\.name) == ["host", "x-thing"])
    }

    /// Names most requests carry are given as literals, other names lower-cased byte by byte: either way the
    /// handler sees the name in lower case, whatever case was sent.
    @Test(arguments: [("USER-AGENT", "user-agent"), ("Content-Type", "content-type"), ("accept-Encoding", "accept-encoding"),
                      ("Accept", "accept"), ("X-Request-ID", "x-request-id"), ("Content-Typo", "content-typo")])
    func knownAndOtherNamesAreGivenInLowerCase(_ sent: String, _ given: String) throws {
        var parser = HTTP1RequestParser(limits: .init(maxHeadBytes: 1024, maxBodyBytes: 10))
        parser.append(Array("GET / HTTP/1.1\r\nhOsT: a\r\n\(sent): v\r\n\r\n".utf8))
        guard case .request(let parsed) = try #require(try parser.next()) else { Issue.record("no request"); return }
        #expect(parsed.request.headers.fields.map(\.name) == ["host", given])
        #expect(parsed.request.headers[given] == "v")
    }

    @Test func contentLengthBodyAndPipelining() {
        let input = "POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        #expect(events(input) == ["POST /mutate ? 1.1 keepAlive=true body=hello", "GET /b ? 1.1 keepAlive=false body="])
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() {
        let input = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer-Field: t\r\n\r\n"
        #expect(events(input) == ["POST /c ? 1.1 keepAlive=true body=hello0123456789"])
    }

    @Test func expectContinueIsReportedBeforeTheBody() {
        let input = "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok"
        #expect(events(input) == ["100-continue", "POST / ? 1.1 keepAlive=true body=ok"])
        // Not for HTTP/1.0 and not without a body.
        #expect(events("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n") == ["GET / ? 1.1 keepAlive=true body="])
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() {
        #expect(events("GET / HTTP/1.0\r\n\r\n") == ["GET / ? 1.0 keepAlive=false body="])
        #expect(events("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") == ["GET / ? 1.0 keepAlive=true body="])
    }

    @Test func connectionTokensAndContentLengthListsAreReadCaseInsensitivelyWithWhitespace() {
        #expect(events("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade,  CLOSE \r\n\r\n") == ["GET / ? 1.1 keepAlive=false body="])
        #expect(events("GET / HTTP/1.0\r\nconnection: TE, Keep-Alive\r\n\r\n") == ["GET / ? 1.0 keepAlive=true body="])
        #expect(events("GET / HTTP/1.1\r\nHost: x\r\nConnection: closed\r\n\r\n") == ["GET / ? 1.1 keepAlive=true body="])
        #expect(events("POST / HTTP/1.1\r\nHost: x\r\ncontent-LENGTH: \t2 , 2\t\r\n\r\nok") == ["POST / ? 1.1 keepAlive=true body=ok"])
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2,\r\n\r\nok")?.kind == .invalidContentLength)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 02, 2\r\n\r\nok")?.kind == .invalidContentLength)
        #expect(error("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\r\n\r\n")?.kind == .malformedHeader)
    }

    @Test(arguments: [
        ("application/json", true), ("Application/JSON", true), (" application/json ; charset=utf-8", true),
        ("application/json;", true), (nil, false), ("", false), ("application/jsonx", false),
        ("application/json-patch+json", false), ("text/json", false), ("application /json", false),
    ] as [(String?, Bool)])
    func contentTypeIsComparedWithoutCaseAndParameters(_ value: String?, _ isJSON: Bool) {
        let headers = HTTPHeaders(value.map { [("Content-Type", $0)] } ?? [])
        #expect(headers.contentTypeIs("application/json") == isJSON)
    }

    @Test func leadingEmptyLinesAndBareLFAreTolerated() {
        #expect(events("\r\n\r\nGET / HTTP/1.1\nHost: x\n\n") == ["GET / ? 1.1 keepAlive=true body="])
    }

    @Test func absoluteFormTargetIsReducedToPath() {
        #expect(events("GET http://example.com/p?q HTTP/1.1\r\nHost: example.com\r\n\r\n") == ["GET /p ?q 1.1 keepAlive=true body="])
        #expect(events("GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n") == ["GET / ? 1.1 keepAlive=true body="])
        #expect(events("GET http://example.com?a=1 HTTP/1.1\r\nHost: example.com\r\n\r\n") == ["GET / ?a=1 1.1 keepAlive=true body="])
        #expect(events("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n") == ["OPTIONS * ? 1.1 keepAlive=true body="])
        #expect(error("GET * HTTP/1.1\r\nHost: x\r\n\r\n")?.kind == .malformedRequestLine)
        #expect(error("GET ftp://example.com/ HTTP/1.1\r\nHost: x\r\n\r\n")?.kind == .malformedRequestLine)
    }

    @Test func oversizedHeadIs431AtTheLimit() {
        let limits = HTTP1RequestParser.Limits(maxHeadBytes: 64, maxBodyBytes: 10)
        let padding = String(repeating: "a", count: 80)
        #expect(error("GET / HTTP/1.1\r\nHost: x\r\nX: \(padding)\r\n\r\n", limits: limits)?.status == 431)
        // Never terminated: still refused once the limit is passed.
        #expect(error("GET / HTTP/1.1\r\nX: \(padding)", limits: limits)?.status == 431)
        // Just under the limit is fine.
        let fits = "GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "b", count: 20) + ": y\r\n\r\n"
        #expect(fits.utf8.count <= 64)
        if case .failure(let e) = parse(fits, limits: limits) { Issue.record("unexpected \(e)") }
    }

    @Test func bodyOverLimitIs413FromContentLengthBeforeAnyBody() throws {
        var parser = HTTP1RequestParser(limits: .init(maxHeadBytes: 1024, maxBodyBytes: 100))
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n".utf8))
        let refused = #expect(throws: HTTP1ParseError.self) { try parser.next() }
        #expect(refused?.kind == .bodyTooLarge)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n")?.status == 413)
    }

    @Test func chunkedBodyOverLimitIs413AsSoonAsTheSumExceeds() {
        let input = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + String(repeating: "x", count: 50)
            + "\r\n33\r\n"
        #expect(error(input)?.status == 413)
    }

    @Test func framingConflictsAndBadLengthsAre400() {
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")?.kind == .conflictingFraming)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")?.kind == .invalidContentLength)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")?.kind == .invalidContentLength)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n")?.status == 400)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")?.status == 501)
        #expect(error("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")?.status == 400)
        #expect(error("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")?.status == 400)
        // Same value repeated is allowed.
        #expect(events("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok").count == 1)
    }

    @Test(arguments: ["zz\r\n", "-1\r\n", "\r\n", "5 x\r\nhello\r\n", "1000000000000\r\n", "2\r\nabc\r\n", "2\nab\r\n"])
    func badChunkSizesAre400(_ chunk: String) {
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(error(head + chunk + "0\r\n\r\n")?.kind == .invalidChunk)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET / FTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET nopath HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\r\r\n\r\n", .malformedHeader),
        ("GET /\r HTTP/1.1\r\nHost: x\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1\r\nHost: x\r\nX: a\u{1}b\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .missingHost),
    ] as [(String, HTTP1ParseError.Kind)])
    func malformedHeadsAreRefused(_ head: String, _ kind: HTTP1ParseError.Kind) {
        #expect(error(head)?.kind == kind)
    }

    @Test func errorsAreSticky() throws {
        var parser = HTTP1RequestParser(limits: .init(maxHeadBytes: 1024, maxBodyBytes: 10))
        parser.append(Array("BAD\r\n\r\n".utf8))
        let first = #expect(throws: HTTP1ParseError.self) { try parser.next() }
        #expect(first?.kind == .malformedRequestLine)
        parser.append(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        let again = #expect(throws: HTTP1ParseError.self) { try parser.next() }
        #expect(again != nil && again == first)
    }

    @Test func idleAndBodyStateAreReported() throws {
        var parser = HTTP1RequestParser(limits: .init(maxHeadBytes: 1024, maxBodyBytes: 10))
        #expect(parser.isIdle)
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.isReadingBody && !parser.isIdle)
        parser.append(Array("cd".utf8))
        #expect(try parser.next() != nil)
        #expect(parser.isIdle && !parser.isReadingBody)
    }
}
