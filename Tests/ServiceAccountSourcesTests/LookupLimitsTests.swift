import Locking
import Testing
@testable import ServiceAccountSources

@Suite struct LookupLimitsTests {
    @Test func tokenBucketAllowsABurstThenPacesOrRefuses() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 10, burst: 3, now: start)
        for _ in 0..<3 { #expect(bucket.reserve(now: start, deadline: start) == .zero) }
        // The fourth waits 100 ms; a deadline sooner than that is refused without using a slot.
        #expect(bucket.reserve(now: start, deadline: start + .milliseconds(50)) == nil)
        let wait = bucket.reserve(now: start, deadline: start + .seconds(1))
        #expect(wait != nil && abs(wait!.seconds - 0.1) < 0.001)
        // The fifth waits behind the fourth.
        let next = bucket.reserve(now: start, deadline: start + .seconds(1))
        #expect(next != nil && abs(next!.seconds - 0.2) < 0.001)
        // After a quiet second the burst is back.
        let later = start + .seconds(2)
        for _ in 0..<3 { #expect(bucket.reserve(now: later, deadline: later) == .zero) }
    }

    @Test(arguments: [("default", true), ("my-sa.v2", true), ("../secrets", false), ("a/b", false), ("", false), ("UPPER", false)])
    func lookupNamesAreValidated(name: String, valid: Bool) {
        #expect(ServiceAccountLookup.isValidName(name) == valid)
    }
}
