/// Token lifetime rules shared by the flag, the annotations and the ConfigMap.
public enum TokenExpiration {
    public static let defaultSeconds: Int64 = 86400
    /// The API server rejects projected tokens shorter than this.
    public static let minimumSeconds: Int64 = 600
    /// Container-credentials mode spreads the default lifetime over this range (upstream's jitter).
    public static let jitterRange: ClosedRange<Int64> = 79200...86400

    public static func clamped(_ seconds: Int64) -> Int64 { max(seconds, minimumSeconds) }

    /// Go's `strconv.ParseInt(text, 10, 64)`: optional sign, decimal digits only.
    public static func parse(_ text: String) -> Int64? {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }
}

/// Draws the jittered lifetime. Thread-safe: `system` uses `SystemRandomNumberGenerator`; tests inject a fixed one.
public struct ExpirationJitter: Sendable {
    private let draw: @Sendable (ClosedRange<Int64>) -> Int64

    public init(draw: @escaping @Sendable (ClosedRange<Int64>) -> Int64) { self.draw = draw }

    public static let system = ExpirationJitter { range in
        var generator = SystemRandomNumberGenerator()
        return Int64.random(in: range, using: &generator)
    }

    /// Always the same value (clamped into the range), for reproducible tests.
    public static func fixed(_ value: Int64) -> ExpirationJitter {
        ExpirationJitter { range in min(max(value, range.lowerBound), range.upperBound) }
    }

    /// Upstream jitters only a lifetime of exactly 86400 s.
    func apply(to seconds: Int64) -> Int64 {
        seconds == TokenExpiration.defaultSeconds ? draw(TokenExpiration.jitterRange) : seconds
    }
}
