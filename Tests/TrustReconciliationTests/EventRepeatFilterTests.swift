import Testing
import TrustReconciliation

/// Each case writes keys at times, in order, and lists which writes the filter let through.
@Suite("EventRepeatFilter: each decision once per interval, memory bounded")
struct EventRepeatFilterTests {
    @Test("the same Event is written once within the interval and again after it")
    func repeatsAfterTheInterval() {
        var filter = EventRepeatFilter(repeatAfter: 60, capacity: 10)
        let written = [0, 59.9, 60, 61].map { filter.shouldWrite("refused|alice", now: $0) }
        #expect(written == [true, false, true, false])
    }

    @Test("different Events do not suppress each other")
    func keysAreIndependent() {
        var filter = EventRepeatFilter(repeatAfter: 60, capacity: 10)
        let written = [filter.shouldWrite("refused|alice", now: 0), filter.shouldWrite("refused|bob", now: 1)]
        #expect(written == [true, true])
    }

    @Test("a forgotten Event (its write failed) is written at the next try")
    func forgottenIsWrittenAgain() {
        var filter = EventRepeatFilter(repeatAfter: 60, capacity: 10)
        let first = filter.shouldWrite("granted|alice", now: 0)
        filter.forget("granted|alice")
        let second = filter.shouldWrite("granted|alice", now: 1)
        #expect(first && second)
    }

    @Test("when full, expired entries go first", arguments: [3, 5])
    func fullDropsExpired(capacity: Int) {
        var filter = EventRepeatFilter(repeatAfter: 10, capacity: capacity)
        let old = (0..<capacity).map { filter.shouldWrite("old-\($0)", now: 0) }
        let new = filter.shouldWrite("new", now: 20)
        #expect(old.allSatisfy { $0 } && new)
        #expect(filter.count == 1)
    }

    @Test("when full and nothing expired, the oldest goes and the rest stay suppressed")
    func fullDropsOldest() {
        var filter = EventRepeatFilter(repeatAfter: 100, capacity: 3)
        let written = [("a", 0.0), ("b", 1), ("c", 2), ("d", 3), ("b", 4), ("c", 4), ("a", 5)]
            .map { filter.shouldWrite($0.0, now: $0.1) }
        // "a" was dropped to make room for "d", so it is written again; "b" and "c" are still remembered.
        #expect(written == [true, true, true, true, false, false, true])
        #expect(filter.count == 3)
    }
}
