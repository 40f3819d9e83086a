/// What the Kubernetes sources report; the service implements it with swift-metrics.
/// Called from the reflector and lookup threads: implementations must be cheap and thread-safe.
public protocol KubernetesSourceMetrics: Sendable {
    /// The number of ServiceAccounts in the store, after every change.
    func serviceAccountCacheSize(_ count: Int)
    /// A ServiceAccount was missing from the store when a pod needed it.
    func serviceAccountCacheMiss()
    /// A direct lookup ended.
    func serviceAccountLookupCompleted(_ outcome: LookupOutcome)
    /// A list/watch loop had to start over (`resource` is e.g. "serviceaccounts", "configmaps").
    func watchRestarted(resource: String, reason: WatchRestartReason)
    /// The source is up to date with the API server (after a LIST, and on each watch event or bookmark).
    func sourceSynchronized(resource: String, unixTime: Double)
}

public enum LookupOutcome: String, Sendable, CaseIterable {
    case found
    case notFound = "not_found"
    case failed
    case rateLimited = "rate_limited"
}

public enum WatchRestartReason: String, Sendable, CaseIterable {
    /// 410 Gone or an ERROR event: relist.
    case expired
    /// The connection dropped or went silent.
    case disconnected
    /// A non-2xx answer other than 401/403/410.
    case httpError = "http_error"
    /// 401 or 403: the credentials or RBAC are wrong.
    case unauthorized
    /// The server sent something that is not a watch event or list.
    case invalidResponse = "invalid_response"
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
