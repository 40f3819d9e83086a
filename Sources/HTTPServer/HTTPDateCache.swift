import Glibc

/// The `Date` field value (RFC 9110 §6.6.1, IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`), formatted at most
/// once a second. One per event loop, used only on its thread: no lock, and no allocation between seconds.
struct HTTPDateCache {
    private var second = Int.min
    /// The value as bytes, as both protocols' response heads take it.
    private(set) var bytes: [UInt8] = []

    /// Brings the value up to the current second of the wall clock.
    mutating func refresh() {
        refresh(at: time(nil))
    }

    mutating func refresh(at seconds: Int) {
        guard seconds != second else { return }
        second = seconds
        bytes = Self.imfFixdate(seconds)
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func imfFixdate(_ seconds: Int) -> [UInt8] {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(29)
        func twoDigits(_ value: Int32) {
            out.append(UInt8(ascii: "0") + UInt8(value / 10 % 10))
            out.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        out += weekdays[Int(parts.tm_wday)].utf8
        out += ", ".utf8
        twoDigits(parts.tm_mday)
        out.append(UInt8(ascii: " "))
        out += months[Int(parts.tm_mon)].utf8
        out.append(UInt8(ascii: " "))
        let year = parts.tm_year + 1900
        twoDigits(year / 100)
        twoDigits(year % 100)
        out.append(UInt8(ascii: " "))
        twoDigits(parts.tm_hour)
        out.append(UInt8(ascii: ":"))
        twoDigits(parts.tm_min)
        out.append(UInt8(ascii: ":"))
        twoDigits(parts.tm_sec)
        out += " GMT".utf8
        return out
    }
}
