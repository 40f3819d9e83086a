/// A connected byte stream (plain TCP or TLS) with deadline-bounded, stoppable operations.
protocol ByteStream: AnyObject {
    /// `host:port`, for errors.
    var target: String { get }
    /// Reads up to `buffer.count` bytes; 0 means the peer closed the stream.
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError)
    func close()
}
