import JSONCore

/// What the mutator decided for one pod: the patch, the warnings for the user, and what the log line needs.
public struct MutationDecision: Sendable {
    public enum Mode: String, Sendable {
        case webIdentity
        case containerCredentials
        case none
    }

    public var mode: Mode
    /// Why this mode (and why no patch when there is none), worded for logs and `--explain` when printed.
    public var reason: DecisionReason
    /// Minimal, index-addressed `add` operations, written as the bytes sent; empty when the pod needs no change.
    public var patchDocument: JSONPatchDocument
    /// Shown to the user by kubectl (`response.warnings`).
    public var warnings: [String]
    public var namespace: String
    /// The pod's name, or its `generateName` followed by `*`.
    public var podName: String
    public var serviceAccount: String
    /// The role injected in web-identity mode.
    public var roleARN: String?
    /// The projected token's lifetime, when a mode applies.
    public var tokenExpiration: Int64?
    /// What this webhook added to upstream's mutation (container roles, role chain, region, ...).
    public var features = MutationFeatures()

    public var mutated: Bool { !patchDocument.isEmpty }

    /// The operations as values (the CLI and tests; the server sends `patchDocument` as it is).
    public var patch: [JSONPatchOperation] { patchDocument.operations }
}
