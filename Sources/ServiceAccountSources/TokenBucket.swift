/// A client-side rate limit: `rate` requests per second with bursts of `burst`. `reserve` hands out a slot
/// (possibly in the future, like Go's `rate.Reserve`) or refuses when the slot would come after the deadline.
struct TokenBucket: Sendable {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    init(rate: Double, burst: Int, now: ContinuousClock.Instant = .now) {
        precondition(rate > 0 && burst >= 1, "TokenBucket needs rate > 0 and burst >= 1")
        self.rate = rate
        self.burst = Double(burst)
        tokens = Double(burst)
        updated = now
    }

    /// How long to wait before using the reserved slot, or nil (nothing reserved) if that is past `deadline`.
    mutating func reserve(now: ContinuousClock.Instant, deadline: ContinuousClock.Instant) -> Duration? {
        let elapsed = updated.duration(to: now)
        if elapsed > .zero {
            tokens = min(burst, tokens + elapsed.seconds * rate)
            updated = now
        }
        if tokens >= 1 {
            tokens -= 1
            return .zero
        }
        let wait = Duration.seconds((1 - tokens) / rate)
        guard now + wait <= deadline else { return nil }
        tokens -= 1
        return wait
    }
}
