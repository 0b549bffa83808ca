import Foundation
import OpenAPIRuntime

/// The API's dates as RFC 3339 in UTC to the second (`2026-12-07T05:46:55Z`), exactly what
/// the runtime's ISO 8601 transcoder writes, formatted by arithmetic: ICU's formatter was a
/// third of encoding a stack's page. Parsing is the runtime's, and so are dates before 1583,
/// which ICU writes in the Julian calendar.
struct InternetDateTranscoder: DateTranscoder {
    /// 1583-01-01T00:00:00Z, the first new year of the Gregorian calendar.
    static let gregorianSince = -12_212_553_600.0

    func encode(_ date: Date) throws -> String {
        guard date.timeIntervalSince1970 >= Self.gregorianSince else { return try ISO8601DateTranscoder().encode(date) }
        // ICU rounds to the millisecond first, then drops the fraction.
        let seconds = Int(((date.timeIntervalSince1970 * 1000).rounded() / 1000).rounded(.down))
        let (days, time) = (seconds.floorDivided(by: 86_400), seconds - seconds.floorDivided(by: 86_400) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60))Z"
    }

    func decode(_ dateString: String) throws -> Date {
        try ISO8601DateTranscoder().decode(dateString)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
