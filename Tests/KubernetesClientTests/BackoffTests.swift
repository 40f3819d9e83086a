import Testing
@testable import KubernetesClient

/// Deterministic randomness for jitter tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct BackoffTests {
    @Test func backoffDoublesWithJitterUpToTheCap() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
        var generator = SeededGenerator(state: 7)
        var ceilings: [Duration] = []
        for _ in 0..<10 {
            let ceiling = backoff.currentCeiling
            ceilings.append(ceiling)
            let delay = backoff.nextDelay(using: &generator)
            #expect(delay >= ceiling / 2 && delay <= ceiling, "\(delay) outside [\(ceiling / 2), \(ceiling)]")
        }
        #expect(ceilings.prefix(6) == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                                       .milliseconds(1600), .seconds(2)])
        #expect(ceilings.suffix(4).allSatisfy { $0 == .seconds(2) })
        backoff.reset()
        #expect(backoff.currentCeiling == .milliseconds(100))
    }

    @Test func jitterSpreadsDelays() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(1))
        var generator = SeededGenerator(state: 1)
        let delays = Set((0..<20).map { _ in backoff.nextDelay(using: &generator) })
        #expect(delays.count > 10)
    }

    @Test func aManyFailuresBackoffDoesNotOverflow() {
        var backoff = Backoff(initial: .milliseconds(1), maximum: .seconds(30))
        for _ in 0..<200 { _ = backoff.nextDelay() }
        #expect(backoff.currentCeiling == .seconds(30))
    }

}
