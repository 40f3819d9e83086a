import JSONCore
import PodIdentity

/// Reads AdmissionReview requests (admission.k8s.io/v1 and v1beta1 share one shape) and writes responses.
public enum AdmissionReviewCodec {
    public static let supportedAPIVersions: Set<String> = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    public static func decode(_ body: [UInt8]) throws(AdmissionBodyError) -> AdmissionRequest {
        let document: JSONValue
        do {
            document = try JSON.parse(body, selecting: reviewSelection)
        } catch {
            throw AdmissionBodyError(reason: "request body is not valid JSON: \(error)")
        }
        return try decode(document)
    }

    /// The parts of a review the webhook reads; the rest (userInfo, oldObject, most of the Pod) is
    /// validated but not built.
    static let reviewSelection: JSONSelection = .members([
        "kind": .all, "apiVersion": .all,
        "request": .members([
            "uid": .all, "namespace": .all, "operation": .all, "dryRun": .all, "object": PodDocument.selection,
        ]),
    ])

    public static func decode(_ document: JSONValue) throws(AdmissionBodyError) -> AdmissionRequest {
        guard let review = document.object else {
            throw AdmissionBodyError(reason: "request body is not an AdmissionReview: expected a JSON object, got \(document.typeName)")
        }
        let kind = try string(review["kind"], "kind")
        if let kind, kind != "AdmissionReview" {
            throw AdmissionBodyError(reason: "request body is not an AdmissionReview: kind is \"\(kind)\"")
        }
        let apiVersion = try string(review["apiVersion"], "apiVersion")
        if let apiVersion, !supportedAPIVersions.contains(apiVersion) {
            throw AdmissionBodyError(reason: "unsupported AdmissionReview apiVersion \"\(apiVersion)\" (expected admission.k8s.io/v1 or v1beta1)")
        }
        guard let requestValue = review["request"], !requestValue.isNull else {
            throw AdmissionBodyError(reason: "AdmissionReview has no request")
        }
        guard let request = requestValue.object else {
            throw AdmissionBodyError(reason: "AdmissionReview request must be an object, got \(requestValue.typeName)")
        }
        let dryRun: Bool
        switch request["dryRun"] {
        case nil, .null?: dryRun = false
        case .bool(let flag)?: dryRun = flag
        case let other?: throw AdmissionBodyError(reason: "request.dryRun must be a boolean, got \(other.typeName)")
        }
        let pod: Result<PodDocument, PodDecodingError>
        if let object = request["object"], !object.isNull {
            pod = Result { () throws(PodDecodingError) in try PodDocument(object) }
        } else {
            pod = .failure(PodDecodingError(field: "request.object", reason: "missing"))
        }
        return AdmissionRequest(
            apiVersion: apiVersion, kind: kind, uid: try string(request["uid"], "request.uid") ?? "",
            namespace: try string(request["namespace"], "request.namespace") ?? "",
            operation: try string(request["operation"], "request.operation") ?? "", dryRun: dryRun, pod: pod)
    }

    private static func string(_ value: JSONValue?, _ field: String) throws(AdmissionBodyError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string else { throw AdmissionBodyError(reason: "\(field) must be a string, got \(value.typeName)") }
        return text
    }

    // MARK: Responses

    /// `allowed: true`, with the patch only when there is one and the warnings when there are any.
    /// Written directly, as this runs for every pod: same bytes as serializing `envelope(...)`.
    public static func encodeAllowed(_ request: AdmissionRequest, patch: [JSONPatchOperation], warnings: [String]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(160 + 400 * patch.count)
        output.append(UInt8(ascii: "{"))
        if let kind = request.kind {
            output.append(contentsOf: #""kind":"#.utf8)
            JSON.writeString(kind, into: &output)
            output.append(UInt8(ascii: ","))
        }
        if let apiVersion = request.apiVersion {
            output.append(contentsOf: #""apiVersion":"#.utf8)
            JSON.writeString(apiVersion, into: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""response":{"uid":"#.utf8)
        JSON.writeString(request.uid, into: &output)
        output.append(contentsOf: #","allowed":true"#.utf8)
        if !patch.isEmpty {
            output.append(contentsOf: #","patchType":"JSONPatch","patch":""#.utf8)
            Base64.encode(JSONPatch.serialize(patch), into: &output)
            output.append(UInt8(ascii: "\""))
        }
        if !warnings.isEmpty {
            output.append(contentsOf: #","warnings":"#.utf8)
            JSON.serialize(.array(warnings.map { .string($0) }), into: &output)
        }
        output.append(contentsOf: "}}".utf8)
        return output
    }

    /// `allowed: false` with a 400 status naming the problem: what upstream answers for a Pod it cannot decode.
    public static func encodeDenied(_ request: AdmissionRequest, message: String) -> [UInt8] {
        let status: JSONValue = [
            "metadata": [:], "status": "Failure", "message": .string(message), "reason": "BadRequest", "code": 400,
        ]
        let response = JSONObject([
            (key: "uid", value: .string(request.uid)), (key: "allowed", value: false), (key: "status", value: status),
        ])
        return JSON.serialize(envelope(request, response))
    }

    private static func envelope(_ request: AdmissionRequest, _ response: JSONObject) -> JSONValue {
        var review = JSONObject()
        if let kind = request.kind { review["kind"] = .string(kind) }
        if let apiVersion = request.apiVersion { review["apiVersion"] = .string(apiVersion) }
        review["response"] = .object(response)
        return .object(review)
    }
}
