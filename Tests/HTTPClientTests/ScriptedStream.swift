@testable import HTTPClient

/// A `ByteStream` that hands out scripted pieces, as a socket would.
final class ScriptedStream: ByteStream {
    let target = "scripted:1"
    var pieces: [[UInt8]]
    init(_ pieces: [[UInt8]]) { self.pieces = pieces }
    convenience init(_ text: String) { self.init([Array(text.utf8)]) }
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int {
        guard !pieces.isEmpty else { return 0 }
        let piece = pieces.removeFirst()
        let count = min(piece.count, buffer.count)
        buffer.replaceSubrange(0..<count, with: piece[0..<count])
        if count < piece.count { pieces.insert(Array(piece[count...]), at: 0) }
        return count
    }
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) {}
    func close() {}
}

extension HTTPResponseReader {
    convenience init(scripted stream: ScriptedStream) { self.init(stream: stream, maximumHeadBytes: 64 << 10) }
}

let soon: ContinuousClock.Instant = .now + .seconds(30)
