import Testing
@testable import KubernetesClient

/// A `ByteStream` that hands out scripted pieces, as a socket would.
final class ScriptedStream: ByteStream {
    var pieces: [[UInt8]]
    init(_ pieces: [[UInt8]]) { self.pieces = pieces }
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> Int {
        guard !pieces.isEmpty else { return 0 }
        let piece = pieces.removeFirst()
        let count = min(piece.count, buffer.count)
        buffer.replaceSubrange(0..<count, with: piece[0..<count])
        if count < piece.count { pieces.insert(Array(piece[count...]), at: 0) }
        return count
    }
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(KubernetesAPIError) {}
    func close() {}
}

@Suite struct HTTPFramingTests {
    static let chunked = Array("5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\n".utf8)

    @Test func chunkedBodiesDecodeWhereverTheBytesAreSplit() throws {
        for split in 0...Self.chunked.count {
            var decoder = ChunkedDecoder()
            var output: [UInt8] = []
            let first = try decoder.decode(Self.chunked[0..<split], into: &output)
            #expect(first == split)
            _ = try decoder.decode(Self.chunked[split...], into: &output)
            #expect(decoder.isFinished)
            #expect(String(decoding: output, as: UTF8.self) == "hello, world")
        }
    }

    @Test func bytesAfterTheLastChunkAreNotConsumed() throws {
        var decoder = ChunkedDecoder()
        var output: [UInt8] = []
        let input = Array("3\r\nabc\r\n0\r\n\r\nNEXT".utf8)
        #expect(try decoder.decode(input[...], into: &output) == input.count - 4)
    }

    @Test func malformedChunksAreRejected() {
        for bad in ["zz\r\nab\r\n", "2\r\nabc\r\n", String(repeating: "1", count: 5000)] {
            var decoder = ChunkedDecoder()
            var output: [UInt8] = []
            #expect(throws: KubernetesAPIError.self) { try decoder.decode(Array(bad.utf8)[...], into: &output) }
        }
    }

    @Test func headersAreParsedWithCRLF() throws {
        let head = try HTTPResponseHead(parsing: Array("HTTP/1.1 410 Gone\r\nContent-Type: application/json\r\nTransfer-Encoding:  chunked \r\n".utf8)[...])
        #expect(head.status == 410)
        #expect(head.value(of: "transfer-encoding") == "chunked")
        #expect(head.value(of: "content-type") == "application/json")
        #expect(throws: KubernetesAPIError.self) { try HTTPResponseHead(parsing: Array("SSH-2.0-OpenSSH\r\n".utf8)[...]) }
    }

    @Test func aChunkedWatchStreamYieldsWholeLinesAcrossArbitraryReads() throws {
        let events = [#"{"type":"ADDED","object":{"metadata":{"resourceVersion":"1"}}}"#,
                      #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"2"}}}"#]
        var wire = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for event in events {
            let line = Array((event + "\n").utf8)
            // One event split over two chunks, as an API server may do.
            let half = line.count / 2
            wire += Array(String(half, radix: 16).utf8) + [13, 10] + line[0..<half] + [13, 10]
            wire += Array(String(line.count - half, radix: 16).utf8) + [13, 10] + line[half...] + [13, 10]
        }
        wire += Array("0\r\n\r\n".utf8)
        let pieces = stride(from: 0, to: wire.count, by: 7).map { Array(wire[$0..<min($0 + 7, wire.count)]) }
        let reader = HTTPResponseReader(stream: ScriptedStream(pieces))
        let head = try reader.readHead(deadline: .now + .seconds(5))
        var lines = LineSplitter(maximumLineLength: 1024)
        var received: [String] = []
        try reader.streamBody(of: head, nextDeadline: { .now + .seconds(5) }) { (data: [UInt8]) throws(KubernetesAPIError) in
            try lines.feed(data) { (line: [UInt8]) throws(KubernetesAPIError) in received.append(String(decoding: line, as: UTF8.self)) }
        }
        #expect(received == events)
        #expect(try WatchEvent(line: Array(received[1].utf8)).kind == .bookmark)
    }

    @Test func aBodyCutShortIsAnError() throws {
        let reader = HTTPResponseReader(stream: ScriptedStream([Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)]))
        let head = try reader.readHead(deadline: .now + .seconds(5))
        #expect(throws: KubernetesAPIError.self) { try reader.readBody(of: head, limit: 100, deadline: .now + .seconds(5)) }
    }

    @Test func contentLengthAndLimit() throws {
        let reader = HTTPResponseReader(stream: ScriptedStream([Array("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloEXTRA".utf8)]))
        let head = try reader.readHead(deadline: .now + .seconds(5))
        #expect(try reader.readBody(of: head, limit: 100, deadline: .now + .seconds(5)) == Array("hello".utf8))
        let big = HTTPResponseReader(stream: ScriptedStream([Array("HTTP/1.1 200 OK\r\n\r\n0123456789".utf8)]))
        let bigHead = try big.readHead(deadline: .now + .seconds(5))
        #expect(throws: KubernetesAPIError.self) { try big.readBody(of: bigHead, limit: 4, deadline: .now + .seconds(5)) }
    }

    @Test func overlongWatchLinesAreRefused() {
        var lines = LineSplitter(maximumLineLength: 8)
        #expect(throws: KubernetesAPIError.self) {
            try lines.feed(Array("0123456789".utf8)) { (_: [UInt8]) throws(KubernetesAPIError) in }
        }
    }

    @Test func queryValuesArePercentEncoded() {
        #expect(QueryEncoding.encode("metadata.name=pod-identity-webhook") == "metadata.name%3Dpod-identity-webhook")
        #expect(QueryEncoding.encode("eyJ2+/=") == "eyJ2%2B%2F%3D")
    }
}
