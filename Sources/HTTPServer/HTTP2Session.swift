import CNGHTTP2
import Logging

/// An nghttp2 server session on one connection, driven with `mem_recv`/`mem_send` (all nghttp2 calls live
/// in this file). The server adds what nghttp2 1.52 leaves to applications: body, header-list, stream,
/// buffered-memory and abuse limits, RFC 9113 §5.1.1's stream-identifier order, and timeouts for streams that
/// never finish or never drain. Confined to its connection's event loop; `@unchecked Sendable` only lets response
/// callbacks carry it back there.
final class HTTP2Session: @unchecked Sendable {
    unowned let transport: any HTTP2Transport
    private var session: OpaquePointer?
    private var streams: [Int32: HTTP2Stream] = [:]
    private var meter: HTTP2FrameMeter
    private var bufferedBodyBytes = 0
    private var sawFirstRequest = false
    /// Terminated for abuse or a protocol error: in-flight answers are dropped, the connection closes.
    private(set) var terminated = false
    private var goAwaySent = false
    private var clientStreamIDs = HTTP2ClientStreamIDs()
    /// Why the last `mem_recv` failed when a callback found the violation (nghttp2's error code says less).
    private var violation: String?
    /// Scratch for response header lists, kept between responses so that submitting one allocates nothing.
    private var responseFields = HTTP2HeaderList()

    /// Frames are produced until this much output is queued, then again as the socket drains.
    static let outputHighWater = 64 * 1024
    static let initialWindowSize: UInt32 = 1 << 20

    private var limits: ServerLimits { transport.context.limits }
    private var logger: Logger { transport.logger }

    init?(transport: any HTTP2Transport) {
        self.transport = transport
        let limits = transport.context.limits
        meter = HTTP2FrameMeter(maxResetsPerSecond: limits.http2MaxResetsPerSecond,
                                maxControlFramesPerSecond: limits.http2MaxControlFramesPerSecond,
                                maxContinuationFrames: limits.http2MaxContinuationFrames)
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { return nil }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.install(callbacks)
        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { return nil }
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_max_settings(option, 32)
        let userData = Unmanaged.passUnretained(self).toOpaque()
        guard nghttp2_session_server_new2(&session, callbacks, userData, option) == 0, let session else { return nil }
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: UInt32(limits.maxConcurrentStreams)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(limits.maxHeaderListBytes)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: Self.initialWindowSize),
        ]
        _ = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        _ = nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0,
                                                  Int32(clamping: limits.maxBufferedBodyBytesPerConnection))
    }

    func release() {
        if let session { nghttp2_session_del(session) }
        session = nil
        streams.removeAll()
    }

    deinit { release() }

    // MARK: Input / output

    func received(_ bytes: UnsafeBufferPointer<UInt8>) {
        transport.loop.assertInEventLoop()
        guard let session, !terminated else { return }
        switch meter.inspect(bytes, now: monotonicNanoseconds()) {
        case .ok: break
        case .rapidReset: return terminate(.http2RapidReset, "too many RST_STREAM frames per second")
        case .controlFrameFlood: return terminate(.http2ControlFrameFlood, "too many control frames per second")
        case .continuationFlood: return terminate(.http2ContinuationFlood, "too many CONTINUATION frames")
        }
        let result = nghttp2_session_mem_recv(session, bytes.baseAddress, bytes.count)
        if result < 0 {
            let reason = violation ?? String(cString: nghttp2_strerror(Int32(result)))
            transport.context.observer?.protocolError(.http2ProtocolError)
            logger.info("HTTP/2 protocol error", metadata: ["cause": "\(reason)"])
            terminated = true
            transport.stopReading()
        }
    }

    /// Appends frames to the connection's output; true if anything was added.
    func produceOutput() -> Bool {
        guard let session else { return false }
        var produced = false
        while transport.queuedOutputBytes < Self.outputHighWater {
            var data: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &data)
            if count < 0 {
                logger.info("HTTP/2 send failed", metadata: ["cause": "\(String(cString: nghttp2_strerror(Int32(count))))"])
                terminated = true
                return produced
            }
            guard count > 0, let data else { break }
            transport.queueOutput(UnsafeBufferPointer(start: data, count: count))
            produced = true
        }
        return produced
    }

    /// Nothing more to read or write: the connection can close.
    var isFinished: Bool {
        guard let session else { return true }
        if terminated { return nghttp2_session_want_write(session) == 0 }
        return nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0
    }

    private func terminate(_ kind: ServerProtocolErrorKind, _ reason: String) {
        transport.context.observer?.protocolError(kind)
        logger.warning("HTTP/2 connection abusive; sending GOAWAY ENHANCE_YOUR_CALM",
                       metadata: ["kind": "\(kind.rawValue)", "cause": "\(reason)"])
        terminated = true
        transport.stopReading()
        if let session { _ = nghttp2_session_terminate_session(session, NGHTTP2_ENHANCE_YOUR_CALM.rawValue) }
    }

    func sendGoAway() {
        guard let session, !goAwaySent, !terminated else { return }
        goAwaySent = true
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue),
                                  nghttp2_session_get_last_proc_stream_id(session), NGHTTP2_NO_ERROR.rawValue, nil, 0)
    }

    // MARK: Timeouts

    func checkTimeouts(now: UInt64) {
        let limits = self.limits
        if !sawFirstRequest && now - transport.acceptedAt > limits.readHeaderTimeout.nanoseconds {
            transport.timedOut(.headerTimeout, "no HTTP/2 request received in time")
            return
        }
        var resetAny = false
        for stream in Array(streams.values) {
            if stream.hasUnsentResponseBody && now - stream.lastResponseProgress > limits.writeTimeout.nanoseconds {
                transport.context.observer?.protocolError(.writeTimeout)
                logger.info("HTTP/2 stream reset: response not read in time", metadata: ["stream": "\(stream.id)"])
                resetStream(stream.id, NGHTTP2_CANCEL.rawValue)
                resetAny = true
            } else if !stream.handedToHandler && !stream.responseSubmitted
                        && now - stream.startedAt > limits.readRequestTimeout.nanoseconds {
                transport.context.observer?.protocolError(.requestTimeout)
                logger.info("HTTP/2 stream reset: request not received in time", metadata: ["stream": "\(stream.id)"])
                resetStream(stream.id, NGHTTP2_CANCEL.rawValue)
                resetAny = true
            }
        }
        if streams.isEmpty && transport.inFlightHandlers == 0 && transport.queuedOutputBytes == 0
            && now - transport.lastActivity > limits.idleTimeout.nanoseconds {
            sendGoAway()
            transport.finish(reason: "idle timeout")
        } else if resetAny {
            transport.process()
        }
    }

    private func resetStream(_ id: Int32, _ code: UInt32) {
        guard let session else { return }
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, code)
        if let stream = streams.removeValue(forKey: id) { bufferedBodyBytes -= stream.body.count }
    }

    // MARK: Requests

    /// Every frame's header, before nghttp2 acts on the frame: HEADERS must not use a client stream identifier
    /// below the highest opened that the client skipped (nghttp2 would ignore the block without an error).
    fileprivate func frameBegins(type: UInt8, streamID: Int32) -> Int32 {
        guard type == UInt8(NGHTTP2_HEADERS.rawValue),
              clientStreamIDs.headersFrame(streamID: streamID) == .neverOpenedBelowHighest, let session else { return 0 }
        violation = "HEADERS on stream \(streamID), below stream \(clientStreamIDs.highest) and never opened "
            + "(RFC 9113 5.1.1)"
        _ = nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR.rawValue)
        return NGHTTP2_ERR_CALLBACK_FAILURE.rawValue
    }

    fileprivate func beginHeaders(streamID: Int32) {
        // nghttp2 enforces the advertised limit on open streams; this also counts requests whose stream the
        // client already reset but whose handler is still working (rapid reset must not pile up work).
        if max(streams.count, transport.inFlightHandlers) >= limits.maxConcurrentStreams {
            transport.context.observer?.protocolError(.http2StreamRefused)
            logger.debug("HTTP/2 stream refused: too many concurrent streams", metadata: ["stream": "\(streamID)"])
            _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID,
                                          NGHTTP2_REFUSED_STREAM.rawValue)
            return
        }
        streams[streamID] = HTTP2Stream(id: streamID, startedAt: monotonicNanoseconds())
    }

    fileprivate func header(streamID: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID], !stream.headersTooLarge else { return }
        stream.headerListBytes += name.count + value.count + 32
        if stream.headerListBytes > limits.maxHeaderListBytes {
            stream.headersTooLarge = true
            stream.headers = HTTPHeaders()
            return
        }
        // Pseudo-header names are compared as bytes; nghttp2 has refused upper-case names already (RFC 9113
        // 8.2.1), so regular names are stored as they came.
        if name.first == UInt8(ascii: ":") {
            if ASCII.equals(name, ":method") {
                stream.method = String(decoding: value, as: UTF8.self)
            } else if ASCII.equals(name, ":path") {
                stream.path = String(decoding: value, as: UTF8.self)
            } else if ASCII.equals(name, ":authority") {
                stream.authority = String(decoding: value, as: UTF8.self)
            }
            return
        }
        if stream.headers.fields.isEmpty { stream.headers.reserveCapacity(8) }
        stream.headers.appendLowercased(name: String(decoding: name, as: UTF8.self),
                                        value: String(decoding: value, as: UTF8.self))
    }

    fileprivate func headersComplete(streamID: Int32, endStream: Bool) {
        guard let stream = streams[streamID], !stream.rejected else { return }
        sawFirstRequest = true
        if stream.headersTooLarge {
            transport.context.observer?.protocolError(.headersTooLarge)
            logger.info("HTTP/2 request rejected: header list too large",
                        metadata: ["stream": "\(streamID)", "limit": "\(limits.maxHeaderListBytes)"])
            return respondBySelf(stream, status: 431, message: "request header list too large")
        }
        if let declared = stream.headers["content-length"], let length = Int(declared), length > limits.maxRequestBytes {
            return rejectBodyTooLarge(stream)
        }
        if endStream { dispatch(stream) }
    }

    fileprivate func dataChunk(streamID: Int32, _ data: UnsafeBufferPointer<UInt8>) {
        guard let stream = streams[streamID], !stream.rejected else { return }
        if stream.body.count + data.count > limits.maxRequestBytes { return rejectBodyTooLarge(stream) }
        if bufferedBodyBytes + data.count > limits.maxBufferedBodyBytesPerConnection {
            transport.context.observer?.protocolError(.http2StreamRefused)
            logger.info("HTTP/2 stream refused: connection body buffer full",
                        metadata: ["stream": "\(streamID)", "limit": "\(limits.maxBufferedBodyBytesPerConnection)"])
            return resetStream(streamID, NGHTTP2_REFUSED_STREAM.rawValue)
        }
        stream.body.append(contentsOf: data)
        bufferedBodyBytes += data.count
    }

    fileprivate func requestComplete(streamID: Int32) {
        guard let stream = streams[streamID], !stream.rejected, !stream.handedToHandler else { return }
        dispatch(stream)
    }

    fileprivate func streamClosed(streamID: Int32) {
        if let stream = streams.removeValue(forKey: streamID) { bufferedBodyBytes -= stream.body.count }
    }

    private func rejectBodyTooLarge(_ stream: HTTP2Stream) {
        transport.context.observer?.protocolError(.bodyTooLarge)
        logger.info("HTTP/2 request rejected: body too large",
                    metadata: ["stream": "\(stream.id)", "limit": "\(limits.maxRequestBytes)"])
        respondBySelf(stream, status: 413, message: "request body larger than \(limits.maxRequestBytes) bytes")
    }

    /// Answers without the handler and discards the rest of the request.
    private func respondBySelf(_ stream: HTTP2Stream, status: Int, message: String) {
        stream.rejected = true
        bufferedBodyBytes -= stream.body.count
        stream.body = []
        submit(ServerResponseRules.errorResponse(status: status, message: message), on: stream, isHead: false)
    }

    private func dispatch(_ stream: HTTP2Stream) {
        stream.handedToHandler = true
        var headers = stream.headers
        if headers["host"] == nil, let authority = stream.authority { headers.add(name: "host", value: authority) }
        let (path, query) = Self.splitPath(stream.path)
        let request = HTTPRequest(method: stream.method, path: path, query: query, headers: headers,
                                  body: stream.body, version: .http2)
        bufferedBodyBytes -= stream.body.count
        stream.body = []
        guard transport.context.acquirePendingSlot() else {
            transport.context.observer?.protocolError(.overloaded)
            logger.warning("overloaded: too many requests waiting for the handler; stream refused",
                           metadata: ["maxPendingRequests": "\(limits.maxPendingRequests)"])
            return resetStream(stream.id, NGHTTP2_REFUSED_STREAM.rawValue)
        }
        let streamID = stream.id
        let isHead = stream.method == "HEAD"
        // The callback holds the transport: the session's reference to it is unowned.
        let transport = self.transport
        transport.handlerStarted()
        let ticket = ResponseTicket(loop: transport.loop, context: transport.context) { [self] response in
            transport.handlerFinished()
            deliver(response, streamID: streamID, isHead: isHead)
            transport.process()
        }
        let handler = transport.context.handler
        if let response = ticket.dispatch({ handler.handle(request) { response in ticket.fulfill(response) } }) {
            // Answered inline (inside nghttp2's callback, which may submit): no task, and the pass over the
            // connection that is reading writes this response together with the others of the same read.
            transport.handlerFinished()
            deliver(response, streamID: streamID, isHead: isHead)
        }
    }

    /// `/mutate?timeout=10s` into path and query, on the UTF-8 view (a `Character` search costs more than the
    /// rest of the request's routing).
    static func splitPath(_ target: String) -> (String, String) {
        let utf8 = target.utf8
        guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target, "") }
        return (String(target[..<mark]), String(target[utf8.index(after: mark)...]))
    }

    // MARK: Responses

    /// After `release` (the connection closed) streams are gone, so a late answer is dropped here.
    private func deliver(_ response: HTTPResponse, streamID: Int32, isHead: Bool) {
        guard !terminated, let stream = streams[streamID] else { return }
        submit(response, on: stream, isHead: isHead)
    }

    private func submit(_ response: HTTPResponse, on stream: HTTP2Stream, isHead: Bool) {
        guard let session, !stream.responseSubmitted else { return }
        let status = response.status
        let hasBody = !response.body.isEmpty && !isHead && status != 204 && status != 304
        // Every name and value in one reused buffer, without intermediate strings or arrays: nghttp2 copies
        // them during the call.
        responseFields.removeAll()
        responseFields.add(name: ":status", decimal: status)
        responseFields.add(name: "date", value: transport.loop.httpDate.bytes)
        for (name, value) in response.headers
        where !ServerResponseRules.isServerOwned(name) && ServerResponseRules.isSafeField(name: name, value: value) {
            responseFields.add(name: name.utf8, value: value.utf8)
        }
        if status != 204 && status != 304 { responseFields.add(name: "content-length", decimal: response.body.count) }
        stream.responseSubmitted = true
        stream.response = hasBody ? response.body : []
        stream.lastResponseProgress = monotonicNanoseconds()
        let result = responseFields.withHeaderList { nva, count -> Int32 in
            if hasBody {
                var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil),
                                                     read_callback: HTTP2Session.readResponseBody)
                return nghttp2_submit_response(session, stream.id, nva, count, &provider)
            }
            return nghttp2_submit_response(session, stream.id, nva, count, nil)
        }
        if result != 0 {
            logger.error("HTTP/2 response could not be submitted",
                         metadata: ["stream": "\(stream.id)", "cause": "\(String(cString: nghttp2_strerror(result)))"])
        }
    }

    private static let readResponseBody: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
        let me = Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
        guard let stream = me.streams[streamID], let buffer, let flags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let count = min(length, stream.response.count - stream.responseOffset)
        stream.response.withUnsafeBufferPointer { body in
            buffer.update(from: body.baseAddress! + stream.responseOffset, count: count)
        }
        stream.responseOffset += count
        stream.lastResponseProgress = monotonicNanoseconds()
        if stream.responseOffset == stream.response.count {
            flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
            stream.response = []
            stream.responseOffset = 0
        }
        return count
    }

    // MARK: nghttp2 callbacks

    private static func session(_ userData: UnsafeMutableRawPointer?) -> HTTP2Session {
        Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func install(_ callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks) { _, header, userData in
            guard let header else { return 0 }
            return HTTP2Session.session(userData).frameBegins(type: header.pointee.type, streamID: header.pointee.stream_id)
        }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame, frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
                  frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return 0 }
            HTTP2Session.session(userData).beginHeaders(streamID: frame.pointee.hd.stream_id)
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
                  frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return 0 }
            HTTP2Session.session(userData).header(streamID: frame.pointee.hd.stream_id,
                                                  name: UnsafeBufferPointer(start: name, count: nameLength),
                                                  value: UnsafeBufferPointer(start: value, count: valueLength))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            let me = HTTP2Session.session(userData)
            let endStream = frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            let streamID = frame.pointee.hd.stream_id
            switch UInt32(frame.pointee.hd.type) {
            case NGHTTP2_HEADERS.rawValue where frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST:
                me.headersComplete(streamID: streamID, endStream: endStream)
            case NGHTTP2_HEADERS.rawValue, NGHTTP2_DATA.rawValue:
                if endStream { me.requestComplete(streamID: streamID) }
            default: break
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            HTTP2Session.session(userData).dataChunk(streamID: streamID, UnsafeBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, userData in
            HTTP2Session.session(userData).streamClosed(streamID: streamID)
            return 0
        }
    }
}
