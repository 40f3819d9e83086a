import Admission
import HTTPServer
import Logging
import PodIdentity
import ServiceAccountSources

/// The TLS port: `POST /mutate` and the health endpoints. A class: the callbacks of a request capture one
/// reference instead of copying every field.
final class AdmissionEndpoint: HTTPHandler {
    let service: AdmissionService
    let store: ServiceAccountStore
    let missResolver: ServiceAccountLookup?
    let lookupGracePeriod: Duration
    let health: HealthEndpoints
    let metrics: WebhookMetrics
    let logger: Logger

    init(service: AdmissionService, store: ServiceAccountStore, missResolver: ServiceAccountLookup?,
         lookupGracePeriod: Duration, health: HealthEndpoints, metrics: WebhookMetrics, logger: Logger) {
        self.service = service
        self.store = store
        self.missResolver = missResolver
        self.lookupGracePeriod = lookupGracePeriod
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = ContinuousClock.now
        let (metrics, method, path) = (self.metrics, request.method, request.path)
        let measured: @Sendable (HTTPResponse) -> Void = { response in
            metrics.requestServed(method: method, path: path, status: response.status, duration: ContinuousClock.now - started)
            respond(response)
        }
        switch request.path {
        case "/mutate": mutate(request, started: started, respond: measured)
        case _ where HealthEndpoints.paths.contains(request.path): measured(health.respond(to: request))
        default: measured(.notFound(request.path))
        }
    }

    private func mutate(_ request: HTTPRequest, started: ContinuousClock.Instant,
                        respond: @escaping @Sendable (HTTPResponse) -> Void) {
        guard request.method == "POST" else { return respond(.methodNotAllowed(allow: "POST")) }
        guard request.headers.contentTypeIs("application/json") else {
            let given = request.headers["content-type"] ?? "none"
            logger.warning("admission request refused", metadata: ["reason": "unsupported content type", "contentType": "\(given)"])
            return respond(.jsonError(415, "invalid Content-Type \(given), expected application/json"))
        }
        let admissionRequest: AdmissionRequest
        do {
            admissionRequest = try service.decode(request.body)
        } catch {
            logger.warning("admission request refused", metadata: ["reason": "\(error.reason)", "status": "400"])
            metrics.admission(mode: .none, result: .error, duration: ContinuousClock.now - started)
            return respond(.json(AdmissionBodyError.httpStatus, error.responseBody))
        }
        guard let key = service.serviceAccountKey(for: admissionRequest) else {
            return finish(admissionRequest, record: nil, looked: false, started: started, respond: respond)
        }
        if let record = store.lookup(key) {
            return finish(admissionRequest, record: record, looked: false, started: started, respond: respond)
        }
        guard let missResolver, lookupGracePeriod > .zero else {
            return finish(admissionRequest, record: nil, looked: false, started: started, respond: respond)
        }
        // A pod always has an existing ServiceAccount (the API server checks first): a miss means the
        // watch lags. Ask the API server directly, within the grace period, without blocking this loop.
        let endpoint = self
        missResolver.lookup(key, deadline: ContinuousClock.now + lookupGracePeriod) { result in
            // Not found or failed (already logged): mutate as for a ServiceAccount without annotations.
            var record: ServiceAccountRecord?
            if case .found(let found) = result { record = found }
            endpoint.finish(admissionRequest, record: record, looked: true, started: started, respond: respond)
        }
    }

    private func finish(_ request: AdmissionRequest, record: ServiceAccountRecord?, looked: Bool,
                        started: ContinuousClock.Instant, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let outcome = service.respond(to: request, record: record)
        let result = Self.result(of: outcome, recordFound: record != nil)
        let mode = Self.metricMode(outcome.decision?.mode)
        metrics.admission(mode: mode, result: result, duration: ContinuousClock.now - started)
        log(request, outcome: outcome, result: result, lookedUp: looked)
        respond(.json(outcome.status, outcome.body))
    }

    /// One line per admission decision.
    private func log(_ request: AdmissionRequest, outcome: AdmissionOutcome, result: WebhookMetrics.AdmissionResult, lookedUp: Bool) {
        // Decisions are logged at info, denials at warning: build nothing when that level is off.
        guard logger.logLevel <= (outcome.decision == nil ? .warning : .info) else { return }
        // Values taken as they are (no interpolation, one String each) into a table sized once: this runs per request.
        var metadata = Logger.Metadata(minimumCapacity: 12)
        metadata["uid"] = .string(request.uid)
        metadata["namespace"] = .string(request.namespace)
        metadata["result"] = .string(result.rawValue)
        if request.dryRun { metadata["dryRun"] = "true" }
        if lookedUp { metadata["lookup"] = "api" }
        if let decision = outcome.decision {
            metadata["pod"] = .string(decision.podName)
            metadata["serviceAccount"] = .string(decision.serviceAccount)
            metadata["mode"] = .string(Self.metricMode(decision.mode).rawValue)
            metadata["mutated"] = decision.mutated ? "true" : "false"
            metadata["reason"] = .string("\(decision.reason)")
            if let role = decision.roleARN { metadata["role"] = .string(role) }
            if !decision.warnings.isEmpty { metadata["warnings"] = .array(decision.warnings.map { .string($0) }) }
            logger.info("admission decision", metadata: metadata)
        } else {
            metadata["error"] = .string(outcome.error ?? "unknown")
            logger.warning("admission denied: the object is not a decodable Pod", metadata: metadata)
        }
    }

    static func metricMode(_ mode: MutationDecision.Mode?) -> WebhookMetrics.AdmissionMode {
        switch mode {
        case .webIdentity?: .stsWebIdentity
        case .containerCredentials?: .containerCredentials
        case .none?, nil: .none
        }
    }

    static func result(of outcome: AdmissionOutcome, recordFound: Bool) -> WebhookMetrics.AdmissionResult {
        guard let decision = outcome.decision else { return .denied }
        if decision.mutated { return .mutated }
        if decision.mode != .none { return .unchanged }
        return recordFound ? .skipped : .serviceAccountMissing
    }
}
