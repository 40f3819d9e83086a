import Glibc

/// An incremental HTTP/1.1 request parser: feed it bytes as they arrive (in any split) and pull events.
/// It enforces the head and body limits while parsing, so nothing beyond a limit is ever buffered as request
/// data, and it is strict where leniency enables request smuggling (CL+TE, bare CR, obs-fold, bad chunk sizes).
/// Pure: no I/O, no clocks.
public struct HTTP1RequestParser: Sendable {
    public struct Limits: Sendable {
        /// Request line + header fields (also bounds chunked trailers).
        public var maxHeadBytes: Int
        public var maxBodyBytes: Int
        public init(maxHeadBytes: Int, maxBodyBytes: Int) {
            self.maxHeadBytes = maxHeadBytes
            self.maxBodyBytes = maxBodyBytes
        }
    }

    public enum Event: Sendable {
        /// The head asked for `Expect: 100-continue` and the body is still to come: answer `100 Continue`.
        case continueExpected
        case request(HTTP1ParsedRequest)
    }

    private enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytesSoFar: Int)
        case failed(HTTP1ParseError)
    }

    /// Longest chunk-size line accepted (size plus extensions).
    static let maxChunkLineBytes = 1024

    public let limits: Limits
    private var buffer: [UInt8] = []
    /// Start of unconsumed bytes in `buffer`.
    private var readIndex = 0
    /// Bytes after `readIndex` already scanned for a line end, so byte-by-byte feeding stays linear.
    private var scanned = 0
    private var state: State = .head
    private var pending: HTTP1ParsedRequest?

    public init(limits: Limits) {
        self.limits = limits
    }

    public mutating func append(_ bytes: some Collection<UInt8>) {
        if readIndex > 0 && (readIndex == buffer.count || readIndex >= 4096) {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Unconsumed bytes held (pipelined requests or a partial one).
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between requests with nothing buffered: the connection can be closed without losing anything.
    public var isIdle: Bool {
        if case .head = state { return pending == nil && bufferedByteCount == 0 }
        return false
    }

    /// True while a body is being received (the head is complete).
    public var isReadingBody: Bool {
        switch state {
        case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailers: return true
        case .head, .failed: return false
        }
    }

    /// The next event, nil when more bytes are needed. Errors are sticky: the connection must be closed.
    public mutating func next() throws(HTTP1ParseError) -> Event? {
        if case .failed(let error) = state { throw error }
        do {
            return try advance()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func advance() throws(HTTP1ParseError) -> Event? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .head:
                guard let head = try locateHead() else { return nil }
                let (request, framing) = try Self.parseHead(buffer[head], limits: limits)
                pending = request
                switch framing {
                case .none:
                    return .request(takePending())
                case .length(let length):
                    state = .fixedBody(remaining: length)
                    pending!.request.body.reserveCapacity(length)
                case .chunked:
                    state = .chunkSize
                }
                if request.expectsContinue { return .continueExpected }
            case .fixedBody(let remaining):
                let take = min(remaining, bufferedByteCount)
                pending!.request.body.append(contentsOf: buffer[readIndex..<readIndex + take])
                readIndex += take
                if take == remaining {
                    state = .head
                    return .request(takePending())
                }
                state = .fixedBody(remaining: remaining - take)
                return nil
            case .chunkSize:
                guard let line = try nextLine(maxBytes: Self.maxChunkLineBytes, tooLong: .invalidChunk) else {
                    return nil
                }
                let size = try Self.parseChunkSize(buffer[line])
                if size == 0 {
                    state = .trailers(bytesSoFar: 0)
                    continue
                }
                guard size <= limits.maxBodyBytes - pending!.request.body.count else {
                    throw HTTP1ParseError(.bodyTooLarge, "chunked body exceeds \(limits.maxBodyBytes) bytes")
                }
                state = .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, bufferedByteCount)
                pending!.request.body.append(contentsOf: buffer[readIndex..<readIndex + take])
                readIndex += take
                if take < remaining {
                    state = .chunkData(remaining: remaining - take)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard let line = try nextLine(maxBytes: 2, tooLong: .invalidChunk) else { return nil }
                guard line.isEmpty else { throw HTTP1ParseError(.invalidChunk, "chunk data not followed by CRLF") }
                state = .chunkSize
            case .trailers(let bytesSoFar):
                let budget = limits.maxHeadBytes - bytesSoFar
                guard let line = try nextLine(maxBytes: budget, tooLong: .headTooLarge) else { return nil }
                if line.isEmpty {
                    state = .head
                    return .request(takePending())
                }
                // Trailer fields are checked for syntax and dropped: none of them is meaningful to a handler.
                _ = try Self.parseField(buffer[line])
                state = .trailers(bytesSoFar: bytesSoFar + line.count + 2)
            }
        }
    }

    /// Moves the request out (no copy of its fields and body).
    private mutating func takePending() -> HTTP1ParsedRequest {
        pending.take()!
    }

    /// The range of the head (request line and fields, without the final empty line), once complete, consuming it.
    /// Empty lines before a request are skipped, as RFC 9112 allows.
    private mutating func locateHead() throws(HTTP1ParseError) -> Range<Int>? {
        if scanned == 0 {
            while readIndex < buffer.count {
                if buffer[readIndex] == UInt8(ascii: "\n") {
                    readIndex += 1
                } else if buffer[readIndex] == UInt8(ascii: "\r") {
                    guard readIndex + 1 < buffer.count else { return nil }
                    guard buffer[readIndex + 1] == UInt8(ascii: "\n") else { break }
                    readIndex += 2
                } else {
                    break
                }
            }
        }
        // The head ends at an LF preceded by LF or by CRLF. Rescan two bytes so a terminator split across
        // appends is still found. `memchr` jumps from LF to LF instead of a Swift loop over every byte.
        let searchFrom = readIndex + max(0, scanned - 2)
        let start = readIndex
        let terminator = buffer.withUnsafeBufferPointer { bytes -> (emptyLineStart: Int, end: Int)? in
            guard let base = bytes.baseAddress else { return nil }
            var index = searchFrom
            while index < bytes.count, let found = memchr(base + index, 0x0A, bytes.count - index) {
                let lineFeed = UnsafeRawPointer(base).distance(to: found)
                if lineFeed > start {
                    let previous = base[lineFeed - 1]
                    if previous == UInt8(ascii: "\n") { return (lineFeed, lineFeed + 1) }
                    if previous == UInt8(ascii: "\r") && lineFeed - 2 >= start && base[lineFeed - 2] == UInt8(ascii: "\n") {
                        return (lineFeed - 1, lineFeed + 1)
                    }
                }
                index = lineFeed + 1
            }
            return nil
        }
        if let terminator {
            if terminator.end - readIndex > limits.maxHeadBytes { throw headTooLarge }
            let head = readIndex..<terminator.emptyLineStart
            readIndex = terminator.end
            scanned = 0
            return head
        }
        scanned = bufferedByteCount
        if bufferedByteCount > limits.maxHeadBytes { throw headTooLarge }
        return nil
    }

    private var headTooLarge: HTTP1ParseError {
        HTTP1ParseError(.headTooLarge, "request head exceeds \(limits.maxHeadBytes) bytes")
    }

    /// The next CRLF-terminated line (without CRLF), consuming it. Bare LF is refused inside bodies.
    private mutating func nextLine(maxBytes: Int, tooLong: HTTP1ParseError.Kind) throws(HTTP1ParseError) -> Range<Int>? {
        let searchStart = readIndex + scanned
        guard let lf = buffer[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = bufferedByteCount
            if bufferedByteCount > maxBytes { throw HTTP1ParseError(tooLong, "line exceeds \(maxBytes) bytes") }
            return nil
        }
        guard lf > readIndex, buffer[lf - 1] == UInt8(ascii: "\r") else {
            throw HTTP1ParseError(.invalidChunk, "line not terminated by CRLF")
        }
        let line = readIndex..<(lf - 1)
        if line.count > maxBytes { throw HTTP1ParseError(tooLong, "line exceeds \(maxBytes) bytes") }
        readIndex = lf + 1
        scanned = 0
        return line
    }
}
