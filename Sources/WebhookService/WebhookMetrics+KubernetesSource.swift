import CoreMetrics
import KubernetesClient
import ServiceAccountSources

/// The Kubernetes source reports through the same registry as everything else.
extension WebhookMetrics: KubernetesSourceMetrics {
    public func serviceAccountCacheMiss() {
        Counter(label: "service_account_cache_misses_total", factory: metricsFactory).increment()
    }

    public func serviceAccountLookupCompleted(_ outcome: LookupOutcome) {
        Counter(label: "service_account_lookups_total", dimensions: [("result", outcome.rawValue)],
                factory: metricsFactory).increment()
    }

    public func watchRestarted(resource: String, reason: WatchRestartReason) {
        Counter(label: "watch_restarts_total", dimensions: [("resource", resource), ("reason", reason.rawValue)],
                factory: metricsFactory).increment()
    }

    public func sourceSynchronized(resource: String, unixTime: Double) {
        Gauge(label: "last_successful_sync_timestamp_seconds", dimensions: [("resource", resource)],
              factory: metricsFactory).record(unixTime)
    }
}
