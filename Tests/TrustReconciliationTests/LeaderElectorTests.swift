import Testing
@testable import TrustReconciliation

/// client-go's leader election (15 s lease, 10 s renew deadline, 2 s retry) as a pure state machine.
@Suite struct LeaderElectorTests {
    let start = ContinuousClock.now
    static let wall = Duration.seconds(1_700_000_000)

    func lease(_ holder: String, renew: Int = 0, transitions: Int = 0, rv: String = "1") -> ObservedLease {
        ObservedLease(record: LeaseRecord(holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: Self.wall,
                                          renewTime: Self.wall + .seconds(renew), leaseTransitions: transitions),
                      resourceVersion: rv)
    }

    func at(_ seconds: Int) -> ContinuousClock.Instant { start + .seconds(seconds) }

    @Test func noLeaseIsCreatedWithThisReplicaAsHolder() {
        var elector = LeaderElector(identity: "a")
        guard case .create(let record) = elector.decide(observed: nil, now: at(0), wallClock: Self.wall) else {
            Issue.record("expected a create"); return
        }
        #expect((record.holderIdentity, record.leaseDurationSeconds, record.leaseTransitions) == ("a", 15, 0))
        #expect(!elector.mayWrite(now: at(0)))
        elector.record(.written(ObservedLease(record: record, resourceVersion: "1")), now: at(0))
        #expect(elector.mayWrite(now: at(0)))
    }

    @Test func aLiveLeaseOfAnotherReplicaIsFollowed() {
        var elector = LeaderElector(identity: "b")
        #expect(elector.decide(observed: lease("a"), now: at(0), wallClock: Self.wall) == .wait)
        #expect(elector.decide(observed: lease("a"), now: at(14), wallClock: Self.wall) == .wait)
        #expect(elector.role == .following(holder: "a"))
        #expect(!elector.mayWrite(now: at(14)))
    }

    @Test func aLeaseNotRenewedForTheLeaseDurationIsTakenOver() {
        var elector = LeaderElector(identity: "b")
        _ = elector.decide(observed: lease("a"), now: at(0), wallClock: Self.wall)
        guard case .update(let record, let rv) = elector.decide(observed: lease("a"), now: at(15), wallClock: Self.wall + .seconds(15)) else {
            Issue.record("expected a takeover"); return
        }
        #expect((record.holderIdentity, record.leaseTransitions, record.acquireTime, rv) == ("b", 1, Self.wall + .seconds(15), "1"))
    }

    @Test func everyRenewalByTheHolderRestartsTheLeaseDuration() {
        var elector = LeaderElector(identity: "b")
        _ = elector.decide(observed: lease("a", renew: 0), now: at(0), wallClock: Self.wall)
        #expect(elector.decide(observed: lease("a", renew: 10, rv: "2"), now: at(10), wallClock: Self.wall) == .wait)
        #expect(elector.decide(observed: lease("a", renew: 10, rv: "2"), now: at(24), wallClock: Self.wall) == .wait)
    }

    @Test func theHolderRenewsKeepingItsAcquireTimeAndTransitions() {
        var elector = LeaderElector(identity: "a")
        guard case .update(let record, _) = elector.decide(observed: lease("a", transitions: 3), now: at(0), wallClock: Self.wall + .seconds(2)) else {
            Issue.record("expected a renewal"); return
        }
        #expect((record.acquireTime, record.renewTime, record.leaseTransitions) == (Self.wall, Self.wall + .seconds(2), 3))
    }

    @Test func aLeaderThatCannotRenewWithinTheRenewDeadlineStopsWriting() {
        var elector = LeaderElector(identity: "a")
        _ = elector.decide(observed: lease("a"), now: at(0), wallClock: Self.wall)
        elector.record(.written(lease("a", rv: "2")), now: at(0))
        elector.record(.failed, now: at(9))
        #expect(elector.mayWrite(now: at(9)))
        #expect(!elector.mayWrite(now: at(10)))
        elector.record(.conflict, now: at(10))
        #expect(elector.role == .following(holder: nil))
    }

    @Test func aLeaderThatSeesAnotherHolderStopsAtOnce() {
        var elector = LeaderElector(identity: "a")
        elector.record(.written(lease("a")), now: at(0))
        #expect(elector.decide(observed: lease("b", rv: "5"), now: at(2), wallClock: Self.wall) == .wait)
        #expect(!elector.mayWrite(now: at(2)))
    }

    @Test func releaseGivesTheLeaseUpOnlyWhenHeld() {
        let elector = LeaderElector(identity: "a")
        #expect(elector.releaseRecord(current: nil, wallClock: Self.wall) == nil)
        let released = elector.releaseRecord(current: lease("a", transitions: 2), wallClock: Self.wall)
        #expect(released?.holderIdentity == "" && released?.leaseDurationSeconds == 1 && released?.leaseTransitions == 2)
    }

    @Test func aLeaseAnotherReplicaTookOverIsNotReleased() {
        var elector = LeaderElector(identity: "a")
        elector.record(.written(lease("a", transitions: 2)), now: at(0))
        #expect(elector.releaseRecord(current: lease("b", transitions: 3, rv: "2"), wallClock: Self.wall) == nil)
    }
}
