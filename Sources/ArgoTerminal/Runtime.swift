import ArgoAPI
import ArgoViewModel
import Foundation

/// Runs the model's effects with the real client and feeds the results back, on the UI thread.
/// It counts work in flight so the headless front knows when the program is idle.
public final class Runtime {
    public let model: AppModel
    private(set) var client: ArgoClient
    let events = EventQueue<ModelEvent>()
    /// `:ctx NAME`: connection settings for another kubeconfig context, or why not (set by the command line
    /// in Kubernetes mode).
    public var contextSwitcher: ((String) -> Result<(client: ArgoClient, label: String), ContextError>)?
    /// Requests sent and not yet answered; a request waiting out a retry's backoff does not count, and a
    /// stream counts only until its first news arrives.
    public private(set) var inFlight = 0
    var listWatch: StreamHandle?
    /// Open log streams by log view, so that leaving the view closes them.
    var streams: [Int: [Int: StreamHandle]] = [:]
    /// Streams that count as in flight, by (view, source): a followed log until its first news, a log that is
    /// read to its end until that end.
    var awaitingFirst: [[Int]: Bool] = [:]
    /// Where `s` saves logs: `ARGOTOP_LOG_DIR`, else the current folder.
    public var saveDirectory = ProcessInfo.processInfo.environment["ARGOTOP_LOG_DIR"] ?? FileManager.default.currentDirectoryPath

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
            case .ops(let work):
                perform(ops: work)
            case .fetchListPage(let token):
                // The `/` filter's selectors go to the server; the model checks every row too.
                client.listWorkflows(
                    namespace: model.namespace, limit: model.pageSize, continueToken: token,
                    labelSelector: model.listQuery?.labelSelector, nameContains: model.listQuery?.serverNameWord?.lowercased(),
                    handler: track("the list") { .listPage(continueToken: token, $0, bytes: $1) })
            case .fetchChildCandidates(let namespace, let parent, let after, let token):
                client.listCreatedAfter(
                    namespace: namespace, createdAfter: after, limit: AppModel.childQueryPageSize, continueToken: token,
                    handler: track("the children of \(parent)") { .childCandidates(parent: parent, continueToken: token, $0, bytes: $1) })
            case .fetchLockCandidates(let namespace, let token):
                client.listWorkflows(
                    namespace: namespace, limit: AppModel.childQueryPageSize, continueToken: token,
                    labelSelector: "workflows.argoproj.io/phase in (Pending,Running)",
                    handler: track("the Pending and Running workflows") { .lockCandidates(continueToken: token, $0, bytes: $1) })
            case .switchContext(let name):
                guard let switcher = contextSwitcher else {
                    events.post(.contextSwitched(name: name, .failure(ContextError("there is no kubeconfig: :ctx works in Kubernetes mode"))))
                    continue
                }
                switch switcher(name) {
                case .failure(let why):
                    events.post(.contextSwitched(name: name, .failure(why)))
                case .success(let next):
                    // Everything of the old connection ends; the model starts again on the new one.
                    listWatch?.cancel()
                    listWatch = nil
                    for handles in streams.values { for handle in handles.values { handle.cancel() } }
                    streams = [:]
                    awaitingFirst = [:]
                    let old = client
                    client = next.client
                    old.shutdown()
                    events.post(.contextSwitched(name: name, .success((server: next.label, namespace: next.client.settings.namespace))))
                }
            case .fetchNamespaces:
                client.listNamespaces(handler: track("the namespaces") { .namespaces($0, bytes: $1) })
            case .fetchLockWorkflow(let namespace, let name):
                client.getWorkflow(
                    namespace: namespace, name: name,
                    handler: track(name) { .lockWorkflow(namespace: namespace, name: name, $0, bytes: $1) })
            case .fetchChild(let namespace, let parent, let name):
                client.getWorkflow(
                    namespace: namespace, name: name,
                    handler: track(name) { .child(parent: parent, name: name, $0, bytes: $1) })
            case .fetchWorkflow(let namespace, let name):
                client.getWorkflow(
                    namespace: namespace, name: name,
                    handler: track(name) { .workflow(namespace: namespace, name: name, $0, bytes: $1) })
            case .streamLog(let id, let index, let namespace, let workflow, let pod, let container, let follow):
                inFlight += 1
                awaitingFirst[[id, index]] = !follow
                let queue = events
                let handle = client.streamPodLog(
                    namespace: namespace, name: workflow, podName: pod, container: container, follow: follow, tailLines: nil
                ) { event in
                    let update: LogStreamUpdate
                    switch event {
                    case .items(let entries, let bytes):
                        update = .lines(entries.map { LogLine(content: $0.content, timestamp: $0.timestamp, source: index) }, bytes: bytes)
                    case .keepAlive: update = .keepAlive
                    case .reconnecting(let error, _, let delay): update = .reconnecting("\(error); again in \(delay)s")
                    case .resumed: update = .resumed
                    case .ended: update = .ended
                    case .failed(let error): update = .failed(error)
                    }
                    queue.post(.logStream(view: id, source: index, update))
                }
                streams[id, default: [:]][index] = handle
            case .cancelLogStreams(let id):
                for (index, handle) in streams[id] ?? [:] {
                    handle.cancel()
                    if awaitingFirst.removeValue(forKey: [id, index]) != nil { inFlight -= 1 }
                }
                streams[id] = nil
            case .fetchArchivedLog(let id, let index, let namespace, let workflow, let nodeID):
                client.artifactText(
                    namespace: namespace, workflow: workflow, nodeID: nodeID, artifactName: "main-logs",
                    handler: track("the archived log") { .archivedLog(view: id, source: index, $0, bytes: $1) })
            case .saveLog(let fileName, let lines):
                let path = URL(fileURLWithPath: saveDirectory).appendingPathComponent(fileName).path
                let text = lines.joined(separator: "\n") + "\n"
                do {
                    try text.write(toFile: path, atomically: true, encoding: .utf8)
                    events.post(.logSaved(.success(path)))
                } catch {
                    events.post(.logSaved(.failure(LogSaveError("\(path): \(error.localizedDescription)"))))
                }
                inFlight += 1
            case .watchList(let namespace, let version, let generation):
                // A watch is background work: it never holds up idleness (the list it follows has arrived).
                listWatch?.cancel()
                let queue = events
                listWatch = client.watchWorkflows(
                    namespace: namespace, resourceVersion: version, fieldSelector: nil, fields: Endpoints.watchFields()
                ) { event in
                    let update: WatchUpdate
                    switch event {
                    case .items(let items, let bytes):
                        update = .changes(items.compactMap { item in
                            WorkflowChange.Kind(rawValue: item.type).map { WorkflowChange(kind: $0, workflow: item.object) }
                        }, bytes: bytes)
                    case .keepAlive: update = .keepAlive
                    case .reconnecting(let error, _, let delay): update = .reconnecting("\(error); again in \(delay)s")
                    case .resumed: update = .resumed
                    case .ended: update = .ended
                    case .failed(let error):
                        if case .http(410, _, _) = error { update = .tooOld } else { update = .failed(error) }
                    }
                    queue.post(.listWatch(generation: generation, update))
                }
            case .timer(let delay, let tag):
                let queue = events
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) { queue.post(.timer(tag)) }
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
    func track<T>(
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
            case .listPage, .workflow, .logTail, .archivedLog, .logSaved, .childCandidates, .child, .lockCandidates, .lockWorkflow, .namespaces:
                inFlight -= 1
            case .ops: inFlight -= 1
            case .listWatch, .timer, .contextSwitched: break
            case .logStream(let id, let index, let update):
                let final: Bool
                switch update {
                case .ended, .failed: final = true
                default: final = false
                }
                if let finite = awaitingFirst[[id, index]], final || !finite {
                    awaitingFirst[[id, index]] = nil
                    inFlight -= 1
                }
                if final { streams[id]?[index] = nil }
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

    public func shutdown() {
        listWatch?.cancel()
        for handles in streams.values { for handle in handles.values { handle.cancel() } }
        client.shutdown()
    }
}
