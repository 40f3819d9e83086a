import Locking
import TLSSupport

/// A blocking HTTP/1.1 client: one request per connection (`Connection: close`), plain or TLS (through
/// `TLSSupport`), every wait bounded by a deadline and a `StopSignal`. Run it on a thread that may block.
///
///     let client = HTTPClient(tls: try TLSClientContext(settings: .init(trust: .systemStore)))
///     let response = try client.send(HTTPClientRequest(method: "GET", url: try HTTPURL(parsing: "https://example.com/")),
///                                    deadline: .now + .seconds(30))
public final class HTTPClient: Sendable {
    /// Used for `https` URLs; nil refuses them.
    public let tls: TLSClientContext?
    public let limits: HTTPClientLimits

    public init(tls: TLSClientContext?, limits: HTTPClientLimits = HTTPClientLimits()) {
        self.tls = tls
        self.limits = limits
    }

    /// Sends `request` and reads the whole response (body up to `limits.maximumBodyBytes`), all before `deadline`.
    /// Any status is a response; only transport and framing failures throw.
    public func send(_ request: HTTPClientRequest, deadline: ContinuousClock.Instant,
                     stop: StopSignal? = nil) throws(HTTPClientError) -> HTTPClientResponse {
        let response = try open(request, deadline: deadline, stop: stop)
        defer { response.close() }
        let body = try response.readBody(limit: limits.maximumBodyBytes, deadline: deadline)
        return HTTPClientResponse(status: response.head.status, headers: response.head.headers, body: body)
    }

    /// The certificate chain `url`'s host serves (leaf first, DER), after the handshake verified it with this
    /// client's TLS context; no request is sent. IAM's OIDC thumbprint is taken from this chain.
    public func serverCertificateChain(of url: HTTPURL, deadline: ContinuousClock.Instant) throws(HTTPClientError) -> [[UInt8]] {
        guard url.scheme == .https, let tls else {
            throw HTTPClientError(target: url.target, .invalidRequest("a certificate chain needs an https URL and a TLS context"))
        }
        let connectDeadline = min(deadline, .now + limits.connectTimeout)
        let socket = try TCPSocket.connect(host: url.host, port: url.port, target: url.target, deadline: connectDeadline, stop: nil)
        let stream = try TLSStream(socket: socket, context: tls, host: url.host, deadline: connectDeadline)
        defer { stream.close() }
        return stream.peerCertificateChain
    }

    /// Connects (within `limits.connectTimeout` and `deadline`), sends `request` and reads the response head
    /// before `deadline`; the body is read from the returned stream.
    public func open(_ request: HTTPClientRequest, deadline: ContinuousClock.Instant,
                     stop: StopSignal? = nil) throws(HTTPClientError) -> HTTPResponseStream {
        let url = request.url
        let wire = try request.encoded()
        var context: TLSClientContext?
        if url.scheme == .https {
            guard let tls else { throw HTTPClientError(target: url.target, .invalidRequest("an https URL needs a TLS context")) }
            context = tls
        }
        let connectDeadline = min(deadline, .now + limits.connectTimeout)
        let socket = try TCPSocket.connect(host: url.host, port: url.port, target: url.target,
                                           deadline: connectDeadline, stop: stop)
        let stream: ByteStream
        if let context {
            stream = try TLSStream(socket: socket, context: context, host: url.host, deadline: connectDeadline)
        } else {
            stream = socket
        }
        do {
            try stream.write(wire, deadline: deadline)
            let reader = HTTPResponseReader(stream: stream, maximumHeadBytes: limits.maximumHeadBytes)
            let head = try reader.readHead(requestMethod: request.method, deadline: deadline)
            return HTTPResponseStream(head: head, stream: stream, reader: reader)
        } catch {
            stream.close()
            throw error
        }
    }
}
