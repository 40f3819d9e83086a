/// Capped exponential backoff with jitter for reconnecting to the API server: the n-th consecutive failure
/// waits a random time in [d/2, d] with d = min(initial * 2^n, maximum), so many replicas restarted together
/// do not reconnect in lockstep.
public struct Backoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    public private(set) var failures = 0

    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(30)) {
        precondition(initial > .zero && maximum >= initial, "Backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The ceiling of the next delay (before jitter).
    public var currentCeiling: Duration {
        var ceiling = initial
        for _ in 0..<min(failures, 62) {
            ceiling = ceiling * 2
            if ceiling >= maximum { return maximum }
        }
        return min(ceiling, maximum)
    }

    /// Records a failure and returns how long to wait before the next attempt.
    public mutating func nextDelay<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        let ceiling = currentCeiling
        failures += 1
        let half = ceiling / 2
        let jitter = Double.random(in: 0...1, using: &generator)
        return half + half * jitter
    }

    public mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// After a success the next failure starts from `initial` again.
    public mutating func reset() { failures = 0 }
}
