/// When an AWS call is tried again, and how long to wait: throttling, 5xx and connection failures
/// are retried with capped exponential backoff and full jitter, within a total deadline; other
/// 4xx answers never are (the request itself is wrong).
public struct RetryPolicy: Sendable, Equatable {
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int
    /// The whole call, every attempt and wait included.
    public var totalDeadlineMilliseconds: Int

    public static let standard = RetryPolicy(maxAttempts: 5, baseDelayMilliseconds: 100, maxDelayMilliseconds: 5_000,
                                             totalDeadlineMilliseconds: 60_000)

    public init(maxAttempts: Int, baseDelayMilliseconds: Int, maxDelayMilliseconds: Int, totalDeadlineMilliseconds: Int) {
        self.maxAttempts = maxAttempts
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.totalDeadlineMilliseconds = totalDeadlineMilliseconds
    }

    public static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "RequestLimitExceeded", "SlowDown", "RequestThrottled",
    ]

    /// Whether an answer with this status and AWS error code is worth another attempt.
    public static func isRetryable(status: Int, errorCode: String?) -> Bool {
        if let errorCode, throttlingCodes.contains(errorCode) { return true }
        return status == 429 || (500...599).contains(status)
    }

    /// The wait before attempt `attempt + 1` (attempt counts from 1): uniformly random in
    /// [0, min(max, base * 2^(attempt-1))]. `unitRandom` is in [0, 1).
    public func delayMilliseconds(afterAttempt attempt: Int, unitRandom: Double) -> Int {
        let exponent = min(max(attempt - 1, 0), 20)
        let ceiling = min(maxDelayMilliseconds, baseDelayMilliseconds << exponent)
        return Int(Double(ceiling) * min(max(unitRandom, 0), 1))
    }
}
