import AWSCore
import UTCCalendar

/// Kubernetes' `MicroTime` (`2026-12-02T00:15:10.123456Z`), as Leases' `acquireTime`/`renewTime` and Events'
/// `eventTime` hold it.
enum KubernetesTime {
    static func microTime(unixTime: Double) -> String {
        // To the nearest microsecond (a Double's fraction is rarely exact).
        let total = Int64((unixTime * 1e6).rounded())
        let seconds = total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000
        let micros = Int(total - seconds * 1_000_000)
        let time = CivilTime(unixSeconds: seconds)
        return padded(time.year, 4) + "-" + padded(time.month, 2) + "-" + padded(time.day, 2) + "T"
            + padded(time.hour, 2) + ":" + padded(time.minute, 2) + ":" + padded(time.second, 2) + "."
            + padded(micros, 6) + "Z"
    }

    /// Whole seconds since the epoch of a MicroTime or Time; nil when it is neither.
    static func unixSeconds(_ text: String) -> Int64? { AWSTimestamp(iso8601: text)?.secondsSinceEpoch }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
