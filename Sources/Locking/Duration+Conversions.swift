import Glibc

/// The conversions between `Duration` and the units system calls, metrics and logs use.
extension Duration {
    /// Seconds as a floating-point number (metrics, logs, rates).
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Whole milliseconds, rounded up so a wait never ends early; negative durations count as zero.
    public var roundedUpMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return attoseconds % 1_000_000_000_000_000 == 0 ? milliseconds : milliseconds + 1
    }

    /// Whole nanoseconds (negative durations count as zero).
    public var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// A `timespec` for nanosleep and friends.
    public var timespec: Glibc.timespec {
        let (seconds, attoseconds) = components
        return Glibc.timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    }
}
