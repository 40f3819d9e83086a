import JSONCore
import Testing
@testable import TrustReconciliation

/// The providers a role trusts are decided by TrustPolicyRules' WebIdentityStatement, the rule the merge uses.
@Suite struct TrustPolicyDocumentTests {
    static let c1 = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/c1"
    static let c2 = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/c2"

    @Test func theProvidersOfEveryWebIdentityStatementInDocumentOrderOnce() throws {
        let document = try TrustPolicyDocument(text: #"""
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
             {"Effect":"Allow","Principal":{"Federated":"\#(Self.c2)"},"Action":"sts:*"},
             {"Effect":"Deny","Principal":{"Federated":"\#(Self.c1)"},"Action":"sts:AssumeRoleWithWebIdentity"},
             {"Effect":"Allow","Principal":{"Federated":["\#(Self.c1)","\#(Self.c2)"]},"Action":["STS:AssumeRoleWithWebIdentity"]}]}
            """#)
        #expect(document.webIdentityProviders == [Self.c2, Self.c1])
    }

    @Test func aSingleStatementObjectIsRead() throws {
        let document = try TrustPolicyDocument(text: #"{"Statement":{"Effect":"Allow","Principal":{"Federated":"\#(Self.c1)"},"Action":"*"}}"#)
        #expect(document.webIdentityProviders == [Self.c1])
    }
}
