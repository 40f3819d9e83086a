import Testing
@testable import TrustReconciliation

@Suite struct RolePatternTests {
    @Test(arguments: [
        ("arn:aws:iam::111122223333:role/kf-{namespace}-*", "arn:aws:iam::111122223333:role/kf-alice-s3", "alice", true),
        ("arn:aws:iam::111122223333:role/kf-{namespace}-*", "arn:aws:iam::111122223333:role/kf-bob-s3", "alice", false),
        ("arn:aws:iam::111122223333:role/kf-{namespace}-*", "arn:aws:iam::111122223333:role/kf-alice-", "alice", true),
        ("arn:aws:iam::111122223333:role/kf-*", "arn:aws:iam::111122223333:role/path/kf-x", "alice", false),
        ("arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/path/kf-x", "alice", true),
        ("arn:aws:iam::111122223333:role/app-?", "arn:aws:iam::111122223333:role/app-1", "alice", true),
        ("arn:aws:iam::111122223333:role/app-?", "arn:aws:iam::111122223333:role/app-12", "alice", false),
        ("arn:aws:iam::*:role/app", "arn:aws:iam::444455556666:role/app", "alice", true),
    ]) func allows(_ pattern: String, _ role: String, _ namespace: String, _ allowed: Bool) throws {
        #expect(try RolePattern(pattern).allows(IAMRoleARN(parsing: role), forNamespace: namespace) == allowed)
    }

    @Test(arguments: [
        ("role/kf-*", "not an ARN glob (it starts with arn:)"),
        ("arn:aws:iam::111122223333:role/{name}", "the only placeholder is {namespace}"),
        ("arn:aws:iam::111122223333:role/x}", "unbalanced }"),
    ]) func refuses(_ pattern: String, _ problem: String) {
        #expect(throws: TrustRequestError.invalidSetting(option: "--allowed-roles", value: pattern, problem: problem)) {
            try RolePattern(pattern)
        }
    }

    @Test func roleARNSplitsPartitionAccountAndName() throws {
        let role = try IAMRoleARN(parsing: "arn:aws-cn:iam::111122223333:role/team/kf-alice")
        #expect((role.partition, role.accountID, role.roleName) == ("aws-cn", "111122223333", "kf-alice"))
    }

    @Test(arguments: [
        ("arn:aws:s3:::bucket", "not an IAM ARN (arn:<partition>:iam::<account>:role/<name>)"),
        ("arn:aws:iam::1111:role/x", "the account is not 12 digits"),
        ("arn:aws:iam::111122223333:user/x", "the resource is not role/<name>"),
        ("arn:aws:iam::111122223333:role/", "the resource is not role/<name>"),
    ]) func roleARNRefuses(_ text: String, _ problem: String) {
        #expect(throws: TrustRequestError.invalidRoleARN(text, problem: problem)) { try IAMRoleARN(parsing: text) }
    }
}
