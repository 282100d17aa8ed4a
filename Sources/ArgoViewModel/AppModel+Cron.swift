import ArgoAPI

/// Work of `:cron`, `:tmpl`, `:archive`, `:lint` and the actions, for the runtime.
public enum OpsEffect: Equatable, Sendable {
    case fetchCronWorkflows(namespace: String)
    /// Workflows with a label selector, live (the list endpoint) or from the archive; `tag` names who asked.
    case fetchRuns(tag: String, namespace: String, labelSelector: String, archived: Bool)
    case fetchArchive(namespace: String, continueToken: String?)
    /// An archived workflow, whole; the answer comes back as `.workflow(namespace:name:…)`.
    case fetchArchivedWorkflow(namespace: String, name: String, uid: String)
    case fetchTemplates(namespace: String)
    /// A run read whole (live, or from the archive by uid) for its exit handler's outcome.
    case fetchRun(namespace: String, name: String, archivedUID: String?)
    case perform(ActionRequest)
}

/// Their results.
public enum OpsEvent: Sendable {
    case cronWorkflows(Result<CronWorkflowList, APIError>, bytes: Int)
    case runs(tag: String, archived: Bool, Result<WorkflowList, APIError>, bytes: Int)
    case archive(continueToken: String?, Result<WorkflowList, APIError>, bytes: Int)
    case templates(Result<WorkflowTemplateList, APIError>, bytes: Int)
    case run(name: String, Result<Workflow, APIError>, bytes: Int)
    case actionDone(ActionRequest, Result<Workflow, APIError>, bytes: Int)
}

/// The runs of a cron or a template, live and archived, newest first.
public struct RunsViewState: Sendable {
    public var title: String
    public var tag: String
    public var items: [Workflow] = []
    public var cursor = Cursor()
}

/// An action waiting for `y`.
public struct PendingAction: Sendable, Equatable {
    public var request: ActionRequest
    /// The question, naming the target: `Retry db-fleet-audit-9h3kq from step compare-schema?`.
    public var question: String
}

/// The state of `:cron`, `:tmpl`, `:archive`, `:lint` and the actions.
public struct OpsState: Sendable {
    public var crons: [CronWorkflow] = []
    public var cronLoading = false
    public var cronCursor = Cursor()
    /// Runs by tag (`cron` for every cron's runs, `tmpl:NAME`), live and archived merged, newest first.
    public var runs: [String: [Workflow]] = [:]
    /// Run queries not answered yet, by tag.
    public var runsLoading: [String: Int] = [:]
    /// Why a run query failed, by tag (the archive is Argo Server's).
    public var runsErrors: [String: String] = [:]
    public var runsView: RunsViewState?
    public var templates: [WorkflowTemplate] = []
    public var templatesLoading = false
    public var templateCursor = Cursor()
    public var archive: [Workflow] = []
    public var archiveLoading = false
    public var archiveToken: String?
    public var archiveComplete = false
    public var archiveCursor = Cursor()
    public var lintCursor = Cursor()
    /// Flags of workflows read whole (size, compression, retries need the object), by `ns/name`.
    public var readFlags: [String: [HygieneFlag]] = [:]
    public var confirm: PendingAction?
    public var lastError: String?
    /// Exit handlers of runs read whole, by run name: nil inside when the run has none.
    public var exitHandlers: [String: NodeStatus?] = [:]
}

/// One cron as `:cron` shows it.
public struct CronRow: Sendable {
    public var cron: CronWorkflow
    /// Its runs seen, newest first.
    public var runs: [Workflow]
    public var lastRun: Double?
    public var nextRun: Double?
    /// The last run failed: how many in a row.
    public var failuresInARow: Int
    /// It has not run when it should have: why, in words.
    public var stale: String?
    public var suspended: Bool { cron.spec?.suspend ?? false }
}

/// One row of `:lint`: a flag with its count and hint, or a workflow that raises it.
public enum LintRow: Sendable {
    case flag(HygieneFlag.Kind, count: Int)
    case workflow(Workflow, HygieneFlag)
}

extension AppModel {
    static let cronLabel = "workflows.argoproj.io/cron-workflow"
    static let templateLabel = "workflows.argoproj.io/workflow-template"
    public static let runsPageSize = 500
    /// A cron is late when its last run is older than its last due time less this.
    static let cronGraceSeconds: Double = 120

    /// `:cron`, `:tmpl`, `:archive`, `:lint`; nil for other commands.
    func opsCommand(_ word: String) -> [Effect]? {
        switch word {
        case "cron", "crons", "cronwf", "cronworkflows", "cj":
            enter(.cron)
            ops.cronLoading = true
            ops.runsErrors["cron"] = nil
            requests += 1
            return [.ops(.fetchCronWorkflows(namespace: namespace))] + fetchRuns(tag: "cron", selector: AppModel.cronLabel)
        case "tmpl", "template", "templates", "wftmpl", "workflowtemplates":
            enter(.templates)
            ops.templatesLoading = true
            requests += 1
            return [.ops(.fetchTemplates(namespace: namespace))]
        case "archive", "archived", "ar":
            enter(.archive)
            ops.archive = []
            ops.archiveToken = nil
            ops.archiveComplete = false
            ops.archiveCursor = Cursor()
            return requestArchivePage()
        case "lint", "hygiene":
            enter(.lint)
            ops.lintCursor = Cursor()
            ops.lintCursor.selected = lintRows.firstIndex { if case .workflow = $0 { return true } else { return false } } ?? 0
            return []
        default:
            return nil
        }
    }

    private func enter(_ kind: ViewKind) {
        views = [.workflows, kind]
        open = nil
        openStack = []
        details = nil
        ops.lastError = nil
    }

    func fetchRuns(tag: String, selector: String) -> [Effect] {
        ops.runsLoading[tag] = 2
        requests += 2
        return [
            .ops(.fetchRuns(tag: tag, namespace: namespace, labelSelector: selector, archived: false)),
            .ops(.fetchRuns(tag: tag, namespace: namespace, labelSelector: selector, archived: true)),
        ]
    }

    func requestArchivePage() -> [Effect] {
        guard !ops.archiveLoading, !ops.archiveComplete else { return [] }
        ops.archiveLoading = true
        requests += 1
        return [.ops(.fetchArchive(namespace: namespace, continueToken: ops.archiveToken))]
    }

    // MARK: Results

    public func handle(ops event: OpsEvent) -> [Effect] {
        switch event {
        case .cronWorkflows(let result, let bytes):
            bytesReceived += bytes
            ops.cronLoading = false
            switch result {
            case .success(let list):
                connection = .connected
                ops.crons = (list.items ?? []).sorted { $0.name < $1.name }
                ops.cronCursor.follow(count: ops.crons.count, height: listHeight)
            case .failure(let failure):
                ops.lastError = "could not list the CronWorkflows: \(failure)"
            }
            return []
        case .runs(let tag, let archived, let result, let bytes):
            bytesReceived += bytes
            ops.runsLoading[tag] = max(0, (ops.runsLoading[tag] ?? 1) - 1)
            switch result {
            case .success(let list):
                var byName: [String: Workflow] = [:]
                for wf in ops.runs[tag] ?? [] { byName[wf.name] = wf }
                for wf in list.items ?? [] {
                    // The live object wins over its archived copy.
                    if archived, let known = byName[wf.name], !Hygiene.isArchived(known) { continue }
                    var copy = wf
                    if archived && !Hygiene.isArchived(copy) {
                        copy.metadata.labels = (copy.metadata.labels ?? [:]).merging([Hygiene.archivingStatusLabel: "Persisted"]) { $1 }
                    }
                    byName[wf.name] = copy
                }
                ops.runs[tag] = byName.values.sorted { AppModel.scheduledTime($0) > AppModel.scheduledTime($1) }
                if var view = ops.runsView, view.tag == tag || (tag == "cron" && view.tag.hasPrefix("cron:")) {
                    view.items = runsFor(viewTag: view.tag)
                    ops.runsView = view
                    return readExitHandlers()
                }
            case .failure(let failure):
                ops.runsErrors[tag] = (archived ? "the archive: " : "the runs: ") + "\(failure)"
            }
            return []
        case .archive(let token, let result, let bytes):
            bytesReceived += bytes
            guard token == ops.archiveToken else { return [] }
            ops.archiveLoading = false
            switch result {
            case .success(let page):
                let known = Set(ops.archive.map(\.name))
                ops.archive += (page.items ?? []).filter { !known.contains($0.name) }
                let next = page.metadata?.continue ?? ""
                ops.archiveToken = next.isEmpty ? nil : next
                ops.archiveComplete = next.isEmpty
            case .failure(let failure):
                ops.archiveComplete = true
                ops.lastError = "could not read the archive: \(failure)"
            }
            return []
        case .templates(let result, let bytes):
            bytesReceived += bytes
            ops.templatesLoading = false
            switch result {
            case .success(let list): ops.templates = (list.items ?? []).sorted { $0.name < $1.name }
            case .failure(let failure): ops.lastError = "could not list the WorkflowTemplates: \(failure)"
            }
            return []
        case .run(let name, let result, let bytes):
            bytesReceived += bytes
            if case .success(let wf) = result {
                ops.exitHandlers[name] = .some(wf.nodes.node(named: name + ".onExit"))
            }
            return []
        case .actionDone(let request, let result, let bytes):
            return actionDone(request, result, bytes: bytes)
        }
    }

    /// When a run was due: its `scheduled-time` annotation, else its creation.
    public static func scheduledTime(_ wf: Workflow) -> Double {
        if let text = wf.metadata.annotations?["workflows.argoproj.io/scheduled-time"], let time = Timestamp(rfc3339: text) { return time.seconds }
        return wf.metadata.creationTimestamp?.seconds ?? 0
    }

    func runsFor(viewTag: String) -> [Workflow] {
        if viewTag.hasPrefix("cron:") {
            let name = String(viewTag.dropFirst("cron:".count))
            return (ops.runs["cron"] ?? []).filter { $0.metadata.labels?[AppModel.cronLabel] == name }
        }
        return ops.runs[viewTag] ?? []
    }

    // MARK: Crons

    /// Every cron with its runs, last and next run, failures in a row, and whether it is stale.
    public var cronRows: [CronRow] {
        let all = ops.runs["cron"] ?? []
        let rows = ops.crons.map { cron in
            AppModel.cronRow(cron, runs: all.filter { $0.metadata.labels?[AppModel.cronLabel] == cron.name }, now: now)
        }
        // What needs a look first: stale (the failure that hides), failing, then the rest; suspended last.
        func rank(_ row: CronRow) -> Int { row.suspended ? 3 : row.stale != nil ? 0 : row.failuresInARow > 0 ? 1 : 2 }
        return rows.sorted { (rank($0), $0.cron.name) < (rank($1), $1.cron.name) }
    }

    /// A cron's row: `runs` newest first; stale when, not suspended, its last run is older than its last due time.
    public static func cronRow(_ cron: CronWorkflow, runs: [Workflow], now: Double) -> CronRow {
        let schedules = (cron.spec?.schedules ?? []).compactMap { CronSchedule($0, timezone: cron.spec?.timezone) }
        let lastRun = [cron.status?.lastScheduledTime?.seconds, runs.first.map(scheduledTime)].compactMap { $0 }.max()
        let suspended = cron.spec?.suspend ?? false
        let next = suspended ? nil : schedules.compactMap { $0.next(after: now) }.min()
        var failures = 0
        for run in runs where run.phase != "Running" && run.phase != "Pending" && !run.phase.isEmpty {
            if run.phase == "Failed" || run.phase == "Error" { failures += 1 } else { break }
        }
        var stale: String?
        if !suspended, let due = schedules.compactMap({ $0.previous(atOrBefore: now - cronGraceSeconds) }).max() {
            if lastRun.map({ $0 < due - 1 }) ?? true {
                let period = schedules.compactMap { s in s.next(after: due).map { $0 - due } }.min()
                let every = period.map { " (due every \(Format.age($0)))" } ?? ""
                stale = lastRun.map { "no data for \(Format.age(now - $0))" + every } ?? "no data: it never ran" + every
            }
        }
        return CronRow(cron: cron, runs: runs, lastRun: lastRun, nextRun: next, failuresInARow: failures, stale: stale)
    }

    // MARK: Lint

    /// Flags by kind over the listed workflows (and, for those read whole, the flags that need the object).
    public var lintRows: [LintRow] {
        var byKind: [HygieneFlag.Kind: [(Workflow, HygieneFlag)]] = [:]
        for wf in list.all {
            for flag in hygieneFlags(of: wf) { byKind[flag.kind, default: []].append((wf, flag)) }
        }
        var rows: [LintRow] = []
        for kind in HygieneFlag.Kind.allCases {
            guard let found = byKind[kind], !found.isEmpty else { continue }
            rows.append(.flag(kind, count: found.count))
            rows += found.map { .workflow($0.0, $0.1) }
        }
        return rows
    }

    /// A workflow's flags: from the row, or from the whole object when it was read.
    public func hygieneFlags(of wf: Workflow) -> [HygieneFlag] {
        if Hygiene.isArchived(wf) { return [] }
        if let read = ops.readFlags[wf.namespace + "/" + wf.name] { return read }
        return Hygiene.flags(of: wf)
    }

    /// Records the flags of a workflow read whole (its size estimated from the bytes fetched).
    func noteWorkflowRead(_ wf: Workflow, bytes: Int) {
        guard !Hygiene.isArchived(wf), open?.archivedUID == nil else { return }
        ops.readFlags[wf.namespace + "/" + wf.name] = Hygiene.flags(of: wf, objectBytes: bytes)
    }

    /// The open workflow's flags (none for an archived one: it is history).
    public var openFlags: [HygieneFlag] {
        guard let state = open, state.archivedUID == nil, let wf = state.workflow else { return [] }
        return ops.readFlags[state.namespace + "/" + state.name] ?? Hygiene.flags(of: wf)
    }

    /// The header's facts line: where the workflow came from, its outputs, and whether it is archived.
    public var headerFacts: [(String, String)] {
        var facts = workflowFacts
        if open?.archivedUID != nil { facts.insert(("from", "the archive (read-only)"), at: 0) }
        return facts
    }

    // MARK: Keys in these views

    func moveInOps(_ delta: Int) -> [Effect] {
        switch view {
        case .cron: ops.cronCursor.move(by: delta, count: ops.crons.count, height: listHeight)
        case .templates: ops.templateCursor.move(by: delta, count: ops.templates.count, height: listHeight)
        case .runs:
            guard var runs = ops.runsView else { return [] }
            runs.cursor.move(by: delta, count: runs.items.count, height: listHeight - 1)
            ops.runsView = runs
        case .archive:
            ops.archiveCursor.move(by: delta, count: ops.archive.count, height: listHeight)
            if ops.archiveCursor.selected + listHeight >= ops.archive.count { return requestArchivePage() }
        case .lint:
            let rows = lintRows
            ops.lintCursor.move(by: delta, count: rows.count, height: listHeight)
        default: break
        }
        return []
    }

    /// Enter: a cron or a template lists its runs; a run or an archived workflow opens.
    func openInOps() -> [Effect] {
        switch view {
        case .cron:
            let rows = cronRows
            guard rows.indices.contains(ops.cronCursor.selected) else { return [] }
            let name = rows[ops.cronCursor.selected].cron.name
            ops.runsView = RunsViewState(title: "runs of cron \(name)", tag: "cron:" + name, items: runsFor(viewTag: "cron:" + name))
            views.append(.runs)
            return readExitHandlers()
        case .templates:
            guard ops.templates.indices.contains(ops.templateCursor.selected) else { return [] }
            let name = ops.templates[ops.templateCursor.selected].name
            ops.runsView = RunsViewState(title: "workflows of template \(name)", tag: "tmpl:" + name)
            ops.runs["tmpl:" + name] = []
            views.append(.runs)
            return fetchRuns(tag: "tmpl:" + name, selector: AppModel.templateLabel + "=" + name)
        case .runs:
            guard let runs = ops.runsView, runs.items.indices.contains(runs.cursor.selected) else { return [] }
            return openListed(runs.items[runs.cursor.selected])
        case .archive:
            guard ops.archive.indices.contains(ops.archiveCursor.selected) else { return [] }
            var wf = ops.archive[ops.archiveCursor.selected]
            wf.metadata.labels = (wf.metadata.labels ?? [:]).merging([Hygiene.archivingStatusLabel: "Persisted"]) { $1 }
            return openListed(wf)
        case .lint:
            let rows = lintRows
            guard rows.indices.contains(ops.lintCursor.selected), case .workflow(let wf, _) = rows[ops.lintCursor.selected] else { return [] }
            return openListed(wf)
        default:
            return []
        }
    }

    /// The runs on screen are summaries: each is read once, whole, for its exit handler's outcome (the first
    /// `runsReadLimit`).
    func readExitHandlers() -> [Effect] {
        guard let runs = ops.runsView else { return [] }
        let unread = runs.items.prefix(AppModel.runsReadLimit).filter { ops.exitHandlers[$0.name] == nil && $0.phase != "Running" && $0.phase != "Pending" }
        requests += unread.count
        return unread.map { wf in
            .ops(.fetchRun(namespace: wf.namespace.isEmpty ? namespace : wf.namespace, name: wf.name,
                           archivedUID: Hygiene.isArchived(wf) ? wf.metadata.uid : nil))
        }
    }

    static let runsReadLimit = 20

    /// Opens a workflow from one of these lists; Esc comes back to it. An archived one is read from the archive.
    func openListed(_ wf: Workflow) -> [Effect] {
        let back = views
        let ns = wf.namespace.isEmpty ? namespace : wf.namespace
        if Hygiene.isArchived(wf), let uid = wf.metadata.uid {
            open = OpenWorkflowState(namespace: ns, name: wf.name)
            open?.archivedUID = uid
            openStack = []
            details = nil
            views = back + [.workflow]
            requests += 1
            return [.ops(.fetchArchivedWorkflow(namespace: ns, name: wf.name, uid: uid))]
        }
        let effects = openWorkflow(namespace: ns, name: wf.name)
        views = back + [.workflow]
        return effects
    }

    /// `r` on an archived workflow reads it from the archive again.
    func refreshArchived() -> [Effect]? {
        guard let state = open, let uid = state.archivedUID else { return nil }
        open?.reading = true
        requests += 1
        return [.ops(.fetchArchivedWorkflow(namespace: state.namespace, name: state.name, uid: uid))]
    }

    var opsSelection: Selection? {
        switch view {
        case .cron:
            let rows = cronRows
            guard rows.indices.contains(ops.cronCursor.selected) else { return nil }
            let row = rows[ops.cronCursor.selected]
            let state = row.suspended ? "suspended" : row.stale != nil ? "stale" : row.failuresInARow > 0 ? "failing" : "ok"
            return Selection(kind: .cron, name: row.cron.name, id: row.cron.metadata.uid, phase: state)
        case .templates:
            guard ops.templates.indices.contains(ops.templateCursor.selected) else { return nil }
            let t = ops.templates[ops.templateCursor.selected]
            return Selection(kind: .template, name: t.name, id: t.metadata.uid, phase: nil)
        case .runs:
            guard let runs = ops.runsView, runs.items.indices.contains(runs.cursor.selected) else { return nil }
            let wf = runs.items[runs.cursor.selected]
            return Selection(kind: .workflow, name: wf.name, id: wf.metadata.uid, phase: wf.phase)
        case .archive:
            guard ops.archive.indices.contains(ops.archiveCursor.selected) else { return nil }
            let wf = ops.archive[ops.archiveCursor.selected]
            return Selection(kind: .workflow, name: wf.name, id: wf.metadata.uid, phase: wf.phase)
        case .lint:
            let rows = lintRows
            guard rows.indices.contains(ops.lintCursor.selected) else { return nil }
            switch rows[ops.lintCursor.selected] {
            case .flag(let kind, let count): return Selection(kind: .flag, name: kind.rawValue, id: nil, phase: String(count))
            case .workflow(let wf, let flag): return Selection(kind: .workflow, name: wf.name, id: wf.metadata.uid, phase: flag.kind.rawValue)
            }
        default:
            return nil
        }
    }
}
