import ArgoAPI

/// The main views; their raw values are the names the headless state file uses.
public enum ViewKind: String, Sendable, Hashable {
    case workflows, workflow, help
}

/// Work the model asks its runtime to do. The model itself never does I/O.
public enum Effect: Equatable, Sendable {
    case fetchListPage(continueToken: String?)
    case fetchWorkflow(namespace: String, name: String)
    case quit
}

/// Results the runtime brings back.
public enum ModelEvent: Sendable {
    case listPage(continueToken: String?, Result<WorkflowList, APIError>, bytes: Int)
    case workflow(namespace: String, name: String, Result<Workflow, APIError>, bytes: Int)
    case retrying(what: String, APIError, attempt: Int, delay: Double)
    case resumed
}

/// The state of the connection as the top line shows it.
public enum ConnectionState: Equatable, Sendable {
    case connecting, connected, failed, retrying
}

/// A scrolling selection over `count` rows with `height` visible.
public struct Cursor: Equatable, Sendable {
    public var selected = 0
    public var top = 0

    public mutating func move(by delta: Int, count: Int, height: Int) {
        guard count > 0 else { selected = 0; top = 0; return }
        selected = max(0, min(count - 1, selected + delta))
        follow(count: count, height: height)
    }

    public mutating func follow(count: Int, height: Int) {
        let h = max(1, height)
        if selected < top { top = selected }
        if selected >= top + h { top = selected - h + 1 }
        top = max(0, min(top, max(0, count - h)))
    }
}

public struct WorkflowListState: Sendable {
    public var items: [Workflow] = []
    public var continueToken: String?
    /// True once the last page has arrived.
    public var complete = false
    public var loading = false
    public var loadedOnce = false
    public var cursor = Cursor()
    /// The bottom was asked for (`G`) before every page had arrived.
    var wantsBottom = false
}

public struct OpenWorkflowState: Sendable {
    public var namespace: String
    public var name: String
    public var workflow: Workflow?
    public var rows: [TreeRow] = []
    public var loading = true
    public var cursor = Cursor()
}

/// Everything on screen, as data. Keys and results go in; effects come out.
public final class AppModel {
    public let server: String
    public let namespace: String
    public var ascii: Bool
    public var insecure: Bool
    public var pageSize = 100
    /// Seconds since 1970 that ages and durations are measured against.
    public var now: Double
    public var cols = 80
    public var rows = 24

    public private(set) var views: [ViewKind] = [.workflows]
    public private(set) var list = WorkflowListState()
    public private(set) var open: OpenWorkflowState?
    public private(set) var connection = ConnectionState.connecting
    /// The latest error or notice in words, shown above the bottom line.
    public private(set) var error: String?
    /// What the error is about, so that a success elsewhere does not wipe it.
    private var errorSource: ErrorSource?
    enum ErrorSource { case list, workflow }
    public private(set) var notice: String?
    public private(set) var requests = 0
    public private(set) var bytesReceived = 0
    public private(set) var quitting = false
    /// `argotop NAME@latest`: open the newest workflow when the first page arrives.
    var openLatestWhenListed = false

    public init(server: String, namespace: String, now: Double, ascii: Bool = false, insecure: Bool = false) {
        self.server = server
        self.namespace = namespace
        self.now = now
        self.ascii = ascii
        self.insecure = insecure
    }

    public var view: ViewKind { views.last ?? .workflows }

    /// Rows available to the scrolling body: everything but the top line, the column header and the bottom line.
    public var listHeight: Int { max(1, rows - 4) }
    /// The tree view also spends two lines on the workflow's summary.
    public var treeHeight: Int { max(1, rows - 6) }

    /// What to do first: load the list; with a workflow argument, open it on top.
    public func start(workflow: (namespace: String?, name: String)?) -> [Effect] {
        var effects = requestListPage()
        if let workflow {
            if workflow.name == "@latest" {
                openLatestWhenListed = true
            } else {
                effects += openWorkflow(namespace: workflow.namespace ?? namespace, name: workflow.name)
            }
        }
        return effects
    }

    // MARK: Keys

    public func handle(_ key: Key) -> [Effect] {
        if case .resize(let c, let r) = key {
            resize(cols: c, rows: r)
            return []
        }
        guard let action = Keymap.action(for: key, in: view) else { return [] }
        notice = nil
        switch action {
        case .quit:
            quitting = true
            return [.quit]
        case .help:
            if view != .help { views.append(.help) }
            return []
        case .back:
            if views.count > 1 { views.removeLast() }
            if view == .workflows { open = nil }
            return []
        case .open:
            guard view == .workflows, list.items.indices.contains(list.cursor.selected) else { return [] }
            let wf = list.items[list.cursor.selected]
            return openWorkflow(namespace: wf.namespace.isEmpty ? namespace : wf.namespace, name: wf.name)
        case .up: return move(-1)
        case .down: return move(1)
        case .pageUp: return move(-pageStep)
        case .pageDown: return move(pageStep)
        case .top: return move(-Int.max / 2)
        case .bottom:
            if view == .workflows && !list.complete {
                list.wantsBottom = true
                return move(Int.max / 2) + requestListPage()
            }
            return move(Int.max / 2)
        }
    }

    var pageStep: Int { max(1, (view == .workflow ? treeHeight : listHeight) - 1) }

    func move(_ delta: Int) -> [Effect] {
        switch view {
        case .workflows:
            list.cursor.move(by: delta, count: list.items.count, height: listHeight)
            return maybeFetchMore()
        case .workflow:
            guard var state = open else { return [] }
            state.cursor.move(by: delta, count: state.rows.count, height: treeHeight)
            // The blank row before the exit handler is never selected.
            if state.rows.indices.contains(state.cursor.selected), state.rows[state.cursor.selected].nodeID == nil {
                state.cursor.move(by: delta < 0 ? -1 : 1, count: state.rows.count, height: treeHeight)
            }
            open = state
            return []
        case .help:
            return []
        }
    }

    func resize(cols: Int, rows: Int) {
        self.cols = max(1, cols)
        self.rows = max(1, rows)
        list.cursor.follow(count: list.items.count, height: listHeight)
        if var state = open {
            state.cursor.follow(count: state.rows.count, height: treeHeight)
            open = state
        }
    }

    /// Fetches the next page when the selection comes within a screen of the end of what is loaded.
    func maybeFetchMore() -> [Effect] {
        guard !list.complete, !list.loading, list.loadedOnce else { return [] }
        if list.cursor.selected + listHeight >= list.items.count { return requestListPage() }
        return []
    }

    func requestListPage() -> [Effect] {
        guard !list.loading, !list.complete else { return [] }
        list.loading = true
        requests += 1
        return [.fetchListPage(continueToken: list.continueToken)]
    }

    func openWorkflow(namespace: String, name: String) -> [Effect] {
        open = OpenWorkflowState(namespace: namespace, name: name)
        views = [.workflows, .workflow]
        requests += 1
        return [.fetchWorkflow(namespace: namespace, name: name)]
    }

    // MARK: Results

    public func handle(_ event: ModelEvent) -> [Effect] {
        switch event {
        case .retrying(let what, let failure, let attempt, let delay):
            connection = .retrying
            setError("\(failure); retrying \(what) in \(formatSeconds(delay)) (attempt \(attempt + 1))", what == "the list" ? .list : .workflow)
            return []
        case .resumed:
            requests += 1
            return []
        case .listPage(let token, let result, let bytes):
            bytesReceived += bytes
            guard token == list.continueToken else { return [] }
            list.loading = false
            switch result {
            case .failure(let failure):
                connection = .failed
                setError("could not list workflows: \(failure)", .list)
                return []
            case .success(let page):
                connection = .connected
                clearError(.list)
                list.loadedOnce = true
                let known = Set(list.items.map { $0.namespace + "/" + $0.name })
                list.items += (page.items ?? []).filter { !known.contains($0.namespace + "/" + $0.name) }
                let next = page.metadata?.continue ?? ""
                list.continueToken = next.isEmpty ? nil : next
                list.complete = next.isEmpty
                var effects: [Effect] = []
                if openLatestWhenListed {
                    openLatestWhenListed = false
                    if let newest = list.items.first {
                        effects += openWorkflow(namespace: newest.namespace.isEmpty ? namespace : newest.namespace, name: newest.name)
                    } else {
                        setError("no workflow to open: the namespace has none", .workflow)
                    }
                }
                if list.wantsBottom {
                    list.cursor.move(by: Int.max / 2, count: list.items.count, height: listHeight)
                    if list.complete { list.wantsBottom = false } else { effects += requestListPage() }
                } else {
                    effects += maybeFetchMore()
                }
                return effects
            }
        case .workflow(let ns, let name, let result, let bytes):
            bytesReceived += bytes
            guard var state = open, state.namespace == ns, state.name == name else { return [] }
            state.loading = false
            switch result {
            case .failure(let failure):
                if case .http(404, _, _) = failure {
                    connection = .connected
                    setError("workflow \(ns)/\(name) not found: it may have been deleted", .workflow)
                    open = nil
                    views = [.workflows]
                    return []
                }
                connection = failure.isRetryable ? .failed : .connected
                setError("could not open \(name): \(failure)", .workflow)
            case .success(let workflow):
                connection = .connected
                clearError(.workflow)
                state.workflow = workflow
                state.rows = TreeBuilder.rows(
                    workflowName: workflow.name, nodes: workflow.nodes, glyphs: ascii ? .ascii : .unicode)
                state.cursor.follow(count: state.rows.count, height: treeHeight)
            }
            open = state
            return []
        }
    }

    func setError(_ text: String, _ source: ErrorSource) {
        error = text
        errorSource = source
    }

    func clearError(_ source: ErrorSource) {
        if errorSource == source || errorSource == nil {
            error = nil
            errorSource = nil
        }
    }

    // MARK: Selection, for the headless state file and the detail lines

    public enum SelectionKind: String, Sendable { case workflow, node }

    public struct Selection: Equatable, Sendable {
        public var kind: SelectionKind
        public var name: String
        public var id: String?
        public var phase: String?
    }

    public var selection: Selection? {
        switch view {
        case .workflows:
            guard list.items.indices.contains(list.cursor.selected) else { return nil }
            let wf = list.items[list.cursor.selected]
            return Selection(kind: .workflow, name: wf.name, id: wf.metadata.uid, phase: wf.phase)
        case .workflow:
            guard let state = open, state.rows.indices.contains(state.cursor.selected),
                let id = state.rows[state.cursor.selected].nodeID, let node = state.workflow?.nodes[id]
            else { return nil }
            return Selection(kind: .node, name: node.shownName, id: node.id, phase: node.phase)
        case .help:
            return nil
        }
    }

    /// The workflow that is open, if any.
    public var openWorkflowName: String? { open?.name }
}

/// `0.5s`, `2s`.
func formatSeconds(_ seconds: Double) -> String {
    seconds < 1 ? "\(seconds)s" : "\(Int(seconds))s"
}
