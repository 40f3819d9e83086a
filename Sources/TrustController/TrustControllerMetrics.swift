import CoreMetrics
import Prometheus

/// The trust controller's metrics, in the registry `/metrics` serves: reconciles by result, IAM calls by action
/// and result, subjects and document size per managed role, roles over quota, leader state, last successful sync.
public struct TrustControllerMetrics: Sendable {
    private let factory: PrometheusMetricsFactory

    public init(registry: PrometheusCollectorRegistry) {
        factory = PrometheusMetricsFactory(registry: registry)
        leader(false)
    }

    public enum ReconcileResult: String, Sendable { case success, failed }

    func reconciled(_ result: ReconcileResult, unixTime: Double) {
        Counter(label: "trust_controller_reconciles_total", dimensions: [("result", result.rawValue)], factory: factory).increment()
        if result == .success {
            Gauge(label: "trust_controller_last_successful_sync_timestamp_seconds", factory: factory).record(unixTime)
        }
    }

    /// `result` is `success` or AWS's error code (`NoSuchEntity`, `Throttling`, ...), or `error` for a transport failure.
    func iamCall(action: String, result: String) {
        Counter(label: "trust_controller_iam_calls_total", dimensions: [("action", action), ("result", result)],
                factory: factory).increment()
    }

    func role(_ role: String, subjects: Int, documentSize: Int, overQuota: Bool) {
        Gauge(label: "trust_controller_role_subjects", dimensions: [("role", role)], factory: factory).record(subjects)
        Gauge(label: "trust_controller_role_trust_policy_size", dimensions: [("role", role)], factory: factory).record(documentSize)
        Gauge(label: "trust_controller_role_over_quota", dimensions: [("role", role)], factory: factory).record(overQuota ? 1 : 0)
    }

    func leader(_ leading: Bool) {
        Gauge(label: "trust_controller_leader", factory: factory).record(leading ? 1 : 0)
    }
}
