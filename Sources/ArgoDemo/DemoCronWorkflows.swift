import ArgoAPI
import Foundation

/// The demo's CronWorkflows: synthetic tests every few minutes (the checkout test failing since a recent change,
/// the login check stale: its last run was 45 minutes ago) and a suspended nightly report that still uses the
/// single `schedule` of older servers. Their runs are in the archive (`DemoArchive.swift`).
extension DemoCluster {
    public var cronWorkflows: [JSONValue] {
        func cron(_ name: String, schedules: [String]?, legacy: String? = nil, suspend: Bool = false, last: Double,
                  succeeded: Int, failed: Int, active: [String] = []) -> JSONValue {
            var spec: [(String, JSONValue)] = []
            if let schedules { spec.append(("schedules", .array(schedules.map { .string($0) }))) }
            if let legacy { spec.append(("schedule", .string(legacy))) }
            spec += [("timezone", .string("UTC")), ("concurrencyPolicy", .string("Forbid")), ("suspend", .bool(suspend)),
                     ("successfulJobsHistoryLimit", .int(3)), ("failedJobsHistoryLimit", .int(1)),
                     ("workflowSpec", .object([("entrypoint", .string("main"))]))]
            return .object([
                ("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string("CronWorkflow")),
                ("metadata", .object([("name", .string(name)), ("namespace", .string(namespace)),
                                      ("uid", .string(WorkflowBuilder(name: name, namespace: namespace, created: 0).uuid(from: name))),
                                      ("creationTimestamp", .string(rfc3339(origin - 30 * 86_400)))])),
                ("spec", .object(spec)),
                ("status", .object([
                    ("lastScheduledTime", .string(rfc3339(last))), ("succeeded", .int(succeeded)), ("failed", .int(failed)),
                    ("active", .array(active.map { .object([("kind", .string("Workflow")), ("name", .string($0)), ("namespace", .string(namespace))]) })),
                    ("phase", .string(suspend ? "Stopped" : "Active")),
                ])),
            ])
        }
        // `synthetic-checkout` goes on firing (and failing) while the clock moves.
        let now = self.now
        let fired = firedCheckoutRuns(upTo: now)
        return [
            cron("synthetic-login-check", schedules: ["*/5 * * * *"], last: DemoCluster.loginCheckLastRun(origin), succeeded: 8_629, failed: 3),
            cron("synthetic-checkout", schedules: ["*/10 * * * *", "5 12 * * *"], last: max(DemoCluster.checkoutLastRun(origin), fired.last?.at ?? 0),
                 succeeded: 4_301, failed: 14 + fired.filter { $0.at + 1 + $0.duration <= now }.count),
            cron("nightly-report", schedules: nil, legacy: "0 2 * * *", suspend: true, last: (origin / 86_400).rounded(.down) * 86_400 + 7_200 - 86_400,
                 succeeded: 29, failed: 1),
        ]
    }
}
