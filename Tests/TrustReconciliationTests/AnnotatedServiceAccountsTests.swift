import JSONCore
import Testing
@testable import TrustReconciliation

@Suite struct AnnotatedServiceAccountsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let annotations: String
        let namespaceLabels: [String: String]?
        let asks: Bool
        var testDescription: String { name }
    }

    static let role = "arn:aws:iam::111122223333:role/app"
    static let cases: [Case] = [
        Case(name: "role and manage-trust in a selected namespace",
             annotations: #"{"eks.amazonaws.com/role-arn":"\#(role)","eks.amazonaws.com/manage-trust":"true"}"#,
             namespaceLabels: ["trust": "managed"], asks: true),
        Case(name: "role without manage-trust: the webhook's annotation alone writes nothing to IAM",
             annotations: #"{"eks.amazonaws.com/role-arn":"\#(role)"}"#, namespaceLabels: ["trust": "managed"], asks: false),
        Case(name: "manage-trust other than \"true\"",
             annotations: #"{"eks.amazonaws.com/role-arn":"\#(role)","eks.amazonaws.com/manage-trust":"True"}"#,
             namespaceLabels: ["trust": "managed"], asks: false),
        Case(name: "namespace not selected",
             annotations: #"{"eks.amazonaws.com/role-arn":"\#(role)","eks.amazonaws.com/manage-trust":"true"}"#,
             namespaceLabels: ["trust": "other"], asks: false),
        Case(name: "namespace unknown",
             annotations: #"{"eks.amazonaws.com/role-arn":"\#(role)","eks.amazonaws.com/manage-trust":"true"}"#,
             namespaceLabels: nil, asks: false),
        Case(name: "other prefix",
             annotations: #"{"example.com/role-arn":"\#(role)","example.com/manage-trust":"true"}"#,
             namespaceLabels: ["trust": "managed"], asks: false),
    ]

    @Test(arguments: cases) func asksForTrust(_ testCase: Case) throws {
        let source = AnnotatedServiceAccounts(annotationPrefix: "eks.amazonaws.com",
                                              namespaceSelector: try LabelSelector(parsing: "trust=managed"))
        let account = try JSON.parse(#"{"metadata":{"name":"app","namespace":"team","annotations":\#(testCase.annotations)}}"#)
        let expected = testCase.asks
            ? TrustRequest(origin: .serviceAccount(namespace: "team", name: "app"), namespace: "team", serviceAccount: "app", role: Self.role)
            : nil
        #expect(source.request(of: account, namespaceLabels: testCase.namespaceLabels) == expected)
        if let request = source.request(of: account, namespaceLabels: testCase.namespaceLabels) {
            #expect(request.subject == "system:serviceaccount:team:app")
        }
    }
}
