/// What an outbound TLS connection trusts and presents. TLS 1.2 is the floor.
public struct TLSClientSettings: Sendable, Equatable {
    public enum Trust: Sendable, Equatable {
        /// The system's trust store (Debian: /etc/ssl/certs).
        case systemStore
        /// Only the CAs of this PEM bundle.
        case certificateAuthorities(pem: [UInt8])
        /// No verification at all (kubeconfig `insecure-skip-tls-verify`); callers log a warning.
        case none
    }

    public var trust: Trust
    /// An optional client certificate chain (leaf first) and its private key, both PEM.
    public var clientCertificatePEM: [UInt8]?
    public var clientKeyPEM: [UInt8]?
    /// ALPN offer, most preferred first.
    public var applicationProtocols: [String]

    public init(trust: Trust = .systemStore, clientCertificatePEM: [UInt8]? = nil, clientKeyPEM: [UInt8]? = nil,
                applicationProtocols: [String] = ["http/1.1"]) {
        self.trust = trust
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.applicationProtocols = applicationProtocols
    }
}
