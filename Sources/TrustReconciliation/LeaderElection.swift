/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go's `leaderelection` package does it, as a pure
/// state machine: the I/O loop feeds it the Lease it read (or its absence) and the outcome of each write, with the
/// time; it says what to write and whether this replica may write to IAM.
///
/// Expiry is judged, as in client-go, from when this replica last saw the Lease record change (its own clock), not
/// from the `renewTime` written by another replica, so clock skew between nodes does not matter.
public struct LeaderElectionTimings: Sendable, Equatable {
    public let leaseDuration: Duration
    public let renewDeadline: Duration
    public let retryPeriod: Duration

    /// client-go's defaults (and those of controller-runtime's managers).
    public static let clientGoDefaults = LeaderElectionTimings(
        leaseDuration: .seconds(15), renewDeadline: .seconds(10), retryPeriod: .seconds(2))

    public init(leaseDuration: Duration, renewDeadline: Duration, retryPeriod: Duration) {
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }
}

/// The Lease's `spec`, in the controller's terms. Times are wall-clock seconds since the epoch (what `acquireTime`
/// and `renewTime` hold); only `holderIdentity` and the record's changes decide anything.
public struct LeaseRecord: Sendable, Equatable {
    public var holderIdentity: String
    public var leaseDurationSeconds: Int
    public var acquireTime: Duration
    public var renewTime: Duration
    public var leaseTransitions: Int

    public init(holderIdentity: String, leaseDurationSeconds: Int, acquireTime: Duration, renewTime: Duration,
                leaseTransitions: Int) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}

/// A Lease as read from the API server.
public struct ObservedLease: Sendable, Equatable {
    public let record: LeaseRecord
    public let resourceVersion: String

    public init(record: LeaseRecord, resourceVersion: String) {
        self.record = record
        self.resourceVersion = resourceVersion
    }
}

public struct LeaderElector: Sendable {
    public enum Role: Sendable, Equatable {
        /// Another replica holds a Lease that has not expired (or none has been seen yet: `holder` nil).
        case following(holder: String?)
        /// This replica holds the Lease; it last renewed it at `renewedAt` (monotonic time).
        case leading(renewedAt: ContinuousClock.Instant)
    }

    /// The next request to the API server.
    public enum Action: Sendable, Equatable {
        case create(LeaseRecord)
        /// PUT with the observed `resourceVersion`: a 409 means another replica wrote first.
        case update(LeaseRecord, resourceVersion: String)
        /// Nothing to write; read the Lease again after the retry period.
        case wait
    }

    public enum WriteOutcome: Sendable, Equatable {
        case written(ObservedLease)
        /// 409 Conflict or AlreadyExists: another replica wrote first.
        case conflict
        /// Any other failure (network, 5xx, timeout).
        case failed
    }

    public let identity: String
    public let timings: LeaderElectionTimings
    public private(set) var role: Role = .following(holder: nil)
    private var observed: (record: LeaseRecord, at: ContinuousClock.Instant)?

    public init(identity: String, timings: LeaderElectionTimings = .clientGoDefaults) {
        self.identity = identity
        self.timings = timings
    }

    /// client-go's `tryAcquireOrRenew`, first half: given the Lease as read now (nil: it does not exist), what to write.
    /// `wallClock` is the time written into `acquireTime`/`renewTime`.
    public mutating func decide(observed lease: ObservedLease?, now: ContinuousClock.Instant, wallClock: Duration) -> Action {
        guard let lease else {
            expireLeadershipIfOverdue(now: now)
            return .create(ownRecord(after: nil, wallClock: wallClock))
        }
        if observed?.record != lease.record { observed = (lease.record, now) }
        let holder = lease.record.holderIdentity
        let expiresAt = observed!.at + .seconds(lease.record.leaseDurationSeconds)
        if !holder.isEmpty, holder != identity, now < expiresAt {
            role = .following(holder: holder)
            return .wait
        }
        expireLeadershipIfOverdue(now: now)
        return .update(ownRecord(after: lease.record, wallClock: wallClock), resourceVersion: lease.resourceVersion)
    }

    /// client-go's `tryAcquireOrRenew`, second half: the outcome of the write `decide` asked for.
    public mutating func record(_ outcome: WriteOutcome, now: ContinuousClock.Instant) {
        switch outcome {
        case .written(let lease):
            observed = (lease.record, now)
            role = .leading(renewedAt: now)
        case .conflict, .failed:
            expireLeadershipIfOverdue(now: now)
        }
    }

    /// Whether this replica may write to IAM now: it leads and renewed within the renew deadline. Checked before
    /// every write, so a leader that cannot renew stops writing before another replica can take the Lease over
    /// (renew deadline < lease duration).
    public func mayWrite(now: ContinuousClock.Instant) -> Bool {
        if case .leading(let renewedAt) = role { return now - renewedAt < timings.renewDeadline }
        return false
    }

    /// The record that gives the Lease up on a clean shutdown (client-go's `ReleaseOnCancel`), so another replica
    /// takes over at its next retry instead of after the lease duration. `current` is the Lease as read just before:
    /// nil unless it still names this replica, so a Lease another replica took over meanwhile is never cleared.
    public func releaseRecord(current: ObservedLease?, wallClock: Duration) -> LeaseRecord? {
        guard let current, current.record.holderIdentity == identity else { return nil }
        return LeaseRecord(holderIdentity: "", leaseDurationSeconds: 1, acquireTime: wallClock, renewTime: wallClock,
                           leaseTransitions: current.record.leaseTransitions)
    }

    /// The record this replica writes: a renewal keeps `acquireTime` and `leaseTransitions`, a takeover starts anew.
    private func ownRecord(after previous: LeaseRecord?, wallClock: Duration) -> LeaseRecord {
        let renewing = previous?.holderIdentity == identity
        return LeaseRecord(holderIdentity: identity, leaseDurationSeconds: Int(timings.leaseDuration.components.seconds),
                           acquireTime: renewing ? previous!.acquireTime : wallClock, renewTime: wallClock,
                           leaseTransitions: previous.map { renewing ? $0.leaseTransitions : $0.leaseTransitions + 1 } ?? 0)
    }

    private mutating func expireLeadershipIfOverdue(now: ContinuousClock.Instant) {
        if case .leading(let renewedAt) = role, now - renewedAt >= timings.renewDeadline {
            role = .following(holder: nil)
        }
    }
}
