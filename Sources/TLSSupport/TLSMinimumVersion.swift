import COpenSSL

/// The lowest TLS version the server accepts. TLS 1.0 and 1.1 are deliberately not representable.
public enum TLSMinimumVersion: String, Sendable, CaseIterable {
    case tls12 = "1.2"
    case tls13 = "1.3"

    /// Parses the upstream `--tls-min-version` spellings (`1.2`, `VersionTLS12`, `1.3`, `VersionTLS13`).
    /// The empty string means the default (TLS 1.2). `1.0`/`1.1` are refused with a specific error.
    public init(flagValue: String) throws(TLSSettingsError) {
        switch flagValue {
        case "", "1.2", "VersionTLS12": self = .tls12
        case "1.3", "VersionTLS13": self = .tls13
        case "1.0", "VersionTLS10", "1.1", "VersionTLS11": throw .insecureMinimumVersion(flagValue)
        default: throw .unsupportedMinimumVersion(flagValue)
        }
    }

    var openSSLVersion: Int32 {
        switch self {
        case .tls12: return TLS1_2_VERSION
        case .tls13: return TLS1_3_VERSION
        }
    }
}
