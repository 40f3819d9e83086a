import HTTPServer
import JSONCore
import KubernetesClient
import Locking
import Logging

/// The API server side of the cache-miss lookup: the project's own HTTPServer on 127.0.0.1, port 0, answering
/// GET /api/v1/namespaces/<ns>/serviceaccounts/<name> from a fixed set of ServiceAccount objects (404 otherwise).
final class APIServerStub: HTTPHandler {
    private let serviceAccounts: [String: JSONValue]
    private let requested = Locked<[String]>([])
    private let server = Locked<HTTPServer?>(nil)

    init(serviceAccounts: [JSONValue]) throws {
        var byPath: [String: JSONValue] = [:]
        for object in serviceAccounts {
            let namespace = object["metadata"]?["namespace"]?.string ?? ""
            let name = object["metadata"]?["name"]?.string ?? ""
            byPath["/api/v1/namespaces/\(namespace)/serviceaccounts/\(name)"] = object
        }
        self.serviceAccounts = byPath
    }

    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        requested.withLock { $0.append("\(request.method) \(request.path)") }
        guard request.method == "GET", let object = serviceAccounts[request.path] else {
            return respond(HTTPResponse(status: 404, headers: HTTPHeaders([("Content-Type", "application/json")]),
                                        body: Array(#"{"kind":"Status","code":404,"reason":"NotFound"}"#.utf8)))
        }
        respond(HTTPResponse(status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]),
                             body: Array(JSON.serializeToString(object).utf8)))
    }

    /// Starts serving and returns a client for it.
    func start() throws -> KubernetesAPIClient {
        let server = HTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: nil, eventLoopCount: 1),
                                handler: self, logger: Logger(label: "api-server-stub"))
        try server.start()
        self.server.withLock { $0 = server }
        let endpoint = APIServerEndpoint(useTLS: false, host: "127.0.0.1", port: server.localPort)
        return try KubernetesAPIClient(configuration: KubernetesClientConfiguration(server: endpoint, origin: "test"))
    }

    func stop() { _ = server.withLock { $0 }?.waitForDrain(timeout: .seconds(2)) }

    /// The requests received, as "METHOD path".
    var requests: [String] { requested.withLock { $0 } }

    static func serviceAccount(_ name: String, namespace: String, annotations: [String: String]) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "annotations": .object(JSONObject(annotations.map { (key: $0.key, value: JSONValue.string($0.value)) })),
            ],
        ]
    }
}
