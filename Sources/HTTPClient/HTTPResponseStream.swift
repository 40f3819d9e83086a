/// A response whose head has arrived and whose body is read on demand: whole (`readBody`), or as
/// newline-delimited lines (`nextLine`, for watch streams). Owns the connection; `close` it when done.
/// Confined to the thread that opened it.
public final class HTTPResponseStream {
    public let head: HTTPResponseHead
    private let stream: ByteStream
    private let reader: HTTPResponseReader
    private var lines: LineSplitter?

    init(head: HTTPResponseHead, stream: ByteStream, reader: HTTPResponseReader) {
        self.head = head
        self.stream = stream
        self.reader = reader
    }

    deinit { stream.close() }

    public var status: Int { head.status }

    /// The rest of the body, within `deadline` and `limit` bytes.
    public func readBody(limit: Int, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> [UInt8] {
        try reader.readBody(limit: limit, deadline: deadline)
    }

    /// The next non-blank line of the body (without its newline), nil at the end of the body. Each read from
    /// the server must come within `idleTimeout`; a line longer than `maximumLength` is an error.
    public func nextLine(maximumLength: Int, idleTimeout: Duration) throws(HTTPClientError) -> [UInt8]? {
        var splitter = lines ?? LineSplitter(maximumLineLength: maximumLength)
        defer { lines = splitter }
        while true {
            do {
                if let line = try splitter.nextLine() { return line }
            } catch {
                throw HTTPClientError(target: stream.target, error.failure)
            }
            guard let bytes = try reader.nextBodyBytes(deadline: .now + idleTimeout) else { return splitter.finish() }
            splitter.append(bytes)
        }
    }

    /// Ends the connection (close_notify for TLS). Reading afterwards fails.
    public func close() { stream.close() }
}
