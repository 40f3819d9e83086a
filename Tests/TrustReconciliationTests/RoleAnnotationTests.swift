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

    static let rules = try! TrustRules(allowedRoles: [RolePattern("arn:aws:iam::111122223333:role/kf-{namespace}-*")],
                                       caller: CallerAccount(partition: "aws", accountID: "111122223333"))

    static func asks(_ namespace: String, _ role: String) -> DesiredTrust {
        DesiredTrust(requests: [TrustRequest(origin: .profile(namespace), namespace: namespace,
                                             serviceAccount: "default-editor", role: role)], rules: rules)
    }

    static func marker(_ namespace: String, _ role: String) -> RoleMarker {
        RoleMarker(namespace: namespace, serviceAccount: "default-editor", role: role)
    }

    @Test func rolesNoLongerAskedForAreStillVisited() {
        let asked = "arn:aws:iam::111122223333:role/kf-alice-b"
        let written = "arn:aws:iam::111122223333:role/kf-alice-a"
        let marked = "arn:aws:iam::111122223333:role/kf-bob-c"
        let visit = RolesToVisit(desired: Self.asks("alice", asked), written: [written, "not an arn"],
                                 markers: [Self.marker("bob", marked)], rules: Self.rules)
        #expect(visit.roles.map(\.text) == [written, asked, marked])
        #expect(visit.ignored.isEmpty)
    }

    @Test(arguments: [
        ("arn:aws:iam::111122223333:role/admin", TrustRequestError.roleNotAllowed(
            role: "arn:aws:iam::111122223333:role/admin", subject: "system:serviceaccount:bob:default-editor")),
        ("arn:aws:iam::111122223333:role/kf-alice-a", .roleNotAllowed(
            role: "arn:aws:iam::111122223333:role/kf-alice-a", subject: "system:serviceaccount:bob:default-editor")),
        ("arn:aws:iam::999999999999:role/kf-bob-a", .roleNotAllowed(
            role: "arn:aws:iam::999999999999:role/kf-bob-a", subject: "system:serviceaccount:bob:default-editor")),
        ("role/kf-bob-a", .invalidRoleARN("role/kf-bob-a", problem: "not an IAM ARN (arn:<partition>:iam::<account>:role/<name>)")),
    ]) func aMarkerNeverLeadsIntoARoleTheRulesDoNotAllowItsNamespace(_ role: String, _ reason: TrustRequestError) {
        // Anyone who may edit bob's ServiceAccount can write its marker; it must not make the controller touch alice's role.
        let visit = RolesToVisit(desired: Self.asks("bob", "arn:aws:iam::111122223333:role/kf-bob-own"), written: [],
                                 markers: [Self.marker("bob", role)], rules: Self.rules)
        #expect(visit.roles.map(\.text) == ["arn:aws:iam::111122223333:role/kf-bob-own"])
        #expect(visit.ignored == [.init(marker: Self.marker("bob", role), reason: reason)])
    }

    @Test func aMarkerOfAnotherAccountIsIgnoredEvenWhenThePatternsAllowIt() throws {
        let rules = try TrustRules(allowedRoles: [RolePattern("arn:aws:iam::*:role/kf-*")],
                                   caller: CallerAccount(partition: "aws", accountID: "111122223333"))
        let foreign = "arn:aws:iam::999999999999:role/kf-bob-a"
        let visit = RolesToVisit(desired: DesiredTrust(requests: [], rules: rules), written: [],
                                 markers: [Self.marker("bob", foreign)], rules: rules)
        #expect(visit.roles.isEmpty)
        #expect(visit.ignored.map(\.reason) == [.foreignAccount(role: foreign, roleAccount: "999999999999", rolePartition: "aws",
                                                                 callerAccount: "111122223333", callerPartition: "aws")])
    }

    @Test func oneRoleSpelledTwiceIsVisitedOnce() {
        // IAM role names are unique in an account whatever the path: GetRole/UpdateAssumeRolePolicy take the name.
        let visit = RolesToVisit(desired: Self.asks("alice", "arn:aws:iam::111122223333:role/kf-alice-a"),
                                 written: ["arn:aws:iam::111122223333:role/team/kf-alice-a"],
                                 markers: [Self.marker("alice", "arn:aws:iam::111122223333:role/kf-alice-a")], rules: Self.rules)
        #expect(visit.roles.map(\.text) == ["arn:aws:iam::111122223333:role/kf-alice-a"])
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
