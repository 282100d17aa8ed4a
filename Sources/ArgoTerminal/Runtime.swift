import ArgoAPI
import ArgoViewModel
import Foundation

/// Runs the model's effects with the real client and feeds the results back, on the UI thread.
/// It counts work in flight so the headless front knows when the program is idle.
public final class Runtime {
    public let model: AppModel
    let client: ArgoClient
    let events = EventQueue<ModelEvent>()
    /// Requests sent and not yet answered; a request waiting out a retry's backoff does not count.
    public private(set) var inFlight = 0

    public init(model: AppModel, client: ArgoClient) {
        self.model = model
        self.client = client
    }

    public var isIdle: Bool { inFlight == 0 }

    public func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .quit:
                break
            case .fetchListPage(let token):
                client.listWorkflows(
                    namespace: model.namespace, limit: model.pageSize, continueToken: token,
                    handler: track("the list") { .listPage(continueToken: token, $0, bytes: $1) })
            case .fetchWorkflow(let namespace, let name):
                client.getWorkflow(
                    namespace: namespace, name: name,
                    handler: track(name) { .workflow(namespace: namespace, name: name, $0, bytes: $1) })
            case .fetchLogTail(let namespace, let workflow, let pod, let lines):
                client.podLog(
                    namespace: namespace, name: workflow, podName: pod, tailLines: lines,
                    handler: track("the log of \(pod)") {
                        .logTail(namespace: namespace, workflow: workflow, podName: pod, $0.map { $0.lines }, bytes: $1)
                    })
            }
        }
    }

    /// Counts a call as in flight and returns the handler that posts its events to the UI loop.
    private func track<T>(
        _ what: String, done: @escaping @Sendable (Result<T, APIError>, Int) -> ModelEvent
    ) -> @Sendable (CallEvent<T>) -> Void {
        inFlight += 1
        let queue = events
        return { event in
            switch event {
            case .retrying(let error, let attempt, let delay):
                queue.post(.retrying(what: what, error, attempt: attempt, delay: delay))
            case .resumed: queue.post(.resumed)
            case .done(let result, let bytes): queue.post(done(result, bytes))
            }
        }
    }

    /// Applies the events that have arrived (waiting up to `timeout` for the first). Returns true if any did.
    @discardableResult
    public func drain(waiting timeout: Double = 0) -> Bool {
        let batch = events.take(waiting: timeout)
        for event in batch {
            switch event {
            case .retrying: inFlight -= 1
            case .resumed: inFlight += 1
            case .listPage, .workflow, .logTail: inFlight -= 1
            }
            perform(model.handle(event))
        }
        return !batch.isEmpty
    }

    /// Waits until nothing is in flight, at most `limit` seconds. Returns false on time-out.
    @discardableResult
    public func waitUntilIdle(limit: Double = 60) -> Bool {
        let deadline = Date(timeIntervalSinceNow: limit)
        drain()
        while !isIdle {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            drain(waiting: min(left, 0.5))
        }
        return true
    }

    public func key(_ key: Key) {
        perform(model.handle(key))
    }

    var wakeFD: Int32 { events.wakeFD }

    public func shutdown() { client.shutdown() }
}
