import Testing
@testable import AWSCore

/// AWS's published examples; the botocore comparison over many generated requests is in tests/test_sigv4_oracle.py.
@Suite struct SigV4SignerTests {
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let time = AWSTimestamp(iso8601: "2015-08-30T12:36:00Z")!

    @Test func signingKeyOfTheDocumentationsWorkedExample() {
        let key = SigV4Signer(service: "iam", region: "us-east-1").signingKey(secret: credentials.secretAccessKey, date: "20150830")
        #expect(SigningCrypto.hex(key) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
    }

    @Test func getVanillaOfTheAWSTestSuite() throws {
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let signed = signer.sign(SignableRequest(method: "GET", host: "example.amazonaws.com", path: "/"), credentials: credentials, at: time)
        let authorization = try #require(signed.headers.first { $0.name == "Authorization" }?.value)
        #expect(authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        let (canonical, _) = signer.canonicalRequest(signed, payloadHash: SigningCrypto.hex(SigningCrypto.sha256([])))
        #expect(SigningCrypto.hex(SigningCrypto.sha256(Array(canonical.utf8))).hasPrefix("bb579772"))
    }

    @Test func s3SignsThePayloadHashAsAHeaderAndKeepsThePathAsSent() throws {
        let signer = SigV4Signer(service: "s3", region: "us-east-1")
        let signed = signer.sign(SignableRequest(method: "PUT", host: "b.s3.us-east-1.amazonaws.com", path: "/a%20b//c", body: Array("x".utf8)),
                                 credentials: credentials, at: time)
        let hash = try #require(signed.headers.first { $0.name == "X-Amz-Content-SHA256" }?.value)
        #expect(hash == "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881")
        let (canonical, signedHeaders) = signer.canonicalRequest(signed, payloadHash: hash)
        #expect(canonical.split(separator: "\n", omittingEmptySubsequences: false)[1] == "/a%20b//c")
        #expect(signedHeaders == "host;x-amz-content-sha256;x-amz-date")
    }

    @Test func otherServicesNormalizeAndEncodeThePathAgain() {
        let signer = SigV4Signer(service: "iam", region: "us-east-1")
        #expect(signer.canonicalURI("/a%20b//./c/../d") == "/a%2520b/d")
        #expect(signer.canonicalURI("") == "/")
    }

    @Test func sessionTokensAreSignedAndNeverShown() throws {
        let temporary = AWSCredentials(accessKeyID: "ASIA", secretAccessKey: "wJalrSecretValue", sessionToken: "token-value")
        let signed = SigV4Signer(service: "sts", region: "us-west-2")
            .sign(SignableRequest(method: "POST", host: "sts.us-west-2.amazonaws.com", path: "/"), credentials: temporary, at: time)
        #expect(signed.headers.contains { $0.name == "X-Amz-Security-Token" && $0.value == "token-value" })
        #expect(try #require(signed.headers.last?.value).contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(!temporary.description.contains("wJalrSecretValue") && !temporary.description.contains("token-value"))
    }

    @Test func timestampsConvertBothWays() {
        #expect(AWSTimestamp(secondsSinceEpoch: 0).basicFormat == "19700101T000000Z")
        #expect(AWSTimestamp(iso8601: "2024-02-29T23:59:59.123456Z")?.basicFormat == "20240229T235959Z")
        #expect(AWSTimestamp(iso8601: "2024-02-29") == nil)
    }

    @Test func uriEncodingIsRFC3986() {
        #expect(URIEncoding.encode("a b+c%/ü~") == "a%20b%2Bc%25%2F%C3%BC~")
        #expect(URIEncoding.decode("%7B%22a%22%3A1%7D+") == "{\"a\":1}+")
        #expect(URIEncoding.decode("%zz") == nil)
    }

    /// As Python's urlencode writes it (moto re-encodes the form so when it checks a signature): a space is `+`.
    @Test func formBodyWritesSpacesAsPlus() {
        #expect(URIEncoding.formBody([("Action", "PutRolePolicy"), ("PolicyDocument", "{ \"a\": \"b+c %20\"\n}")])
                == "Action=PutRolePolicy&PolicyDocument=%7B+%22a%22%3A+%22b%2Bc+%2520%22%0A%7D")
    }
}
