/// What a list/watch loop reports; the service implements it with swift-metrics.
/// Called from the loop threads: implementations must be cheap and thread-safe.
public protocol ListWatchMetrics: Sendable {
    /// A list/watch loop had to start over (`resource` is e.g. "serviceaccounts", "configmaps").
    func watchRestarted(resource: String, reason: WatchRestartReason)
    /// The loop is up to date with the API server (after a LIST, and on each watch event or bookmark).
    func sourceSynchronized(resource: String, unixTime: Double)
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
