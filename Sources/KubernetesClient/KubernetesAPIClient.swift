import JSONCore

/// A small Kubernetes API client: GET and WATCH over HTTP/1.1 on the project's OpenSSL, one request per
/// connection (calls are few: a LIST, a long-lived WATCH, rate-limited GETs). Blocking: run it on a dedicated thread.
public final class KubernetesAPIClient: Sendable {
    public let configuration: KubernetesClientConfiguration
    private let tls: TLSClientContext?
    static let maximumBodyBytes = 64 << 20
    static let maximumWatchEventBytes = 16 << 20

    public init(configuration: KubernetesClientConfiguration) throws(KubernetesConfigurationError) {
        self.configuration = configuration
        tls = configuration.server.useTLS ? try TLSClientContext(configuration: configuration) : nil
    }

    /// Who the API server sees, for authorization errors: a ServiceAccount token's subject, the client
    /// certificate's subject, or anonymous. Never the token itself.
    public var identityDescription: String {
        var parts: [String] = []
        if let source = configuration.bearerToken {
            let token = source.current()
            let from: String
            if case .file(let path) = source.origin { from = " from \(path)" } else { from = "" }
            if let subject = Self.jwtSubject(token) {
                parts.append("bearer token\(from) for \(subject)")
            } else {
                parts.append("bearer token\(from) (\(token.utf8.count) characters)")
            }
        }
        if let subject = tls?.clientCertificateSubject { parts.append("client certificate \(subject)") }
        return parts.isEmpty ? "anonymous (no credentials)" : parts.joined(separator: " and ")
    }

    /// The `sub` claim of a JWT, read without verification (the server verifies; this is only for logs).
    static func jwtSubject(_ token: String) -> String? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = Base64.decodeURLSafe(segments[1]),
              let claims = try? JSON.parse(payload) else { return nil }
        return claims["sub"]?.string
    }

    public func url(_ path: String) -> String { configuration.server.description + path }

    /// GETs `path` (with its query) and returns the body of a 2xx answer; other statuses throw `.status`.
    public func get(_ path: String, deadline: ContinuousClock.Instant? = nil, stop: StopSignal? = nil) throws(KubernetesAPIError) -> [UInt8] {
        let deadline = deadline ?? (.now + configuration.requestTimeout)
        let (stream, reader) = try open(path, deadline: deadline, stop: stop)
        defer { stream.close() }
        let head = try reader.readHead(deadline: deadline)
        let body = try reader.readBody(of: head, limit: Self.maximumBodyBytes, deadline: deadline)
        guard (200..<300).contains(head.status) else {
            throw .status(code: head.status, path: path, message: Self.statusMessage(body))
        }
        return body
    }

    /// Opens a watch on `path` and calls `onLine` for every event line until the server ends the stream
    /// (its `timeoutSeconds`), `idleTimeout` passes without a byte, the stop signal is set, or `onLine` throws.
    public func watch(
        _ path: String,
        idleTimeout: Duration,
        stop: StopSignal?,
        onLine: ([UInt8]) throws(KubernetesAPIError) -> Void
    ) throws(KubernetesAPIError) {
        let connectDeadline = ContinuousClock.now + configuration.requestTimeout
        let (stream, reader) = try open(path, deadline: connectDeadline, stop: stop)
        defer { stream.close() }
        let head = try reader.readHead(deadline: connectDeadline)
        guard (200..<300).contains(head.status) else {
            let body = (try? reader.readBody(of: head, limit: 1 << 20, deadline: connectDeadline)) ?? []
            throw .status(code: head.status, path: path, message: Self.statusMessage(body))
        }
        var lines = LineSplitter(maximumLineLength: Self.maximumWatchEventBytes)
        try reader.streamBody(of: head, nextDeadline: { .now + idleTimeout }) { (data: [UInt8]) throws(KubernetesAPIError) in
            try lines.feed(data, onLine: onLine)
        }
        try lines.finish(onLine: onLine)
    }

    private func open(_ path: String, deadline: ContinuousClock.Instant, stop: StopSignal?) throws(KubernetesAPIError) -> (ByteStream, HTTPResponseReader) {
        let server = configuration.server
        let socket = try TCPSocket.connect(host: server.host, port: server.port, deadline: deadline, stop: stop)
        let stream: ByteStream
        if let tls {
            stream = try TLSClientStream(socket: socket, context: tls, host: server.host, deadline: deadline)
        } else {
            stream = socket
        }
        do {
            try stream.write(request(path), deadline: deadline)
        } catch {
            stream.close()
            throw error
        }
        return (stream, HTTPResponseReader(stream: stream))
    }

    private func request(_ path: String) -> [UInt8] {
        let server = configuration.server
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        var text = "GET \(server.basePath)\(path) HTTP/1.1\r\n"
        text += "Host: \(host):\(server.port)\r\n"
        text += "User-Agent: \(configuration.userAgent)\r\n"
        text += "Accept: application/json\r\n"
        if let token = configuration.bearerToken?.current() {
            text += "Authorization: Bearer \(token)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8)
    }

    /// The `message` of a `Status` body, or the start of whatever the server sent.
    static func statusMessage(_ body: [UInt8]) -> String {
        if let status = try? JSON.parse(body), let message = status["message"]?.string {
            return message
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingWhitespace()
        return text.isEmpty ? "(empty body)" : text
    }
}
