/// The services this tool calls.
public enum AWSService: String, Sendable, CaseIterable {
    case iam, sts, s3

    /// The SDKs' per-service override variable (`AWS_ENDPOINT_URL_IAM`, ...).
    public var endpointVariable: String { "AWS_ENDPOINT_URL_\(rawValue.uppercased())" }
}

/// Where a service is reached and how requests to it are signed.
public struct AWSEndpoint: Sendable, Equatable {
    public let service: AWSService
    public let url: EndpointURL
    public let signingRegion: String
    /// True when the URL came from an override: S3 is then addressed path-style.
    public let isCustom: Bool
}

/// Endpoint selection as the AWS SDKs do it: `--endpoint-url`, then `AWS_ENDPOINT_URL_<SERVICE>`,
/// then `AWS_ENDPOINT_URL`, then the partition's public endpoint for the region.
public struct AWSEndpointResolver: Sendable {
    public let region: String?
    public let commandLineEndpoint: String?
    public let environment: [String: String]

    public init(region: String?, commandLineEndpoint: String?, environment: [String: String]) {
        self.region = region
        self.commandLineEndpoint = commandLineEndpoint
        self.environment = environment
    }

    public var partition: AWSPartition { region.map(AWSPartition.init(region:)) ?? .aws }

    public func endpoint(for service: AWSService) throws(AWSConfigurationError) -> AWSEndpoint {
        let signingRegion: String? = service == .iam ? partition.iamSigningRegion : region
        if let (source, value) = override(for: service) {
            // Behind a custom endpoint the SDKs sign with the configured region (IAM: its partition's).
            return AWSEndpoint(service: service, url: try EndpointURL(parsing: value, source: source),
                               signingRegion: signingRegion ?? "us-east-1", isCustom: true)
        }
        switch service {
        case .iam:
            return AWSEndpoint(service: .iam, url: EndpointURL(scheme: .https, host: partition.iamHost),
                               signingRegion: partition.iamSigningRegion, isCustom: false)
        case .sts:
            // AWS_STS_REGIONAL_ENDPOINTS=legacy (or no region at all) keeps the old global endpoint.
            guard let region, environment["AWS_STS_REGIONAL_ENDPOINTS"] != "legacy" || partition != .aws else {
                return AWSEndpoint(service: .sts, url: EndpointURL(scheme: .https, host: "sts.amazonaws.com"),
                                   signingRegion: "us-east-1", isCustom: false)
            }
            return AWSEndpoint(service: .sts, url: EndpointURL(scheme: .https, host: "sts.\(region).\(partition.dnsSuffix)"),
                               signingRegion: region, isCustom: false)
        case .s3:
            guard let region else { throw .missingRegion(service: "S3") }
            return AWSEndpoint(service: .s3, url: EndpointURL(scheme: .https, host: "s3.\(region).\(partition.dnsSuffix)"),
                               signingRegion: region, isCustom: false)
        }
    }

    /// Host and path of an S3 object (or of the bucket when `key` is nil): virtual-hosted on AWS's
    /// endpoints, path-style behind a custom endpoint (and for bucket names that are not DNS labels).
    public func s3Location(bucket: String, key: String?) throws(AWSConfigurationError) -> (url: EndpointURL, path: String) {
        let endpoint = try endpoint(for: .s3)
        let keyPath = key.map { "/" + URIEncoding.encode($0, keepingSlash: true) } ?? "/"
        if endpoint.isCustom || !Self.isVirtualHostable(bucket) {
            let bucketPath = endpoint.url.basePath + "/" + URIEncoding.encode(bucket)
            return (endpoint.url, key == nil ? bucketPath : bucketPath + keyPath)
        }
        let url = EndpointURL(scheme: endpoint.url.scheme, host: "\(bucket).\(endpoint.url.host)", port: endpoint.url.port)
        return (url, keyPath)
    }

    private func override(for service: AWSService) -> (String, String)? {
        if let commandLineEndpoint, !commandLineEndpoint.isEmpty { return ("--endpoint-url", commandLineEndpoint) }
        if let value = environment[service.endpointVariable], !value.isEmpty { return (service.endpointVariable, value) }
        if let value = environment["AWS_ENDPOINT_URL"], !value.isEmpty { return ("AWS_ENDPOINT_URL", value) }
        return nil
    }

    /// Lowercase DNS-label bucket names without dots (dots break the wildcard TLS certificate).
    static func isVirtualHostable(_ bucket: String) -> Bool {
        let bytes = Array(bucket.utf8)
        return (3...63).contains(bytes.count) && bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
        } && bytes.first != UInt8(ascii: "-") && bytes.last != UInt8(ascii: "-")
    }
}
