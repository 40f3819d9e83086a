import AWSCore
import HTTPClient

/// S3's REST protocol: one bucket-or-object request per call, XML errors, the address from `s3Location`
/// (virtual-hosted on AWS, path-style behind a custom endpoint).
public struct S3Client: Sendable {
    public let sender: AWSRequestSender
    public let resolver: AWSEndpointResolver

    public init(sender: AWSRequestSender, resolver: AWSEndpointResolver) {
        self.sender = sender
        self.resolver = resolver
    }

    /// `action` names the call in errors (`PutObject`, `GetPublicAccessBlock`...); `key` nil addresses the bucket.
    public func call(_ action: String, _ method: String, bucket: String, key: String? = nil,
                     query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
                     body: [UInt8] = []) throws -> HTTPClientResponse {
        // Throws AWSConfigurationError (no region) or AWSError.
        let endpoint = try resolver.endpoint(for: .s3)
        let location = try resolver.s3Location(bucket: bucket, key: key)
        return try sender.send(endpoint: endpoint, url: location.url, action: action, method: method, path: location.path,
                               query: query, headers: headers, body: body)
    }

    /// A read of something that may not exist: nil for HTTP 404 (or `missingCode`, S3's code for an absent sub-resource).
    public func callUnlessMissing(_ action: String, _ method: String, bucket: String, key: String? = nil,
                                  query: [(name: String, value: String)] = [], missingCode: String? = nil) throws -> HTTPClientResponse? {
        do {
            return try call(action, method, bucket: bucket, key: key, query: query)
        } catch let error as AWSError {
            if case .service(let status, let code, _, _) = error.cause, status == 404 || code == missingCode { return nil }
            throw error
        }
    }
}
