/// Why an outbound TLS context or connection failed. Messages carry OpenSSL's words, never key material.
public enum TLSClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The settings cannot make a context (unreadable CA, certificate or key; key and certificate differ).
    case invalidSettings(String)
    /// The server's certificate chain or name did not verify: the X.509 verification result.
    case untrustedCertificate(String)
    /// Any other TLS protocol failure.
    case protocolFailure(String)
    /// The socket failed underneath TLS (errno text).
    case system(String)

    public var description: String {
        switch self {
        case .invalidSettings(let reason): return reason
        case .untrustedCertificate(let reason): return "server certificate not trusted: \(reason)"
        case .protocolFailure(let reason): return reason
        case .system(let reason): return reason
        }
    }
}
