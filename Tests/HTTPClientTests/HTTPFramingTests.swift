import Testing
@testable import HTTPClient

@Suite struct ChunkedDecoderTests {
    static let chunked = Array("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n".utf8)

    @Test(arguments: 0...chunked.count)
    func chunkedBodiesDecodeWhereverTheBytesAreSplit(split: Int) throws {
        var decoder = ChunkedDecoder()
        var output: [UInt8] = []
        let first = try decoder.decode(Self.chunked[0..<split], into: &output)
        #expect(first == split)
        _ = try decoder.decode(Self.chunked[split...], into: &output)
        #expect(decoder.isFinished)
        #expect(String(decoding: output, as: UTF8.self) == "hello, world")
    }

    @Test func bytesAfterTheLastChunkAreNotConsumed() throws {
        var decoder = ChunkedDecoder()
        var output: [UInt8] = []
        let input = Array("3\r\nabc\r\n0\r\n\r\nNEXT".utf8)
        #expect(try decoder.decode(input[...], into: &output) == input.count - 4)
    }

    @Test(arguments: [
        ("zz\r\nab\r\n", "chunked encoding: invalid chunk size \"zz\""),
        ("2\r\nabc\r\n", "chunked encoding: chunk data longer than its size"),
        (String(repeating: "1", count: 5000), "chunked encoding: line longer than 4096 bytes"),
    ])
    func malformedChunksAreRejected(input: String, reason: String) {
        var decoder = ChunkedDecoder()
        var output: [UInt8] = []
        #expect { try decoder.decode(Array(input.utf8)[...], into: &output) } throws: { error in
            (error as? HTTPFramingError)?.failure == .malformedResponse(reason)
        }
    }
}

@Suite struct HTTPResponseReaderTests {
    @Test func headersAreParsedWithCRLF() throws {
        let head = try HTTPResponseHead(parsing: Array("HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nTransfer-Encoding:  chunked \r\n".utf8)[...])
        #expect(head.status == 410)
        #expect(head.value(of: "Transfer-Encoding") == "chunked")
        #expect(head.value(of: "content-type") == "application/json")
    }

    @Test func aStatusLineThatIsNotHTTPIsMalformed() {
        let reader = HTTPResponseReader(scripted: ScriptedStream("SSH-2.0-OpenSSH\r\n\r\n"))
        #expect(throws: HTTPClientError(target: "scripted:1", .malformedResponse("invalid status line \"SSH-2.0-OpenSSH\""))) {
            try reader.readHead(requestMethod: "GET", deadline: soon)
        }
    }

    @Test func interimResponsesAreSkipped() throws {
        let reader = HTTPResponseReader(scripted: ScriptedStream("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"))
        #expect(try reader.readHead(requestMethod: "POST", deadline: soon).status == 201)
        #expect(try reader.readBody(limit: 10, deadline: soon) == Array("ok".utf8))
    }

    @Test func aBodyCutShortIsAnError() throws {
        let reader = HTTPResponseReader(scripted: ScriptedStream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        _ = try reader.readHead(requestMethod: "GET", deadline: soon)
        #expect(throws: HTTPClientError(target: "scripted:1", .connection("the server closed the connection in the middle of the response body"))) {
            try reader.readBody(limit: 100, deadline: soon)
        }
    }

    @Test func contentLengthEndsTheBody() throws {
        let reader = HTTPResponseReader(scripted: ScriptedStream("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloEXTRA"))
        _ = try reader.readHead(requestMethod: "GET", deadline: soon)
        #expect(try reader.readBody(limit: 100, deadline: soon) == Array("hello".utf8))
    }

    @Test func aCloseDelimitedBodyEndsWithTheConnectionAndHasALimit() throws {
        let reader = HTTPResponseReader(scripted: ScriptedStream("HTTP/1.1 200 OK\r\n\r\n0123456789"))
        _ = try reader.readHead(requestMethod: "GET", deadline: soon)
        #expect(throws: HTTPClientError(target: "scripted:1", .tooLarge("response body larger than 4 bytes"))) {
            try reader.readBody(limit: 4, deadline: soon)
        }
        let whole = HTTPResponseReader(scripted: ScriptedStream("HTTP/1.1 200 OK\r\n\r\n0123456789"))
        _ = try whole.readHead(requestMethod: "GET", deadline: soon)
        #expect(try whole.readBody(limit: 100, deadline: soon) == Array("0123456789".utf8))
    }

    @Test(arguments: [("HEAD", "200 OK"), ("GET", "204 No Content"), ("GET", "304 Not Modified")])
    func someResponsesHaveNoBodyWhateverTheirHeadersSay(method: String, status: String) throws {
        let reader = HTTPResponseReader(scripted: ScriptedStream("HTTP/1.1 \(status)\r\nContent-Length: 42\r\n\r\n"))
        _ = try reader.readHead(requestMethod: method, deadline: soon)
        #expect(try reader.readBody(limit: 100, deadline: soon) == [])
    }

    @Test func anOversizedHeadIsRefused() {
        let reader = HTTPResponseReader(stream: ScriptedStream("HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 300)),
                                        maximumHeadBytes: 100)
        #expect(throws: HTTPClientError(target: "scripted:1", .tooLarge("response head larger than 100 bytes"))) {
            try reader.readHead(requestMethod: "GET", deadline: soon)
        }
    }
}

@Suite struct LineStreamTests {
    static func stream(_ wire: [UInt8], pieceSize: Int) throws -> HTTPResponseStream {
        let pieces = stride(from: 0, to: wire.count, by: pieceSize).map { Array(wire[$0..<min($0 + pieceSize, wire.count)]) }
        let scripted = ScriptedStream(pieces)
        let reader = HTTPResponseReader(scripted: scripted)
        let head = try reader.readHead(requestMethod: "GET", deadline: soon)
        return HTTPResponseStream(head: head, stream: scripted, reader: reader)
    }

    @Test(arguments: [1, 7, 4096])
    func aChunkedStreamYieldsWholeLinesAcrossArbitraryReads(pieceSize: Int) throws {
        let events = [#"{"type":"ADDED","object":{"metadata":{"resourceVersion":"1"}}}"#,
                      #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"2"}}}"#, "last-without-newline"]
        var wire = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for (index, event) in events.enumerated() {
            let line = Array((event + (index == events.count - 1 ? "" : "\n\r\n")).utf8)  // a blank line too
            // One line split over two chunks, as an API server may do.
            let half = line.count / 2
            wire += Array(String(half, radix: 16).utf8) + [13, 10] + line[0..<half] + [13, 10]
            wire += Array(String(line.count - half, radix: 16).utf8) + [13, 10] + line[half...] + [13, 10]
        }
        wire += Array("0\r\n\r\n".utf8)
        let stream = try Self.stream(wire, pieceSize: pieceSize)
        var received: [String] = []
        while let line = try stream.nextLine(maximumLength: 1024, idleTimeout: .seconds(30)) {
            received.append(String(decoding: line, as: UTF8.self))
        }
        #expect(received == events)
    }

    @Test func overlongLinesAreRefused() throws {
        let stream = try Self.stream(Array("HTTP/1.1 200 OK\r\n\r\n0123456789\n".utf8), pieceSize: 100)
        #expect(throws: HTTPClientError(target: "scripted:1", .tooLarge("line longer than 8 bytes"))) {
            try stream.nextLine(maximumLength: 8, idleTimeout: .seconds(30))
        }
    }
}
