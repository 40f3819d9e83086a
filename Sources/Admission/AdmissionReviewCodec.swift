import JSONCore
import PodIdentity

/// Reads AdmissionReview requests (admission.k8s.io/v1 and v1beta1 share one shape) and writes responses.
public enum AdmissionReviewCodec {
    /// An array: two short comparisons cost less than hashing the version for a set.
    public static let supportedAPIVersions = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    /// Reads the review straight from the bytes: the Pod's few fields the mutation needs are decoded,
    /// everything else (userInfo, oldObject, most of the Pod) is validated and skipped, no tree is built.
    public static func decode(_ body: [UInt8]) throws(AdmissionBodyError) -> AdmissionRequest {
        var review = ReviewFields()
        do {
            try JSON.read(body) { reader in try review.read(&reader) }
        } catch let error as JSONParseError {
            throw AdmissionBodyError(reason: "request body is not valid JSON: \(error)")
        } catch {
            throw AdmissionBodyError(reason: "request body is not an AdmissionReview: \(error)")  // not reached
        }
        return try review.request()
    }

    /// A review given as a value (`webhook mutate`): the same decoding as for request bodies.
    public static func decode(_ document: JSONValue) throws(AdmissionBodyError) -> AdmissionRequest {
        try decode(JSON.serialize(document))
    }

    // MARK: Responses

    /// `allowed: true`, with the patch only when there is one and the warnings when there are any.
    /// Written directly, as this runs for every pod: same bytes as serializing `envelope(...)`.
    public static func encodeAllowed(_ request: AdmissionRequest, patch: JSONPatchDocument, warnings: [String]) -> [UInt8] {
        var output = JSONByteWriter(capacity: 256 + patch.withBytes { Base64.encodedLength($0.count) })
        output.raw("{")
        if let kind = request.kind {
            output.raw(#""kind":"#)
            output.string(kind)
            output.raw(",")
        }
        if let apiVersion = request.apiVersion {
            output.raw(#""apiVersion":"#)
            output.string(apiVersion)
            output.raw(",")
        }
        output.raw(#""response":{"uid":"#)
        output.string(request.uid)
        output.raw(#","allowed":true"#)
        if !patch.isEmpty {
            output.raw(#","patchType":"JSONPatch","patch":""#)
            patch.withBytes { output.base64($0) }
            output.raw(#"""#)
        }
        if !warnings.isEmpty {
            output.raw(#","warnings":["#)
            for (index, warning) in warnings.enumerated() {
                if index > 0 { output.raw(",") }
                output.string(warning)
            }
            output.raw("]")
        }
        output.raw("}}")
        return output.bytes
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

/// What a review holds, as read; checked in a fixed order once the whole body is known to be valid JSON,
/// so a syntax error anywhere wins over a semantic one and messages do not depend on member order.
/// A member read here given twice in one object is refused (the Pod's own members: `PodDocument`).
struct ReviewFields {
    /// A member's state: absent, null, a string, or another type (its name).
    enum Field: Equatable {
        case absent, null, string(String), other(String)
    }

    var rootType: String?
    var kind = Field.absent, apiVersion = Field.absent
    var requestType: String?  // nil: absent
    var uid = Field.absent, namespace = Field.absent, operation = Field.absent
    var dryRun: Result<Bool, AdmissionBodyError> = .success(false)
    var pod: Result<PodDocument, PodDecodingError> = .failure(PodDecodingError(field: "request.object", reason: "missing"))
    /// The first member read twice in one object, as the error that answers it.
    var duplicate: AdmissionBodyError?

    mutating func read(_ reader: inout JSONReader) throws {
        let rootKind = try reader.kind()
        guard rootKind == .object else {
            rootType = rootKind.typeName
            return try reader.skipValue()
        }
        rootType = "object"
        var members = JSONMemberSet()
        try reader.readObject { reader, key in
            if key == "kind" {
                noteRead(&members, 0, key, in: "AdmissionReview")
                kind = try Self.field(&reader)
            } else if key == "apiVersion" {
                noteRead(&members, 1, key, in: "AdmissionReview")
                apiVersion = try Self.field(&reader)
            } else if key == "request" {
                noteRead(&members, 2, key, in: "AdmissionReview")
                try readRequest(&reader)
            } else {
                try reader.skipValue()
            }
        }
    }

    private mutating func readRequest(_ reader: inout JSONReader) throws {
        let requestKind = try reader.kind()
        requestType = requestKind.typeName
        guard requestKind == .object else { return try reader.skipValue() }
        var members = JSONMemberSet()
        try reader.readObject { reader, key in
            if key == "uid" {
                noteRead(&members, 0, key, in: "AdmissionReview request")
                uid = try Self.field(&reader)
            } else if key == "namespace" {
                noteRead(&members, 1, key, in: "AdmissionReview request")
                namespace = try Self.field(&reader)
            } else if key == "operation" {
                noteRead(&members, 2, key, in: "AdmissionReview request")
                operation = try Self.field(&reader)
            } else if key == "dryRun" {
                noteRead(&members, 3, key, in: "AdmissionReview request")
                try readDryRun(&reader)
            } else if key == "object" {
                noteRead(&members, 4, key, in: "AdmissionReview request")
                try readObject(&reader)
            } else {
                try reader.skipValue()
            }
        }
    }

    /// Records that `object` gave `key`, its member number `number`; the first one given twice is kept as the
    /// error (the rest of the body is still read, so invalid JSON anywhere still wins).
    @inline(__always)
    private mutating func noteRead(_ members: inout JSONMemberSet, _ number: Int, _ key: JSONReader.Key, in object: StaticString) {
        if !members.insert(number) { noteDuplicate(key, in: object) }
    }

    /// Out of line: the member loops stay small enough to inline what they call.
    @inline(never)
    private mutating func noteDuplicate(_ key: JSONReader.Key, in object: StaticString) {
        if duplicate == nil { duplicate = AdmissionBodyError(reason: "\(object): \(JSONMemberSet.duplicateReason(key))") }
    }

    private mutating func readDryRun(_ reader: inout JSONReader) throws {
        switch try reader.kind() {
        case .null: dryRun = .success(false)
        case .bool: dryRun = .success(try reader.readValue().bool ?? false); return
        case let other: dryRun = .failure(AdmissionBodyError(reason: "request.dryRun must be a boolean, got \(other.typeName)"))
        }
        try reader.skipValue()
    }

    /// A Pod that does not decode is skipped from where it started, so the rest is still validated.
    private mutating func readObject(_ reader: inout JSONReader) throws {
        if try reader.kind() == .null {
            pod = .failure(PodDecodingError(field: "request.object", reason: "missing"))
            return try reader.skipValue()
        }
        let start = reader.position
        do {
            pod = .success(try PodDocument(reading: &reader))
        } catch let error as PodDecodingError {
            pod = .failure(error)
            reader.rewind(to: start)
            try reader.skipValue()
        }
    }

    private static func field(_ reader: inout JSONReader) throws -> Field {
        switch try reader.kind() {
        case .string: return .string(try reader.readString())
        case .null:
            try reader.skipValue()
            return .null
        case let other:
            try reader.skipValue()
            return .other(other.typeName)
        }
    }

    func request() throws(AdmissionBodyError) -> AdmissionRequest {
        guard rootType == "object" else {
            throw AdmissionBodyError(reason: "request body is not an AdmissionReview: expected a JSON object, got \(rootType ?? "nothing")")
        }
        if let duplicate { throw duplicate }
        let kind = try Self.string(kind, "kind")
        if let kind, kind != "AdmissionReview" {
            throw AdmissionBodyError(reason: "request body is not an AdmissionReview: kind is \"\(kind)\"")
        }
        let apiVersion = try Self.string(apiVersion, "apiVersion")
        if let apiVersion, !AdmissionReviewCodec.supportedAPIVersions.contains(apiVersion) {
            throw AdmissionBodyError(reason: "unsupported AdmissionReview apiVersion \"\(apiVersion)\" (expected admission.k8s.io/v1 or v1beta1)")
        }
        guard let requestType, requestType != "null" else { throw AdmissionBodyError(reason: "AdmissionReview has no request") }
        guard requestType == "object" else {
            throw AdmissionBodyError(reason: "AdmissionReview request must be an object, got \(requestType)")
        }
        let dryRun = try dryRun.get()
        return AdmissionRequest(
            apiVersion: apiVersion, kind: kind, uid: try Self.string(uid, "request.uid") ?? "",
            namespace: try Self.string(namespace, "request.namespace") ?? "",
            operation: try Self.string(operation, "request.operation") ?? "", dryRun: dryRun, pod: pod)
    }

    private static func string(_ field: Field, _ name: String) throws(AdmissionBodyError) -> String? {
        switch field {
        case .absent, .null: return nil
        case .string(let text): return text
        case .other(let type): throw AdmissionBodyError(reason: "\(name) must be a string, got \(type)")
        }
    }
}
