#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WebhookService

/// The log line's date arithmetic (no gmtime_r per line) gives the C library's calendar, across leap days,
/// century years and the epoch's edges.
struct LogTimestampTests {
    @Test(arguments: [Int64(0), 951_782_400, 1_709_208_000, 4_107_542_399, 1_798_761_599, -86_401, 253_402_300_799])
    func civilTimeMatchesGmtime(seconds: Int64) {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let expected = CivilTime(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                                 hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
        #expect(CivilTime(unixSeconds: seconds) == expected)
    }

    @Test func timestampIsRFC3339InUTCWithMilliseconds() {
        let text = LogLine.withTimestamp(seconds: 1_764_633_599, milliseconds: 7) { String(decoding: $0, as: UTF8.self) }
        #expect(text == "2025-12-01T23:59:59.007Z")
    }
}
