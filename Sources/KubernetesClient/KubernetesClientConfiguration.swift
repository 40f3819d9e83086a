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
        func invalid(_ why: String) -> KubernetesConfigurationError {
            .invalidServerURL(text, reason: why)
        }
        var rest = Substring(text)
        if rest.hasPrefix("https://") {
            useTLS = true
            rest = rest.dropFirst(8)
        } else if rest.hasPrefix("http://") {
            useTLS = false
            rest = rest.dropFirst(7)
        } else {
            throw invalid("the scheme must be https:// (or http:// for a local proxy)")
        }
        let authority: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            var path = String(rest[slash...])
            while path.hasSuffix("/") { path.removeLast() }
            basePath = path
        } else {
            authority = rest
            basePath = ""
        }
        if authority.contains("@") || authority.contains("?") || authority.contains("#") {
            throw invalid("user info, query and fragment are not allowed")
        }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw invalid("the host is empty") }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw invalid("the port \"\(portPart)\" is not a number between 1 and 65535")
            }
            port = value
        } else {
            port = useTLS ? 443 : 80
        }
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(useTLS ? "https" : "http")://\(shownHost):\(port)\(basePath)"
    }
}
