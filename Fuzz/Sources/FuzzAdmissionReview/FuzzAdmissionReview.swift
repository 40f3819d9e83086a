// AdmissionReview -> decision -> patch on arbitrary bytes. The first byte picks the ServiceAccount the lookup
// returns; the rest is the request body. Invariants: never crashes; the response body is valid JSON; a patch
// applies to the request's pod and yields valid JSON; reviewing the patched pod again produces no patch.
// The pod the patch is checked against is `JSON.parse`'s (the last of duplicate members wins): the decoders refuse
// a member they read given twice (a refused review has no patch), so an accepted review reads as that tree does.
import Admission
import JSONCore
import PodIdentity

private let service: AdmissionService = {
    var settings = MutationSettings()
    settings.awsDefaultRegion = "eu-west-1"
    settings.stsRegionalEndpoint = true
    let sources = IdentitySources(IdentitySnapshot(
        containerCredentials: ContainerCredentialsIdentities([ServiceAccountKey(namespace: "default", name: "agent")])))
    return AdmissionService(mutator: PodMutator(settings: settings, jitter: .fixed(79200)), sources: sources)
}()

private let records: [ServiceAccountRecord?] = [
    nil,
    ServiceAccountRecord(annotations: ["role-arn": "arn:aws:iam::111122223333:role/app"]),
    ServiceAccountRecord(annotations: [
        "role-arn": "arn:aws:iam::111122223333:role/app", "audience": "example.com",
        "sts-regional-endpoints": "false", "token-expiration": "3600",
    ]),
    ServiceAccountRecord(annotations: ["role-arn": "not-an-arn", "token-expiration": "soon"]),
]

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes.prefix(4096), as: UTF8.self) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAdmissionReview(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let record = records[Int(data[0]) % records.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let outcome = service.review(body: body) { _ in record }
    guard (try? JSON.parse(outcome.body)) != nil else { fatalError("response is not valid JSON: \(text(outcome.body))") }

    guard let document = outcome.decision?.patchDocument, !document.isEmpty else { return 0 }
    let patch = document.operations
    // A patch was produced, so the body is a review whose request.object is a Pod.
    guard case .object(var review)? = try? JSON.parse(body), case .object(var request)? = review["request"],
          let pod = request["object"] else {
        fatalError("a patch for a body that is not a review with a pod: \(text(body))")
    }
    let patched: JSONValue
    do {
        patched = try JSONPatch.apply(patch, to: pod)
    } catch {
        fatalError("the patch does not apply to the pod (\(error)): \(text(document.bytes))")
    }
    guard let reparsed = try? JSON.parse(JSON.serialize(patched)), reparsed == patched else {
        fatalError("the patched pod is not valid JSON")
    }

    request["object"] = patched
    review["request"] = .object(request)
    let second = service.review(body: JSON.serialize(.object(review))) { _ in record }
    if let again = second.decision?.patchDocument, !again.isEmpty {
        fatalError("a second pass patches again: \(text(again.bytes))")
    }
    return 0
}
