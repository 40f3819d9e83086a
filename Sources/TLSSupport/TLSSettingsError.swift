/// Why TLS settings or files could not be used. Messages name the offending value or file, never key material.
public enum TLSSettingsError: Error, Equatable, CustomStringConvertible {
    case unsupportedMinimumVersion(String)
    case insecureMinimumVersion(String)
    case unknownCipherSuite(String)
    case noUsableCipherSuite([String])
    case unreadableFile(path: String, reason: String)
    case invalidCertificate(path: String, reason: String)
    case invalidPrivateKey(path: String, reason: String)
    case keyDoesNotMatchCertificate(certificatePath: String, keyPath: String)
    case contextCreationFailed(String)

    public var description: String {
        switch self {
        case .unsupportedMinimumVersion(let v):
            return "unsupported TLS minimum version \"\(v)\" (use 1.2 or 1.3)"
        case .insecureMinimumVersion(let v):
            return "TLS minimum version \"\(v)\" is refused: TLS 1.0 and 1.1 are insecure (use 1.2 or 1.3)"
        case .unknownCipherSuite(let name):
            return "unsupported cipher suite: \(name)"
        case .noUsableCipherSuite(let names):
            return "none of the cipher suites \(names.joined(separator: ",")) is usable by this OpenSSL build"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidCertificate(let path, let reason):
            return "invalid certificate in \(path): \(reason)"
        case .invalidPrivateKey(let path, let reason):
            return "invalid private key in \(path): \(reason)"
        case .keyDoesNotMatchCertificate(let cert, let key):
            return "private key \(key) does not match certificate \(cert)"
        case .contextCreationFailed(let reason):
            return "cannot create TLS context: \(reason)"
        }
    }
}
