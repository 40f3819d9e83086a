import JSONCore
import Testing
@testable import IRSAToolkit

@Suite struct TrustPolicyTests {
    let issuer = try! IssuerURL(validating: "https://s3.us-west-2.amazonaws.com/my-oidc")

    @Test func oneServiceAccountIsMatchedExactly() throws {
        let policy = try TrustPolicy(issuer: issuer, accountID: "123456789012", namespace: "kubeflow-alice",
                                     subject: .serviceAccount("default-editor"))
        let expected: JSONValue = [
            "Version": "2012-10-17",
            "Statement": [[
                "Effect": "Allow",
                "Principal": ["Federated": "arn:aws:iam::123456789012:oidc-provider/s3.us-west-2.amazonaws.com/my-oidc"],
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": ["StringEquals": [
                    "s3.us-west-2.amazonaws.com/my-oidc:sub": "system:serviceaccount:kubeflow-alice:default-editor",
                    "s3.us-west-2.amazonaws.com/my-oidc:aud": "sts.amazonaws.com",
                ]],
            ]],
        ]
        #expect(policy.document == expected)
    }

    @Test func aWholeNamespaceUsesStringLikeForTheSubject() throws {
        let policy = try TrustPolicy(issuer: issuer, accountID: "123456789012", namespace: "team-a",
                                     subject: .allServiceAccounts, audience: "sts.amazonaws.com.cn", partition: "aws-cn")
        let statement = try #require(policy.document["Statement"]?[0])
        #expect(statement["Principal"]?["Federated"] == "arn:aws-cn:iam::123456789012:oidc-provider/s3.us-west-2.amazonaws.com/my-oidc")
        #expect(statement["Condition"] == [
            "StringLike": ["s3.us-west-2.amazonaws.com/my-oidc:sub": "system:serviceaccount:team-a:*"],
            "StringEquals": ["s3.us-west-2.amazonaws.com/my-oidc:aud": "sts.amazonaws.com.cn"],
        ])
    }

    @Test(arguments: [
        ("12345678901", "ns", "sa", "aws", "--account-id"),
        ("12345678901a", "ns", "sa", "aws", "--account-id"),
        ("123456789012", "Team", "sa", "aws", "--namespace"),
        ("123456789012", "-ns", "sa", "aws", "--namespace"),
        ("123456789012", String(repeating: "a", count: 64), "sa", "aws", "--namespace"),
        ("123456789012", "ns", "my_sa", "aws", "--service-account"),
        ("123456789012", "ns", "sa.", "aws", "--service-account"),
        ("123456789012", "ns", "sa", "azure", "--partition"),
        ("123456789012", "ns", "sa", "aws-", "--partition"),
    ])
    func badInputsNameTheOption(account: String, namespace: String, name: String, partition: String, option: String) {
        do {
            _ = try TrustPolicy(issuer: issuer, accountID: account, namespace: namespace,
                                subject: .serviceAccount(name), partition: partition)
            Issue.record("accepted \(account) \(namespace) \(name) \(partition)")
        } catch {
            #expect(error.description.hasPrefix(option + " '"))
        }
    }

    @Test func dottedServiceAccountNamesAreValid() throws {
        let policy = try TrustPolicy(issuer: issuer, accountID: "000000000000", namespace: "ns", subject: .serviceAccount("app.v2"))
        #expect(policy.subjectClaim == "system:serviceaccount:ns:app.v2")
    }
}
