import KubernetesClient

/// What the Kubernetes ServiceAccount sources report, beyond their list/watch loops.
public protocol KubernetesSourceMetrics: ListWatchMetrics {
    /// The number of ServiceAccounts in the store, after every change.
    func serviceAccountCacheSize(_ count: Int)
    /// A ServiceAccount was missing from the store when a pod needed it.
    func serviceAccountCacheMiss()
    /// A direct lookup ended.
    func serviceAccountLookupCompleted(_ outcome: LookupOutcome)
}

public enum LookupOutcome: String, Sendable, CaseIterable {
    case found
    case notFound = "not_found"
    case failed
    case rateLimited = "rate_limited"
}

/// For callers that do not record metrics (tests, tools).
public struct NoKubernetesSourceMetrics: KubernetesSourceMetrics {
    public init() {}
    public func serviceAccountCacheSize(_ count: Int) {}
    public func serviceAccountCacheMiss() {}
    public func serviceAccountLookupCompleted(_ outcome: LookupOutcome) {}
    public func watchRestarted(resource: String, reason: WatchRestartReason) {}
    public func sourceSynchronized(resource: String, unixTime: Double) {}
}
