/// Reads one HTTP/1.1 response from a `ByteStream`: the head, then the body framed by
/// `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection, piece by piece.
final class HTTPResponseReader {
    private enum Framing {
        case chunked(ChunkedDecoder)
        case length(remaining: Int)
        case untilClose
        case finished
    }

    private let stream: ByteStream
    private let maximumHeadBytes: Int
    private var framing = Framing.finished
    private var pending: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 32 << 10)

    init(stream: ByteStream, maximumHeadBytes: Int) {
        self.stream = stream
        self.maximumHeadBytes = maximumHeadBytes
    }

    private func failure(_ failure: HTTPClientError.Failure) -> HTTPClientError {
        HTTPClientError(target: stream.target, failure)
    }

    /// Reads more bytes into `pending`; false at end of stream.
    private func fill(deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Bool {
        let count = try stream.read(into: &scratch, deadline: deadline)
        guard count > 0 else { return false }
        pending.append(contentsOf: scratch[0..<count])
        return true
    }

    /// The head of the final response (1xx interim responses are skipped). `requestMethod` decides whether a
    /// body follows: none after HEAD, 204 and 304.
    func readHead(requestMethod: String, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> HTTPResponseHead {
        var searchFrom = 0
        while true {
            if let end = Self.headEnd(in: pending, from: searchFrom) {
                let head: HTTPResponseHead
                do {
                    head = try HTTPResponseHead(parsing: pending[0..<end.headLength])
                } catch {
                    throw failure(error.failure)
                }
                pending.removeFirst(end.consumed)
                if (100..<200).contains(head.status) { searchFrom = 0; continue }  // 100 Continue and friends
                framing = try framing(for: head, requestMethod: requestMethod)
                return head
            }
            searchFrom = max(0, pending.count - 3)
            guard pending.count <= maximumHeadBytes else {
                throw failure(.tooLarge("response head larger than \(maximumHeadBytes) bytes"))
            }
            guard try fill(deadline: deadline) else {
                throw failure(.connection("the server closed the connection before sending a response"))
            }
        }
    }

    /// Finds the blank line ending a head (CRLFCRLF, or bare LFLF).
    private static func headEnd(in bytes: [UInt8], from start: Int) -> (headLength: Int, consumed: Int)? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") { return (index, index + 2) }
                if index + 2 < bytes.count && bytes[index + 1] == UInt8(ascii: "\r") && bytes[index + 2] == UInt8(ascii: "\n") {
                    return (index, index + 3)
                }
            }
            index += 1
        }
        return nil
    }

    private func framing(for head: HTTPResponseHead, requestMethod: String) throws(HTTPClientError) -> Framing {
        if requestMethod == "HEAD" || head.status == 204 || head.status == 304 { return .finished }
        if let encoding = head.value(of: "transfer-encoding"), encoding.lowercased().contains("chunked") {
            return .chunked(ChunkedDecoder())
        }
        if let lengthText = head.value(of: "content-length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw failure(.malformedResponse("invalid Content-Length \"\(lengthText.prefix(40))\""))
            }
            return length == 0 ? .finished : .length(remaining: length)
        }
        return .untilClose
    }

    /// The next piece of the body as it arrives, nil once the body is complete. A connection that ends before
    /// the framing says the body does is an error.
    func nextBodyBytes(deadline: ContinuousClock.Instant) throws(HTTPClientError) -> [UInt8]? {
        while true {
            if !pending.isEmpty {
                switch framing {
                case .finished:
                    return nil
                case .chunked(var decoder):
                    var decoded: [UInt8] = []
                    let consumed: Int
                    do {
                        consumed = try decoder.decode(pending[...], into: &decoded)
                    } catch {
                        throw failure(error.failure)
                    }
                    pending.removeFirst(consumed)
                    framing = decoder.isFinished ? .finished : .chunked(decoder)
                    if !decoded.isEmpty { return decoded }
                    if decoder.isFinished { return nil }
                case .length(let remaining):
                    let take = min(remaining, pending.count)
                    let piece = Array(pending[0..<take])
                    pending.removeFirst(take)
                    framing = remaining == take ? .finished : .length(remaining: remaining - take)
                    return piece
                case .untilClose:
                    defer { pending.removeAll(keepingCapacity: true) }
                    return pending
                }
            }
            if case .finished = framing { return nil }
            guard try fill(deadline: deadline) else {
                if case .untilClose = framing {
                    framing = .finished
                    return nil
                }
                throw failure(.connection("the server closed the connection in the middle of the response body"))
            }
        }
    }

    /// The rest of the body, refusing more than `limit` bytes.
    func readBody(limit: Int, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while let piece = try nextBodyBytes(deadline: deadline) {
            body.append(contentsOf: piece)
            guard body.count <= limit else { throw failure(.tooLarge("response body larger than \(limit) bytes")) }
        }
        return body
    }
}
