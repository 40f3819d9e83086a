import Glibc

public enum WallClock {
    /// Seconds since the Unix epoch, for "last sync" gauges.
    public static func unixTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
