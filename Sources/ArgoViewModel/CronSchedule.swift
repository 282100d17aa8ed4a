import Foundation

/// A standard five-field cron expression (minute hour day-of-month month day-of-week) with `*`, `*/n`,
/// `a-b`, `a-b/n`, lists, and the `@hourly`/`@daily`/… shorthands; times in a time zone (UTC when unknown).
public struct CronSchedule: Sendable, Equatable {
    let minutes: Set<Int>, hours: Set<Int>, days: Set<Int>, months: Set<Int>, weekdays: Set<Int>
    let anyDay: Bool, anyWeekday: Bool
    let offset: @Sendable (Double) -> Int

    public static func == (a: CronSchedule, b: CronSchedule) -> Bool {
        a.minutes == b.minutes && a.hours == b.hours && a.days == b.days && a.months == b.months && a.weekdays == b.weekdays
    }

    public init?(_ expression: String, timezone: String? = nil) {
        var text = expression.trimmingCharacters(in: .whitespaces)
        let shorthands = ["@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
                          "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"]
        if let long = shorthands[text] { text = long }
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5,
            let minutes = CronSchedule.field(fields[0], 0...59), let hours = CronSchedule.field(fields[1], 0...23),
            let days = CronSchedule.field(fields[2], 1...31), let months = CronSchedule.field(fields[3], 1...12),
            let weekdays = CronSchedule.field(fields[4].replacingOccurrences(of: "7", with: "0"), 0...6)
        else { return nil }
        self.minutes = minutes
        self.hours = hours
        self.days = days
        self.months = months
        self.weekdays = weekdays
        anyDay = fields[2] == "*"
        anyWeekday = fields[4] == "*"
        let zone = timezone.flatMap { TimeZone(identifier: $0) } ?? TimeZone(identifier: "UTC")!
        offset = { zone.secondsFromGMT(for: Date(timeIntervalSince1970: $0)) }
    }

    static func field(_ text: String, _ range: ClosedRange<Int>) -> Set<Int>? {
        var values = Set<Int>()
        for part in text.split(separator: ",") {
            var body = Substring(part)
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                guard let s = Int(part[part.index(after: slash)...]), s > 0 else { return nil }
                step = s
                body = part[..<slash]
            }
            var low = range.lowerBound, high = range.upperBound
            if body != "*" {
                if let dash = body.firstIndex(of: "-") {
                    guard let a = Int(body[..<dash]), let b = Int(body[body.index(after: dash)...]) else { return nil }
                    low = a
                    high = b
                } else {
                    guard let a = Int(body) else { return nil }
                    low = a
                    high = step > 1 ? range.upperBound : a
                }
            }
            guard range.contains(low), range.contains(high), low <= high else { return nil }
            values.formUnion(stride(from: low, through: high, by: step))
        }
        return values.isEmpty ? nil : values
    }

    /// Whether the minute starting at `local` (seconds, in the schedule's zone) fires.
    func fires(local: Int) -> Bool {
        let minute = (local / 60) % 60, hour = (local / 3600) % 24
        guard minutes.contains(minute), hours.contains(hour) else { return false }
        let (_, month, day) = CronSchedule.civil(local / 86_400)
        guard months.contains(month) else { return false }
        let weekday = ((local / 86_400) % 7 + 11) % 7  // 1970-01-01 was a Thursday (4)
        let dayOK = days.contains(day), weekdayOK = weekdays.contains(weekday)
        // Cron's rule: when both are restricted, either matches.
        if anyDay && anyWeekday { return true }
        if anyDay { return weekdayOK }
        if anyWeekday { return dayOK }
        return dayOK || weekdayOK
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The first firing strictly after `time` (seconds since 1970), within about a year.
    public func next(after time: Double) -> Double? {
        search(from: (Int(time) / 60 + 1) * 60, forward: true)
    }

    /// The last firing at or before `time`, within about a year.
    public func previous(atOrBefore time: Double) -> Double? {
        search(from: Int(time) / 60 * 60, forward: false)
    }

    private func search(from start: Int, forward: Bool) -> Double? {
        var t = start
        let limit = 400 * 86_400
        while abs(t - start) < limit {
            let shift = offset(Double(t))
            let local = t + shift
            if fires(local: local) { return Double(t) }
            // Skip a whole hour or day when it cannot fire, else a minute.
            let hour = (local / 3600) % 24
            let (_, month, _) = CronSchedule.civil(local / 86_400)
            let step: Int
            if !months.contains(month) || !hours.contains(hour) {
                let unit = months.contains(month) ? 3600 : 86_400
                step = forward ? unit - local % unit : -(local % unit) - 60
            } else {
                step = forward ? 60 : -60
            }
            t += step
        }
        return nil
    }
}
