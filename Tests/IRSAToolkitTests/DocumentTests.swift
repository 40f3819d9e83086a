import JSONCore
import Testing
@testable import IRSAToolkit

@Suite struct DocumentTests {
    @Test func jwksHasGoJoseMemberOrderAndDeduplicatesKeys() throws {
        let rsa = try PublicKeyFile.load(TemporaryFile.write(Fixtures.rsaPublicKey))
        let ec = try PublicKeyFile.load(TemporaryFile.write(Fixtures.ecPublicKey))
        let document = JSONWebKeySet.document(for: rsa + ec + rsa)
        let keys = try #require(document["keys"]?.array)
        #expect(keys.count == 2)
        #expect(keys[0].object?.keys == ["use", "kty", "kid", "alg", "n", "e"])
        #expect(keys[0]["e"] == "AQAB")
        #expect(keys[0]["kid"] == .string(Fixtures.rsaKeyID))
        #expect(keys[1].object?.keys == ["use", "kty", "kid", "crv", "alg", "x", "y"])
        #expect(keys[1]["crv"] == "P-256")
        #expect(keys[1]["x"] == .string(Fixtures.ecX))
    }

    @Test func includeEmptyKeyIDAppendsAKidlessCopyOfEveryKey() throws {
        let keys = try PublicKeyFile.load(TemporaryFile.write(Fixtures.rsaPublicKey + "\n" + Fixtures.ecPublicKey))
        let entries = try #require(JSONWebKeySet.document(for: keys, includeEmptyKeyID: true)["keys"]?.array)
        #expect(entries.map { $0["kid"] } == [.string(Fixtures.rsaKeyID), .string(Fixtures.ecKeyID), "", ""])
        #expect(entries[2]["n"] == entries[0]["n"])
        #expect(entries[3]["y"] == entries[1]["y"])
    }

    @Test func discoveryDefaultsJWKSURIUnderTheIssuerAndListsKeyAlgorithms() throws {
        let issuer = try IssuerURL(validating: "https://oidc.example.com/cluster-1")
        let plain = try DiscoveryDocument.document(issuer: issuer, jwksURI: nil)
        #expect(plain["issuer"] == "https://oidc.example.com/cluster-1")
        #expect(plain["jwks_uri"] == "https://oidc.example.com/cluster-1/openid/v1/jwks")
        #expect(plain["authorization_endpoint"] == "urn:kubernetes:programmatic_authorization")
        #expect(plain["response_types_supported"] == ["id_token"])
        #expect(plain["subject_types_supported"] == ["public"])
        #expect(plain["id_token_signing_alg_values_supported"] == ["RS256"])
        #expect(plain["claims_supported"] == ["sub", "iss"])

        let keys = try PublicKeyFile.load(TemporaryFile.write(Fixtures.rsaPublicKey + "\n" + Fixtures.ecPublicKey))
        let withKeys = try DiscoveryDocument.document(issuer: issuer, jwksURI: "https://cdn.example.com/keys.json", keys: keys)
        #expect(withKeys["jwks_uri"] == "https://cdn.example.com/keys.json")
        #expect(withKeys["id_token_signing_alg_values_supported"] == ["ES256", "RS256"])
    }

    @Test(arguments: [
        ("http://oidc.example.com", "must start with https://"),
        ("https://", "has no valid host name"),
        ("https://oidc.example.com/", "remove the trailing '/'"),
        ("https://oidc.example.com/?a=b", "no query or fragment"),
        ("https://user@oidc.example.com", "must not contain credentials"),
        ("https://oidc.example.com:99999", "invalid port"),
        ("https://oidc example.com", "whitespace"),
    ])
    func badIssuersAreRejectedWithTheReason(issuer: String, reason: String) {
        do {
            _ = try IssuerURL(validating: issuer)
            Issue.record("accepted \(issuer)")
        } catch {
            #expect(error.description.hasPrefix("--issuer '\(issuer)': "))
            #expect(error.description.contains(reason))
        }
    }

    @Test func thumbprintIsOpenSSLsSHA1FingerprintOfTheLastCertificate() throws {
        let single = try CertificateThumbprint.ofLastCertificate(in: TemporaryFile.write(Fixtures.rootCertificate))
        #expect(single.hex == Fixtures.rootThumbprint)
        #expect(single.certificateCount == 1)
        let chain = try CertificateThumbprint.ofLastCertificate(in: TemporaryFile.write(Fixtures.chain))
        #expect(chain.hex == Fixtures.rootThumbprint)
        #expect(chain.certificateCount == 2)
        #expect(chain.subject.contains("toolkit-test-root"))
    }

    @Test func thumbprintRejectsKeysAndNonPEM() throws {
        let key = TemporaryFile.write(Fixtures.rsaPublicKey)
        #expect(throws: ToolkitError.unsupportedPEMBlock(path: key, label: "PUBLIC KEY",
                                                         expected: "a PEM certificate (-----BEGIN CERTIFICATE-----)")) {
            try CertificateThumbprint.ofLastCertificate(in: key)
        }
        let broken = TemporaryFile.write("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        #expect {
            try CertificateThumbprint.ofLastCertificate(in: broken)
        } throws: { error in
            guard case .malformedCertificate(broken, _) = error as? ToolkitError else { return false }
            return true
        }
    }
}
