#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds, for deadlines (never wall-clock time).
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// `strerror` text for an errno value.
func errnoDescription(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
