/// Reads one HTTP/1.1 response from a `ByteStream`: the head, then the body framed by
/// `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection.
final class HTTPResponseReader {
    private enum Framing {
        case chunked(ChunkedDecoder)
        case length(remaining: Int)
        case untilClose
    }

    private let stream: ByteStream
    private var pending: [UInt8] = []
    private var scratch = [UInt8](repeating: 0, count: 32 << 10)

    init(stream: ByteStream) {
        self.stream = stream
    }

    /// Reads more bytes into `pending`; false at end of stream.
    private func fill(deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> Bool {
        let count = try stream.read(into: &scratch, deadline: deadline)
        guard count > 0 else { return false }
        pending.append(contentsOf: scratch[0..<count])
        return true
    }

    func readHead(deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> HTTPResponseHead {
        var searchFrom = 0
        while true {
            if let end = Self.headEnd(in: pending, from: searchFrom) {
                let head = try HTTPResponseHead(parsing: pending[0..<end.headLength])
                pending.removeFirst(end.consumed)
                if (100..<200).contains(head.status) { searchFrom = 0; continue }  // 100 Continue and friends
                return head
            }
            searchFrom = max(0, pending.count - 3)
            guard pending.count <= HTTPResponseHead.maximumSize else {
                throw .malformedResponse("response head larger than \(HTTPResponseHead.maximumSize) bytes")
            }
            guard try fill(deadline: deadline) else {
                throw .connection("the server closed the connection before sending a response")
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

    private func framing(for head: HTTPResponseHead) throws(KubernetesAPIError) -> Framing {
        if let encoding = head.value(of: "transfer-encoding"), encoding.lowercased().contains("chunked") {
            return .chunked(ChunkedDecoder())
        }
        if let lengthText = head.value(of: "content-length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw .malformedResponse("invalid Content-Length \"\(lengthText.prefix(40))\"")
            }
            return .length(remaining: length)
        }
        return .untilClose
    }

    /// Delivers the body as it arrives. `nextDeadline` is asked before every read, so a watch can use an
    /// idle timeout and a plain request an overall deadline. Returns when the body is complete.
    func streamBody(
        of head: HTTPResponseHead,
        nextDeadline: () -> ContinuousClock.Instant,
        onData: ([UInt8]) throws(KubernetesAPIError) -> Void
    ) throws(KubernetesAPIError) {
        var framing = try framing(for: head)
        var decoded: [UInt8] = []
        while true {
            if !pending.isEmpty {
                switch framing {
                case .chunked(var decoder):
                    decoded.removeAll(keepingCapacity: true)
                    let consumed = try decoder.decode(pending[...], into: &decoded)
                    pending.removeFirst(consumed)
                    framing = .chunked(decoder)
                    if !decoded.isEmpty { try onData(decoded) }
                    if decoder.isFinished { return }
                case .length(let remaining):
                    let take = min(remaining, pending.count)
                    try onData(Array(pending[0..<take]))
                    pending.removeFirst(take)
                    framing = .length(remaining: remaining - take)
                case .untilClose:
                    try onData(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if case .length(0) = framing { return }
            guard try fill(deadline: nextDeadline()) else {
                if case .untilClose = framing { return }
                throw .connection("the server closed the connection in the middle of the response body")
            }
        }
    }

    /// The whole body, refusing more than `limit` bytes.
    func readBody(of head: HTTPResponseHead, limit: Int, deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> [UInt8] {
        var body: [UInt8] = []
        try streamBody(of: head, nextDeadline: { deadline }) { (data: [UInt8]) throws(KubernetesAPIError) in
            body.append(contentsOf: data)
            guard body.count <= limit else { throw .malformedResponse("response body larger than \(limit) bytes") }
        }
        return body
    }
}
