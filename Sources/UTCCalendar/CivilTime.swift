/// A day of the proleptic Gregorian calendar, converted to and from days since 1970-01-01 by arithmetic
/// (Howard Hinnant's `days_from_civil` and `civil_from_days`). Inlinable: the log line converts the clock on
/// every request, where `gmtime_r` would cost more than the rest of the line.
public struct CivilDate: Equatable, Sendable {
    public var year, month, day: Int

    @inlinable
    public init(year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    @inlinable
    public init(daysSinceEpoch days: Int) {
        let shifted = days + 719_468  // days since 0000-03-01 (years counted from March: the leap day comes last)
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days since 1970-01-01 (negative before it). A day past its month's end counts on into the next month.
    @inlinable
    public var daysSinceEpoch: Int {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivide(marchYear, 400)
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A Unix time as a UTC calendar date and time of day (no leap seconds, as Unix time has none), both ways.
public struct CivilTime: Equatable, Sendable {
    public var year, month, day, hour, minute, second: Int

    @inlinable
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    @inlinable
    public init(unixSeconds: Int64) {
        let seconds = Int(unixSeconds)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        self.init(year: date.year, month: date.month, day: date.day,
                  hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    @inlinable
    public var unixSeconds: Int64 {
        Int64(CivilDate(year: year, month: month, day: day).daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second)
    }
}

/// Division rounding towards minus infinity (days and eras before the epoch).
@inlinable
func floorDivide(_ dividend: Int, _ divisor: Int) -> Int {
    dividend >= 0 ? dividend / divisor : (dividend - divisor + 1) / divisor
}
