/// An access key, with the session token and expiry of temporary credentials.
/// `description` never shows the secret or the token, so credentials can be logged by mistake safely.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?
    /// Seconds since the Unix epoch; nil for long-term keys.
    public let expiration: Int64?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
        self.expiration = expiration
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secret: <redacted>\(sessionToken == nil ? "" : ", session token: <redacted>"))"
    }
}
