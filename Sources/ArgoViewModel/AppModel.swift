import ArgoAPI

/// The main views; their raw values are the names the headless state file uses.
public enum ViewKind: String, Sendable, Hashable {
    case workflows, workflow, node, logs, help, semaphores, namespaces
    case cron, runs, templates, archive, lint
}

/// Work the model asks its runtime to do. The model itself never does I/O.
public enum Effect: Equatable, Sendable {
    case fetchListPage(continueToken: String?)
    case fetchWorkflow(namespace: String, name: String)
    /// A page of the workflows created after `createdAfter`, without nodes: candidates for `parent`'s children.
    case fetchChildCandidates(namespace: String, parent: String, createdAfter: String, continueToken: String?)
    /// A child workflow of the open `parent`, whole, to draw its tree under the step that created it.
    case fetchChild(namespace: String, parent: String, name: String)
    /// `:ctx NAME`: connect to another kubeconfig context (the runtime replaces its client).
    case switchContext(String)
    /// `:ns`: the namespaces that have workflows (a light list of every namespace: names only).
    case fetchNamespaces
    /// `:sem`: a page of the namespace's Pending and Running workflows, without nodes.
    case fetchLockCandidates(namespace: String, continueToken: String?)
    /// `:sem`: a running workflow whose own steps wait on a lock (template level), read whole for its queue.
    case fetchLockWorkflow(namespace: String, name: String)
    /// The last lines of a pod's `main` log, for the failure pane.
    case fetchLogTail(namespace: String, workflow: String, podName: String, lines: Int)
    /// A log stream for source `source` of log view `view` (whole log; followed while the step runs).
    case streamLog(view: Int, source: Int, namespace: String, workflow: String, podName: String, container: String, follow: Bool)
    case cancelLogStreams(view: Int)
    case fetchArchivedLog(view: Int, source: Int, namespace: String, workflow: String, nodeID: String)
    /// Writes lines to a file of that name (the runtime picks the folder and reports the path).
    case saveLog(fileName: String, lines: [String])
    /// Watch the namespace's workflows from a version, without their nodes.
    case watchList(namespace: String, resourceVersion: String?, generation: Int)
    /// Post `.timer(tag)` after a delay.
    case timer(after: Double, tag: String)
    /// `:cron`, `:tmpl`, `:archive` and the actions (AppModel+Cron.swift).
    case ops(OpsEffect)
    case quit
}

/// Results the runtime brings back.
public enum ModelEvent: Sendable {
    case listPage(continueToken: String?, Result<WorkflowList, APIError>, bytes: Int)
    case workflow(namespace: String, name: String, Result<Workflow, APIError>, bytes: Int)
    case childCandidates(parent: String, continueToken: String?, Result<WorkflowList, APIError>, bytes: Int)
    case child(parent: String, name: String, Result<Workflow, APIError>, bytes: Int)
    case lockCandidates(continueToken: String?, Result<WorkflowList, APIError>, bytes: Int)
    case namespaces(Result<[String], APIError>, bytes: Int)
    /// The runtime connected to another context (its server label and namespace), or why it did not.
    case contextSwitched(name: String, Result<(server: String, namespace: String), ContextError>)
    case lockWorkflow(namespace: String, name: String, Result<Workflow, APIError>, bytes: Int)
    case logTail(namespace: String, workflow: String, podName: String, Result<[String], APIError>, bytes: Int)
    case logStream(view: Int, source: Int, LogStreamUpdate)
    case archivedLog(view: Int, source: Int, Result<[String], APIError>, bytes: Int)
    /// The path written, or why not.
    case logSaved(Result<String, LogSaveError>)
    case listWatch(generation: Int, WatchUpdate)
    case timer(String)
    case retrying(what: String, APIError, attempt: Int, delay: Double)
    case resumed
    case ops(OpsEvent)
}

public struct LogSaveError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
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
    /// Every workflow listed so far, newest first.
    public var all: [Workflow] = []
    /// The rows shown: `all`, less the children folded under their parent when `groupChildren` is on.
    public internal(set) var items: [Workflow] = []
    /// `c`: children (by `ownerReferences`) fold under their parent's row.
    public var groupChildren = true
    /// For a parent row: its children folded under it, by phase, and how many wait on a lock.
    public internal(set) var childTallies: [String: ChildCounts] = [:]
    public internal(set) var hiddenChildren = 0
    public var continueToken: String?
    /// True once the last page has arrived.
    public var complete = false
    public var loading = false
    public var loadedOnce = false
    public var cursor = Cursor()
    /// The bottom was asked for (`G`) before every page had arrived.
    var wantsBottom = false
    /// After listing again: the workflow to select when it comes back.
    var reselect: String?
}

/// The list's watch.
public struct ListWatchState: Sendable {
    public var active = false
    /// Tells the events of the current watch from those of one that was replaced.
    public var generation = 0
    public var events = 0
    /// The connection broke and is being re-established; what is on screen may be behind.
    public var lost = false
}

public struct OpenWorkflowState: Sendable {
    public var namespace: String
    public var name: String
    public var workflow: Workflow?
    public var tree: NodeTree?
    /// What the user folded and unfolded; keyed by node ids, so it survives a refresh.
    public var folding = FoldState()
    public var rows: [TreeRow] = [] {
        // The status line shows this on every frame: counted once a change, not once a frame.
        didSet { shownRows = rows.count { $0.item != .blank } }
    }
    /// The rows that draw a step, a group or a child (every row but the blank one before the exit handler).
    public private(set) var shownRows = 0
    var rowOfEntry: [Int: Int] = [:]
    public var loading = true
    public var cursor = Cursor()
    /// `o`: a column of each step's output parameters.
    public var showOutputs = false
    public var searchQuery: String?
    public var matches: [Int] = []
    /// Log tails of failed steps, by pod name, fetched when such a step is selected.
    public var logTails: [String: LogTail] = [:]
    /// Changes of this workflow the watch brought (each carries the summary, not the nodes).
    public var changesSeen = 0
    /// A read of the nodes is under way.
    public var reading = true
    /// The nodes were read recently; another read waits for the cool-down to end.
    public var coolingDown = false
    /// The phase or progress moved since the nodes were read: they are behind.
    public var stale = false
    /// When the nodes were last read (the model's clock).
    public var readAt: Double?
    /// Child workflows: the candidates, the links found, the unfolded ones.
    public var children = ChildrenState()
    /// The workflows above this one when it was opened from its parent (`Enter` on a child), outermost first.
    public var breadcrumb: [String] = []
    /// A node to select once the workflow has been read (opened from `:sem` at one of its steps).
    public var selectOnLoad: String?
    /// Opened from the archive (read-only): its uid there.
    public var archivedUID: String?
    /// Widest step cell (prefix, icon, name, fold hint) and template among the rows, computed when rows change.
    public var stepWidth = 4
    public var templateWidth = 8
    /// `t`: the rows as a timeline, zoomed and panned.
    public var timeline = TimelineState()

    /// The entry the selected row shows, or -1.
    public var selectedEntry: Int {
        rows.indices.contains(cursor.selected) ? rows[cursor.selected].entry : -1
    }
}

public struct LogTail: Equatable, Sendable {
    public var lines: [String] = []
    public var loading = true
    public var error: String?
}

/// The details screen of one step.
public struct NodeDetailState: Sendable {
    public var nodeID: String
    public var jsonOpen: [String: Bool] = [:]
    public var lines: [DetailLine] = []
    public var cursor = Cursor()
}

/// Everything on screen, as data. Keys and results go in; effects come out.
public final class AppModel {
    /// What the top line calls the server; `:ctx` changes it.
    public internal(set) var server: String
    /// The namespace browsed; empty means every namespace (`-A`). `:ns` changes it.
    public internal(set) var namespace: String
    public var ascii: Bool
    public var insecure: Bool
    public var pageSize = 100
    /// Seconds since 1970 that ages and durations are measured against.
    public var now: Double
    public var cols = 80
    public var rows = 24

    public internal(set) var views: [ViewKind] = [.workflows]
    public internal(set) var list = WorkflowListState()
    public internal(set) var open: OpenWorkflowState?
    public internal(set) var details: NodeDetailState?
    /// The first binding the help screen shows (it scrolls on short terminals).
    public internal(set) var helpTop = 0
    /// The search being typed after `/`, if any.
    public internal(set) var prompt: String?
    /// What the prompt is for: `/` search or `:` command.
    public internal(set) var promptKind = PromptKind.search
    /// Log lines a failure pane asks for.
    public var logTailLines = 20
    public internal(set) var listWatch = ListWatchState()
    /// The log view, when open.
    public internal(set) var logs: LogViewState?
    var nextLogViewID = 0
    /// Lines a log view keeps (the newest); older ones are dropped, and the view says so.
    public var maxLogLines = 200_000
    public internal(set) var connection = ConnectionState.connecting
    /// The latest error or notice in words, shown above the bottom line.
    public internal(set) var error: String?
    /// What the error is about, so that a success elsewhere does not wipe it.
    var errorSource: ErrorSource?
    enum ErrorSource { case list, workflow, watch }
    /// The list's `/` filter, when one is applied (it stays across namespaces).
    public internal(set) var listQuery: ListQuery?
    /// The list could not be read and nothing of it has been shown yet.
    public var listFailedBeforeFirstPage: Bool { errorSource == .list && !list.loadedOnce }
    public internal(set) var notice: String?
    public internal(set) var requests = 0
    public internal(set) var bytesReceived = 0
    public internal(set) var quitting = false
    /// `argotop NAME@latest`: open the newest workflow when the first page arrives.
    var openLatestWhenListed = false
    /// Every lock seen (semaphores and mutexes), with holders and queues: built when first asked for after the
    /// list or the open workflow changed (`refreshLocks` marks it stale), not on every watch event.
    public var lockBook: LockBook {
        if let cachedLockBook { return cachedLockBook }
        let book = buildLockBook()
        cachedLockBook = book
        return book
    }
    var cachedLockBook: LockBook?
    /// `:sem`: the locks view.
    public internal(set) var locksView = LocksViewState()
    /// `:ns`: the namespace picker.
    public internal(set) var namespacePicker = NamespacePickerState()
    /// The open workflow's nodes are read again at most once per `refreshBaseSeconds` + `refreshSecondsPerMB`
    /// per MB of the object (the config file's `refresh`).
    public var refreshBaseSeconds: Double = 2
    public var refreshSecondsPerMB: Double = 3
    /// The kubeconfig's contexts (for `:ctx`) and the one in use; empty outside Kubernetes mode.
    public var contexts: [String] = []
    public var context: String?
    /// Workflows left for a child opened from them (`Enter` on a child), to come back to with Esc.
    public internal(set) var openStack: [OpenWorkflowState] = []
    /// `r` asked for the children to be looked for again too.
    var refreshingChildren = false
    /// `--readonly`: no action keys.
    public var readonly = false
    /// `:cron`, `:tmpl`, `:archive`, `:lint`, and an action waiting for `y`.
    public internal(set) var ops = OpsState()

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
    /// The tree view spends lines on the workflow's header, the column titles and the failure pane.
    public var treeHeight: Int { max(1, rows - 4 - headerLines - paneHeight) }
    /// The workflow's header: name and facts, its message, and a line of labels and outputs when it has any.
    /// On short terminals only the name line stays, so that the tree keeps some rows.
    public var headerLines: Int { rows < 14 ? 1 : (headerFacts.isEmpty && openFlags.isEmpty ? 2 : 3) }
    /// The pane under the tree that explains the selected step; shown when the workflow has failed steps.
    public var paneHeight: Int {
        guard let tree = open?.tree, !tree.failedSteps.isEmpty || tree.queued > 0, rows >= 18 else { return 0 }
        return rows >= 40 ? 10 : rows >= 30 ? 8 : 6
    }
    /// Lines of the details screen below its title.
    public var detailHeight: Int { max(1, rows - 4) }
    /// Columns for a value on the details screen; longer values wrap onto more lines.
    public var detailValueWidth: Int { max(20, cols - NodeDetails.valueColumn - 1) }

    /// How many failed steps the open workflow has (the top line shows it).
    public var failedCount: Int { open?.tree?.failedSteps.count ?? 0 }

    /// Labels that say where a workflow came from, and its own outputs, as `key value` pairs.
    public var workflowFacts: [(String, String)] {
        guard let wf = open?.workflow else { return [] }
        var facts: [(String, String)] = []
        let labels = wf.metadata.labels ?? [:]
        if let template = labels["workflows.argoproj.io/workflow-template"] { facts.append(("template", template)) }
        if let template = labels["workflows.argoproj.io/cluster-workflow-template"] { facts.append(("cluster template", template)) }
        if let cron = labels["workflows.argoproj.io/cron-workflow"] { facts.append(("cron", cron)) }
        if let from = labels["workflows.argoproj.io/resubmitted-from-workflow"] { facts.append(("resubmitted from", from)) }
        for parameter in wf.status?.outputs?.parameters ?? [] { facts.append((parameter.name, parameter.value ?? "")) }
        return facts
    }

    /// What to do first: load the list; with a workflow argument, open it on top.
    public func start(workflow: (namespace: String?, name: String)?) -> [Effect] {
        // `NS/WF` (pasted from an alert): the list behind it is that namespace's (unless every namespace is browsed).
        if let ns = workflow?.namespace, !ns.isEmpty, !namespace.isEmpty { namespace = ns }
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
        if prompt != nil { return typeIntoPrompt(key) }
        if ops.confirm != nil { return answerConfirmation(key) }
        guard let action = Keymap.action(for: key, in: view, mode: treeMode) else { return [] }
        notice = nil
        let effects = perform(action)
        return effects + (view == .workflow ? logTailForSelection() : [])
    }

    func perform(_ action: Action) -> [Effect] {
        switch action {
        case .quit:
            quitting = true
            return [.quit]
        case .help:
            if view != .help { views.append(.help) }
            helpTop = 0
            return []
        case .back:
            if view == .workflows && listQuery != nil { return applyListFilter("") }
            var effects: [Effect] = []
            if view == .logs { effects += closeLogs() }
            if closeChild() || closeLocksLevel() { return effects }
            if views.count > 1 { views.removeLast() }
            if view == .workflows {
                open = nil
                openStack = []
            }
            if view != .node && view != .logs { details = nil }
            return effects
        case .logs: return openLogsOfSelection()
        case .failedLogs: return openFailedLogs()
        case .follow, .wrap, .timestamps, .onlyMatches: return toggleLogOption(action)
        case .save: return saveLogs()
        case .container: return nextContainer()
        case .archived: return readArchivedLog()
        case .groupChildren: return toggleChildGrouping()
        case .lanes, .whyLate, .timeline, .zoomIn, .zoomOut, .panLeft, .panRight: return performDag(action)
        case .retry, .resubmit, .stop, .terminate, .suspendResume: return requestAction(action)
        case .open:
            if [.cron, .runs, .templates, .archive, .lint].contains(view) { return openInOps() }
            if view == .workflow { return openSelectedRow() }
            if view == .semaphores { return openInLocks() }
            if view == .namespaces { return pickNamespace() }
            guard view == .workflows, list.items.indices.contains(list.cursor.selected) else { return [] }
            let wf = list.items[list.cursor.selected]
            if Hygiene.isArchived(wf) { return openListed(wf) }
            return openWorkflow(namespace: wf.namespace.isEmpty ? namespace : wf.namespace, name: wf.name)
        case .fold: return view == .node ? toggleJSON(nil) : toggleFold()
        case .foldClose: return view == .node ? toggleJSON(false) : foldOrGoToParent()
        case .foldOpen: return view == .node ? toggleJSON(true) : unfoldSelected()
        case .nextFailed: return jumpToFailed(forward: true)
        case .previousFailed: return jumpToFailed(forward: false)
        case .search:
            if view == .workflows { return openListFilter() }
            prompt = ""
            promptKind = .search
            return []
        case .command:
            prompt = ""
            promptKind = .command
            return []
        case .nextMatch: return view == .logs ? jumpToLogMatch(forward: true) : jumpToMatch(forward: true)
        case .previousMatch: return view == .logs ? jumpToLogMatch(forward: false) : jumpToMatch(forward: false)
        case .outputs:
            guard var state = open else { return [] }
            state.showOutputs.toggle()
            open = state
            notice = state.showOutputs ? "outputs column on: each step's output parameters" : "outputs column off"
            return []
        case .refresh:
            if let effects = refreshArchived() { return effects }
            guard var state = open else { return [] }
            state.reading = true
            state.stale = false
            open = state
            requests += 1
            notice = "reading \(state.name) again…"
            refreshingChildren = true
            state.children.loaded = [:]
            open = state
            return [.fetchWorkflow(namespace: state.namespace, name: state.name)]
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

    var pageStep: Int {
        switch view {
        case .workflow: return max(1, treeHeight - 1)
        case .logs: return max(1, logHeight - 1)
        case .node: return max(1, detailHeight - 1)
        default: return max(1, listHeight - 1)
        }
    }

    func move(_ delta: Int) -> [Effect] {
        switch view {
        case .workflows:
            list.cursor.move(by: delta, count: list.items.count, height: listHeight)
            return maybeFetchMore()
        case .workflow:
            guard var state = open else { return [] }
            state.cursor.move(by: delta, count: state.rows.count, height: treeHeight)
            // The blank row before the exit handler is never selected.
            if state.rows.indices.contains(state.cursor.selected), state.rows[state.cursor.selected].item == .blank {
                state.cursor.move(by: delta < 0 ? -1 : 1, count: state.rows.count, height: treeHeight)
            }
            open = state
            return []
        case .node:
            guard var state = details else { return [] }
            state.cursor.move(by: delta, count: state.lines.count, height: detailHeight)
            details = state
            return []
        case .logs:
            return scrollLogs(delta)
        case .namespaces:
            namespacePicker.cursor.move(by: delta, count: namespacePicker.choices.count, height: listHeight)
            return []
        case .semaphores:
            if locksView.openLock != nil {
                locksView.detailCursor.move(by: delta, count: lockDetailRows.count, height: listHeight - 1)
            } else {
                locksView.cursor.move(by: delta, count: lockBook.locks.count, height: listHeight)
            }
            return []
        case .help:
            helpTop = max(0, min(helpTop + delta, Keymap.bindings.count - max(1, rows - 5)))
            return []
        case .cron, .runs, .templates, .archive, .lint:
            return moveInOps(delta)
        }
    }

    func resize(cols: Int, rows: Int) {
        self.cols = max(1, cols)
        self.rows = max(1, rows)
        // The lanes a DAG shows depend on the width.
        if let state = open, !state.folding.lanes.isEmpty { rebuildRows(keeping: state.selectedEntry >= 0 ? state.selectedEntry : nil) }
        list.cursor.follow(count: list.items.count, height: listHeight)
        if var state = open {
            state.cursor.follow(count: state.rows.count, height: treeHeight)
            open = state
        }
        if var state = details {
            if let workflow = workflow(ofNode: state.nodeID), let node = workflow.nodes[state.nodeID] {
                state.lines = NodeDetails.lines(node: node, workflow: workflow, now: now, jsonOpen: state.jsonOpen, width: detailValueWidth)
            }
            state.cursor.follow(count: state.lines.count, height: detailHeight)
            details = state
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
        openStack = []
        details = nil
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
        case .ops(let event):
            return handle(ops: event)
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
                let firstPage = !list.loadedOnce
                list.loadedOnce = true
                let known = Set(list.all.map { $0.namespace + "/" + $0.name })
                list.all += (page.items ?? []).filter { !known.contains($0.namespace + "/" + $0.name) }
                regroupList()
                let next = page.metadata?.continue ?? ""
                list.continueToken = next.isEmpty ? nil : next
                list.complete = next.isEmpty
                var effects: [Effect] = []
                if let name = list.reselect, let index = list.items.firstIndex(where: { $0.name == name }) {
                    list.cursor.selected = index
                    list.cursor.follow(count: list.items.count, height: listHeight)
                    list.reselect = nil
                }
                if firstPage { effects += startListWatch(resourceVersion: page.metadata?.resourceVersion) }
                if openLatestWhenListed {
                    openLatestWhenListed = false
                    if let newest = list.all.first {
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
            state.reading = false
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
                if notice?.hasPrefix("reading ") == true { notice = nil }
                // Keep the selection on the same node across a refresh; folds are kept by key.
                let firstRead = state.workflow == nil
                state.workflow = workflow
                noteWorkflowRead(workflow, bytes: bytes)
                open = state
                relinkChildren(always: true)
                if let id = open?.selectOnLoad, let entry = open?.tree?.entry(ofNode: id) {
                    open?.selectOnLoad = nil
                    select(entry: entry)
                }
                var childEffects: [Effect] = []
                if firstRead || refreshingChildren {
                    refreshingChildren = false
                    childEffects = queryChildren()
                }
                if var shown = details {
                    if let owner = self.workflow(ofNode: shown.nodeID), let node = owner.nodes[shown.nodeID] {
                        shown.lines = NodeDetails.lines(node: node, workflow: owner, now: now, jsonOpen: shown.jsonOpen, width: detailValueWidth)
                        shown.cursor.follow(count: shown.lines.count, height: detailHeight)
                        details = shown
                    }
                }
                return logTailForSelection() + startCoolDown(bytes: bytes) + childEffects
            }
            open = state
            return []
        case .contextSwitched(let name, let result):
            switch result {
            case .failure(let why):
                notice = "could not switch to context \(name): \(why.message)"
                return []
            case .success(let next):
                server = next.server
                context = name
                let effects = switchNamespace(next.namespace)
                notice = "context \(name)" + (next.namespace.isEmpty ? ", every namespace" : ", namespace \(next.namespace)")
                return effects
            }
        case .namespaces(let result, let bytes):
            return handleNamespaces(result, bytes: bytes)
        case .lockCandidates(let token, let result, let bytes):
            return handleLockCandidates(token: token, result, bytes: bytes)
        case .lockWorkflow(let ns, let name, let result, let bytes):
            bytesReceived += bytes
            if case .success(let wf) = result {
                locksView.nodes[WorkflowRef(namespace: ns, name: name)] = wf.nodes
                refreshLocks()
            }
            return []
        case .childCandidates(let parent, let token, let result, let bytes):
            return handleChildCandidates(parent: parent, token: token, result, bytes: bytes)
        case .child(let parent, let name, let result, let bytes):
            return handleChild(parent: parent, name: name, result, bytes: bytes)
        case .logStream(let id, let index, let update):
            return handleLogStream(view: id, source: index, update)
        case .listWatch(let generation, let update):
            return handleListWatch(generation: generation, update)
        case .timer(let tag):
            return handleTimer(tag)
        case .archivedLog(let id, let index, let result, let bytes):
            return handleArchivedLog(view: id, source: index, result, bytes: bytes)
        case .logSaved(let result):
            switch result {
            case .success(let path): notice = "saved the log to \(path)"
            case .failure(let failure): notice = "could not save the log: \(failure.message)"
            }
            return []
        case .logTail(let ns, let name, let pod, let result, let bytes):
            bytesReceived += bytes
            guard var state = open, state.namespace == ns, state.name == name || state.children.loaded[name] != nil else { return [] }
            var tail = LogTail()
            tail.loading = false
            switch result {
            case .success(let lines): tail.lines = lines
            case .failure(let failure): tail.error = "\(failure)"
            }
            state.logTails[pod] = tail
            open = state
            return []
        }
    }

    // MARK: The tree: rows, folding, failed steps, search

    /// Draws the rows again for the fold state, keeping the selection on `entry` (or its nearest drawn ancestor).
    func rebuildRows(keeping entry: Int?) {
        guard var state = open, let tree = state.tree else { return }
        state.rows = tree.rows(folding: state.folding, glyphs: ascii ? .ascii : .unicode, laneLimit: laneLimit)
        var map: [Int: Int] = [:]
        map.reserveCapacity(state.rows.count)
        var stepWidth = 4
        var templateWidth = 8
        for (index, row) in state.rows.enumerated() where row.entry >= 0 {
            map[row.entry] = index
            // Lengths only: a node's come from the tree's columns (no node is read for them but those with a
            // templateRef).
            let name: Int
            var template = 0
            switch row.item {
            case .node(let id):
                let lengths = tree.labelLengths(at: row.entry)
                name = lengths?.name ?? 0
                template = lengths.map { $0.template ?? tree.nodes[id].map(AppModel.templateLabel)?.count ?? 0 } ?? 0
            case .group(let g):
                name = tree.groups[g].name.count
                template = tree.groups[g].template.count
            case .child(let child):
                name = child.count
                template = tree.childRefs[child].map(AppModel.childTemplateLabel)?.count ?? 0
            case .blank:
                continue
            }
            let hint = row.folded ? (row.hiddenRows > 0 ? 3 + String(row.hiddenRows).count + 1 : 4) : 0
            stepWidth = max(stepWidth, row.prefix.count + 2 + name + hint)
            templateWidth = max(templateWidth, template)
        }
        state.stepWidth = stepWidth
        state.templateWidth = templateWidth
        state.rowOfEntry = map
        var target = entry
        while let e = target, map[e] == nil { target = tree.entries[e].parent }
        if let e = target, let row = map[e] {
            state.cursor.selected = row
        } else {
            state.cursor.selected = min(state.cursor.selected, max(0, state.rows.count - 1))
        }
        state.cursor.follow(count: state.rows.count, height: treeHeight)
        open = state
    }

    /// The template column of a child workflow's row: the template it came from, and how it is linked.
    public static func childTemplateLabel(_ ref: ChildRef) -> String {
        let template = ref.summary.metadata.labels?["workflows.argoproj.io/workflow-template"]
        let link = ref.link == .inferred ? " (inferred)" : ""
        return (template ?? "workflow") + link
    }

    /// `ref/template` for templates from a WorkflowTemplate, else the template's name.
    public static func templateLabel(_ node: NodeStatus) -> String {
        if let ref = node.templateRef, let name = ref.name, let template = ref.template { return name + "/" + template }
        return node.templateName ?? ""
    }

    func setFold(_ entry: Int, open isOpen: Bool) -> [Effect] {
        guard var state = open, let tree = state.tree, tree.canFold(entry) else { return [] }
        if isOpen, case .child(let name) = tree.entries[entry].kind, !tree.loadedChildren.contains(name) {
            return unfoldChild(name)
        }
        state.folding.open[tree.entries[entry].key] = isOpen
        open = state
        rebuildRows(keeping: entry)
        return []
    }

    func toggleFold() -> [Effect] {
        guard let state = open, let tree = state.tree, state.selectedEntry >= 0 else { return [] }
        let e = state.selectedEntry
        if !tree.canFold(e) {
            notice = "nothing to fold here"
            return []
        }
        return setFold(e, open: !tree.isOpen(e, in: state.folding))
    }

    func foldOrGoToParent() -> [Effect] {
        guard var state = open, let tree = state.tree, state.selectedEntry >= 0 else { return [] }
        let e = state.selectedEntry
        if tree.canFold(e) && tree.isOpen(e, in: state.folding) {
            return setFold(e, open: false)
        } else if let parent = tree.ancestors(of: e).last, let row = state.rowOfEntry[parent] {
            state.cursor.selected = row
            state.cursor.follow(count: state.rows.count, height: treeHeight)
            open = state
        }
        return []
    }

    func unfoldSelected() -> [Effect] {
        guard let state = open, let tree = state.tree, state.selectedEntry >= 0 else { return [] }
        let e = state.selectedEntry
        if tree.canFold(e) && !tree.isOpen(e, in: state.folding) { return setFold(e, open: true) }
        return []
    }

    /// Enter on a tree row: a group folds or unfolds; a step opens its details.
    func openSelectedRow() -> [Effect] {
        guard let state = open, let tree = state.tree, state.selectedEntry >= 0 else { return [] }
        let e = state.selectedEntry
        if case .child(let name) = tree.entries[e].kind { return openChild(name) }
        guard case .node(let id) = tree.entries[e].kind, let node = tree.nodes[id], let workflow = workflow(ofNode: id)
        else { return toggleFold() }
        var shown = NodeDetailState(nodeID: id)
        shown.lines = NodeDetails.lines(node: node, workflow: workflow, now: now, jsonOpen: [:], width: detailValueWidth)
        shown.cursor.selected = shown.lines.firstIndex { $0.kind != .section } ?? 0
        details = shown
        views.append(.node)
        return []
    }

    /// Space/Left/Right on a JSON value in the details: `nil` toggles.
    func toggleJSON(_ wantOpen: Bool?) -> [Effect] {
        guard var shown = details, shown.lines.indices.contains(shown.cursor.selected),
            let workflow = workflow(ofNode: shown.nodeID), let node = workflow.nodes[shown.nodeID]
        else { return [] }
        // Inside an unfolded value, act on the value's own line.
        var at = shown.cursor.selected
        while at > 0, shown.lines[at].kind == .jsonLine { at -= 1 }
        let line = shown.lines[at]
        guard case .json(let folded, _) = line.kind, let key = line.foldKey else {
            notice = "Space folds a JSON value; this line has none"
            return []
        }
        let isOpen = wantOpen ?? folded
        shown.jsonOpen[key] = isOpen
        shown.lines = NodeDetails.lines(node: node, workflow: workflow, now: now, jsonOpen: shown.jsonOpen, width: detailValueWidth)
        shown.cursor.selected = at
        shown.cursor.follow(count: shown.lines.count, height: detailHeight)
        details = shown
        return []
    }

    /// Selects `entry`, unfolding what hides it and scrolling so that as many of its ancestors as fit stay in view.
    func select(entry: Int) {
        guard var state = open, let tree = state.tree else { return }
        tree.reveal(entry, in: &state.folding)
        open = state
        rebuildRows(keeping: entry)
        guard var shown = open, let row = shown.rowOfEntry[entry] else { return }
        let height = treeHeight
        shown.cursor.selected = row
        // Rebuilding scrolled just far enough to show the row. When the row sits low on the screen or its
        // parent is above it, scroll so that it lands in the upper part with as many of its ancestors as fit.
        let parentRow = tree.ancestors(of: entry).last.flatMap { shown.rowOfEntry[$0] } ?? row
        if parentRow < shown.cursor.top || row - shown.cursor.top > height * 2 / 3 {
            var top = max(0, row - height / 3)
            for ancestor in tree.ancestors(of: entry) {
                if let r = shown.rowOfEntry[ancestor], row - r <= height * 2 / 3 {
                    top = min(top, r)
                    break
                }
            }
            shown.cursor.top = top
        }
        shown.cursor.follow(count: shown.rows.count, height: height)
        open = shown
    }

    /// The next (or previous) of `targets` after the selection, wrapping around; entries are in tree order.
    func step(through targets: [Int], forward: Bool) -> (entry: Int, wrapped: Bool)? {
        guard let state = open, !targets.isEmpty else { return nil }
        // DAGs drawn with lanes put their tasks in dependency order: step in the order rows are drawn.
        let (targets, position) = inDrawnOrder(targets)
        let current = state.selectedEntry >= 0 ? position(state.selectedEntry) : -1
        if forward {
            if let next = targets.first(where: { position($0) > current }) { return (next, false) }
            return (targets[0], current >= 0)
        }
        if let previous = targets.last(where: { position($0) < current }) { return (previous, false) }
        return (targets[targets.count - 1], true)
    }

    func jumpToFailed(forward: Bool) -> [Effect] {
        guard let tree = open?.tree else { return [] }
        guard let (entry, wrapped) = step(through: tree.failedSteps, forward: forward) else {
            notice = "no failed steps in this workflow"
            return []
        }
        select(entry: entry)
        let position = (tree.failedSteps.firstIndex(of: entry) ?? 0) + 1
        var text = "failed step \(position) of \(tree.failedSteps.count)"
        if wrapped { text += forward ? " (wrapped to the first)" : " (wrapped to the last)" }
        notice = text
        return []
    }

    func jumpToMatch(forward: Bool) -> [Effect] {
        guard let state = open, let query = state.searchQuery else {
            notice = "no search yet: / to search"
            return []
        }
        guard let (entry, wrapped) = step(through: state.matches, forward: forward) else {
            notice = "no step matches “\(query)”"
            return []
        }
        select(entry: entry)
        let position = (state.matches.firstIndex(of: entry) ?? 0) + 1
        notice = "match \(position) of \(state.matches.count) for “\(query)”" + (wrapped ? " (wrapped)" : "") + "  n/N: next/previous"
        return []
    }

    /// Keys while the search prompt is open: text edits it, Enter searches, Esc cancels.
    func typeIntoPrompt(_ key: Key) -> [Effect] {
        guard var text = prompt else { return [] }
        switch key {
        case .char(let c): text.append(c)
        case .space: text.append(" ")
        case .backspace:
            if text.isEmpty { prompt = nil; return [] }
            text.removeLast()
        case .esc, .ctrlC:
            prompt = nil
            return []
        case .enter:
            prompt = nil
            if promptKind == .command { return runCommand(text.trimmingCharacters(in: .whitespaces)) }
            if promptKind == .filter { return applyListFilter(text) }
            if view == .logs { return text.isEmpty ? [] : searchLogs(text) }
            guard var state = open, let tree = state.tree, !text.isEmpty else { return [] }
            state.searchQuery = text
            state.matches = tree.matches(text)
            open = state
            // Search from the selected row on, so that it finds the selection itself too.
            if let current = Optional(state.selectedEntry), current >= 0, state.matches.contains(current) {
                notice = "match \((state.matches.firstIndex(of: current) ?? 0) + 1) of \(state.matches.count) for “\(text)”  n/N: next/previous"
                return []
            }
            return jumpToMatch(forward: true) + logTailForSelection()
        default:
            return []
        }
        prompt = text
        return []
    }

    /// Asks for the log tail of the selected step when it failed and its tail is not known yet.
    func logTailForSelection() -> [Effect] {
        guard var state = open, let tree = state.tree, state.selectedEntry >= 0,
            let node = tree.node(at: state.selectedEntry), NodeTree.isFailure(node.phase),
            let workflow = workflow(ofNode: node.id), let pod = workflow.podName(of: node), state.logTails[pod] == nil
        else { return [] }
        state.logTails[pod] = LogTail()
        open = state
        requests += 1
        return [.fetchLogTail(namespace: state.namespace, workflow: workflow.name, podName: pod, lines: logTailLines)]
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

    public enum SelectionKind: String, Sendable { case workflow, node, group, child, lock, holder, waiter, namespace, cron, template, flag }

    public struct Selection: Equatable, Sendable {
        public var kind: SelectionKind
        public var name: String
        public var id: String?
        public var phase: String?
    }

    public var selection: Selection? {
        switch view {
        case .semaphores:
            return lockSelection
        case .namespaces:
            guard namespacePicker.choices.indices.contains(namespacePicker.cursor.selected) else { return nil }
            return Selection(kind: .namespace, name: namespacePicker.choices[namespacePicker.cursor.selected], id: nil, phase: nil)
        case .workflows:
            guard list.items.indices.contains(list.cursor.selected) else { return nil }
            let wf = list.items[list.cursor.selected]
            return Selection(kind: .workflow, name: wf.name, id: wf.metadata.uid, phase: wf.phase)
        case .workflow:
            guard let state = open, let tree = state.tree, state.rows.indices.contains(state.cursor.selected) else { return nil }
            switch state.rows[state.cursor.selected].item {
            case .node(let id):
                guard let node = tree.nodes[id] else { return nil }
                return Selection(kind: .node, name: node.shownName, id: node.id, phase: node.phase)
            case .group(let g):
                return Selection(kind: .group, name: tree.groups[g].name, id: nil, phase: tree.groups[g].phase)
            case .child(let name):
                return Selection(kind: .child, name: name, id: tree.childRefs[name]?.summary.metadata.uid, phase: tree.childRefs[name]?.summary.phase)
            case .blank:
                return nil
            }
        case .node:
            guard let shown = details, let node = open?.tree?.nodes[shown.nodeID] else { return nil }
            return Selection(kind: .node, name: node.shownName, id: node.id, phase: node.phase)
        case .logs:
            guard let state = logs, state.sources.count == 1, let source = state.sources.first,
                let node = open?.tree?.nodes[source.nodeID]
            else { return nil }
            return Selection(kind: .node, name: node.shownName, id: node.id, phase: node.phase)
        case .help:
            return nil
        case .cron, .runs, .templates, .archive, .lint:
            return opsSelection
        }
    }

    /// The workflow that is open, if any.
    public var openWorkflowName: String? { open?.name }
}

/// `0.5s`, `2s`.
func formatSeconds(_ seconds: Double) -> String {
    seconds < 1 ? "\(seconds)s" : "\(Int(seconds))s"
}
