import JSONCore
import KubernetesClient
import Locking
import Logging
import TrustReconciliation

/// Runs client-go's leader election on a `coordination.k8s.io/v1` Lease with the pure `LeaderElector`: read the
/// Lease, write what the elector decides, feed back the outcome, every retry period. The reconciler asks
/// `mayWrite()` before every write, so a replica that stops renewing stops writing at once.
final class LeaderElectionLoop: Sendable {
    static let leaseName = "pod-identity-webhook-trust-controller"

    private let client: KubernetesAPIClient
    private let namespace: String
    private let elector: Locked<LeaderElector>
    private let logger: Logger
    private let metrics: TrustControllerMetrics
    private let becameLeader: @Sendable () -> Void
    let stopSignal = StopSignal()
    private let finished = StopSignal()

    init(client: KubernetesAPIClient, namespace: String, identity: String, timings: LeaderElectionTimings,
         logger: Logger, metrics: TrustControllerMetrics, becameLeader: @escaping @Sendable () -> Void) {
        self.client = client
        self.namespace = namespace
        self.elector = Locked(LeaderElector(identity: identity, timings: timings))
        self.logger = logger
        self.metrics = metrics
        self.becameLeader = becameLeader
    }

    var identity: String { elector.withLock { $0.identity } }
    private var path: String { "/apis/coordination.k8s.io/v1/namespaces/\(namespace)/leases/\(Self.leaseName)" }
    private var collectionPath: String { "/apis/coordination.k8s.io/v1/namespaces/\(namespace)/leases" }

    func mayWrite() -> Bool { elector.withLock { $0.mayWrite(now: .now) } }

    func start() -> Bool {
        DetachedThread.start { self.run() }
    }

    /// Stops the loop and, when leading, gives the Lease up so another replica takes over at its next retry.
    func stop() {
        stopSignal.stop()
        _ = finished.pause(for: .seconds(5))
        guard case .leading = elector.withLock({ $0.role }) else { return }  // a follower has nothing to give up
        let lease: ObservedLease?
        do { lease = try read() } catch {
            logger.warning("cannot release the leader Lease", metadata: ["lease": "\(namespace)/\(Self.leaseName)", "error": "\(error)"])
            return
        }
        let release = elector.withLock { $0.releaseRecord(current: lease, wallClock: .seconds(WallClock.unixTime())) }
        guard let release, let lease else { return }
        do {
            _ = try client.send("PUT", path, body: JSON.serialize(leaseObject(release, resourceVersion: lease.resourceVersion)))
            logger.info("released the leader Lease", metadata: ["lease": "\(namespace)/\(Self.leaseName)"])
        } catch {
            // A 409: another replica wrote the Lease meanwhile, so it is not this one's to give up any more.
            logger.warning("cannot release the leader Lease", metadata: ["lease": "\(namespace)/\(Self.leaseName)", "error": "\(error)"])
        }
    }

    private func run() {
        defer { finished.stop() }
        var wasLeading = false
        while !stopSignal.isStopped {
            step()
            let leading = mayWrite()
            if leading != wasLeading {
                wasLeading = leading
                metrics.leader(leading)
                let holder: String
                if case .following(let other) = elector.withLock({ $0.role }) { holder = other ?? "(none)" } else { holder = identity }
                logger.notice(leading ? "became the leader" : "not the leader", metadata: [
                    "lease": "\(namespace)/\(Self.leaseName)", "identity": "\(identity)", "holder": "\(holder)",
                ])
                if leading { becameLeader() }
            }
            let retry = elector.withLock { $0.timings.retryPeriod }
            if !stopSignal.pause(for: retry) { return }
        }
    }

    private func step() {
        let observed: ObservedLease?
        do {
            observed = try read()
        } catch {
            logger.warning("cannot read the leader Lease", metadata: ["lease": "\(namespace)/\(Self.leaseName)", "error": "\(error)"])
            elector.withLock { $0.record(.failed, now: .now) }
            return
        }
        let action = elector.withLock { $0.decide(observed: observed, now: .now, wallClock: .seconds(WallClock.unixTime())) }
        let outcome: LeaderElector.WriteOutcome
        do {
            switch action {
            case .wait:
                return
            case .create(let record):
                let body = try client.send("POST", collectionPath, body: JSON.serialize(leaseObject(record, resourceVersion: nil)))
                outcome = Self.observed(try JSON.parse(body)).map(LeaderElector.WriteOutcome.written) ?? .failed
            case .update(let record, let resourceVersion):
                let body = try client.send("PUT", path, body: JSON.serialize(leaseObject(record, resourceVersion: resourceVersion)))
                outcome = Self.observed(try JSON.parse(body)).map(LeaderElector.WriteOutcome.written) ?? .failed
            }
        } catch let error as KubernetesAPIError {
            if case .status(409, _, _) = error { outcome = .conflict } else {
                logger.warning("cannot write the leader Lease", metadata: ["error": "\(error)"])
                outcome = .failed
            }
        } catch {
            outcome = .failed
        }
        elector.withLock { $0.record(outcome, now: .now) }
    }

    private func read() throws(KubernetesAPIError) -> ObservedLease? {
        let body: [UInt8]
        do {
            body = try client.get(path, stop: nil)
        } catch {
            if case .status(404, _, _) = error { return nil }
            throw error
        }
        guard let parsed = try? JSON.parse(body), let lease = Self.observed(parsed) else {
            throw .malformedResponse("Lease \(namespace)/\(Self.leaseName) has no spec or resourceVersion")
        }
        return lease
    }

    static func observed(_ lease: JSONValue) -> ObservedLease? {
        guard let resourceVersion = lease["metadata"]?["resourceVersion"]?.string, let spec = lease["spec"] else { return nil }
        func seconds(_ field: String) -> Duration { .seconds(spec[field]?.string.flatMap(KubernetesTime.unixSeconds) ?? 0) }
        let record = LeaseRecord(holderIdentity: spec["holderIdentity"]?.string ?? "",
                                 leaseDurationSeconds: Int(spec["leaseDurationSeconds"]?.int64 ?? 0),
                                 acquireTime: seconds("acquireTime"), renewTime: seconds("renewTime"),
                                 leaseTransitions: Int(spec["leaseTransitions"]?.int64 ?? 0))
        return ObservedLease(record: record, resourceVersion: resourceVersion)
    }

    private func leaseObject(_ record: LeaseRecord, resourceVersion: String?) -> JSONValue {
        var metadata: JSONValue = ["name": .string(Self.leaseName), "namespace": .string(namespace)]
        if let resourceVersion, case .object(var object) = metadata {
            object["resourceVersion"] = .string(resourceVersion)
            metadata = .object(object)
        }
        func time(_ value: Duration) -> JSONValue { .string(KubernetesTime.microTime(unixTime: value.seconds)) }
        return [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata,
            "spec": [
                "holderIdentity": .string(record.holderIdentity),
                "leaseDurationSeconds": .number(JSONNumber(record.leaseDurationSeconds)),
                "acquireTime": time(record.acquireTime), "renewTime": time(record.renewTime),
                "leaseTransitions": .number(JSONNumber(record.leaseTransitions)),
            ],
        ]
    }
}
