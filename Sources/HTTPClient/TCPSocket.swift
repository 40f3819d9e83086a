import Glibc
import Locking

/// A non-blocking TCP socket whose waits go through `poll` with a deadline and a stop signal.
final class TCPSocket: ByteStream {
    let fd: Int32
    let target: String
    let stop: StopSignal?
    private var closed = false

    private init(fd: Int32, target: String, stop: StopSignal?) {
        self.fd = fd
        self.target = target
        self.stop = stop
    }

    deinit { close() }

    /// Resolves `host` (names, IPv4, IPv6) and connects to the first address that answers before `deadline`.
    static func connect(host: String, port: Int, target: String, deadline: ContinuousClock.Instant,
                        stop: StopSignal?) throws(HTTPClientError) -> TCPSocket {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPClientError(target: target, .resolve(String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { lastError = SystemError.describe(errno); continue }
            let candidate = TCPSocket(fd: fd, target: target, stop: stop)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return candidate }
            guard errno == EINPROGRESS else { lastError = SystemError.describe(errno); continue }
            do {
                try candidate.wait(for: Int16(POLLOUT), deadline: deadline, during: "connect")
            } catch {
                if case .timeout = error.failure { throw HTTPClientError(target: target, .connect("timed out")) }
                throw error
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
            if socketError == 0 { return candidate }
            lastError = SystemError.describe(socketError)
        }
        throw HTTPClientError(target: target, .connect(lastError))
    }

    /// Waits until `events` are ready, the deadline passes (`.timeout`) or the stop signal is set (`.stopped`).
    func wait(for events: Int16, deadline: ContinuousClock.Instant, during operation: String) throws(HTTPClientError) {
        while true {
            if stop?.isStopped == true { throw HTTPClientError(target: target, .stopped) }
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { throw HTTPClientError(target: target, .timeout(operation)) }
            let slice = min(left, StopSignal.pollSlice)
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = SystemError.retryingOnInterrupt { poll(&descriptor, 1, Int32(slice.roundedUpMilliseconds)) }
            if ready > 0 { return }
            if ready < 0 { throw HTTPClientError(target: target, .connection("poll failed: \(SystemError.describe(errno))")) }
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                SystemError.retryingOnInterrupt { Glibc.recv(fd, raw.baseAddress, raw.count, 0) }
            }
            if count >= 0 { return count }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                throw HTTPClientError(target: target, .connection("read failed: \(SystemError.describe(errno))"))
            }
            try wait(for: Int16(POLLIN), deadline: deadline, during: "reading the response")
        }
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { raw in
                SystemError.retryingOnInterrupt { Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            if count > 0 { offset += count; continue }
            guard count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else {
                throw HTTPClientError(target: target, .connection("write failed: \(SystemError.describe(errno))"))
            }
            try wait(for: Int16(POLLOUT), deadline: deadline, during: "sending the request")
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}
