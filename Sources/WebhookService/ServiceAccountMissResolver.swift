import PodIdentity

/// Resolves a ServiceAccount the cache does not have yet (the watch lags behind a new ServiceAccount).
/// Implemented by the Kubernetes source with a bounded direct GET; local manifests have none.
public protocol ServiceAccountMissResolver: Sendable {
    /// Calls `completion` exactly once, from any thread, with the record or nil when it does not exist
    /// or could not be fetched before `deadline`. Never blocks the caller.
    func resolve(_ key: ServiceAccountKey, deadline: ContinuousClock.Instant,
                 completion: @escaping @Sendable (ServiceAccountRecord?) -> Void)
}
