import JSONCore
import PodIdentity

/// What the HTTP layer sends back for one `/mutate` request.
public struct AdmissionOutcome: Sendable {
    public let status: Int
    public let body: [UInt8]
    /// The decision, when a Pod was decoded (for the log line and metrics).
    public let decision: MutationDecision?
    /// Why the request was refused (HTTP 400 or a denied review), for the log line.
    public let error: String?
}

/// Answers AdmissionReviews. Two steps, so the caller can resolve the ServiceAccount (possibly
/// asynchronously) between them: `decode`, then `respond(to:record:)`. A class, shared by reference.
public final class AdmissionService: Sendable {
    public let mutator: PodMutator
    public let sources: IdentitySources

    public init(mutator: PodMutator, sources: IdentitySources) {
        self.mutator = mutator
        self.sources = sources
    }

    public func decode(_ body: [UInt8]) throws(AdmissionBodyError) -> AdmissionRequest {
        try AdmissionReviewCodec.decode(body)
    }

    /// The ServiceAccount to look up for this request; nil when the Pod could not be decoded.
    public func serviceAccountKey(for request: AdmissionRequest) -> ServiceAccountKey? {
        guard case .success(let pod) = request.pod else { return nil }
        return mutator.serviceAccountKey(for: pod, namespace: request.namespace)
    }

    /// `record`: the ServiceAccount named by `serviceAccountKey(for:)`, nil when it does not exist.
    public func respond(to request: AdmissionRequest, record: ServiceAccountRecord?) -> AdmissionOutcome {
        switch request.pod {
        case .failure(let error):
            let message = error.description
            return AdmissionOutcome(status: 200, body: AdmissionReviewCodec.encodeDenied(request, message: message),
                                    decision: nil, error: message)
        case .success(let pod):
            let decision = mutator.mutate(pod, namespace: request.namespace, record: record, snapshot: sources.snapshot)
            let body = AdmissionReviewCodec.encodeAllowed(request, patch: decision.patchDocument, warnings: decision.warnings)
            return AdmissionOutcome(status: 200, body: body, decision: decision, error: nil)
        }
    }

    /// Both steps with a synchronous lookup (local manifests, tests, the benchmark).
    public func review(body: [UInt8], lookup: (ServiceAccountKey) -> ServiceAccountRecord?) -> AdmissionOutcome {
        let request: AdmissionRequest
        do {
            request = try decode(body)
        } catch {
            return AdmissionOutcome(status: AdmissionBodyError.httpStatus, body: error.responseBody, decision: nil, error: error.reason)
        }
        return respond(to: request, record: serviceAccountKey(for: request).flatMap(lookup))
    }
}
