import HTTPClient
import JSONCore
import Locking
import TLSSupport

/// A small Kubernetes API client over `HTTPClient`: GET, LIST, WATCH of any path, and POST/PUT/PATCH, one request
/// per connection (calls are few: a LIST, a long-lived WATCH, rate-limited GETs, a controller's writes). Blocking: run it on a dedicated thread.
public final class KubernetesAPIClient: Sendable {
    public let configuration: KubernetesClientConfiguration
    private let http: HTTPClient
    static let maximumWatchEventBytes = 16 << 20

    public init(configuration: KubernetesClientConfiguration) throws(KubernetesConfigurationError) {
        self.configuration = configuration
        var tls: TLSClientContext?
        if configuration.server.useTLS {
            do {
                tls = try TLSClientContext(settings: configuration.tlsSettings)
            } catch {
                throw .invalidCredentials(origin: configuration.origin, reason: error.description)
            }
        }
        // Connecting is part of each call's requestTimeout, as before; bodies up to 64 MiB (a large LIST page).
        http = HTTPClient(tls: tls, limits: HTTPClientLimits(connectTimeout: configuration.requestTimeout))
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
        if let subject = http.tls?.clientCertificateSubject { parts.append("client certificate \(subject)") }
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

    /// The content type of a JSON merge patch (RFC 7386), for `send("PATCH", ...)`.
    public static let mergePatchContentType = "application/merge-patch+json"

    /// GETs `path` (with its query) and returns the body of a 2xx answer; other statuses throw `.status`.
    public func get(_ path: String, accept: String = "application/json", deadline: ContinuousClock.Instant? = nil,
                    stop: StopSignal? = nil) throws(KubernetesAPIError) -> [UInt8] {
        try send("GET", path, accept: accept, deadline: deadline, stop: stop)
    }

    /// Sends `method` (GET, POST, PUT, PATCH, DELETE) to `path` with an optional JSON (or `contentType`) body and
    /// returns the body of a 2xx answer; other statuses throw `.status` with the code (404, 409, ...) and message.
    public func send(
        _ method: String, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
        accept: String = "application/json", deadline: ContinuousClock.Instant? = nil, stop: StopSignal? = nil
    ) throws(KubernetesAPIError) -> [UInt8] {
        let deadline = deadline ?? (.now + configuration.requestTimeout)
        let response: HTTPClientResponse
        do {
            response = try http.send(request(method, path, body: body, contentType: contentType, accept: accept), deadline: deadline, stop: stop)
        } catch {
            throw KubernetesAPIError(error)
        }
        guard (200..<300).contains(response.status) else {
            throw .status(code: response.status, path: path, message: Self.statusMessage(response.body))
        }
        return response.body
    }

    /// Opens a watch on `path` and calls `onLine` for every event line until the server ends the stream
    /// (its `timeoutSeconds`), `idleTimeout` passes without a byte, the stop signal is set, or `onLine` throws.
    public func watch(
        _ path: String,
        accept: String = "application/json",
        idleTimeout: Duration,
        stop: StopSignal?,
        onLine: ([UInt8]) throws(KubernetesAPIError) -> Void
    ) throws(KubernetesAPIError) {
        let connectDeadline = ContinuousClock.now + configuration.requestTimeout
        let stream: HTTPResponseStream
        do {
            stream = try http.open(request("GET", path, accept: accept), deadline: connectDeadline, stop: stop)
        } catch {
            throw KubernetesAPIError(error)
        }
        defer { stream.close() }
        guard (200..<300).contains(stream.status) else {
            let body = (try? stream.readBody(limit: 1 << 20, deadline: connectDeadline)) ?? []
            throw .status(code: stream.status, path: path, message: Self.statusMessage(body))
        }
        while true {
            let line: [UInt8]?
            do {
                line = try stream.nextLine(maximumLength: Self.maximumWatchEventBytes, idleTimeout: idleTimeout)
            } catch {
                throw KubernetesAPIError(error)
            }
            guard let line else { return }
            try onLine(line)
        }
    }

    private func request(_ method: String, _ path: String, body: [UInt8]? = nil,
                         contentType: String = "application/json", accept: String = "application/json") -> HTTPClientRequest {
        let server = configuration.server
        let mark = path.firstIndex(of: "?")
        let query = mark.map { String(path[path.index(after: $0)...]) }
        let url = HTTPURL(scheme: server.useTLS ? .https : .http, host: server.host, port: server.port,
                          path: server.basePath + String(path[..<(mark ?? path.endIndex)]), query: query)
        var headers: [(name: String, value: String)] = [
            ("User-Agent", configuration.userAgent),
            ("Accept", accept),
        ]
        if let token = configuration.bearerToken?.current() {
            headers.append(("Authorization", "Bearer \(token)"))
        }
        if body != nil { headers.append(("Content-Type", contentType)) }
        return HTTPClientRequest(method: method, url: url, headers: headers, body: body ?? [])
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
