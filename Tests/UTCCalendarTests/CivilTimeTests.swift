#if canImport(Glibc)
import Glibc
#endif
import Testing
import UTCCalendar

/// The calendar arithmetic gives the C library's calendar, across leap days, century years and the epoch's edges,
/// and converts back to the same instant.
struct CivilTimeTests {
    static let instants: [Int64] = [0, 951_782_400, 1_709_208_000, 4_107_542_399, 1_798_761_599, -86_401, 253_402_300_799]

    @Test(arguments: instants)
    func civilTimeMatchesGmtime(seconds: Int64) {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        let expected = CivilTime(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
                                 hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec))
        #expect(CivilTime(unixSeconds: seconds) == expected)
    }

    @Test(arguments: instants)
    func civilTimeConvertsBackToTheSameInstant(seconds: Int64) {
        #expect(CivilTime(unixSeconds: seconds).unixSeconds == seconds)
    }

    /// Days since 1970-01-01 of known dates (as Python's `datetime.date` counts them).
    @Test(arguments: [
        (CivilDate(year: 1970, month: 1, day: 1), 0), (CivilDate(year: 1969, month: 12, day: 31), -1),
        (CivilDate(year: 2024, month: 2, day: 29), 19_782), (CivilDate(year: 2000, month: 3, day: 1), 11_017),
        (CivilDate(year: 1900, month: 3, day: 1), -25_508), (CivilDate(year: 1600, month: 1, day: 1), -135_140),
        (CivilDate(year: 9999, month: 12, day: 31), 2_932_896),
    ])
    func knownDatesConvertBothWays(date: CivilDate, days: Int) {
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }
}
