import COpenSSL
import CWebhookShims
import Logging
import TLSSupport
import Glibc

/// One accepted socket: TLS (or plain), buffered output, timeouts, and the HTTP/1.1 or HTTP/2 exchange on top.
/// Confined to its event loop's thread; `@unchecked Sendable` only lets response callbacks carry it back there.
final class Connection: @unchecked Sendable {
    enum Phase {
        case handshaking
        case http1
        case http2
        /// Output done and write side shut: discarding input briefly so the peer reads our last response
        /// instead of a reset.
        case lingering(until: UInt64)
        case closed
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
    var phase: Phase
    var registeredInterest: UInt32 = 0

    /// Bytes to send: `outbound[outboundStart...]`.
    var outbound: [UInt8] = []
    var outboundStart = 0
    var closeAfterFlush = false
    var lingerAfterFlush = false
    var peerClosed = false
    var readPaused = false
    private var tlsReadWantsWrite = false
    private var tlsWriteWantsRead = false
    private var lingerDiscarded = 0

    let acceptedAt: UInt64
    var lastActivity: UInt64
    var lastWriteProgress: UInt64
    /// Requests handed to the handler whose responses have not come back to this loop yet.
    var inFlightHandlers = 0

    var http1: HTTP1Exchange?
    var http2: HTTP2Session?

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
            ERR_clear_error()
            guard let ssl = SSL_new(certificates.current.handle) else {
                context.logger.error("SSL_new failed", metadata: ["error": "\(OpenSSLErrorQueue.drain())"])
                return nil
            }
            SSL_set_fd(ssl, fd)
            SSL_set_accept_state(ssl)
            self.ssl = ssl
            phase = .handshaking
        } else {
            phase = .http1
            http1 = HTTP1Exchange(limits: context.limits, startedAt: now)
        }
    }

    var isClosed: Bool {
        if case .closed = phase { return true }
        return false
    }

    var hasPendingOutput: Bool { outboundStart < outbound.count }

    // MARK: Events

    private func hasUnreadInput() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0
    }

    func handleEvent(flags: UInt32) {
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
        switch phase {
        case .closed: return
        case .lingering: drainWhileLingering(); return
        case .handshaking:
            guard advanceHandshake() else { return }
        case .http1, .http2: break
        }
        if !readPaused && !peerClosed && (inputMayBeWaiting || tlsHasBufferedInput) { readAvailable() }
        if isClosed { return }
        flush()
        if isClosed { return }
        closeIfFinished()
        if !isClosed { loop.updateInterest(self) }
    }

    var desiredInterest: UInt32 {
        switch phase {
        case .closed: return 0
        case .lingering: return cws_EPOLLIN() | cws_EPOLLRDHUP()
        default:
            var interest: UInt32 = 0
            if (!readPaused && !peerClosed) || tlsWriteWantsRead { interest |= cws_EPOLLIN() }
            if hasPendingOutput || tlsReadWantsWrite || handshakeWantsWrite { interest |= cws_EPOLLOUT() }
            return interest
        }
    }

    // MARK: TLS handshake

    private var handshakeWantsWrite = false

    /// True once the handshake is done and a protocol chosen.
    private func advanceHandshake() -> Bool {
        guard let ssl else { return true }
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        handshakeWantsWrite = false
        if result == 1 {
            var protocolName: UnsafePointer<UInt8>?
            var length: UInt32 = 0
            SSL_get0_alpn_selected(ssl, &protocolName, &length)
            let isHTTP2 = length == 2 && protocolName![0] == UInt8(ascii: "h") && protocolName![1] == UInt8(ascii: "2")
            if isHTTP2, let session = HTTP2Session(connection: self) {
                http2 = session
                phase = .http2
            } else {
                http1 = HTTP1Exchange(limits: context.limits, startedAt: acceptedAt)
                phase = .http1
            }
            if context.shuttingDown.load(ordering: .relaxed) { beginGracefulShutdown() }
            return true
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            loop.updateInterest(self)
        case SSL_ERROR_WANT_WRITE:
            handshakeWantsWrite = true
            loop.updateInterest(self)
        case let code:
            let reason = code == SSL_ERROR_SSL ? OpenSSLErrorQueue.drain()
                : (errno == 0 ? "connection closed during handshake" : errnoDescription())
            context.observer?.tlsHandshakeFailed(reason: reason)
            logger.info("TLS handshake failed", metadata: ["reason": "\(reason)"])
            close(reason: "TLS handshake failed", sendCloseNotify: false)
        }
        return false
    }

    // MARK: Reading

    private func readAvailable() {
        var total = 0
        while !readPaused && !isClosed && !closeAfterFlush {
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
                inputMayBeWaiting = tlsReadWantsWrite  // WANT_WRITE: retry once the socket is writable
                return
            case .endOfStream:
                peerClosed = true
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
                tlsReadWantsWrite = false
                ERR_clear_error()
                let result = SSL_read(ssl, buffer.baseAddress, Int32(capacity))
                if result > 0 { return .data(Int(result)) }
                switch SSL_get_error(ssl, result) {
                case SSL_ERROR_WANT_READ: return .wouldBlock
                case SSL_ERROR_WANT_WRITE:
                    tlsReadWantsWrite = true
                    return .wouldBlock
                case SSL_ERROR_ZERO_RETURN: return .endOfStream
                case SSL_ERROR_SYSCALL:
                    return result == 0 || errno == 0 || errno == ECONNRESET ? .endOfStream : .failed(errnoDescription())
                default: return .failed(OpenSSLErrorQueue.drain())
                }
            }
            while true {
                let count = read(fd, buffer.baseAddress, capacity)
                if count > 0 { return .data(count) }
                if count == 0 { return .endOfStream }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock
                case ECONNRESET: return .endOfStream
                default: return .failed(errnoDescription())
                }
            }
        }
    }

    private func received(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch phase {
        case .http1: http1Received(bytes)
        case .http2: http2?.received(bytes)
        default: break
        }
    }

    private func peerDidClose() {
        switch phase {
        case .http1: http1PeerClosed()
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
        tlsWriteWantsRead = false
        while !isClosed {
            if !hasPendingOutput {
                outbound.removeAll(keepingCapacity: outbound.capacity <= 256 * 1024)
                outboundStart = 0
                if let http2, http2.produceOutput() { continue }
                if closeAfterFlush { finishAfterFlush() }
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
            ERR_clear_error()
            let result = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
            if result > 0 { return Int(result) }
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_WRITE: return 0
            case SSL_ERROR_WANT_READ:
                tlsWriteWantsRead = true
                return 0
            default:
                logger.debug("TLS write failed", metadata: ["error": "\(OpenSSLErrorQueue.drain())"])
                return -1
            }
        }
        while true {
            let result = write(fd, bytes.baseAddress, bytes.count)
            if result >= 0 { return result }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default:
                logger.debug("write failed", metadata: ["error": "\(errnoDescription())"])
                return -1
            }
        }
    }

    // MARK: Closing

    private func closeIfFinished() {
        switch phase {
        case .http2:
            // A session terminated for abuse does not wait for its handlers: their answers are dropped.
            if let http2, http2.isFinished && (inFlightHandlers == 0 || http2.terminated) && !hasPendingOutput {
                close(reason: "HTTP/2 session finished")
            }
        case .http1:
            if peerClosed && !hasPendingOutput && http1?.awaitingResponse != true { close(reason: "peer closed") }
        default: break
        }
    }

    private func finishAfterFlush() {
        if lingerAfterFlush {
            if let ssl {
                ERR_clear_error()
                _ = SSL_shutdown(ssl)
            }
            shutdown(fd, Int32(SHUT_WR))
            phase = .lingering(until: monotonicNanoseconds() + Self.lingerNanoseconds)
            loop.updateInterest(self)
        } else {
            close(reason: "response complete, connection not kept alive")
        }
    }

    private func drainWhileLingering() {
        while true {
            let count = loop.readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                lingerDiscarded += count
                if lingerDiscarded > Self.maxLingerDiscard { break }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            break
        }
        close(reason: "lingering close done", sendCloseNotify: false)
    }

    func close(reason: String, sendCloseNotify: Bool = true) {
        if isClosed { return }
        if case .lingering = phase {} else if sendCloseNotify, let ssl, SSL_is_init_finished(ssl) == 1 {
            ERR_clear_error()
            _ = SSL_shutdown(ssl)
        }
        phase = .closed
        logger.trace("connection closed", metadata: ["reason": "\(reason)"])
        http2?.release()
        http2 = nil
        loop.removed(self)
        if let ssl {
            SSL_free(ssl)
            self.ssl = nil
        }
        Glibc.close(fd)
        ERR_clear_error()
    }

    /// Stop taking new requests; finish those in flight; close idle connections now.
    func beginGracefulShutdown() {
        switch phase {
        case .handshaking, .lingering: close(reason: "server shutting down")
        case .http1: http1ShutdownRequested()
        case .http2: http2?.sendGoAway()
        case .closed: return
        }
        if !isClosed { process() }
    }

    // MARK: Timeouts

    func checkTimeouts(now: UInt64) {
        let limits = context.limits
        switch phase {
        case .closed: return
        case .lingering(let until):
            if now >= until { close(reason: "lingering close timed out", sendCloseNotify: false) }
            return
        case .handshaking:
            if now - acceptedAt > limits.readHeaderTimeout.nanoseconds {
                timedOut(.headerTimeout, "TLS handshake and request head not received in time")
            }
            return
        case .http1, .http2:
            if hasPendingOutput && now - lastWriteProgress > limits.writeTimeout.nanoseconds {
                timedOut(.writeTimeout, "client stopped reading")
                return
            }
        }
        if case .http1 = phase { http1CheckTimeouts(now: now) } else { http2?.checkTimeouts(now: now) }
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

