import Admission
import HTTPServer
import JSONCore
import Logging
import PodIdentity
import ServiceAccountSources
@testable import WebhookService

/// The TLS port's handler as `webhook serve` wires it, with a store the test fills and, when given, the real
/// cache-miss lookup.
struct EndpointFixture {
    static let roleARN = "arn:aws:iam::111122223333:role/reader"

    let store: ServiceAccountStore
    let health = HealthState()
    let metrics = WebhookMetrics()
    let endpoint: AdmissionEndpoint

    init(store: ServiceAccountStore = ServiceAccountStore(), missResolver: ServiceAccountLookup? = nil,
         lookupGracePeriod: Duration = .seconds(2)) {
        self.store = store
        let settings = MutationSettings()
        let service = AdmissionService(mutator: PodMutator(settings: settings), sources: IdentitySources())
        endpoint = AdmissionEndpoint(service: service, store: store, missResolver: missResolver,
                                     lookupGracePeriod: lookupGracePeriod, health: HealthEndpoints(health: health),
                                     metrics: metrics, logger: Logger(label: "test"))
    }

    /// Sends `request` and waits for its answer (the endpoint answers exactly once, within the grace period).
    func send(_ request: HTTPRequest) async -> HTTPResponse {
        await withCheckedContinuation { continuation in
            endpoint.handle(request) { continuation.resume(returning: $0) }
        }
    }

    func review(serviceAccount: String = "reader", namespace: String = "team-a", object: JSONValue? = nil) async -> HTTPResponse {
        let pod: JSONValue = object ?? [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": "p", "namespace": .string(namespace)],
            "spec": ["serviceAccountName": .string(serviceAccount), "containers": [["name": "app", "image": "app"]]],
        ]
        let review: JSONValue = [
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": [
                "uid": "uid-1", "namespace": .string(namespace), "operation": "CREATE",
                "kind": ["group": "", "version": "v1", "kind": "Pod"],
                "resource": ["group": "", "version": "v1", "resource": "pods"],
                "object": pod,
            ],
        ]
        return await send(HTTPRequest(method: "POST", path: "/mutate",
                                      headers: HTTPHeaders([("Content-Type", "application/json")]),
                                      body: Array(JSON.serializeToString(review).utf8)))
    }

    /// The value of `mutations_total` for one mode and result, from the Prometheus exposition.
    func mutationsTotal(mode: WebhookMetrics.AdmissionMode, result: WebhookMetrics.AdmissionResult) -> String? {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let line = text.split(separator: "\n").first { line in
            line.hasPrefix("mutations_total{") && line.contains(#"mode="\#(mode.rawValue)""#)
                && line.contains(#"result="\#(result.rawValue)""#)
        }
        return line.flatMap { $0.split(separator: " ").last.map(String.init) }
    }
}

/// The parts of an AdmissionReview response the tests look at.
struct ReviewAnswer {
    let allowed: Bool?
    let patch: JSONValue?
    let message: String?

    init(_ response: HTTPResponse) throws {
        let document = try JSON.parse(response.body)
        allowed = document["response"]?["allowed"]?.bool
        message = document["response"]?["status"]?["message"]?.string
        patch = try document["response"]?["patch"]?.string.map { encoded in
            try JSON.parse(Base64.decode(encoded) ?? [])
        }
    }
}
