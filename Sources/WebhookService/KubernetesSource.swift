import KubernetesClient
import Logging
import PodIdentity

/// The Kubernetes API source: ServiceAccounts (and optionally the ConfigMap) listed and watched
/// into the store, and direct lookups for cache misses.
struct KubernetesSource {
    let missResolver: (any ServiceAccountMissResolver)?
    let stop: @Sendable () -> Void

    static func start(kubeconfig: String?, apiServer: String?, configuration: WebhookConfiguration,
                      store: ServiceAccountStore, identities: IdentitySources, health: HealthState,
                      metrics: WebhookMetrics, logger: Logger) throws -> KubernetesSource {
        throw SourceNotAvailable()
    }
}

struct SourceNotAvailable: Error, CustomStringConvertible {
    var description: String { "the Kubernetes API source is not wired yet" }
}
