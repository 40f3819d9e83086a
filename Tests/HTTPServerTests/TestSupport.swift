import Glibc
import HTTPServer
import Logging
import TLSSupport
import Testing
import Locking

/// Echoes the request: body back, method/path/query/version in headers. `/async` answers from another
/// thread after a short pause, `/never` does not answer until released (tests in-flight requests).
final class EchoHandler: HTTPHandler {
    let held = Locked<[@Sendable (HTTPResponse) -> Void]>([])

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let response = HTTPResponse(status: 200, headers: HTTPHeaders([
            ("x-method", request.method), ("x-path", request.path), ("x-query", request.query),
            ("x-version", request.version.rawValue), ("x-body-bytes", String(request.body.count)),
        ]), body: request.body)
        switch request.path {
        case "/async":
            DetachedThread.start {
                var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
                nanosleep(&pause, nil)
                respond(response)
            }
        case "/never":
            held.withLock { $0.append(respond) }
        default:
            respond(response)
        }
    }

    func releaseHeld() {
        let waiting = held.withLock { queue in defer { queue.removeAll() }; return queue }
        for respond in waiting { respond(HTTPResponse(status: 200, body: Array("released".utf8))) }
    }
}

/// Records observer calls.
final class RecordingObserver: ServerObserver {
    let events = Locked<[String]>([])
    func connectionOpened() { events.withLock { $0.append("opened") } }
    func connectionClosed() { events.withLock { $0.append("closed") } }
    func tlsHandshakeFailed(reason: String) { events.withLock { $0.append("handshakeFailed") } }
    func protocolError(_ kind: ServerProtocolErrorKind) { events.withLock { $0.append(kind.rawValue) } }
    func certificateReloaded(success: Bool, notAfter: Int64?, error: String?) {
        events.withLock { $0.append("reload:\(success)") }
    }
    func count(_ name: String) -> Int { events.withLock { $0.filter { $0 == name }.count } }
}

enum Paths {
    static let repositoryRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()

    static func temporaryDirectory() -> String {
        var template = Array("/tmp/http-server-tests-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    /// A fresh development CA and serving certificate (localhost, 127.0.0.1).
    static func makeCertificates() throws -> String {
        let directory = temporaryDirectory()
        let result = try Command.run(["\(repositoryRoot)/certs/generate.sh", directory])
        guard result.status == 0 else { throw TestFailure("certs/generate.sh failed: \(result.stderr)") }
        return directory
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command to completion with `timeout(1)` as a bound, capturing output.
enum Command {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], timeoutSeconds: Int = 30, stdin: String = "") throws -> Result {
        let directory = Paths.temporaryDirectory()
        let outPath = directory + "/out", errPath = directory + "/err", inPath = directory + "/in"
        try write(stdin, to: inPath)
        let quoted = arguments.map { "'" + $0.replacingAll("'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = "timeout -k 2 \(timeoutSeconds) \(quoted) <\(inPath) >\(outPath) 2>\(errPath)"
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw TestFailure("posix_spawn failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exit, stdout: read(outPath), stderr: read(errPath))
    }

    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw TestFailure("cannot write \(path)") }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            result += chunk[0..<n]
        }
        return String(decoding: result, as: UTF8.self)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// A server on 127.0.0.1:0 for one test; `stop()` drains it.
struct RunningServer {
    let server: HTTPServer
    let handler: EchoHandler
    let observer: RecordingObserver
    let certificates: String?

    static func start(tls: Bool = true, limits: ServerLimits = ServerLimits(), loops: Int = 2,
                      reloadInterval: Duration = .seconds(2)) throws -> RunningServer {
        let certificates = tls ? try Paths.makeCertificates() : nil
        let settings = certificates.map { TLSServerSettings(certificatePath: $0 + "/tls.crt", keyPath: $0 + "/tls.key") }
        let handler = EchoHandler()
        let observer = RecordingObserver()
        var logger = Logger(label: "http-server-tests")
        logger.logLevel = .critical
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, tls: settings, limits: limits,
                                                eventLoopCount: loops, certificateReloadInterval: reloadInterval)
        let server = HTTPServer(configuration: configuration, handler: handler, logger: logger, observer: observer)
        try server.start()
        return RunningServer(server: server, handler: handler, observer: observer, certificates: certificates)
    }

    var port: Int { server.localPort }
    var url: String { "https://localhost:\(port)" }
    var caFile: String { (certificates ?? "") + "/ca.crt" }

    func stop() { #expect(server.waitForDrain(timeout: .seconds(5))) }
}

/// A blocking TCP client with a receive timeout, for raw HTTP/1.1 on the plain listener.
final class RawClient {
    let fd: Int32

    init(port: Int, receiveTimeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect failed: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Reads until the peer closes (or the timeout); returns what arrived and whether the peer closed.
    func readUntilClose() -> (text: String, closed: Bool) {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n > 0 { result += chunk[0..<n]; continue }
            return (String(decoding: result, as: UTF8.self), n == 0 || errno == ECONNRESET)
        }
    }

    /// Reads until `count` complete responses (by Content-Length) have arrived.
    func readResponses(_ count: Int) -> [String] {
        var buffer: [UInt8] = []
        var responses: [String] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while responses.count < count {
            if let (response, used) = Self.splitResponse(buffer) {
                responses.append(response)
                buffer.removeFirst(used)
                continue
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            buffer += chunk[0..<n]
        }
        return responses
    }

    private static func splitResponse(_ buffer: [UInt8]) -> (String, Int)? {
        let text = String(decoding: buffer, as: UTF8.self)
        guard let headEnd = text.firstRange(of: "\r\n\r\n") else { return nil }
        let head = text[..<headEnd.lowerBound].lowercased()
        var length = 0
        if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }) {
            length = Int(line.dropFirst("content-length:".count).trimmingPrefix(" ")) ?? 0
        }
        let headBytes = text[..<headEnd.upperBound].utf8.count
        guard buffer.count >= headBytes + length else { return nil }
        return (String(decoding: buffer[0..<(headBytes + length)], as: UTF8.self), headBytes + length)
    }
}
