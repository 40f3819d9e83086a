import Testing
@testable import AWSCore

@Suite struct EndpointTests {
    @Test(arguments: [
        ("us-west-2", AWSService.iam, "https://iam.amazonaws.com", "us-east-1"),
        ("cn-north-1", .iam, "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ("us-gov-east-1", .iam, "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
        ("eu-west-1", .sts, "https://sts.eu-west-1.amazonaws.com", "eu-west-1"),
        ("cn-northwest-1", .sts, "https://sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"),
        ("us-gov-west-1", .s3, "https://s3.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
    ])
    func publicEndpoints(_ region: String, _ service: AWSService, _ url: String, _ signingRegion: String) throws {
        let endpoint = try AWSEndpointResolver(region: region, commandLineEndpoint: nil, environment: [:]).endpoint(for: service)
        #expect(endpoint.url.description == url && endpoint.signingRegion == signingRegion && !endpoint.isCustom)
    }

    @Test func legacyGlobalSTS() throws {
        let resolver = AWSEndpointResolver(region: "us-west-2", commandLineEndpoint: nil, environment: ["AWS_STS_REGIONAL_ENDPOINTS": "legacy"])
        #expect(try resolver.endpoint(for: .sts).url.description == "https://sts.amazonaws.com")
        #expect(try AWSEndpointResolver(region: nil, commandLineEndpoint: nil, environment: [:]).endpoint(for: .sts).signingRegion == "us-east-1")
    }

    @Test func overridesInTheSDKsOrder() throws {
        let env = ["AWS_ENDPOINT_URL": "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_STS": "http://localhost:6000/base/"]
        let resolver = AWSEndpointResolver(region: "us-west-2", commandLineEndpoint: nil, environment: env)
        #expect(try resolver.endpoint(for: .iam).url.description == "http://127.0.0.1:5000")
        #expect(try resolver.endpoint(for: .sts).url == EndpointURL(scheme: .http, host: "localhost", port: 6000, basePath: "/base"))
        let flag = AWSEndpointResolver(region: "us-west-2", commandLineEndpoint: "https://example.test:8443", environment: env)
        #expect(try flag.endpoint(for: .sts).url.authority == "example.test:8443")
        #expect(throws: AWSConfigurationError.invalidEndpoint(source: "AWS_ENDPOINT_URL", value: "ftp://x", problem: "must start with http:// or https://")) {
            try AWSEndpointResolver(region: nil, commandLineEndpoint: nil, environment: ["AWS_ENDPOINT_URL": "ftp://x"]).endpoint(for: .iam)
        }
    }

    @Test func s3VirtualHostedOrPathStyle() throws {
        let aws = AWSEndpointResolver(region: "eu-west-1", commandLineEndpoint: nil, environment: [:])
        let virtual = try aws.s3Location(bucket: "my-oidc", key: ".well-known/openid-configuration")
        #expect(virtual.url.host == "my-oidc.s3.eu-west-1.amazonaws.com" && virtual.path == "/.well-known/openid-configuration")
        #expect(try aws.s3Location(bucket: "with.dots", key: "k").path == "/with.dots/k")
        let custom = AWSEndpointResolver(region: "eu-west-1", commandLineEndpoint: "http://127.0.0.1:5000", environment: [:])
        let pathStyle = try custom.s3Location(bucket: "my-oidc", key: "keys/a b.json")
        #expect(pathStyle.url.authority == "127.0.0.1:5000" && pathStyle.path == "/my-oidc/keys/a%20b.json")
        #expect(throws: AWSConfigurationError.missingRegion(service: "S3")) {
            try AWSEndpointResolver(region: nil, commandLineEndpoint: nil, environment: [:]).s3Location(bucket: "b", key: nil)
        }
    }

    @Test func retryRules() {
        #expect(RetryPolicy.isRetryable(status: 400, errorCode: "Throttling"))
        #expect(RetryPolicy.isRetryable(status: 400, errorCode: "RequestLimitExceeded"))
        #expect(RetryPolicy.isRetryable(status: 429, errorCode: nil))
        #expect(RetryPolicy.isRetryable(status: 503, errorCode: "ServiceUnavailable"))
        #expect(!RetryPolicy.isRetryable(status: 403, errorCode: "SignatureDoesNotMatch"))
        #expect(!RetryPolicy.isRetryable(status: 404, errorCode: "NoSuchEntity"))
        let policy = RetryPolicy(maxAttempts: 5, baseDelayMilliseconds: 100, maxDelayMilliseconds: 1000, totalDeadlineMilliseconds: 5000)
        #expect(policy.delayMilliseconds(afterAttempt: 1, unitRandom: 0.999) == 99)
        #expect(policy.delayMilliseconds(afterAttempt: 3, unitRandom: 0.5) == 200)
        #expect(policy.delayMilliseconds(afterAttempt: 30, unitRandom: 0.5) == 500)
    }
}
