import Logging

/// What an HTTP/2 session needs from the connection under it, and nothing more: output to queue, the read
/// side to pause, handler accounting, timeouts and closing. The connection owns the socket, TLS and the state.
/// Everything here runs on the connection's event loop.
protocol HTTP2Transport: AnyObject, Sendable {
    var context: ServerContext { get }
    var logger: Logger { get }
    var loop: EventLoop { get }
    var acceptedAt: UInt64 { get }
    var lastActivity: UInt64 { get }
    /// Output bytes queued and not yet written.
    var queuedOutputBytes: Int { get }
    func queueOutput(_ bytes: UnsafeBufferPointer<UInt8>)
    /// Requests handed to the handler whose responses have not come back yet.
    var inFlightHandlers: Int { get }
    func handlerStarted()
    func handlerFinished()
    func stopReading()
    func timedOut(_ kind: ServerProtocolErrorKind, _ reason: String)
    /// Advances everything that can advance: reading, writing, closing.
    func process()
    /// Writes what is queued, then closes.
    func finish(reason: String)
}

extension Connection: HTTP2Transport {
    var queuedOutputBytes: Int { outbound.count - outboundStart }

    func queueOutput(_ bytes: UnsafeBufferPointer<UInt8>) {
        outbound.append(contentsOf: bytes)
    }

    func stopReading() { pauseReading(true) }

    func finish(reason: String) {
        process()
        if !isClosed { close(reason: reason) }
    }
}
