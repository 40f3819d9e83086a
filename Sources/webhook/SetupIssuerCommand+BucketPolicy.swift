import ArgumentParser
import AWSClient
import TrustPolicyRules

extension SetupIssuerCommand {
    /// GetBucketPolicy, then PutBucketPolicy only when the project's statement (TrustPolicyRules' IssuerBucketPolicy)
    /// is missing or different.
    func ensureBucketPolicy(_ s3: S3Client, session: AWSSession, bucketExists: Bool, keys: [String]) throws {
        let current: [UInt8]?
        do {
            current = bucketExists
                ? try s3.callUnlessMissing("GetBucketPolicy", "GET", bucket: bucket, query: [("policy", "")], missingCode: "NoSuchBucketPolicy")?.body
                : nil
        } catch let error as AWSError {
            throw ValidationError("bucket \(bucket): reading its bucket policy failed: \(error)")
        }
        let owned = IssuerBucketPolicy(bucket: bucket, keys: keys, partition: session.resolver.partition.rawValue)
        let policy: [UInt8]
        do {
            guard case .updated(let merged) = try owned.merged(into: current) else {
                print("unchanged: bucket \(bucket) policy already has statement \(IssuerBucketPolicy.statementID) (public s3:GetObject on the two documents)")
                return
            }
            policy = merged
        } catch {
            throw ValidationError("bucket \(bucket): \(error)")
        }
        if session.dryRun {
            print("would call S3 PutBucketPolicy: \(bucket)\n\(String(decoding: policy, as: UTF8.self))")
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
        print("PutBucketPolicy: \(bucket) statement \(IssuerBucketPolicy.statementID) (public s3:GetObject on the two documents)")
    }
}
