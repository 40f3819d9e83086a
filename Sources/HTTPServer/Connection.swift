import COpenSSL
import CWebhookShims
import Logging
import TLSSupport
import Glibc
import Locking

/// One accepted socket: TLS (or plain), buffered output, timeouts, and the HTTP/1.1 or HTTP/2 exchange on top.
/// Confined to its event loop's thread (asserted in debug builds); `@unchecked Sendable` only lets response
/// callbacks carry it back there.
final class Connection: @unchecked Sendable {
    /// Where the connection is, with the protocol state that exists only there.
    enum State {
        case handshaking
        case http1(HTTP1Exchange)
        case http2(HTTP2Session)
        /// Output done and write side shut: discarding input briefly (`discarded` bytes so far) so the peer
        /// reads our last response instead of a reset.
        case lingering(until: UInt64, discarded: Int)
        case closed
    }

    /// The read side.
    enum Input: Equatable {
        case open
        /// Not read for now (pipelined requests wait, a rejected request's rest is not wanted, ...).
        case paused
        /// The peer closed its side; final.
        case ended
    }

    /// What happens once the queued output is written.
    enum AfterOutput {
        case stayOpen
        case close
        /// Send close_notify and FIN, then linger (after an error answer the client may still be sending).
        case lingerThenClose
    }

    /// The socket readiness OpenSSL asked for beyond the obvious one (renegotiation-free TLS still needs
    /// these: a read may have to write and a write may have to read).
    struct TLSWants: OptionSet {
        let rawValue: UInt8
        static let readNeedsWritable = TLSWants(rawValue: 1)
        static let writeNeedsReadable = TLSWants(rawValue: 2)
        static let handshakeNeedsWritable = TLSWants(rawValue: 4)
    }

    enum ReadResult {
        case data(Int)
        case wouldBlock
        case endOfStream
        case failed(String)
    }

    let fd: Int32
    unowned let loop: EventLoop
    let context: ServerContext
    let logger: Logger
    private(set) var ssl: OpaquePointer?
    private(set) var state: State
    var registeredInterest: UInt32 = 0

    /// Bytes to send: `outbound[outboundStart...]`.
    var outbound: [UInt8] = []
    var outboundStart = 0
    var afterOutput = AfterOutput.stayOpen
    private(set) var input = Input.open
    private var tlsWants: TLSWants = []

    let acceptedAt: UInt64
    var lastActivity: UInt64
    var lastWriteProgress: UInt64
    /// Requests handed to the handler whose responses have not come back to this loop yet.
    private(set) var inFlightHandlers = 0

    static let maxReadPerEvent = 1 << 20
    static let lingerNanoseconds: UInt64 = 2_000_000_000
    static let maxLingerDiscard = 1 << 20

    init?(fd: Int32, loop: EventLoop) {
        self.fd = fd
        self.loop = loop
        self.context = loop.context
        var logger = loop.context.logger
        logger[metadataKey: "connection"] = "\(fd)"
        self.logger = logger
        let now = monotonicNanoseconds()
        acceptedAt = now
        lastActivity = now
        lastWriteProgress = now
        if let certificates = context.certificates {
            OpenSSLErrorQueue.clear()
            guard let ssl = SSL_new(certificates.current.handle) else {
                context.logger.error("SSL_new failed", metadata: ["error": "\(OpenSSLErrorQueue.drain())"])
                return nil
            }
            SSL_set_fd(ssl, fd)
            SSL_set_accept_state(ssl)
            self.ssl = ssl
            state = .handshaking
        } else {
            state = .http1(HTTP1Exchange(limits: context.limits, startedAt: now))
        }
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Pauses or resumes reading; a read side the peer closed stays closed.
    func pauseReading(_ paused: Bool) {
        if input != .ended { input = paused ? .paused : .open }
    }

    func handlerStarted() { inFlightHandlers += 1 }

    func handlerFinished() { inFlightHandlers -= 1 }

    var hasPendingOutput: Bool { outboundStart < outbound.count }

    // MARK: Events

    private func hasUnreadInput() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
    }

    func handleEvent(flags: UInt32) {
        loop.assertInEventLoop()
        if flags & (cws_EPOLLERR()) != 0 && flags & cws_EPOLLIN() == 0 {
            close(reason: "socket error")
            return
        }
        if flags & (cws_EPOLLIN() | cws_EPOLLHUP() | cws_EPOLLRDHUP()) != 0 { inputMayBeWaiting = true }
        process()
    }

    /// False once a read came back short with nothing left inside OpenSSL: the socket is drained and
    /// epoll (level-triggered) will say when more arrives, so work triggered by a response need not
    /// try a read that can only return EAGAIN. One syscall less per request.
    private var inputMayBeWaiting = true

    private var tlsHasBufferedInput: Bool {
        guard let ssl else { return false }
        return SSL_has_pending(ssl) != 0
    }

    /// Advances everything that can advance: handshake, reading, protocol work, writing, closing.
    func process() {
        loop.assertInEventLoop()
        switch state {
        case .closed: return
        case .lingering(let until, let discarded): drainWhileLingering(until: until, discarded: discarded); return
        case .handshaking:
            guard advanceHandshake() else { return }
        case .http1, .http2: break
        }
        if input == .open && (inputMayBeWaiting || tlsHasBufferedInput) { readAvailable() }
        if isClosed { return }
        flush()
        if isClosed { return }
        closeIfFinished()
        if !isClosed { loop.updateInterest(self) }
    }

    var desiredInterest: UInt32 {
        switch state {
        case .closed: return 0
        case .lingering: return cws_EPOLLIN() | cws_EPOLLRDHUP()
        default:
            var interest: UInt32 = 0
            if input == .open || tlsWants.contains(.writeNeedsReadable) { interest |= cws_EPOLLIN() }
            if hasPendingOutput || !tlsWants.isDisjoint(with: [.readNeedsWritable, .handshakeNeedsWritable]) {
                interest |= cws_EPOLLOUT()
            }
            return interest
        }
    }

    // MARK: TLS handshake

    /// True once the handshake is done and a protocol chosen.
    private func advanceHandshake() -> Bool {
        guard let ssl else { return true }
        OpenSSLErrorQueue.clear()
        let result = SSL_do_handshake(ssl)
        tlsWants.remove(.handshakeNeedsWritable)
        if result == 1 {
            var protocolName: UnsafePointer<UInt8>?
            var length: UInt32 = 0
            SSL_get0_alpn_selected(ssl, &protocolName, &length)
            let isHTTP2 = length == 2 && protocolName![0] == UInt8(ascii: "h") && protocolName![1] == UInt8(ascii: "2")
            if isHTTP2, let session = HTTP2Session(transport: self) {
                state = .http2(session)
            } else {
                state = .http1(HTTP1Exchange(limits: context.limits, startedAt: acceptedAt))
            }
            if context.shuttingDown.load(ordering: .relaxed) { beginGracefulShutdown() }
            return true
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            loop.updateInterest(self)
        case SSL_ERROR_WANT_WRITE:
            tlsWants.insert(.handshakeNeedsWritable)
            loop.updateInterest(self)
        case let code:
            let reason = code == SSL_ERROR_SSL ? OpenSSLErrorQueue.drain()
                : (errno == 0 ? "connection closed during handshake" : SystemError.describe(errno))
            context.observer?.tlsHandshakeFailed(reason: reason)
            logger.info("TLS handshake failed", metadata: ["reason": "\(reason)"])
            close(reason: "TLS handshake failed", sendCloseNotify: false)
        }
        return false
    }

    // MARK: Reading

    private func readAvailable() {
        var total = 0
        while input == .open && !isClosed && afterOutput == .stayOpen {
            switch readOnce() {
            case .data(let count):
                total += count
                lastActivity = monotonicNanoseconds()
                loop.readBuffer.withUnsafeBufferPointer { buffer in
                    received(UnsafeBufferPointer(rebasing: buffer[0..<count]))
                }
                if count < loop.readBuffer.count && !tlsHasBufferedInput {
                    inputMayBeWaiting = false  // a short read: the socket had no more (epoll reports new data)
                    return
                }
                if total >= Self.maxReadPerEvent {
                    // Fairness: let other connections run; decrypted bytes may be waiting inside OpenSSL.
                    loop.scheduleRerun(self)
                    return
                }
            case .wouldBlock:
                inputMayBeWaiting = tlsWants.contains(.readNeedsWritable)  // WANT_WRITE: retry once writable
                return
            case .endOfStream:
                input = .ended
                peerDidClose()
                return
            case .failed(let reason):
                close(reason: "read failed: \(reason)", sendCloseNotify: false)
                return
            }
        }
    }

    private func readOnce() -> ReadResult {
        let capacity = loop.readBuffer.count
        return loop.readBuffer.withUnsafeMutableBytes { buffer -> ReadResult in
            if let ssl {
                tlsWants.remove(.readNeedsWritable)
                OpenSSLErrorQueue.clear()
                let result = SSL_read(ssl, buffer.baseAddress, Int32(capacity))
                if result > 0 { return .data(Int(result)) }
                switch SSL_get_error(ssl, result) {
                case SSL_ERROR_WANT_READ: return .wouldBlock
                case SSL_ERROR_WANT_WRITE:
                    tlsWants.insert(.readNeedsWritable)
                    return .wouldBlock
                case SSL_ERROR_ZERO_RETURN: return .endOfStream
                case SSL_ERROR_SYSCALL:
                    return result == 0 || errno == 0 || errno == ECONNRESET ? .endOfStream : .failed(SystemError.describe(errno))
                default: return .failed(OpenSSLErrorQueue.drain())
                }
            }
            let count = SystemError.retryingOnInterrupt { read(fd, buffer.baseAddress, capacity) }
            if count > 0 { return .data(count) }
            if count == 0 { return .endOfStream }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case ECONNRESET: return .endOfStream
            default: return .failed(SystemError.describe(errno))
            }
        }
    }

    private func received(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch state {
        case .http1(let exchange): http1Received(bytes, exchange)
        case .http2(let session): session.received(bytes)
        default: break
        }
    }

    private func peerDidClose() {
        switch state {
        case .http1(let exchange): http1PeerClosed(exchange)
        default: close(reason: "peer closed")
        }
    }

    // MARK: Writing

    func enqueue(_ bytes: [UInt8]) {
        if outbound.isEmpty { lastWriteProgress = monotonicNanoseconds() }
        outbound.append(contentsOf: bytes)
    }

    /// Writes as much as the socket takes; HTTP/2 frames are produced as room frees up.
    func flush() {
        tlsWants.remove(.writeNeedsReadable)
        while !isClosed {
            if !hasPendingOutput {
                outbound.removeAll(keepingCapacity: outbound.capacity <= 256 * 1024)
                outboundStart = 0
                if case .http2(let session) = state, session.produceOutput() { continue }
                if afterOutput != .stayOpen { finishAfterFlush() }
                return
            }
            let written = outbound.withUnsafeBytes { buffer -> Int in
                let pending = UnsafeRawBufferPointer(rebasing: buffer[outboundStart...])
                return writeOnce(pending)
            }
            if written > 0 {
                outboundStart += written
                lastWriteProgress = monotonicNanoseconds()
                lastActivity = lastWriteProgress
            } else if written == 0 {
                return
            } else {
                close(reason: "write failed", sendCloseNotify: false)
                return
            }
        }
    }

    /// Bytes written, 0 when the socket is full, -1 on error.
    private func writeOnce(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let ssl {
            OpenSSLErrorQueue.clear()
            let result = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
            if result > 0 { return Int(result) }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_WRITE: return 0
            case SSL_ERROR_WANT_READ:
                tlsWants.insert(.writeNeedsReadable)
                return 0
            default:
                logger.debug("TLS write failed", metadata: ["error": "\(OpenSSLErrorQueue.drain())"])
                return -1
            }
        }
        let result = SystemError.retryingOnInterrupt { write(fd, bytes.baseAddress, bytes.count) }
        if result >= 0 { return result }
        switch errno {
        case EAGAIN, EWOULDBLOCK: return 0
        default:
            logger.debug("write failed", metadata: ["error": "\(SystemError.describe(errno))"])
            return -1
        }
    }

    // MARK: Closing

    private func closeIfFinished() {
        switch state {
        case .http2(let session):
            // A session terminated for abuse does not wait for its handlers: their answers are dropped.
            if session.isFinished && (inFlightHandlers == 0 || session.terminated) && !hasPendingOutput {
                close(reason: "HTTP/2 session finished")
            }
        case .http1(let exchange):
            if input == .ended && !hasPendingOutput && !exchange.awaitingResponse { close(reason: "peer closed") }
        default: break
        }
    }

    private func finishAfterFlush() {
        if afterOutput == .lingerThenClose {
            if let ssl {
                OpenSSLErrorQueue.clear()
                _ = SSL_shutdown(ssl)
            }
            shutdown(fd, Int32(SHUT_WR))
            state = .lingering(until: monotonicNanoseconds() + Self.lingerNanoseconds, discarded: 0)
            loop.updateInterest(self)
        } else {
            close(reason: "response complete, connection not kept alive")
        }
    }

    private func drainWhileLingering(until: UInt64, discarded: Int) {
        var discarded = discarded
        defer { if case .lingering = state { state = .lingering(until: until, discarded: discarded) } }
        while true {
            let count = loop.readBuffer.withUnsafeMutableBytes { buffer in
                SystemError.retryingOnInterrupt { read(fd, buffer.baseAddress, buffer.count) }
            }
            if count > 0 {
                discarded += count
                if discarded > Self.maxLingerDiscard { break }
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            break
        }
        close(reason: "lingering close done", sendCloseNotify: false)
    }

    func close(reason: String, sendCloseNotify: Bool = true) {
        loop.assertInEventLoop()
        if isClosed { return }
        let handshakeCompleted = ssl.map { SSL_is_init_finished($0) == 1 } ?? false
        if case .lingering = state {} else if sendCloseNotify && handshakeCompleted, let ssl {
            OpenSSLErrorQueue.clear()
            _ = SSL_shutdown(ssl)
        }
        if case .http2(let session) = state { session.release() }
        state = .closed
        logger.trace("connection closed", metadata: ["reason": "\(reason)"])
        loop.removed(self)
        if let ssl {
            // SSL_free evicts the session of a connection not shut down from the cache (OpenSSL treats it as
            // possibly broken). A completed handshake's session is good however the connection ended: mark it
            // shut down, so TLS 1.2 session-ID resumption also works after a close without close_notify.
            if handshakeCompleted { SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN) }
            SSL_free(ssl)
            self.ssl = nil
        }
        Glibc.close(fd)
        OpenSSLErrorQueue.clear()
    }

    /// Stop taking new requests; finish those in flight; close idle connections now.
    func beginGracefulShutdown() {
        loop.assertInEventLoop()
        switch state {
        case .handshaking, .lingering: close(reason: "server shutting down")
        case .http1(let exchange): http1ShutdownRequested(exchange)
        case .http2(let session): session.sendGoAway()
        case .closed: return
        }
        if !isClosed { process() }
    }

    // MARK: Timeouts

    func checkTimeouts(now: UInt64) {
        loop.assertInEventLoop()
        let limits = context.limits
        switch state {
        case .closed: return
        case .lingering(let until, _):
            if now >= until { close(reason: "lingering close timed out", sendCloseNotify: false) }
            return
        case .handshaking:
            if now - acceptedAt > limits.readHeaderTimeout.nanoseconds {
                timedOut(.headerTimeout, "TLS handshake and request head not received in time")
            }
            return
        case .http1(let exchange):
            if writeTimedOut(now: now) { return }
            http1CheckTimeouts(now: now, exchange)
        case .http2(let session):
            if writeTimedOut(now: now) { return }
            session.checkTimeouts(now: now)
        }
    }

    private func writeTimedOut(now: UInt64) -> Bool {
        guard hasPendingOutput && now - lastWriteProgress > context.limits.writeTimeout.nanoseconds else { return false }
        timedOut(.writeTimeout, "client stopped reading")
        return true
    }

    func timedOut(_ kind: ServerProtocolErrorKind, _ reason: String) {
        // Under overload the loop may reach a connection late: bytes already waiting in the socket mean
        // the client was on time and the server is behind, so its request is read rather than dropped.
        if (kind == .headerTimeout || kind == .requestTimeout) && hasUnreadInput() { return }
        context.observer?.protocolError(kind)
        logger.info("connection timed out", metadata: ["kind": "\(kind.rawValue)", "reason": "\(reason)"])
        close(reason: reason)
    }
}

