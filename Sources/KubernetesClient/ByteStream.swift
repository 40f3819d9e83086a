/// A connected byte stream (plain TCP or TLS) with deadline-bounded, stoppable operations.
protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means the peer closed the stream.
    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> Int
    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(KubernetesAPIError)
    func close()
}
