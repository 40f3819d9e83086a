import JSONCore
import Testing
@testable import TrustReconciliation

@Suite struct RoleAnnotationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let annotations: [String: String]
        let role: String?
        let changes: JSONValue?
        var testDescription: String { name }
    }

    static let roleKey = "eks.amazonaws.com/role-arn"
    static let marker = "eks.amazonaws.com/trust-controller-role"
    static let a = "arn:aws:iam::111122223333:role/kf-a"
    static let b = "arn:aws:iam::111122223333:role/kf-b"

    static let cases: [Case] = [
        Case(name: "trusted: annotation and marker set", annotations: [:], role: a,
             changes: [roleKey: .string(a), marker: .string(a)]),
        Case(name: "already annotated by Kubeflow: only the marker added", annotations: [roleKey: a], role: a,
             changes: [marker: .string(a)]),
        Case(name: "already as wanted: no patch", annotations: [roleKey: a, marker: a], role: a, changes: nil),
        Case(name: "role changed A -> B", annotations: [roleKey: a, marker: a], role: b,
             changes: [roleKey: .string(b), marker: .string(b)]),
        Case(name: "no longer trusted: what the controller set is removed", annotations: [roleKey: a, marker: a], role: nil,
             changes: [roleKey: nil, marker: nil]),
        Case(name: "someone changed the role annotation since: only the marker goes", annotations: [roleKey: b, marker: a],
             role: nil, changes: [marker: nil]),
        Case(name: "never set by the controller: left alone", annotations: [roleKey: a], role: nil, changes: nil),
    ]

    @Test(arguments: cases) func patch(_ testCase: Case) {
        let patch = RoleAnnotation(annotationPrefix: "eks.amazonaws.com")
            .patch(annotations: testCase.annotations, resourceVersion: "7", role: testCase.role)
        #expect(patch == testCase.changes.map { ["metadata": ["resourceVersion": "7", "annotations": $0]] })
    }

    @Test func rolesNoLongerAskedForAreStillVisited() throws {
        let rules = try TrustRules(allowedRoles: [RolePattern("arn:aws:iam::111122223333:role/kf-*")],
                                   caller: CallerAccount(partition: "aws", accountID: "111122223333"))
        let desired = DesiredTrust(requests: [TrustRequest(origin: .profile("alice"), namespace: "alice",
                                                           serviceAccount: "default-editor", role: Self.b)], rules: rules)
        let visited = RolesToVisit.roles(desired: desired, previouslyWritten: [Self.a, Self.b, "not an arn"])
        #expect(visited.map(\.text) == [Self.a, Self.b])
    }

    @Test(arguments: [
        ("system:serviceaccount:alice:default-editor", true),
        ("system:serviceaccount:kf-team:default-editor", true),
        ("system:serviceaccount:bob:default-editor", false),
        ("system:serviceaccount:kf-team:other", false),
    ]) func theOwnedStatementTrustsExactSubjectsAndPatterns(_ subject: String, _ trusted: Bool) throws {
        let owned = try OwnedTrustStatement(sid: "Owned", issuer: "oidc.example.com")
        let role = try IAMRoleARN(parsing: Self.a)
        let trust = RoleTrust(role: role, subjects: ["system:serviceaccount:alice:default-editor"],
                              patterns: ["system:serviceaccount:kf-*:default-editor"], requests: [])
        let document = owned.applied(trust, role: role, to: try TrustPolicyDocument(["Version": "2012-10-17"]))
        #expect(owned.trusts(subject, in: document) == trusted)
    }
}
