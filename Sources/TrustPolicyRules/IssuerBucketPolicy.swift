import JSONCore

public enum IssuerBucketPolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidJSON(String)
    case notAnObject(found: String)
    case badStatement(found: String)
    case overSizeLimit(size: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalidJSON(let problem): "its bucket policy is not JSON (\(problem)); fix it before running this command"
        case .notAnObject(let found): "its bucket policy is a JSON \(found), not an object; fix it before running this command"
        case .badStatement(let found):
            "its bucket policy's Statement is a JSON \(found), not a statement or a list of statements; fix it before running this command"
        case .overSizeLimit(let size, let limit):
            "the bucket policy with statement \(IssuerBucketPolicy.statementID) would be \(size) bytes, over S3's limit of \(limit) (S3 would refuse it); shorten the policy's other statements"
        }
    }
}

/// The issuer bucket's policy: STS fetches the discovery document and the JWKS anonymously, so they are public
/// through ONE statement the project owns, found by its `Sid`; every other statement is the user's and stays as it
/// was, in its place. (A policy, not ACLs: new buckets have ACLs disabled, and a policy works either way.)
public struct IssuerBucketPolicy: Sendable, Equatable {
    /// The `Sid` of the one statement the project owns in the bucket policy.
    public static let statementID = "PodIdentityWebhookIssuerRead"
    /// S3's limit for a bucket policy ("limited to 20 KB"), checked on the bytes as they are sent.
    public static let sizeLimit = 20 * 1024

    public enum Outcome: Sendable, Equatable {
        /// The policy already holds the statement as it must read: nothing to write.
        case unchanged
        /// The whole policy to put, as it is sent (pretty-printed JSON).
        case updated([UInt8])
    }

    public let bucket: String
    /// The object keys that must be public.
    public let keys: [String]
    /// `aws`, `aws-cn`, `aws-us-gov`: the partition of the bucket's ARN.
    public let partition: String

    public init(bucket: String, keys: [String], partition: String) {
        self.bucket = bucket
        self.keys = keys
        self.partition = partition
    }

    /// Public `s3:GetObject` on exactly the keys.
    public var statement: JSONValue {
        .object(JSONObject([
            (key: "Sid", value: .string(Self.statementID)), (key: "Effect", value: "Allow"), (key: "Principal", value: "*"),
            (key: "Action", value: "s3:GetObject"),
            (key: "Resource", value: .array(keys.map { .string("arn:\(partition):s3:::\(bucket)/\($0)") })),
        ]))
    }

    /// `current` (GetBucketPolicy's body; nil when the bucket has no policy) with the project's statement replaced
    /// where it stands or appended (`PolicyGrammar.settingStatement`). A policy without `Version` keeps having none: adding one would change how the
    /// user's statements are read (policy variables exist only in 2012-10-17).
    public func merged(into current: [UInt8]?, sizeLimit: Int = Self.sizeLimit) throws(IssuerBucketPolicyError) -> Outcome {
        var policy = JSONObject([(key: "Version", value: "2012-10-17")])
        if let current {
            let parsed: JSONValue
            do { parsed = try JSON.parse(current) } catch { throw .invalidJSON(error.description) }
            guard case .object(let object) = parsed else { throw .notAnObject(found: parsed.typeName) }
            policy = object
        }
        guard let statements = PolicyGrammar.statements(of: policy)?.list else {
            throw .badStatement(found: policy["Statement"]?.typeName ?? "null")
        }
        let updated = PolicyGrammar.settingStatement(statement, sid: Self.statementID, in: statements)
        guard updated != statements else { return .unchanged }
        policy["Statement"] = .array(updated)
        let bytes = Array(JSON.serializePretty(.object(policy)).utf8)
        guard bytes.count <= sizeLimit else { throw .overSizeLimit(size: bytes.count, limit: sizeLimit) }
        return .updated(bytes)
    }
}
