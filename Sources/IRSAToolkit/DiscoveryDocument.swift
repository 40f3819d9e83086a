import JSONCore

/// The `/.well-known/openid-configuration` document STS reads to find the issuer's keys,
/// with the members kube-apiserver serves.
public enum DiscoveryDocument {
    /// `keys` decide `id_token_signing_alg_values_supported` (sorted, as kube-apiserver lists them);
    /// without keys it is `["RS256"]`, kube-apiserver's default signing algorithm.
    public static func document(issuer: IssuerURL, jwksURI: String?, keys: [SigningPublicKey] = []) throws(ToolkitError) -> JSONValue {
        let jwks = jwksURI ?? issuer.defaultJWKSURI
        if let jwksURI { _ = try HTTPSURL.location(of: jwksURI, option: "--jwks-uri") }
        let algorithms = keys.isEmpty ? ["RS256"] : Set(keys.map(\.algorithm)).sorted()
        return [
            "issuer": .string(issuer.description),
            "jwks_uri": .string(jwks),
            "authorization_endpoint": "urn:kubernetes:programmatic_authorization",
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": .array(algorithms.map { .string($0) }),
            "claims_supported": ["sub", "iss"],
        ]
    }
}
