import Admission
import JSONCore
import PodIdentity
import Testing

@Suite("AdmissionReview decoding and responses")
struct AdmissionReviewCodecTests {
    let service = AdmissionService(mutator: PodMutator(settings: MutationSettings(), jitter: .fixed(79200)), sources: IdentitySources())
    let record = ServiceAccountRecord(annotations: ["role-arn": "arn:aws:iam::111122223333:role/app"])

    func review(apiVersion: String = "admission.k8s.io/v1", object: String) -> [UInt8] {
        Array("""
            {"kind":"AdmissionReview","apiVersion":"\(apiVersion)","request":{"uid":"u-1","namespace":"ns","operation":"CREATE",\
            "object":\(object)}}
            """.utf8)
    }

    @Test(arguments: [
        ("not json", "not valid JSON"), ("[1]", "expected a JSON object, got array"), ("{}", "has no request"),
        (#"{"kind":"Pod","request":{}}"#, "kind is \"Pod\""), (#"{"apiVersion":"v1","request":{}}"#, "unsupported AdmissionReview apiVersion"),
        (#"{"request":"x"}"#, "request must be an object"), (#"{"request":{"uid":5}}"#, "request.uid must be a string"),
        (#"{"kind":"AdmissionReview","kind":"Pod","request":{}}"#, #"AdmissionReview: duplicate member "kind""#),
        (#"{"request":{"uid":"a","object":{"spec":{}},"uid":"b"}}"#, #"AdmissionReview request: duplicate member "uid""#),
        (#"{"request":{"object":{"spec":{}},"object":{"spec":{}}}}"#, #"AdmissionReview request: duplicate member "object""#),
    ])
    func bodiesThatAreNotReviewsGet400(_ body: String, _ message: String) throws {
        let outcome = service.review(body: Array(body.utf8)) { _ in nil }
        #expect(outcome.status == 400)
        let error = try JSON.parse(outcome.body)["error"]?.string
        #expect(error?.contains(message) == true, "\(error ?? "nil")")
    }

    @Test(arguments: [
        (#""a string""#, "pod: expected an object, got string"),
        (#"{"spec":{"containers":"x"}}"#, "pod field spec.containers: expected an array, got string"),
        (#"{"spec":{"containers":[{"name":"a","env":[{"name":1}]}]}}"#, "pod field spec.containers[0].env[0].name"),
        (#"{"metadata":{"labels":{"a":1}},"spec":{}}"#, "metadata.labels[\"a\"]"),
        (#"{"spec":{"containers":[{"name":"a"}]},"spec":{"serviceAccountName":"b"}}"#, #"pod: duplicate member "spec""#),
        (#"{"spec":{"containers":[{"name":"a","env":[],"env":[{"name":"X"}]}]}}"#,
         #"pod field spec.containers[0]: duplicate member "env""#),
        (#"{"metadata":{"annotations":{"eks.amazonaws.com/region":"a","eks.amazonaws.com/region":null}},"spec":{}}"#,
         #"pod field metadata.annotations: duplicate member "eks.amazonaws.com/region""#),
    ])
    func undecodablePodsAreDeniedWithStatus400(_ object: String, _ message: String) throws {
        let outcome = service.review(body: review(object: object)) { _ in record }
        #expect(outcome.status == 200)
        let response = try #require(try JSON.parse(outcome.body)["response"])
        #expect(response["allowed"] == false)
        #expect(response["uid"]?.string == "u-1")
        #expect(response["status"]?["code"]?.int64 == 400)
        #expect(response["status"]?["message"]?.string?.contains(message) == true, "\(response)")
    }

    /// Members the webhook skips are validated, never read: given twice, the review is still answered.
    @Test(arguments: [
        #"{"metadata":{"labels":{"app":"a","app":"b"}},"spec":{"containers":[{"name":"a","image":"x","image":"y"}]}}"#,
        #"{"status":{},"status":{},"spec":{"containers":[{"name":"a"}]}}"#,
    ])
    func duplicatesOfSkippedMembersAreAccepted(_ object: String) throws {
        let outcome = service.review(body: review(object: object)) { _ in record }
        let response = try #require(try JSON.parse(outcome.body)["response"])
        #expect(response["allowed"] == true, "\(response)")
        #expect(outcome.decision?.patchDocument.isEmpty == false)
    }

    @Test(arguments: ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"])
    func allowedResponseEchoesTheReviewAndCarriesTheBase64Patch(_ version: String) throws {
        let outcome = service.review(body: review(apiVersion: version, object: #"{"spec":{"containers":[{"name":"a"}]}}"#)) { key in
            key == ServiceAccountKey(namespace: "ns", name: "default") ? record : nil
        }
        let body = try JSON.parse(outcome.body)
        #expect(body["apiVersion"]?.string == version && body["kind"]?.string == "AdmissionReview")
        let response = try #require(body["response"])
        #expect(response["uid"]?.string == "u-1" && response["allowed"] == true && response["patchType"]?.string == "JSONPatch")
        let encoded = try #require(response["patch"]?.string)
        let decoded = try #require(Base64.decode(encoded))
        let patch = try JSON.parse(decoded)
        #expect(patch.array?.count == 3)
        #expect(response["warnings"] == nil)
    }

    @Test func nothingToChangeMeansNoPatchFields() throws {
        let outcome = service.review(body: review(object: #"{"spec":{"containers":[{"name":"a"}]}}"#)) { _ in nil }
        let response = try #require(try JSON.parse(outcome.body)["response"])
        #expect(response["allowed"] == true)
        #expect(response["patch"] == nil && response["patchType"] == nil)
        #expect(outcome.decision?.mode == MutationDecision.Mode.none)
    }

    @Test func warningsAreReturned() throws {
        let bad = ServiceAccountRecord(annotations: ["role-arn": "not-an-arn"])
        let outcome = service.review(body: review(object: #"{"spec":{"containers":[{"name":"a"}]}}"#)) { _ in bad }
        let warnings = try JSON.parse(outcome.body)["response"]?["warnings"]?.array
        #expect(warnings?.count == 1)
    }

    @Test func twoStepAPIExposesTheServiceAccountToResolve() throws {
        let request = try service.decode(review(object: #"{"spec":{"serviceAccountName":"runner","containers":[]}}"#))
        #expect(service.serviceAccountKey(for: request) == ServiceAccountKey(namespace: "ns", name: "runner"))
        #expect(request.operation == "CREATE" && request.dryRun == false)
    }
}
