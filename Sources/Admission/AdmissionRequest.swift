import JSONCore
import PodIdentity

/// The parts of an AdmissionReview's `request` the webhook uses.
public struct AdmissionRequest: Sendable {
    /// The review's own `apiVersion` and `kind`, echoed in the response (nil when absent).
    public let apiVersion: String?
    public let kind: String?
    public let uid: String
    /// `request.namespace`: where the pod is created (its `metadata.namespace` may still be empty).
    public let namespace: String
    public let operation: String
    public let dryRun: Bool
    /// `request.object`, decoded as a Pod, or why it could not be.
    public let pod: Result<PodDocument, PodDecodingError>

    public init(apiVersion: String?, kind: String?, uid: String, namespace: String, operation: String, dryRun: Bool,
                pod: Result<PodDocument, PodDecodingError>) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.uid = uid
        self.namespace = namespace
        self.operation = operation
        self.dryRun = dryRun
        self.pod = pod
    }
}
