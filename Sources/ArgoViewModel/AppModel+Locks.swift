import ArgoAPI

extension AppModel {
    /// What is known changed: the lock model is built again when next asked for.
    func refreshLocks() { cachedLockBook = nil }

    /// The lock model from everything known: the listed workflows, the open workflow's children and
    /// candidates, the `:sem` query's workflows, and the nodes of the open workflow and its unfolded children.
    func buildLockBook() -> LockBook {
        var byKey: [String: Workflow] = [:]
        var order: [String] = []
        func add(_ wf: Workflow) {
            let key = wf.namespace + "/" + wf.name
            if byKey[key] == nil { order.append(key) }
            byKey[key] = wf
        }
        list.all.forEach(add)
        locksView.extra.forEach(add)
        var nodes = locksView.nodes
        if let state = open {
            state.children.candidates.values.forEach(add)
            if let wf = state.workflow {
                add(wf)
                nodes[WorkflowRef(wf)] = wf.nodes
            }
            for child in state.children.loaded.values {
                add(child)
                nodes[WorkflowRef(child)] = child.nodes
            }
        }
        return LockBook(workflows: order.compactMap { byKey[$0] }, nodes: nodes)
    }

    /// A holder's name for people: a step of a known workflow by its display name (`migrate(4:pg-audit)` of
    /// `db-migrate-staging-h2v6n`), else the workflow.
    func holderName(_ holder: LockHolder) -> String? {
        guard let node = holderNode(holder) else { return nil }
        // Inside the open workflow its own steps need no workflow name.
        if view == .workflow, holder.workflow == open?.name { return node.shownName }
        return node.shownName + (holder.workflow.map { " of " + $0 } ?? "")
    }

    /// Since when a holder holds: its step's start when known, else its workflow's.
    public func holdingSince(_ holder: LockHolder) -> Timestamp? {
        if let node = holderNode(holder) { return node.startedAt }
        return holder.workflow.flatMap { name in list.all.first { $0.name == name } }?.status?.startedAt
    }

    /// The step a holder names, when its nodes are known (the open tree, or a workflow read for `:sem`).
    func holderNode(_ holder: LockHolder) -> NodeStatus? {
        guard let id = holder.nodeID else { return nil }
        if let node = open?.tree?.nodes[id] { return node }
        return holder.workflow.flatMap { name in locksView.nodes.first { $0.key.name == name }?.value[id] }
    }

    /// A holder as `:sem` lists it.
    public func holderLabel(_ holder: LockHolder) -> String { holderName(holder) ?? holder.display }

    /// Why a workflow is pending, in plain words (nil when it waits on no known lock). `short`: for a row, the
    /// place in the queue first (`12th of 33 in queue for argo/ConfigMap/semaphore-config/db-audit (limit 1),
    /// held by child-prod-db-07`).
    public func lockLine(of wf: Workflow, short: Bool = false) -> String? {
        sentence(lockBook.waits(of: WorkflowRef(wf)), short: short)
    }

    /// Why a node of the open tree is pending, in plain words.
    public func lockLine(ofNode id: String, short: Bool = false) -> String? {
        guard let owner = workflow(ofNode: id) else { return nil }
        return sentence(lockBook.waits(of: WorkflowRef(owner), nodeID: id), short: short)
    }

    func sentence(_ waits: [LockWait], short: Bool = false) -> String? {
        guard !waits.isEmpty else { return nil }
        guard short else {
            return waits.map { LockBook.sentence(lock: $0.lock, waiter: $0.waiter, holderName: holderName) }.joined(separator: "; ")
        }
        return waits.map { wait in
            let lock = wait.lock
            var text = "\(Format.ordinal(wait.waiter.position)) of \(wait.waiter.total) in queue for " + (lock.isMutex ? "mutex " : "") + lock.key.display
            if !lock.isMutex, let limit = lock.limit { text += " (limit \(limit))" }
            var names: [String] = []
            for holder in lock.holders {
                let name = holderLabel(holder)
                if !names.contains(name) { names.append(name) }
            }
            text += names.isEmpty ? ", holder unknown" : ", held by " + names.prefix(2).joined(separator: ", ") + (names.count > 2 ? " and \(names.count - 2) more" : "")
            return text
        }.joined(separator: "; ")
    }
}

/// `:sem`: every lock seen, then one lock's holders and waiters in queue order.
public struct LocksViewState: Sendable {
    public var cursor = Cursor()
    /// The lock whose holders and waiters are shown (`Enter` on a lock).
    public var openLock: String?
    public var detailCursor = Cursor()
    /// Workflows the `:sem` query brought: Pending and Running ones, without nodes.
    public var extra: [Workflow] = []
    public var querying = false
    /// Nodes of running workflows whose steps wait on a lock (read for `:sem`), by workflow.
    public var nodes: [WorkflowRef: NodeMap] = [:]
    var token: String?
    var pages = 0
}

/// One row of a lock's holders and waiters.
public enum LockDetailRow: Equatable, Sendable {
    case heading(String)
    case holder(LockHolder)
    case waiter(LockWaiter)
}

extension AppModel {
    static let lockPageLimit = 10

    /// The lock `:sem` shows, and its rows: holders, then waiters in queue order.
    public var lockDetailRows: [LockDetailRow] {
        guard let key = locksView.openLock, let lock = lockBook.lock(key) else { return [] }
        var rows: [LockDetailRow] = [.heading("HOLDERS (\(lock.holders.count))")]
        rows += lock.holders.map { .holder($0) }
        rows.append(.heading("WAITING, IN QUEUE ORDER (\(lock.waiters.count))"))
        rows += lock.waiters.map { .waiter($0) }
        return rows
    }

    /// `:` then a command: `sem` (locks), `wf` (the list).
    func runCommand(_ text: String) -> [Effect] {
        let words = text.split(separator: " ").map(String.init)
        switch words.first ?? "" {
        case "sem", "sems", "semaphore", "semaphores", "lock", "locks", "mutex":
            return openLocks()
        case "ctx", "context", "contexts":
            return contextCommand(words)
        case "ns", "namespace", "namespaces":
            return namespaceCommand(words)
        case "wf", "workflows", "list":
            views = [.workflows]
            open = nil
            openStack = []
            details = nil
            return []
        default:
            if let effects = opsCommand(words.first ?? "") { return effects }
            notice = "unknown command :\(text) (known: :sem the locks, :cron the crons, :lint hygiene, :archive, :tmpl the templates, :ns [NAME] the namespace, :ctx [NAME] the kubeconfig context, :wf the workflow list)"
            return []
        }
    }

    func openLocks() -> [Effect] {
        if view != .semaphores { views.append(.semaphores) }
        locksView.openLock = nil
        locksView.cursor = Cursor()
        refreshLocks()
        guard !locksView.querying else { return [] }
        locksView.querying = true
        locksView.token = nil
        locksView.pages = 0
        requests += 1
        return [.fetchLockCandidates(namespace: namespace, continueToken: nil)]
    }

    func handleLockCandidates(token: String?, _ result: Result<WorkflowList, APIError>, bytes: Int) -> [Effect] {
        bytesReceived += bytes
        guard locksView.querying, locksView.token == token else { return [] }
        switch result {
        case .failure(let failure):
            locksView.querying = false
            notice = "could not look for Pending and Running workflows: \(failure); the locks shown come from the list"
            return []
        case .success(let page):
            if token == nil { locksView.extra = [] }
            locksView.extra += page.items ?? []
            locksView.pages += 1
            let next = page.metadata?.continue ?? ""
            if !next.isEmpty && locksView.pages < AppModel.lockPageLimit {
                locksView.token = next
                requests += 1
                return [.fetchLockCandidates(namespace: namespace, continueToken: next)]
            }
            locksView.querying = false
            refreshLocks()
            locksView.cursor.follow(count: lockBook.locks.count, height: listHeight)
            // A running workflow with a waiting entry has steps in a queue (template level): its nodes say who.
            let stepQueues = locksView.extra.filter { wf in
                wf.phase == "Running" && locksView.nodes[WorkflowRef(wf)] == nil
                    && !(wf.status?.synchronization?.semaphore?.waiting ?? []).isEmpty
                    || wf.phase == "Running" && locksView.nodes[WorkflowRef(wf)] == nil
                    && !(wf.status?.synchronization?.mutex?.waiting ?? []).isEmpty
            }
            requests += min(stepQueues.count, AppModel.lockPageLimit)
            return stepQueues.prefix(AppModel.lockPageLimit).map {
                .fetchLockWorkflow(namespace: $0.namespace.isEmpty ? namespace : $0.namespace, name: $0.name)
            }
        }
    }

    /// Enter in `:sem`: a lock shows its holders and waiters; a holder or waiter opens its workflow (at the step).
    func openInLocks() -> [Effect] {
        guard let key = locksView.openLock else {
            guard lockBook.locks.indices.contains(locksView.cursor.selected) else {
                notice = "no lock seen in this namespace"
                return []
            }
            locksView.openLock = lockBook.locks[locksView.cursor.selected].key.raw
            locksView.detailCursor = Cursor()
            let rows = lockDetailRows
            locksView.detailCursor.selected = rows.firstIndex { if case .heading = $0 { return false } else { return true } } ?? 0
            return []
        }
        let rows = lockDetailRows
        guard rows.indices.contains(locksView.detailCursor.selected) else { return [] }
        let target: (namespace: String?, workflow: String?, node: String?)
        switch rows[locksView.detailCursor.selected] {
        case .heading: return []
        case .holder(let holder): target = (holder.namespace, holder.workflow, holder.nodeID)
        case .waiter(let waiter): target = (waiter.workflow.namespace, waiter.workflow.name, waiter.nodeID)
        }
        guard let name = target.workflow else {
            notice = "this holder names no workflow (\(key)); nothing to open"
            return []
        }
        let ns = (target.namespace?.isEmpty ?? true) ? namespace : target.namespace!
        let effects = openWorkflow(namespace: ns, name: name)
        views = [.workflows, .semaphores, .workflow]
        open?.selectOnLoad = target.node
        return effects
    }

    /// Esc in `:sem`: from a lock back to every lock; from every lock to where `:sem` was typed.
    func closeLocksLevel() -> Bool {
        guard view == .semaphores, locksView.openLock != nil else { return false }
        locksView.openLock = nil
        return true
    }

    /// What the selected row of `:sem` is, for the headless state.
    var lockSelection: Selection? {
        guard let key = locksView.openLock else {
            guard lockBook.locks.indices.contains(locksView.cursor.selected) else { return nil }
            let lock = lockBook.locks[locksView.cursor.selected]
            return Selection(kind: .lock, name: lock.key.raw, id: nil, phase: nil)
        }
        let rows = lockDetailRows
        guard rows.indices.contains(locksView.detailCursor.selected) else { return nil }
        switch rows[locksView.detailCursor.selected] {
        case .heading(let text): return Selection(kind: .lock, name: key, id: nil, phase: text)
        case .holder(let holder): return Selection(kind: .holder, name: holder.display, id: holder.nodeID, phase: nil)
        case .waiter(let waiter): return Selection(kind: .waiter, name: waiter.name, id: waiter.nodeID, phase: "\(waiter.position) of \(waiter.total)")
        }
    }
}
