import JSONCore

/// The JWKS document an OIDC issuer publishes (`jwks_uri`), shaped as kube-apiserver's
/// `/openid/v1/jwks`: member order `use, kty, kid, crv, alg, n, e / x, y` (go-jose's order).
public enum JSONWebKeySet {
    /// `keys` in order, duplicates (same `kid`) dropped. With `includeEmptyKeyID`, a copy of every key
    /// with `"kid": ""` follows, matching tokens signed before kube-apiserver set `kid` headers
    /// (the form upstream's self-hosted guide publishes).
    public static func document(for keys: [SigningPublicKey], includeEmptyKeyID: Bool = false) -> JSONValue {
        var seen = Set<String>()
        let unique = keys.filter { seen.insert($0.keyID).inserted }
        var entries = unique.map { jwk(for: $0, keyID: $0.keyID) }
        if includeEmptyKeyID { entries += unique.map { jwk(for: $0, keyID: "") } }
        return ["keys": .array(entries)]
    }

    static func jwk(for key: SigningPublicKey, keyID: String) -> JSONValue {
        switch key.parameters {
        case .rsa(let modulus, let exponent):
            return [
                "use": "sig", "kty": "RSA", "kid": .string(keyID), "alg": .string(key.algorithm),
                "n": .string(Base64URL.encode(modulus)), "e": .string(Base64URL.encode(exponent)),
            ]
        case .ecP256(let x, let y):
            return [
                "use": "sig", "kty": "EC", "kid": .string(keyID), "crv": "P-256", "alg": .string(key.algorithm),
                "x": .string(Base64URL.encode(x)), "y": .string(Base64URL.encode(y)),
            ]
        }
    }
}
