import AWSClient
import Glibc
import HTTPServer
import KubernetesClient
import Locking
import Logging
import TrustReconciliation
import WebhookService

/// `webhook trust-controller`: the caches (Profiles, ServiceAccounts, Namespaces), leader election, the reconcile
/// loop (on every change, and every resync period), and `/healthz`, `/readyz`, `/metrics`, until SIGTERM/SIGINT.
public final class TrustController: Sendable {
    let configuration: TrustControllerConfiguration
    let kubernetes: KubernetesAPIClient
    let iam: QueryClient
    let rules: TrustRules
    let logger = Logger(label: "trust-controller")

    public init(configuration: TrustControllerConfiguration, kubernetes: KubernetesAPIClient, iam: QueryClient, rules: TrustRules) {
        self.configuration = configuration
        self.kubernetes = kubernetes
        self.iam = iam
        self.rules = rules
    }

    /// Runs until a signal; returns the exit code.
    public func run(signals: SignalWaiter) throws -> Int32 {
        let webhookMetrics = WebhookMetrics()
        let metrics = TrustControllerMetrics(registry: webhookMetrics.registry)
        let health = HealthState()
        let dirty = DirtyFlag()
        let mark: @Sendable () -> Void = { dirty.mark() }

        var loops: [ListWatchLoop] = []
        func watched(_ name: String, _ path: String, _ representation: ObjectRepresentation = .full) -> ObjectCache {
            let cache = ObjectCache(changed: mark)
            let loop = ListWatchLoop(client: kubernetes, resource: .init(name: name, collectionPath: path, representation: representation),
                                     handler: cache, logger: logger, metrics: webhookMetrics)
            loops.append(loop)
            health.addCheck(.init(name: name) { loop.hasSynced })
            return cache
        }
        let profiles = configuration.kubeflowProfiles ? watched("profiles", "/apis/kubeflow.org/v1/profiles") : nil
        // Everything the reconciler reads of a ServiceAccount is in its metadata (name, namespace, annotations,
        // resourceVersion, deletionTimestamp): metadata only, as the webhook lists them.
        let serviceAccounts = watched("serviceaccounts", "/api/v1/serviceaccounts", .metadata)
        let namespaces = configuration.annotatedServiceAccounts ? watched("namespaces", "/api/v1/namespaces") : nil
        let owned = try OwnedTrustStatement(sid: configuration.statementSid, issuer: configuration.issuer,
                                            audience: configuration.audience)
        let election = LeaderElectionLoop(client: kubernetes, namespace: configuration.namespace,
                                          identity: configuration.identity, timings: configuration.leaderElection,
                                          logger: logger, metrics: metrics, becameLeader: mark)
        let events = EventRecorder(client: kubernetes, instance: configuration.identity, logger: logger,
                                   mayWrite: { election.mayWrite() })
        let reconciler = TrustReconciler(
            caches: .init(profiles: profiles, serviceAccounts: serviceAccounts, namespaces: namespaces), rules: rules,
            owned: owned, quota: configuration.trustPolicyQuota,
            annotatedServiceAccounts: configuration.annotatedServiceAccounts
                ? AnnotatedServiceAccounts(annotationPrefix: configuration.annotationPrefix,
                                           namespaceSelector: configuration.namespaceSelector) : nil,
            annotationPrefix: configuration.annotationPrefix,
            iam: IAMTrustPolicies(iam: iam, metrics: metrics), kubernetes: kubernetes, events: events,
            metrics: metrics, logger: logger)

        let server = HTTPServer(
            configuration: ServerConfiguration(host: configuration.bindAddress, port: configuration.metricsPort, tls: nil),
            handler: MetricsEndpoint(metrics: webhookMetrics, health: HealthEndpoints(health: health)), logger: logger)
        try server.start()
        loops.forEach { $0.start() }
        guard election.start() else { throw ThreadStartFailure() }

        let stop = StopSignal()
        let loopFinished = StopSignal()
        let resync = configuration.resyncPeriod
        let watchLoops = loops
        let started = DetachedThread.start { [logger] in
            defer { loopFinished.stop() }
            var nextResync = ContinuousClock.now + resync
            // Failed reconciles (IAM throttling past its retries, a ServiceAccount conflict) are retried soon, backing off.
            var backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(60))
            while !stop.isStopped {
                if ContinuousClock.now >= nextResync { dirty.mark() }
                let synced = watchLoops.allSatisfy(\.hasSynced)
                if synced, election.mayWrite(), dirty.take() {
                    nextResync = ContinuousClock.now + resync
                    do throws(TrustReconciler.Incomplete) {
                        try reconciler.reconcile(mayWrite: election.mayWrite)
                        metrics.reconciled(.success, unixTime: WallClock.unixTime())
                        backoff.reset()
                    } catch {
                        metrics.reconciled(.failed, unixTime: WallClock.unixTime())
                        logger.warning("reconcile incomplete; retrying", metadata: ["problems": "\(error.problems)"])
                        // Level-based: the retry recomputes everything from the current state, nothing is lost.
                        if !stop.pause(for: backoff.nextDelay()) { return }
                        dirty.mark()
                    }
                } else if !election.mayWrite() {
                    nextResync = ContinuousClock.now + resync
                }
                _ = stop.pause(for: .milliseconds(100))
            }
        }
        guard started else { throw ThreadStartFailure() }
        logger.notice("trust controller running", metadata: [
            "identity": "\(configuration.identity)", "issuer": "\(configuration.issuer)",
            "allowedRoles": "\(rules.allowedRoles.map(\.text))", "metrics": "\(configuration.bindAddress):\(configuration.metricsPort)",
        ])

        let signal = signals.wait()
        logger.notice("shutting down", metadata: ["signal": "\(SignalWaiter.name(signal))"])
        health.beginShutdown()
        stop.stop()
        _ = loopFinished.pause(for: .seconds(30))
        election.stop()
        loops.forEach { $0.stop() }
        server.beginShutdown()
        _ = server.waitForDrain(timeout: .seconds(1))
        return 0
    }

    struct ThreadStartFailure: Error, CustomStringConvertible {
        var description: String { "cannot start a thread" }
    }
}
