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
                inFlight += 1
                let queue = events
                client.listWorkflows(namespace: model.namespace, limit: model.pageSize, continueToken: token) { event in
                    queue.post(Runtime.translate(event, what: "the list") { .listPage(continueToken: token, $0, bytes: $1) })
                }
            case .fetchWorkflow(let namespace, let name):
                inFlight += 1
                let queue = events
                client.getWorkflow(namespace: namespace, name: name) { event in
                    queue.post(Runtime.translate(event, what: name) { .workflow(namespace: namespace, name: name, $0, bytes: $1) })
                }
            }
        }
    }

    static func translate<T>(
        _ event: CallEvent<T>, what: String, done: (Result<T, APIError>, Int) -> ModelEvent
    ) -> ModelEvent {
        switch event {
        case .retrying(let error, let attempt, let delay): return .retrying(what: what, error, attempt: attempt, delay: delay)
        case .resumed: return .resumed
        case .done(let result, let bytes): return done(result, bytes)
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
            case .listPage, .workflow: inFlight -= 1
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
