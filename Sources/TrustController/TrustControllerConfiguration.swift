import TrustReconciliation

/// Everything `webhook trust-controller` was told, validated (the trust rules themselves: `TrustRules`).
public struct TrustControllerConfiguration: Sendable {
    public var issuer: String
    public var kubeflowProfiles: Bool
    public var annotatedServiceAccounts: Bool
    public var namespaceSelector: LabelSelector
    public var resyncPeriod: Duration
    public var trustPolicyQuota: Int
    /// Where the leader Lease lives.
    public var namespace: String
    public var bindAddress: String
    public var metricsPort: Int
    public var annotationPrefix: String
    /// The `Sid` of the one statement per role the controller owns.
    public var statementSid: String
    public var audience: String
    /// The Lease's holder identity: `POD_NAME` or the hostname.
    public var identity: String
    public var leaderElection: LeaderElectionTimings

    public static let defaultStatementSid = "PodIdentityWebhookTrustController"

    public init(issuer: String, kubeflowProfiles: Bool, annotatedServiceAccounts: Bool,
                namespaceSelector: LabelSelector, resyncPeriod: Duration, trustPolicyQuota: Int,
                namespace: String, bindAddress: String, metricsPort: Int,
                annotationPrefix: String, audience: String, identity: String,
                statementSid: String = defaultStatementSid, leaderElection: LeaderElectionTimings = .clientGoDefaults) {
        self.issuer = issuer
        self.kubeflowProfiles = kubeflowProfiles
        self.annotatedServiceAccounts = annotatedServiceAccounts
        self.namespaceSelector = namespaceSelector
        self.resyncPeriod = resyncPeriod
        self.trustPolicyQuota = trustPolicyQuota
        self.namespace = namespace
        self.bindAddress = bindAddress
        self.metricsPort = metricsPort
        self.annotationPrefix = annotationPrefix
        self.statementSid = statementSid
        self.audience = audience
        self.identity = identity
        self.leaderElection = leaderElection
    }
}
