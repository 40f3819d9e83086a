import Glibc
import Admission
import CWebhookShims
import HTTPServer
import JSONCore
import KubernetesClient
import Logging
import Metrics
import PodIdentity
import ServiceAccountSources
import TLSSupport

/// Runs `webhook serve`: the ServiceAccount sources, the TLS admission server and the plain metrics
/// server, until SIGTERM/SIGINT; then drains as Kubernetes expects.
public final class WebhookServer: Sendable {
    let configuration: WebhookConfiguration
    let logger = Logger(label: "webhook")
    /// The writer behind `logger`, whose dropped lines `/metrics` reports (nil: logging is not ours).
    let logWriter: LogWriter?

    public init(configuration: WebhookConfiguration, logWriter: LogWriter? = nil) {
        self.configuration = configuration
        self.logWriter = logWriter
    }

    /// Serves until a signal; returns the process exit code.
    public func run() -> Int32 {
        let signals = SignalWaiter()  // before any thread starts, so every thread inherits the mask
        let metrics = WebhookMetrics()
        let health = HealthState()
        let store = ServiceAccountStore()
        let identities = IdentitySources()
        var stoppers: [@Sendable () -> Void] = []

        let missResolver: ServiceAccountLookup?
        do {
            (missResolver, stoppers) = try startSources(store: store, identities: identities, health: health, metrics: metrics)
        } catch {
            logger.critical("cannot start the ServiceAccount source", metadata: ["error": "\(error)"])
            return 1
        }
        defer { stoppers.forEach { $0() } }

        let admission = AdmissionEndpoint(
            service: AdmissionService(mutator: PodMutator(settings: configuration.mutation), sources: identities),
            store: store, missResolver: missResolver, lookupGracePeriod: configuration.serviceAccountLookupGracePeriod,
            health: HealthEndpoints(health: health), metrics: metrics, logger: logger)
        let observer = ServerMetricsObserver(metrics: metrics, port: "webhook", logger: logger)
        let tlsServer = HTTPServer(configuration: serverConfiguration(), handler: admission, logger: logger, observer: observer)
        let logWriter = self.logWriter
        var cacheDump: (@Sendable () -> JSONValue)?
        if configuration.enableDebuggingHandlers {
            cacheDump = { CacheDump.json(store: store, identities: identities) }
        }
        let metricsEndpoint = MetricsEndpoint(
            metrics: metrics, health: HealthEndpoints(health: health),
            beforeScrape: {
                metrics.serviceAccountCacheSize(store.count)
                if let notAfter = tlsServer.servingCertificateNotAfter { metrics.servingCertificateNotAfter(notAfter) }
                if let logWriter { metrics.logLinesDropped(total: logWriter.droppedLines) }
            },
            cacheDump: cacheDump)
        let metricsServer = HTTPServer(configuration: metricsServerConfiguration(), handler: metricsEndpoint, logger: logger,
                                       observer: ServerMetricsObserver(metrics: metrics, port: "metrics", logger: logger))
        do {
            try tlsServer.start()
            try metricsServer.start()
        } catch {
            logger.critical("cannot start serving", metadata: ["error": "\(error)"])
            return 1
        }

        let signal = signals.wait()
        return shutDown(after: signal, signals: signals, health: health, servers: (tlsServer, metricsServer))
    }

    /// `/readyz` fails at once, so endpoints stop sending new traffic; requests already routed here keep
    /// being served for the delay; then the listener closes and in-flight requests finish.
    private func shutDown(after signal: Int32, signals: SignalWaiter, health: HealthState, servers: (tls: HTTPServer, metrics: HTTPServer)) -> Int32 {
        health.beginShutdown()
        logger.notice("shutting down", metadata: [
            "signal": "\(SignalWaiter.name(signal))", "delay": "\(GoDurationFormat.format(configuration.shutdownDelay))",
        ])
        // A second signal skips the wait, as upstream's exits at once on a second signal.
        let secondSignal = signals.wait(timeout: configuration.shutdownDelay)
        if let secondSignal {
            logger.warning("second signal: exiting at once", metadata: ["signal": "\(SignalWaiter.name(secondSignal))"])
            return 1
        }
        servers.tls.beginShutdown()
        let drained = servers.tls.waitForDrain(timeout: .seconds(10))
        servers.metrics.beginShutdown()
        _ = servers.metrics.waitForDrain(timeout: .seconds(1))
        if !drained {
            logger.error("in-flight requests did not finish within 10s; exiting")
            return 1
        }
        logger.notice("shut down gracefully")
        return 0
    }

    // MARK: Sources

    private func startSources(store: ServiceAccountStore, identities: IdentitySources, health: HealthState,
                              metrics: WebhookMetrics) throws -> (ServiceAccountLookup?, [@Sendable () -> Void]) {
        var stoppers: [@Sendable () -> Void] = []
        if let path = configuration.containerCredentialsConfigPath {
            let logger = self.logger
            let watcher = ContainerCredentialsFileWatcher(path: path, sources: identities) { event in
                switch event {
                case .loaded(let count):
                    metrics.sourceReloaded(source: "container-credentials", success: true)
                    logger.info("container credentials config loaded", metadata: ["path": "\(path)", "identities": "\(count)"])
                case .cleared(let reason):
                    metrics.sourceReloaded(source: "container-credentials", success: true)
                    logger.notice("container credentials config cleared", metadata: ["path": "\(path)", "reason": "\(reason)"])
                case .failed(let error):
                    metrics.sourceReloaded(source: "container-credentials", success: false)
                    logger.error("container credentials config rejected; keeping the last good one",
                                 metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
            watcher.reload()  // the first load now, so readiness does not wait for a poll
            watcher.start()
            health.addCheck(.init(name: "container-credentials-config") { watcher.hasSynced })
            stoppers.append { watcher.stop() }
        }
        switch configuration.source {
        case .localManifests(let path):
            let logger = self.logger
            let source = LocalManifestSource(path: path, annotationPrefix: configuration.mutation.annotationPrefix,
                                             store: store, sources: identities) { event in
                switch event {
                case .loaded(let serviceAccounts, let roleMappings, let warnings):
                    metrics.sourceReloaded(source: "service-accounts", success: true)
                    logger.info("service account manifests loaded", metadata: [
                        "path": "\(path)", "serviceAccounts": "\(serviceAccounts)", "roleMappings": "\(roleMappings)",
                    ])
                    for warning in warnings { logger.warning("service account manifests", metadata: ["warning": "\(warning)"]) }
                    // Parsing a large file leaves megabytes of freed memory in glibc's arenas: give it back.
                    _ = cws_malloc_trim()
                case .failed(let error):
                    metrics.sourceReloaded(source: "service-accounts", success: false)
                    logger.error("service account manifests rejected; keeping the last good state",
                                 metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
            source.reload()
            source.start()
            health.addCheck(.init(name: "service-accounts") { source.hasSynced })
            stoppers.append { source.stop() }
            return (nil, stoppers)
        case .kubernetes(let kubeconfig, let apiServer):
            let kube = try KubernetesSource.start(
                kubeconfig: kubeconfig, apiServer: apiServer, configuration: configuration, store: store,
                identities: identities, health: health, metrics: metrics, logger: logger)
            stoppers.append(kube.stop)
            return (kube.missResolver, stoppers)
        }
    }

    // MARK: Server configurations

    private func serverConfiguration() -> ServerConfiguration {
        let tls = TLSServerSettings(certificatePath: configuration.certificatePath, keyPath: configuration.keyPath,
                                    minimumVersion: configuration.tlsMinimumVersion, cipherSuites: configuration.tlsCipherSuites)
        return ServerConfiguration(host: configuration.bindAddress, port: configuration.port, tls: tls, limits: limits())
    }

    private func metricsServerConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration(host: self.configuration.bindAddress, port: self.configuration.metricsPort,
                                                tls: nil, limits: limits())
        configuration.eventLoopCount = 1  // probes and scrapes: one loop is plenty
        return configuration
    }

    private func limits() -> ServerLimits {
        var limits = ServerLimits()
        limits.maxRequestBytes = configuration.maxRequestBytes
        limits.readHeaderTimeout = configuration.readHeaderTimeout
        limits.idleTimeout = configuration.idleTimeout
        limits.maxConcurrentStreams = configuration.maxConcurrentStreams
        return limits
    }
}
