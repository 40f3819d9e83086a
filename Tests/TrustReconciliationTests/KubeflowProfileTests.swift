import JSONCore
import Testing
@testable import TrustReconciliation

/// A Profile's `spec.plugins`, read as Kubeflow's controller reads them (Go's encoding/json for the plugin spec).
@Suite struct KubeflowProfileTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let plugins: String
        let expected: KubeflowProfile.Reading
        var testDescription: String { name }
    }

    static let role = "arn:aws:iam::111122223333:role/kf-alice"
    static let trusted = KubeflowProfile.Reading.trust(
        TrustRequest(origin: .profile("alice"), namespace: "alice", serviceAccount: "default-editor", role: role))

    static let cases: [Case] = [
        Case(name: "annotateOnly true: this controller writes trust",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)","annotateOnly":true}}]"#,
             expected: trusted),
        Case(name: "keys matched case-insensitively",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"AWSIAMROLE":"\#(role)","AnnotateOnly":true}}]"#,
             expected: trusted),
        Case(name: "Go folds the long s as s",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"aw\#u{017F}IamRole":"\#(role)","annotateOnly":true}}]"#,
             expected: trusted),
        Case(name: "unknown keys ignored",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)","annotateOnly":true,"extra":{"x":1}}}]"#,
             expected: trusted),
        Case(name: "a later matching key overwrites an earlier one",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"arn:aws:iam::111122223333:role/old","AwsIamRole":"\#(role)","annotateOnly":true}}]"#,
             expected: trusted),
        Case(name: "null leaves the field as it was",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)","awsiamrole":null,"annotateOnly":true}}]"#,
             expected: trusted),
        Case(name: "other plugin kinds skipped",
             plugins: #"[{"kind":"WorkloadIdentity","spec":{"gcpServiceAccount":"x"}},{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)","annotateOnly":true}}]"#,
             expected: trusted),
        Case(name: "no plugins", plugins: #"[]"#, expected: .noPlugin),
        Case(name: "kind matched exactly (the API machinery decodes the Profile case-sensitively)",
             plugins: #"[{"kind":"awsiamforserviceaccount","spec":{"awsIamRole":"\#(role)","annotateOnly":true}}]"#,
             expected: .noPlugin),
        Case(name: "annotateOnly absent: Kubeflow's controller owns the trust policy",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)"}}]"#,
             expected: .leftToKubeflow(profile: "alice", role: role)),
        Case(name: "annotateOnly false: Kubeflow's controller owns the trust policy",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)","annotateOnly":false}}]"#,
             expected: .leftToKubeflow(profile: "alice", role: role)),
        Case(name: "empty role refused as Kubeflow refuses it",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"","annotateOnly":true}}]"#,
             expected: .invalid(.invalidPluginSpec(profile: "alice", problem: "spec.awsIamRole is empty"))),
        Case(name: "role of the wrong type refused (Go's UnmarshalTypeError)",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":42}}]"#,
             expected: .invalid(.invalidPluginSpec(profile: "alice", problem: "spec.awsIamRole is a number, not a string"))),
        Case(name: "annotateOnly as a string refused",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)","annotateOnly":"true"}}]"#,
             expected: .invalid(.invalidPluginSpec(profile: "alice", problem: "spec.annotateOnly is a string, not a boolean"))),
        Case(name: "spec missing",
             plugins: #"[{"kind":"AwsIamForServiceAccount"}]"#,
             expected: .invalid(.invalidPluginSpec(profile: "alice", problem: "spec is missing or not an object"))),
        Case(name: "two plugins of the kind are ambiguous",
             plugins: #"[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)"}},{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(role)"}}]"#,
             expected: .invalid(.invalidPluginSpec(profile: "alice",
                 problem: "2 AwsIamForServiceAccount plugins; a Profile's default-editor can have one role"))),
    ]

    @Test(arguments: cases) func reads(_ testCase: Case) throws {
        let profile = try JSON.parse(#"{"apiVersion":"kubeflow.org/v1","kind":"Profile","metadata":{"name":"alice"},"spec":{"owner":{"kind":"User","name":"alice@example.com"},"plugins":\#(testCase.plugins)}}"#)
        #expect(KubeflowProfile.read(profile) == testCase.expected)
    }

    @Test func aProfileBeingDeletedAsksForNothing() throws {
        let profile = try JSON.parse(#"{"metadata":{"name":"alice","deletionTimestamp":"2026-12-01T00:00:00Z"},"spec":{"plugins":[{"kind":"AwsIamForServiceAccount","spec":{"awsIamRole":"\#(Self.role)","annotateOnly":true}}]}}"#)
        #expect(KubeflowProfile.read(profile) == .noPlugin)
    }
}
