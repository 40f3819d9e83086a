import JSONCore
import Testing
import TrustReconciliation
@testable import TrustController

@Suite struct LeaseObjectTests {
    @Test func aLeaseIsReadIntoTheElectorsRecord() throws {
        let lease = try JSON.parse(#"""
            {"metadata":{"name":"l","namespace":"kube-system","resourceVersion":"42"},
             "spec":{"holderIdentity":"replica-a","leaseDurationSeconds":15,"acquireTime":"2026-12-02T00:15:10.000000Z",
                     "renewTime":"2026-12-02T00:15:12.500000Z","leaseTransitions":3}}
            """#)
        let observed = try #require(LeaderElectionLoop.observed(lease))
        #expect(observed.resourceVersion == "42")
        #expect(observed.record == LeaseRecord(holderIdentity: "replica-a", leaseDurationSeconds: 15,
                                               acquireTime: .seconds(1_796_170_510), renewTime: .seconds(1_796_170_512),
                                               leaseTransitions: 3))
    }

    @Test func aLeaseWithoutSpecOrResourceVersionIsNotRead() throws {
        #expect(LeaderElectionLoop.observed(try JSON.parse(#"{"metadata":{"resourceVersion":"1"}}"#)) == nil)
        #expect(LeaderElectionLoop.observed(try JSON.parse(#"{"metadata":{},"spec":{}}"#)) == nil)
    }
}
