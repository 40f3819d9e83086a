import JSONCore
import Testing
@testable import TrustPolicyRules

/// Which statements count as the provider's web-identity statement (the merge, the check and the trust controller
/// all ask WebIdentityStatement). Each case: a statement, and the providers it lets in.
@Suite struct WebIdentityStatementTests {
    static let provider = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/C1"
    static let other = "arn:aws:iam::123456789012:oidc-provider/other.example.com/id/C2"

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let statement: String
        let providers: [String]
        var testDescription: String { name }

        init(_ name: String, _ statement: String, _ providers: [String]) {
            self.name = name
            self.statement = statement
            self.providers = providers
        }
    }

    static func allow(action: String, principal: String = #"{"Federated":"\#(provider)"}"#) -> String {
        #"{"Effect":"Allow","Principal":\#(principal),"Action":\#(action)}"#
    }

    static let actions: [Case] = [
        Case("the action itself", allow(action: #""sts:AssumeRoleWithWebIdentity""#), [provider]),
        Case("the action in another letter case (IAM compares action names case-insensitively)",
             allow(action: #""STS:assumerolewithwebidentity""#), [provider]),
        Case("sts:*", allow(action: #""sts:*""#), [provider]),
        Case("STS:* in capitals", allow(action: #""STS:*""#), [provider]),
        Case("*", allow(action: #""*""#), [provider]),
        Case("a list holding the action", allow(action: #"["sts:TagSession","sts:AssumeRoleWithWebIdentity"]"#), [provider]),
        Case("a list without it", allow(action: #"["sts:AssumeRole","sts:TagSession"]"#), []),
        Case("another STS action", allow(action: #""sts:AssumeRole""#), []),
        Case("another wildcard pattern is not recognised", allow(action: #""sts:AssumeRole*""#), []),
        Case("NotAction never makes a web-identity statement",
             #"{"Effect":"Allow","Principal":{"Federated":"\#(provider)"},"NotAction":"sts:AssumeRole"}"#, []),
        Case("NotAction beside Action (IAM refuses the policy) neither",
             #"{"Effect":"Allow","Principal":{"Federated":"\#(provider)"},"Action":"sts:AssumeRoleWithWebIdentity","NotAction":"s3:*"}"#, []),
        Case("no Action", #"{"Effect":"Allow","Principal":{"Federated":"\#(provider)"}}"#, []),
        Case("an Action that is not a string or a list", allow(action: "true"), []),
        Case("Deny", #"{"Effect":"Deny","Principal":{"Federated":"\#(provider)"},"Action":"sts:AssumeRoleWithWebIdentity"}"#, []),
        Case("allow in lower case (IAM's Effect is case-sensitive)",
             #"{"Effect":"allow","Principal":{"Federated":"\#(provider)"},"Action":"sts:AssumeRoleWithWebIdentity"}"#, []),
    ]

    static let principals: [Case] = [
        Case("Federated as a list of two providers", allow(action: #""sts:AssumeRoleWithWebIdentity""#,
             principal: #"{"Federated":["\#(other)","\#(provider)"]}"#), [other, provider]),
        Case("Federated beside an AWS principal", allow(action: #""sts:AssumeRoleWithWebIdentity""#,
             principal: #"{"AWS":"arn:aws:iam::123456789012:root","Federated":"\#(provider)"}"#), [provider]),
        Case("another provider only", allow(action: #""sts:AssumeRoleWithWebIdentity""#,
             principal: #"{"Federated":"\#(other)"}"#), [other]),
        Case("Principal * names no provider", allow(action: #""sts:AssumeRoleWithWebIdentity""#, principal: #""*""#), []),
        Case("an AWS principal", allow(action: #""sts:AssumeRoleWithWebIdentity""#,
             principal: #"{"AWS":"arn:aws:iam::123456789012:root"}"#), []),
        Case("a Service principal", allow(action: #""sts:AssumeRoleWithWebIdentity""#,
             principal: #"{"Service":"ec2.amazonaws.com"}"#), []),
        Case("NotPrincipal names no provider",
             #"{"Effect":"Allow","NotPrincipal":{"Federated":"\#(other)"},"Action":"sts:AssumeRoleWithWebIdentity"}"#, []),
        Case("not a statement object", #""sts:AssumeRoleWithWebIdentity""#, []),
    ]

    @Test(arguments: actions + principals)
    func theProvidersAStatementLetsIn(_ testCase: Case) throws {
        let statement = try JSON.parse(testCase.statement)
        #expect(WebIdentityStatement.providers(of: statement) == testCase.providers, "\(testCase.name)")
        #expect(WebIdentityStatement.trusts(statement, providerARN: Self.provider) == testCase.providers.contains(Self.provider),
                "\(testCase.name)")
    }
}
