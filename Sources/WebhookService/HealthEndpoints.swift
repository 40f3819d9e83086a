import HTTPServer

/// `/healthz`, `/livez` and `/readyz`, served on both ports so kubelet probes need no TLS.
public struct HealthEndpoints: Sendable {
    let health: HealthState

    public init(health: HealthState) { self.health = health }

    static let paths: Set<String> = ["/healthz", "/livez", "/readyz"]

    func respond(to request: HTTPRequest) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return .methodNotAllowed(allow: "GET, HEAD")
        }
        if request.path != "/readyz" { return .text(200, "ok") }
        let failing = health.failingChecks()
        if failing.isEmpty { return .text(200, "ok") }
        // Same shape as the Kubernetes components' verbose readyz: one line per failing check.
        return .text(503, failing.map { "[-]\($0) failed" }.joined(separator: "\n") + "\nreadyz check failed")
    }
}
