/// Everything the toolkit can reject, each naming the file or flag and what is wrong with it.
public enum ToolkitError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case fileTooLarge(path: String, limit: Int)
    case notPEM(path: String, expected: String)
    case malformedPEM(path: String, detail: String)
    case unsupportedPEMBlock(path: String, label: String, expected: String)
    case encryptedKey(path: String)
    case malformedKey(path: String, label: String, detail: String)
    case unsupportedKeyType(path: String, type: String)
    case unsupportedCurve(path: String, curve: String)
    case malformedCertificate(path: String, detail: String)
    case invalidOption(option: String, value: String, problem: String)
    case missingOption(String)
    case openSSLFailure(operation: String, detail: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "\(path): cannot read: \(reason)"
        case .fileTooLarge(let path, let limit):
            "\(path): larger than \(limit) bytes; this is not a key or certificate file"
        case .notPEM(let path, let expected):
            "\(path): not PEM: no '-----BEGIN ...-----' block found (expected \(expected))"
        case .malformedPEM(let path, let detail):
            "\(path): malformed PEM: \(detail)"
        case .unsupportedPEMBlock(let path, let label, let expected):
            "\(path): unsupported PEM block '\(label)' (expected \(expected))"
        case .encryptedKey(let path):
            "\(path): the private key is encrypted; pass the public key instead "
                + "(openssl pkey -in KEY -pubout -out key.pub)"
        case .malformedKey(let path, let label, let detail):
            "\(path): the '\(label)' block is not a valid key: \(detail)"
        case .unsupportedKeyType(let path, let type):
            "\(path): unsupported key type \(type) (service-account signing keys must be RSA or EC P-256)"
        case .unsupportedCurve(let path, let curve):
            "\(path): unsupported EC curve \(curve) (only P-256, for ES256, is supported)"
        case .malformedCertificate(let path, let detail):
            "\(path): not a valid X.509 certificate: \(detail)"
        case .invalidOption(let option, let value, let problem):
            "\(option) '\(value)': \(problem)"
        case .missingOption(let message):
            message
        case .openSSLFailure(let operation, let detail):
            "OpenSSL \(operation) failed: \(detail)"
        }
    }
}
