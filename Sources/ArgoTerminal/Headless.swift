import ArgoRender
import ArgoViewModel
import Foundation

/// The real program with an in-memory screen: waits for idle, replays keys one by one (waiting for idle
/// after each), and returns the final screen as text.
public enum Headless {
    public struct Outcome {
        public var screen: String
        let model: AppModel
        /// The state file's JSON, made when asked for (JSONSerialization wakes up parts of Foundation that cost
        /// a few megabytes of memory: only `--state` pays for them).
        public var state: String { Headless.stateJSON(model) }
    }

    public static func run(runtime: Runtime, keys: [Key], idleLimit: Double = 60) -> Outcome {
        runtime.waitUntilIdle(limit: idleLimit)
        for key in keys {
            if runtime.model.quitting { break }
            runtime.key(key)
            runtime.waitUntilIdle(limit: idleLimit)
        }
        // For tests of retries and streams: keep applying what arrives for this many seconds more (a retry that
        // waits counts as idle, and a watch's failures come whenever they come).
        if let text = ProcessInfo.processInfo.environment["ARGOTOP_HEADLESS_SETTLE"], let settle = Double(text), settle > 0 {
            let deadline = Date(timeIntervalSinceNow: min(settle, idleLimit))
            while deadline.timeIntervalSinceNow > 0 { runtime.drain(waiting: min(0.1, max(0.001, deadline.timeIntervalSinceNow))) }
            runtime.waitUntilIdle(limit: idleLimit)
        }
        let canvas = Screens.render(runtime.model)
        return Outcome(screen: canvas.lines.joined(separator: "\n"), model: runtime.model)
    }

    /// The state file: `{"view", "namespace", "workflow", "selected", "error", "requests", "bytesReceived"}`.
    public static func stateJSON(_ model: AppModel) -> String {
        var selected: Any = NSNull()
        if let s = model.selection {
            selected = [
                "kind": s.kind.rawValue, "name": s.name, "id": s.id as Any? ?? NSNull(),
                "phase": s.phase as Any? ?? NSNull(),
            ] as [String: Any]
        }
        let object: [String: Any] = [
            "view": model.view.rawValue,
            "namespace": model.namespace,
            "workflow": model.openWorkflowName as Any? ?? NSNull(),
            "selected": selected,
            "error": model.error as Any? ?? NSNull(),
            "requests": model.requests,
            "bytesReceived": model.bytesReceived,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
