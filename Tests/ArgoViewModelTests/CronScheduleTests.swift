import ArgoAPI
import XCTest

@testable import ArgoViewModel

/// Cron expressions as the controller reads them: the next and the last firing, in the cron's time zone.
final class CronScheduleTests: XCTestCase {
    /// 2026-11-28T12:00:00Z, a Saturday.
    let noon = 1_795_867_200.0

    func testStepsListsRangesAndShorthands() throws {
        let every5 = try XCTUnwrap(CronSchedule("*/5 * * * *"))
        XCTAssertEqual(every5.next(after: noon), noon + 300)
        XCTAssertEqual(every5.previous(atOrBefore: noon), noon)
        XCTAssertEqual(every5.previous(atOrBefore: noon - 1), noon - 300)
        let daily = try XCTUnwrap(CronSchedule("5 12 * * *"))
        XCTAssertEqual(daily.next(after: noon), noon + 300)
        XCTAssertEqual(daily.previous(atOrBefore: noon), noon + 300 - 86_400)
        let list = try XCTUnwrap(CronSchedule("0,30 9-17/4 * * *"))
        XCTAssertEqual(list.next(after: noon), noon + 3_600 * 1)  // 13:00 (9, 13, 17)
        XCTAssertEqual(CronSchedule("@hourly")?.next(after: noon + 1), noon + 3_600)
        XCTAssertNil(CronSchedule("61 * * * *"))
        XCTAssertNil(CronSchedule("* * *"))
    }

    func testWeekdaysAndTheDayOrWeekdayRule() throws {
        // Saturday noon: the next Monday 08:00 is two days later less four hours.
        let mondays = try XCTUnwrap(CronSchedule("0 8 * * 1"))
        XCTAssertEqual(mondays.next(after: noon), noon + 2 * 86_400 - 4 * 3_600)
        XCTAssertEqual(CronSchedule("0 8 * * 7")?.next(after: noon), noon + 86_400 - 4 * 3_600, "7 is Sunday too")
        // Both restricted: the 1st of the month or a Monday, whichever comes first.
        let either = try XCTUnwrap(CronSchedule("0 8 1 * 1"))
        XCTAssertEqual(either.next(after: noon), noon + 2 * 86_400 - 4 * 3_600)
    }

    func testTimeZones() throws {
        // 02:00 in New York is 07:00 UTC in November (EST, UTC-5).
        let report = try XCTUnwrap(CronSchedule("0 2 * * *", timezone: "America/New_York"))
        XCTAssertEqual(report.next(after: noon), noon + 19 * 3_600)
        XCTAssertEqual(CronSchedule("0 2 * * *", timezone: "Nowhere/Unknown")?.next(after: noon), noon + 14 * 3_600, "UTC when unknown")
    }
}
