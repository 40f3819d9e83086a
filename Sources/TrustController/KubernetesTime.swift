import AWSCore

/// Kubernetes' `MicroTime` (`2026-12-02T00:15:10.123456Z`), as Leases' `acquireTime`/`renewTime` and Events'
/// `eventTime` hold it.
enum KubernetesTime {
    static func microTime(unixTime: Double) -> String {
        // To the nearest microsecond (a Double's fraction is rarely exact).
        let total = Int64((unixTime * 1e6).rounded())
        let seconds = total >= 0 ? total / 1_000_000 : (total - 999_999) / 1_000_000
        let micros = total - seconds * 1_000_000
        let basic = Array(AWSTimestamp(secondsSinceEpoch: seconds).basicFormat)  // 20261202T001510Z
        let fraction = String(micros)
        return String(basic[0..<4]) + "-" + String(basic[4..<6]) + "-" + String(basic[6..<8]) + "T"
            + String(basic[9..<11]) + ":" + String(basic[11..<13]) + ":" + String(basic[13..<15]) + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// Whole seconds since the epoch of a MicroTime or Time; nil when it is neither.
    static func unixSeconds(_ text: String) -> Int64? { AWSTimestamp(iso8601: text)?.secondsSinceEpoch }
}
