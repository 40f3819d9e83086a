import HTTPClient
import TLSSupport

/// How to reach and authenticate to the Kubernetes API server: built from the in-cluster
/// ServiceAccount mount or from a kubeconfig file, then handed to `KubernetesAPIClient`.
public struct KubernetesClientConfiguration: Sendable {
    public var server: APIServerEndpoint
    /// PEM bundle of the CAs that sign the API server's certificate; nil means the system trust store.
    public var certificateAuthorityPEM: [UInt8]?
    public var bearerToken: BearerTokenSource?
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    public var insecureSkipTLSVerify: Bool
    public var userAgent: String
    /// Bounds connect + request + response of every non-watch call.
    public var requestTimeout: Duration
    /// Where this configuration came from, for logs ("in-cluster", "kubeconfig /x (context y)").
    public var origin: String

    public static let defaultUserAgent = "pod-identity-webhook/0.1.0"

    public init(
        server: APIServerEndpoint,
        certificateAuthorityPEM: [UInt8]? = nil,
        bearerToken: BearerTokenSource? = nil,
        clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil,
        insecureSkipTLSVerify: Bool = false,
        userAgent: String = KubernetesClientConfiguration.defaultUserAgent,
        requestTimeout: Duration = .seconds(30),
        origin: String
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.bearerToken = bearerToken
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.userAgent = userAgent
        self.requestTimeout = requestTimeout
        self.origin = origin
    }
}

/// The API server's scheme, host and port, plus a path prefix when it sits behind a proxy.
public struct APIServerEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var useTLS: Bool
    public var host: String
    public var port: Int
    public var basePath: String

    public init(useTLS: Bool, host: String, port: Int, basePath: String = "") {
        self.useTLS = useTLS
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses `https://host[:port][/prefix]` (`http://` for a local `kubectl proxy`). IPv6 hosts go in brackets.
    public init(parsing text: String) throws(KubernetesConfigurationError) {
        let url: HTTPURL
        do {
            url = try HTTPURL(parsing: text)
        } catch {
            let reason = error.reason.hasPrefix("the scheme") ? "the scheme must be https:// (or http:// for a local proxy)" : error.reason
            throw .invalidServerURL(text, reason: reason)
        }
        guard url.query == nil else { throw .invalidServerURL(text, reason: "a query is not allowed") }
        useTLS = url.scheme == .https
        host = url.host
        port = url.port
        var path = url.path
        while path.hasSuffix("/") { path.removeLast() }
        basePath = path
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(useTLS ? "https" : "http")://\(shownHost):\(port)\(basePath)"
    }
}

extension KubernetesClientConfiguration {
    /// The TLS side of this configuration: its CA (or the system store, or no verification) and client certificate.
    var tlsSettings: TLSClientSettings {
        let trust: TLSClientSettings.Trust
        if insecureSkipTLSVerify {
            trust = .none
        } else if let certificateAuthorityPEM {
            trust = .certificateAuthorities(pem: certificateAuthorityPEM)
        } else {
            trust = .systemStore
        }
        return TLSClientSettings(trust: trust, clientCertificatePEM: clientCertificatePEM, clientKeyPEM: clientKeyPEM)
    }
}
