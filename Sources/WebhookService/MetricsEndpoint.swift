import HTTPServer
import JSONCore

/// The plain-HTTP port: `/metrics`, the health endpoints, and (opt-in) upstream's cache dump.
public struct MetricsEndpoint: HTTPHandler {
    let metrics: WebhookMetrics
    let health: HealthEndpoints
    /// Refreshes gauges that are cheaper to read at scrape time than to keep current (cache size).
    let beforeScrape: @Sendable () -> Void
    /// `/debug/alpha/cache`, only with `--enable-debugging-handlers`.
    let cacheDump: (@Sendable () -> JSONValue)?

    public init(metrics: WebhookMetrics, health: HealthEndpoints, beforeScrape: @escaping @Sendable () -> Void = {},
                cacheDump: (@Sendable () -> JSONValue)? = nil) {
        self.metrics = metrics
        self.health = health
        self.beforeScrape = beforeScrape
        self.cacheDump = cacheDump
    }

    public func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = ContinuousClock.now
        let response = route(request)
        metrics.requestServed(method: request.method, path: request.path, status: response.status,
                              duration: ContinuousClock.now - started)
        respond(response)
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case "/metrics":
            guard request.method == "GET" || request.method == "HEAD" else { return .methodNotAllowed(allow: "GET, HEAD") }
            beforeScrape()
            return HTTPResponse(status: 200,
                                headers: HTTPHeaders([(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")]),
                                body: metrics.exposition())
        case _ where HealthEndpoints.paths.contains(request.path):
            return health.respond(to: request)
        case "/debug/alpha/cache" where cacheDump != nil:
            guard request.method == "GET" else { return .methodNotAllowed(allow: "GET") }
            return .json(200, Array(JSON.serializePretty(cacheDump!()).utf8))
        default:
            return .notFound(request.path)
        }
    }
}
