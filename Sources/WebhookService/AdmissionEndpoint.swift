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
    /// The process's log handler when it is ours and adds nothing: decision lines are written through it
    /// without a metadata table (nil: through `logger`).
    private let decisionLog: StructuredLogHandler?

    init(service: AdmissionService, store: ServiceAccountStore, missResolver: ServiceAccountLookup?,
         lookupGracePeriod: Duration, health: HealthEndpoints, metrics: WebhookMetrics, logger: Logger) {
        self.service = service
        self.store = store
        self.missResolver = missResolver
        self.lookupGracePeriod = lookupGracePeriod
        self.health = health
        self.metrics = metrics
        self.logger = logger
        let handler = logger.handler as? StructuredLogHandler
        decisionLog = handler?.takesOrderedFields == true ? handler : nil
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
        // Decisions are logged at info, denials at warning.
        let (level, message): (Logger.Level, StaticString) = outcome.decision == nil
            ? (.warning, "admission denied: the object is not a decodable Pod")
            : (.info, "admission decision")
        if decisionLog != nil {
            // Through the stored optional: an `if let` would copy the handler (five references) per line.
            decisionLog?.log(level: level, message: message) { Self.fields(request, outcome, result, lookedUp, into: &$0) }
            return
        }
        guard logger.logLevel <= level else { return }
        var metadata = Logger.Metadata(minimumCapacity: 12)
        Self.fields(request, outcome, result, lookedUp, into: &metadata)
        logger.log(level: level, "\(message)", metadata: metadata)
    }

    /// The decision line's fields, in key order (as the log handler sorts metadata).
    private static func fields(_ request: AdmissionRequest, _ outcome: AdmissionOutcome,
                               _ result: WebhookMetrics.AdmissionResult, _ lookedUp: Bool, into line: inout some LogFields) {
        // Fields projected from the one optional (an `if let` per field would copy the whole decision each time).
        let decision = outcome.decision
        if request.dryRun { line.add("dryRun", literal: "true") }
        if decision == nil { line.add("error", outcome.error ?? "unknown") }
        if lookedUp { line.add("lookup", literal: "api") }
        if let mode = decision?.mode { line.add("mode", metricMode(mode).rawValue) }
        if let mutated = decision?.mutated { line.add("mutated", literal: mutated ? "true" : "false") }
        line.add("namespace", request.namespace)
        if let pod = decision?.podName { line.add("pod", pod) }
        if let reason = decision?.reason { line.add("reason", reason: reason) }
        line.add("result", result.rawValue)
        if let role = decision?.roleARN { line.add("role", role) }
        if let serviceAccount = decision?.serviceAccount { line.add("serviceAccount", serviceAccount) }
        line.add("uid", request.uid)
        if let warnings = decision?.warnings, !warnings.isEmpty { line.add("warnings", strings: warnings) }
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
