import CoreMetrics
import Prometheus
import Locking

/// Every metric the webhook exposes on `/metrics`. Upstream's names are kept so existing dashboards
/// work (`http_request_count`, `http_request_latencies` in microseconds, `pod_identity_webhook_*`);
/// the rest are new and use seconds.
public final class WebhookMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    /// Upstream's latency buckets: 125 ms doubling to 8 s, in microseconds.
    static let upstreamLatencyBuckets: [Double] = (0..<7).map { 125_000 * Double(1 << $0) }
    static let latencySecondsBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        admissionHandles = AdmissionHandles(factory: factory)
        mutateOKHandles = Self.makeRequestHandles(RequestKey(method: "POST", path: "/mutate", status: 200), factory: factory)
        logLinesDroppedCounter = Counter(label: "log_lines_dropped_total", factory: factory)
        // Upstream sets this to 1 once it has seen a ServiceAccount; here: once the webhook runs.
        Gauge(label: "pod_identity_webhook_used", factory: factory).record(1)
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    // MARK: HTTP

    public func requestServed(method: String, path: String, status: Int, duration: Duration) {
        // The admission answer is nearly every request: its handles skip the cache's hashing and lock.
        let handles = status == 200 && path == "/mutate" && method == "POST" ? mutateOKHandles
            : requestHandles(RequestKey(method: method, path: path, status: status))
        handles.count.increment()
        handles.latencyMicroseconds.record(duration.seconds * 1e6)
        handles.duration.record(duration)
    }

    private struct RequestKey: Hashable {
        let method: String
        let path: String
        let status: Int
    }

    /// The histograms are Prometheus's own, recorded into directly: swift-metrics' `Timer` and `Recorder` in
    /// front of them cost about as much per request as the recording itself.
    private struct RequestHandles: Sendable {
        let count: CoreMetrics.Counter
        let latencyMicroseconds: ValueHistogram
        let duration: DurationHistogram
    }

    /// Metric handles per (method, path, status), made once: going through the factory on every request
    /// costs more than the rest of the bookkeeping.
    private let requestHandleCache = Locked<[RequestKey: RequestHandles]>([:])
    private let mutateOKHandles: RequestHandles

    private func requestHandles(_ key: RequestKey) -> RequestHandles {
        if let cached = requestHandleCache.withLock({ $0[key] }) { return cached }
        let handles = Self.makeRequestHandles(key, factory: factory)
        requestHandleCache.withLock { cache in
            if cache.count < 1000 { cache[key] = handles }  // hostile clients cannot grow it without bound
        }
        return handles
    }

    private static func makeRequestHandles(_ key: RequestKey, factory: PrometheusMetricsFactory) -> RequestHandles {
        // Bounded label cardinality: unknown paths and methods are folded together.
        let path = knownPaths.contains(key.path) ? key.path : "other"
        let method = knownMethods.contains(key.method) ? key.method : "other"
        let registry = factory.registry
        return RequestHandles(
            count: Counter(label: "http_request_count",
                           dimensions: [("verb", method), ("path", path), ("code", String(key.status))], factory: factory),
            latencyMicroseconds: registry.makeValueHistogram(descriptor: descriptor("http_request_latencies"),
                                                             labels: [("verb", method), ("path", path)],
                                                             buckets: upstreamLatencyBuckets),
            duration: registry.makeDurationHistogram(descriptor: descriptor("http_request_duration_seconds"),
                                                     labels: [("verb", method), ("path", path)], buckets: latencySecondsBuckets))
    }

    /// A histogram's name as the registry takes it (no unit suffix, no `# HELP` line, as the factory's).
    private static func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: "")
    }

    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    static let knownPaths: Set<String> = ["/mutate", "/healthz", "/livez", "/readyz", "/metrics", "/debug/alpha/cache"]

    // MARK: Admission

    /// The `mode` label of the admission metrics.
    public enum AdmissionMode: String, CaseIterable, Sendable {
        case stsWebIdentity = "sts_web_identity"
        case containerCredentials = "container_credentials"
        case none
    }

    /// The `result` label of `mutations_total`.
    public enum AdmissionResult: String, CaseIterable, Sendable {
        case mutated, unchanged, skipped
        case serviceAccountMissing = "sa_missing"
        case denied, error
    }

    public func admission(mode: AdmissionMode, result: AdmissionResult, duration: Duration) {
        admissionHandles.mutations[AdmissionHandles.index(mode, result)].increment()
        admissionHandles.duration.record(duration)
        switch mode {
        case .stsWebIdentity: admissionHandles.webIdentityPods.increment()
        case .containerCredentials: admissionHandles.containerCredentialsPods.increment()
        case .none: break
        }
        if result == .serviceAccountMissing { admissionHandles.missingServiceAccount.increment() }
    }

    /// Every admission metric handle, made up front: the label values are a fixed set.
    private struct AdmissionHandles: Sendable {
        /// `mutations_total` for every (mode, result), at `index(mode, result)`.
        let mutations: [CoreMetrics.Counter]
        let webIdentityPods: CoreMetrics.Counter
        let containerCredentialsPods: CoreMetrics.Counter
        let missingServiceAccount: CoreMetrics.Counter
        let duration: DurationHistogram

        static func index(_ mode: AdmissionMode, _ result: AdmissionResult) -> Int {
            AdmissionMode.allCases.firstIndex(of: mode)! * AdmissionResult.allCases.count
                + AdmissionResult.allCases.firstIndex(of: result)!
        }

        init(factory: PrometheusMetricsFactory) {
            mutations = AdmissionMode.allCases.flatMap { mode in
                AdmissionResult.allCases.map { result in
                    Counter(label: "mutations_total", dimensions: [("mode", mode.rawValue), ("result", result.rawValue)],
                            factory: factory)
                }
            }
            func pods(_ mode: AdmissionMode) -> CoreMetrics.Counter {
                Counter(label: "pod_identity_webhook_pod_count", dimensions: [("method", mode.rawValue)], factory: factory)
            }
            webIdentityPods = pods(.stsWebIdentity)
            containerCredentialsPods = pods(.containerCredentials)
            missingServiceAccount = Counter(label: "pod_identity_webhook_missing_sa_count", factory: factory)
            duration = factory.registry.makeDurationHistogram(descriptor: descriptor("admission_duration_seconds"), labels: [],
                                                              buckets: latencySecondsBuckets)
        }
    }

    private let admissionHandles: AdmissionHandles

    // MARK: Connections and TLS

    public func connectionOpened(port: String) {
        Gauge(label: "open_connections", dimensions: [("port", port)], factory: factory).record(connectionDelta(port, +1))
    }

    public func connectionClosed(port: String) {
        Gauge(label: "open_connections", dimensions: [("port", port)], factory: factory).record(connectionDelta(port, -1))
    }

    private let openConnections = Locked<[String: Int]>([:])

    private func connectionDelta(_ port: String, _ delta: Int) -> Int {
        openConnections.withLock { counts in
            counts[port, default: 0] += delta
            return counts[port]!
        }
    }

    public func tlsHandshakeFailed() {
        Counter(label: "tls_handshake_failures_total", factory: factory).increment()
    }

    public func protocolError(kind: String) {
        Counter(label: "http_protocol_errors_total", dimensions: [("kind", kind)], factory: factory).increment()
    }

    public func certificateReloaded(success: Bool, notAfter: Int64?) {
        Counter(label: "certificate_reloads_total", dimensions: [("result", success ? "success" : "failure")],
                factory: factory).increment()
        if let notAfter { servingCertificateNotAfter(notAfter) }
    }

    public func servingCertificateNotAfter(_ unixSeconds: Int64) {
        Gauge(label: "serving_certificate_not_after_seconds", factory: factory).record(unixSeconds)
    }

    // MARK: ServiceAccount sources

    public func serviceAccountCacheSize(_ count: Int) {
        Gauge(label: "service_account_cache_size", factory: factory).record(count)
    }

    public func sourceReloaded(source: String, success: Bool) {
        Counter(label: "config_reloads_total", dimensions: [("source", source), ("result", success ? "success" : "failure")],
                factory: factory).increment()
    }

    // MARK: Logging

    /// `log_lines_dropped_total`: the log writer counts, a scrape adds what it counted since the last one.
    public func logLinesDropped(total: Int) {
        let delta = reportedLogLinesDropped.withLock { reported in
            defer { reported = max(reported, total) }
            return max(0, total - reported)
        }
        if delta > 0 { logLinesDroppedCounter.increment(by: delta) }
    }

    private let reportedLogLinesDropped = Locked<Int>(0)
    private let logLinesDroppedCounter: CoreMetrics.Counter

    /// For modules that report through swift-metrics by label (e.g. the Kubernetes source).
    public var metricsFactory: PrometheusMetricsFactory { factory }
}
