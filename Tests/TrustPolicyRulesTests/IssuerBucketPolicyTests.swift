import JSONCore
import Testing
@testable import TrustPolicyRules

@Suite struct IssuerBucketPolicyTests {
    @Test(arguments: try BucketPolicyCase.all())
    func bucketPolicyCase(_ testCase: BucketPolicyCase) throws {
        let outcome: IssuerBucketPolicy.Outcome
        do {
            outcome = try testCase.policy.merged(into: testCase.before, sizeLimit: testCase.sizeLimit)
        } catch {
            guard case .error(let name) = testCase.expected else {
                Issue.record("\(testCase.name): expected \(testCase.expected), got \(error)"); return
            }
            #expect(error.caseName == name, "\(testCase.name): \(error)")
            if case .overSizeLimit(let size, let limit) = error {
                #expect(size > limit && limit == testCase.sizeLimit, "\(testCase.name)")
            }
            return
        }
        switch (testCase.expected, outcome) {
        case (.unchanged, .unchanged):
            break
        case (.document(let expected), .updated(let bytes)):
            // The bytes as they are sent: members in the order read, numbers as written, nothing else rewritten.
            #expect(String(decoding: bytes, as: UTF8.self) == JSON.serializePretty(expected), "\(testCase.name): \(testCase.behaviour)")
            // Merging the result again writes nothing.
            #expect(try testCase.policy.merged(into: bytes, sizeLimit: testCase.sizeLimit) == .unchanged, "\(testCase.name)")
        default:
            Issue.record("\(testCase.name): expected \(testCase.expected), got \(outcome)")
        }
    }

    /// S3's 20 KB, at its edge: a policy of exactly 20,480 bytes as sent passes, one byte more is refused.
    @Test func theDefaultSizeLimitIsS3s20KBAsSent() throws {
        let owned = IssuerBucketPolicy(bucket: "irsa-c1", keys: ["id/C1/openid/v1/jwks"], partition: "aws")
        func policy(padding: Int) -> [UInt8] {
            let resource = "arn:aws:s3:::irsa-c1/logs/" + String(repeating: "a", count: padding)
            return JSON.serialize(["Version": "2012-10-17", "Statement": [
                ["Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": .string(resource)]]])
        }
        guard case .updated(let unpadded) = try owned.merged(into: policy(padding: 0), sizeLimit: .max) else {
            Issue.record("expected an update"); return
        }
        let padding = IssuerBucketPolicy.sizeLimit - unpadded.count
        guard case .updated(let atTheLimit) = try owned.merged(into: policy(padding: padding)) else {
            Issue.record("expected an update"); return
        }
        #expect(atTheLimit.count == 20_480)
        #expect(throws: IssuerBucketPolicyError.overSizeLimit(size: 20_481, limit: 20_480)) {
            try owned.merged(into: policy(padding: padding + 1))
        }
    }

    @Test func anErrorSaysWhatToFix() {
        #expect(IssuerBucketPolicyError.notAnObject(found: "array").description
            == "its bucket policy is a JSON array, not an object; fix it before running this command")
        #expect(IssuerBucketPolicyError.overSizeLimit(size: 20_500, limit: 20_480).description.contains("20500 bytes, over S3's limit of 20480"))
    }
}
