import CWebhookShims
import KubernetesClient
import Logging
import PodIdentity
import ServiceAccountSources

/// The Kubernetes API source: ServiceAccounts (and optionally the ConfigMap) listed and watched
/// into the store, and direct lookups for cache misses.
struct KubernetesSource {
    let missResolver: ServiceAccountLookup?
    let stop: @Sendable () -> Void

    static func start(kubeconfig: String?, apiServer: String?, configuration: WebhookConfiguration,
                      store: ServiceAccountStore, identities: IdentitySources, health: HealthState,
                      metrics: WebhookMetrics, logger: Logger) throws -> KubernetesSource {
        let selection: KubernetesClientConfiguration.Selection
        do {
            selection = try KubernetesClientConfiguration.select(kubeconfig: kubeconfig, apiServer: apiServer,
                                                                 environment: ProcessEnvironment.all())
        } catch let error as KubernetesClientConfiguration.NoClusterConfiguration {
            throw NoServiceAccountSource(noCluster: error)
        }
        if case .defaultKubeconfig(_, let path) = selection {
            logger.notice("not running in a cluster; using the default kubeconfig", metadata: ["path": "\(path)"])
        }
        let clientConfiguration = selection.configuration
        if clientConfiguration.insecureSkipTLSVerify {
            logger.warning("insecure-skip-tls-verify: the API server's certificate is not verified (\(clientConfiguration.origin))")
        }
        let client = try KubernetesAPIClient(configuration: clientConfiguration)
        logger.info("Kubernetes API source", metadata: [
            "server": "\(clientConfiguration.server)", "from": "\(clientConfiguration.origin)",
            "identity": "\(client.identityDescription)",
        ])
        let prefix = configuration.mutation.annotationPrefix
        // A full LIST of a large cluster leaves megabytes of freed pages in glibc's arenas: give them back.
        let reflector = ServiceAccountReflector(client: client, store: store, annotationPrefix: prefix,
                                                logger: logger, metrics: metrics, afterRelist: { _ = cws_malloc_trim() })
        reflector.start()
        health.addCheck(.init(name: "service-accounts") { reflector.hasSynced })
        var stoppers: [@Sendable () -> Void] = [reflector.stop]

        if configuration.watchConfigMap {
            let configMap = ConfigMapReflector(client: client, namespace: configuration.namespace, logger: logger,
                                               metrics: metrics) { config in
                guard let config else {
                    identities.replaceRoleMappings(RoleMappingTable())
                    logger.info("pod-identity-webhook ConfigMap absent: no role mappings")
                    return
                }
                do {
                    let parsed = try RoleMappingTable.parse(config: config)
                    identities.replaceRoleMappings(parsed.table)
                    for warning in parsed.warnings { logger.warning("\(warning)") }
                    logger.info("pod-identity-webhook ConfigMap loaded", metadata: ["roleMappings": "\(parsed.table.count)"])
                } catch {
                    logger.error("pod-identity-webhook ConfigMap rejected; keeping the last good mappings",
                                 metadata: ["error": "\(error)"])
                }
            }
            configMap.start()
            health.addCheck(.init(name: "config-map") { configMap.hasSynced })
            stoppers.append(configMap.stop)
        }

        var resolver: ServiceAccountLookup?
        if configuration.serviceAccountLookupGracePeriod > .zero {
            resolver = ServiceAccountLookup(client: client, store: store, annotationPrefix: prefix, logger: logger, metrics: metrics)
        }
        let all = stoppers
        return KubernetesSource(missResolver: resolver, stop: { for stop in all { stop() } })
    }
}

/// Not in a cluster and nothing configured: say which flags would work.
struct NoServiceAccountSource: Error, CustomStringConvertible {
    let noCluster: KubernetesClientConfiguration.NoClusterConfiguration

    var description: String {
        "no ServiceAccount source: \(noCluster). "
            + "Use --kubeconfig FILE for a cluster, or --service-accounts FILE for local manifests"
    }
}
