import JSONCore
import KubernetesClient
import Locking
import Logging
import TrustReconciliation

/// Writes the reconciles' `events.k8s.io/v1` Events, each decision once per `EventRepeatFilter` interval. Like every
/// write, an Event is written only while this replica leads (`mayWrite`); one it could not write is tried again.
final class EventRecorder: Sendable {
    static let reportingController = "pod-identity-webhook/trust-controller"

    private let client: KubernetesAPIClient
    private let instance: String
    private let logger: Logger
    private let mayWrite: @Sendable () -> Bool
    private let written = Locked(EventRepeatFilter())
    private let start = ContinuousClock.now

    init(client: KubernetesAPIClient, instance: String, logger: Logger, mayWrite: @escaping @Sendable () -> Bool) {
        self.client = client
        self.instance = instance
        self.logger = logger
        self.mayWrite = mayWrite
    }

    func record(_ event: TrustEvent) {
        guard mayWrite() else { return }
        let key = "\(event.regarding)|\(event.reason)|\(event.note)"
        let now = (ContinuousClock.now - start).seconds
        guard written.withLock({ $0.shouldWrite(key, now: now) }) else { return }
        let body = JSON.serialize(Self.object(event, instance: instance, unixTime: WallClock.unixTime()))
        do {
            _ = try client.send("POST", "/apis/events.k8s.io/v1/namespaces/\(event.namespace)/events", body: body)
        } catch {
            written.withLock { $0.forget(key) }  // tried again at the next reconcile
            logger.warning("cannot write an Event", metadata: ["reason": "\(event.reason)", "error": "\(error)"])
        }
    }

    static func object(_ event: TrustEvent, instance: String, unixTime: Double) -> JSONValue {
        let regarding: JSONValue
        let name: String
        switch event.regarding {
        case .profile(let profile):
            regarding = ["apiVersion": "kubeflow.org/v1", "kind": "Profile", "name": .string(profile)]
            name = profile
        case .serviceAccount(let namespace, let serviceAccount):
            regarding = ["apiVersion": "v1", "kind": "ServiceAccount", "namespace": .string(namespace), "name": .string(serviceAccount)]
            name = serviceAccount
        }
        return [
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": ["generateName": .string(name + "."), "namespace": .string(event.namespace)],
            "eventTime": .string(KubernetesTime.microTime(unixTime: unixTime)),
            "reportingController": .string(reportingController), "reportingInstance": .string(instance),
            "action": .string(event.action), "reason": .string(event.reason), "type": .string(event.kind.rawValue),
            "note": .string(event.note), "regarding": regarding,
        ]
    }
}
