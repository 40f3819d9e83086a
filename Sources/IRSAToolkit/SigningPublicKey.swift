/// A service-account token verification key, reduced to what a JWK needs.
public struct SigningPublicKey: Sendable, Equatable {
    public enum Parameters: Sendable, Equatable {
        /// Big-endian modulus and public exponent, minimal length (no leading zero bytes).
        case rsa(modulus: [UInt8], exponent: [UInt8])
        /// P-256 affine coordinates, each exactly 32 bytes as RFC 7518 section 6.2.1.2 requires.
        case ecP256(x: [UInt8], y: [UInt8])
    }

    public let parameters: Parameters
    /// DER SubjectPublicKeyInfo, the bytes kube-apiserver hashes for the `kid`.
    public let subjectPublicKeyInfo: [UInt8]

    public init(parameters: Parameters, subjectPublicKeyInfo: [UInt8]) {
        self.parameters = parameters
        self.subjectPublicKeyInfo = subjectPublicKeyInfo
    }

    /// The `kid` kube-apiserver writes into token headers (`keyIDFromPublicKey`): unpadded base64url
    /// of SHA-256 over the DER SubjectPublicKeyInfo.
    public var keyID: String { Base64URL.encode(Digest.sha256(subjectPublicKeyInfo)) }

    /// The JWS algorithm kube-apiserver signs with for this key.
    public var algorithm: String {
        switch parameters {
        case .rsa: "RS256"
        case .ecP256: "ES256"
        }
    }
}
