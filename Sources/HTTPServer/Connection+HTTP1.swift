/// Per-connection HTTP/1.1 state: one request at a time reaches the handler; pipelined requests wait,
/// buffered in the parser (bounded: reading pauses), so responses go out in order. A class so that the
/// connection's state enum carries it without copying the parser's buffer.
final class HTTP1Exchange {
    var parser: HTTP1RequestParser
    var awaitingResponse = false
    /// Bumped per request so a response that arrives after the connection moved on is recognised.
    var sequence: UInt64 = 0
    var current: (minorVersion: Int, keepAlive: Bool, isHead: Bool) = (1, true, false)
    /// When the request being received started (initially: when the connection was accepted).
    var requestStartedAt: UInt64?
    var shuttingDown = false

    /// Pipelined bytes buffered while a request is being handled before reading pauses.
    static let maxPipelinedBytes = 64 * 1024

    init(limits: ServerLimits, startedAt: UInt64) {
        parser = HTTP1RequestParser(limits: .init(maxHeadBytes: limits.maxHeaderListBytes,
                                                  maxBodyBytes: limits.maxRequestBytes))
        requestStartedAt = startedAt
    }
}

extension Connection {
    func http1Received(_ bytes: UnsafeBufferPointer<UInt8>, _ exchange: HTTP1Exchange) {
        exchange.parser.append(bytes)
        if exchange.requestStartedAt == nil { exchange.requestStartedAt = monotonicNanoseconds() }
        http1Advance(exchange)
    }

    /// Parses and dispatches buffered requests while none is being handled.
    func http1Advance(_ exchange: HTTP1Exchange) {
        while !exchange.awaitingResponse && afterOutput == .stayOpen && !isClosed {
            let event: HTTP1RequestParser.Event?
            do {
                event = try exchange.parser.next()
            } catch {
                http1Reject(error)
                return
            }
            guard let event else { break }
            switch event {
            case .continueExpected:
                enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            case .request(let parsed):
                http1Dispatch(parsed, exchange)
            }
        }
        pauseReading(exchange.awaitingResponse && exchange.parser.bufferedByteCount >= HTTP1Exchange.maxPipelinedBytes)
    }

    private func http1Reject(_ error: HTTP1ParseError) {
        let kind: ServerProtocolErrorKind = switch error.kind {
        case .headTooLarge: .headersTooLarge
        case .bodyTooLarge: .bodyTooLarge
        case .unsupportedTransferEncoding, .unsupportedVersion: .unsupportedProtocolFeature
        default: .malformedRequest
        }
        context.observer?.protocolError(kind)
        logger.info("HTTP/1.1 request rejected", metadata: ["status": "\(error.status)", "cause": "\(error)"])
        let response = ServerResponseRules.errorResponse(status: error.status, message: error.detail)
        http1Append(response, minorVersion: 1, keepAlive: false, isHead: false)
        afterOutput = .lingerThenClose
        pauseReading(true)
    }

    private func http1Dispatch(_ parsed: HTTP1ParsedRequest, _ exchange: HTTP1Exchange) {
        exchange.awaitingResponse = true
        exchange.sequence &+= 1
        exchange.requestStartedAt = nil
        exchange.current = (parsed.minorVersion, parsed.keepAlive, parsed.request.method == "HEAD")
        let sequence = exchange.sequence
        guard context.acquirePendingSlot() else {
            context.observer?.protocolError(.overloaded)
            logger.warning("overloaded: too many requests waiting for the handler; answering 503",
                           metadata: ["maxPendingRequests": "\(context.limits.maxPendingRequests)"])
            http1Deliver(ServerResponseRules.errorResponse(status: 503, message: "server overloaded"), sequence: sequence,
                         advance: false)
            return
        }
        handlerStarted()
        let ticket = ResponseTicket(loop: loop, context: context) { [self] response in
            handlerFinished()
            http1Deliver(response, sequence: sequence)
            process()
        }
        let request = parsed.request, handler = context.handler
        if let response = ticket.dispatch({ handler.handle(request) { response in ticket.fulfill(response) } }) {
            // Answered inline: the caller's loop (http1Advance) goes on with pipelined requests, and the
            // pass over the connection that called it writes the response.
            handlerFinished()
            http1Deliver(response, sequence: sequence, advance: false)
        }
    }

    /// `advance`: parse and dispatch pipelined requests now (false when the caller is doing it already).
    private func http1Deliver(_ response: HTTPResponse, sequence: UInt64, advance: Bool = true) {
        guard case .http1(let exchange) = state, exchange.awaitingResponse, exchange.sequence == sequence else { return }
        let current = exchange.current
        let keepAlive = current.keepAlive && !exchange.shuttingDown && input != .ended
        http1Append(response, minorVersion: current.minorVersion, keepAlive: keepAlive, isHead: current.isHead)
        exchange.awaitingResponse = false
        lastActivity = monotonicNanoseconds()
        if !keepAlive {
            afterOutput = .close
            pauseReading(true)
            return
        }
        exchange.requestStartedAt = exchange.parser.isIdle ? nil : lastActivity
        if advance { http1Advance(exchange) }
    }

    /// Head and body go straight into the output buffer, without a response buffer between.
    private func http1Append(_ response: HTTPResponse, minorVersion: Int, keepAlive: Bool, isHead: Bool) {
        if !hasPendingOutput { lastWriteProgress = monotonicNanoseconds() }
        HTTP1ResponseEncoder.encodeHead(response, minorVersion: minorVersion, keepAlive: keepAlive,
                                        date: loop.httpDate.bytes, into: &outbound)
        if HTTP1ResponseEncoder.sendsBody(response, isHeadRequest: isHead) { outbound.append(contentsOf: response.body) }
    }

    func http1PeerClosed(_ exchange: HTTP1Exchange) {
        // A client may half-close after its last request: answer it, then close.
        if exchange.awaitingResponse || hasPendingOutput { return }
        close(reason: "peer closed")
    }

    func http1ShutdownRequested(_ exchange: HTTP1Exchange) {
        exchange.shuttingDown = true
        if !exchange.awaitingResponse && exchange.parser.isIdle && !hasPendingOutput {
            close(reason: "server shutting down")
        }
    }

    func http1CheckTimeouts(now: UInt64, _ exchange: HTTP1Exchange) {
        let limits = context.limits
        if exchange.awaitingResponse { return }
        if let started = exchange.requestStartedAt {
            if !exchange.parser.isReadingBody && now - started > limits.readHeaderTimeout.nanoseconds {
                timedOut(.headerTimeout, "request head not received in time")
            } else if now - started > limits.readRequestTimeout.nanoseconds {
                timedOut(.requestTimeout, "request not received in time")
            }
        } else if !hasPendingOutput && now - lastActivity > limits.idleTimeout.nanoseconds {
            logger.trace("idle connection closed")
            close(reason: "idle timeout")
        }
    }
}
