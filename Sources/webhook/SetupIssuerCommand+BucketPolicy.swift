import ArgumentParser
import AWSClient
import AWSCore
import JSONCore

/// Public read through the bucket policy, not ACLs: new buckets have Object Ownership BucketOwnerEnforced (ACLs
/// disabled) since 2023, and a policy statement works whether ACLs are enabled or not, so it is always used.
extension SetupIssuerCommand {
    /// The one statement this command owns in the bucket policy; every other statement is the user's.
    static let policyStatementID = "PodIdentityWebhookIssuerRead"

    /// `policy` with the project's statement added or replaced (other statements kept as they were, in order),
    /// or nil when it already reads so. Throws a message naming the bucket when the policy is not a JSON object.
    static func bucketPolicy(merging current: [UInt8]?, bucket: String, keys: [String], partition: AWSPartition) throws -> [UInt8]? {
        let statement: JSONValue = .object(JSONObject([
            (key: "Sid", value: .string(policyStatementID)), (key: "Effect", value: "Allow"), (key: "Principal", value: "*"),
            (key: "Action", value: "s3:GetObject"),
            (key: "Resource", value: .array(keys.map { .string("arn:\(partition.rawValue):s3:::\(bucket)/\($0)") })),
        ]))
        var policy = JSONObject([(key: "Version", value: "2012-10-17")])
        if let current {
            guard let parsed = try? JSON.parse(current).object else {
                throw ValidationError("bucket \(bucket): its bucket policy is not a JSON object; fix it before running this command")
            }
            policy = parsed
        }
        var statements: [JSONValue]
        switch policy["Statement"] {
        case nil: statements = []
        case .array(let list)?: statements = list
        case let single?: statements = [single]
        }
        if let position = statements.firstIndex(where: { $0.object?["Sid"]?.string == policyStatementID }) {
            guard statements[position] != statement else { return nil }
            statements[position] = statement
        } else {
            statements.append(statement)
        }
        policy["Statement"] = .array(statements)
        return Array(JSON.serializePretty(.object(policy)).utf8)
    }

    /// GetBucketPolicy, then PutBucketPolicy only when the project's statement is missing or different.
    func ensureBucketPolicy(_ s3: S3Client, session: AWSSession, bucketExists: Bool, keys: [String]) throws {
        let current: [UInt8]?
        do {
            current = bucketExists
                ? try s3.callUnlessMissing("GetBucketPolicy", "GET", bucket: bucket, query: [("policy", "")], missingCode: "NoSuchBucketPolicy")?.body
                : nil
        } catch let error as AWSError {
            throw ValidationError("bucket \(bucket): reading its bucket policy failed: \(error)")
        }
        guard let policy = try Self.bucketPolicy(merging: current, bucket: bucket, keys: keys, partition: session.resolver.partition) else {
            print("unchanged: bucket \(bucket) policy already has statement \(Self.policyStatementID) (public s3:GetObject on the two documents)")
            return
        }
        let text = String(decoding: policy, as: UTF8.self)
        if session.dryRun {
            print("would call S3 PutBucketPolicy: \(bucket)\n\(text)")
            return
        }
        do {
            _ = try s3.call("PutBucketPolicy", "PUT", bucket: bucket, query: [("policy", "")],
                            headers: [("Content-Type", "application/json")], body: policy, checksumRequired: true)
        } catch let error as AWSError where error.code == "AccessDenied" {
            throw ValidationError("bucket \(bucket): PutBucketPolicy refused (\(error)); the account's Block Public Access "
                + "(BlockPublicPolicy) or these credentials forbid a public bucket policy: turn BlockPublicPolicy off "
                + "(aws s3control put-public-access-block) or allow s3:PutBucketPolicy")
        } catch let error as AWSError {
            throw ValidationError("bucket \(bucket): PutBucketPolicy failed: \(error)")
        }
        print("PutBucketPolicy: \(bucket) statement \(Self.policyStatementID) (public s3:GetObject on the two documents)")
    }
}
