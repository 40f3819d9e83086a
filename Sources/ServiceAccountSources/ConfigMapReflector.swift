import KubernetesClient
import JSONCore
import Logging
import Locking

/// Watches one ConfigMap (by default `pod-identity-webhook`) in one namespace, through a field selector on its
/// name so RBAC can be limited to that namespace, and delivers its `data.config`: the text on add and update,
/// nil when the ConfigMap (or the key) is absent. Unchanged values are not delivered twice.
public final class ConfigMapReflector: Sendable {
    public static let defaultName = "pod-identity-webhook"
    public static let configKey = "config"

    private let loop: ListWatchLoop

    public init(
        client: KubernetesAPIClient,
        namespace: String,
        name: String = ConfigMapReflector.defaultName,
        logger: Logger,
        metrics: any KubernetesSourceMetrics = NoKubernetesSourceMetrics(),
        onChange: @escaping @Sendable (String?) -> Void
    ) {
        let handler = ConfigHandler(name: name, onChange: onChange)
        loop = ListWatchLoop(
            client: client,
            resource: .init(
                name: "configmaps",
                collectionPath: "/api/v1/namespaces/\(QueryEncoding.encode(namespace))/configmaps",
                fieldSelector: "metadata.name=\(name)"),
            handler: handler, logger: logger, metrics: metrics)
    }

    public func start() { loop.start() }

    /// True once the first LIST has been delivered (including "there is no such ConfigMap": nil).
    public var hasSynced: Bool { loop.hasSynced }

    public func stop() { loop.stop() }

    private final class ConfigHandler: ListWatchHandler {
        let name: String
        let onChange: @Sendable (String?) -> Void
        /// nil until the first delivery; then the last delivered value.
        private let delivered = Locked<String??>(nil)

        init(name: String, onChange: @escaping @Sendable (String?) -> Void) {
            self.name = name
            self.onChange = onChange
        }

        private func deliver(_ config: String?) {
            let changed = delivered.withLock { last -> Bool in
                if case .some(let previous) = last, previous == config { return false }
                last = .some(config)
                return true
            }
            if changed { onChange(config) }
        }

        private func config(of object: JSONValue) -> String? {
            object["data"]?[ConfigMapReflector.configKey]?.string
        }

        private func isTarget(_ object: JSONValue) -> Bool {
            object["metadata"]?["name"]?.string == name
        }

        func replaceAll(with items: [JSONValue]) {
            deliver(items.first(where: isTarget).flatMap(config(of:)))
        }

        func apply(_ kind: WatchEvent.Kind, object: JSONValue) {
            guard isTarget(object) else { return }
            switch kind {
            case .added, .modified: deliver(config(of: object))
            case .deleted: deliver(nil)
            case .bookmark, .error: return
            }
        }
    }
}
