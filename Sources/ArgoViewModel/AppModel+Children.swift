import ArgoAPI

/// What the open workflow knows of its children.
public struct ChildrenState: Sendable {
    /// Workflows created after the open one (listed without nodes), by name: the candidates for children.
    public var candidates: [String: Workflow] = [:]
    /// The candidates' query is under way (`token` is the page asked for).
    public var querying = false
    public var token: String?
    /// The query failed: why (the tree shows no children then).
    public var failure: String?
    /// Children found, by the id of the step that created them.
    public var byStep: [String: [ChildRef]] = [:]
    /// Unfolded children, fetched whole; and those being fetched.
    public var loaded: [String: Workflow] = [:]
    public var loading: Set<String> = []
}

extension AppModel {
    /// Page size of the children's query.
    static let childPageSize = 500
    public static var childQueryPageSize: Int { childPageSize }
    /// Pages of candidates read at most (a namespace that busy gets the first 5,000 after the parent).
    static let childPageLimit = 10

    /// The workflow a node of the open tree belongs to: an unfolded child's, or the open workflow.
    public func workflow(ofNode id: String) -> Workflow? {
        guard let state = open else { return nil }
        if let child = state.tree?.workflowOfNode[id] { return state.children.loaded[child] }
        return state.workflow
    }

    /// Starts the query for the open workflow's children: workflows created after it, without nodes.
    func queryChildren() -> [Effect] {
        guard var state = open, let workflow = state.workflow, !state.children.querying,
            let created = workflow.metadata.creationTimestamp
        else { return [] }
        state.children.querying = true
        state.children.token = nil
        state.children.failure = nil
        open = state
        requests += 1
        return [.fetchChildCandidates(namespace: state.namespace, parent: state.name, createdAfter: Timestamp(seconds: created.seconds - 1).rfc3339, continueToken: nil)]
    }

    func handleChildCandidates(parent: String, token: String?, _ result: Result<WorkflowList, APIError>, bytes: Int) -> [Effect] {
        bytesReceived += bytes
        guard var state = open, state.name == parent, state.children.querying, state.children.token == token,
            let workflow = state.workflow
        else { return [] }
        switch result {
        case .failure(let failure):
            state.children.querying = false
            state.children.failure = "\(failure)"
            open = state
            notice = "could not look for child workflows: \(failure)"
            return []
        case .success(let page):
            if token == nil { state.children.candidates = [:] }
            for wf in page.items ?? [] { state.children.candidates[wf.name] = wf }
            let next = page.metadata?.continue ?? ""
            let pages = state.children.candidates.count / AppModel.childPageSize
            let created = workflow.metadata.creationTimestamp.map { Timestamp(seconds: $0.seconds - 1).rfc3339 } ?? ""
            if !next.isEmpty && pages < AppModel.childPageLimit {
                state.children.token = next
                open = state
                requests += 1
                return [.fetchChildCandidates(namespace: state.namespace, parent: parent, createdAfter: created, continueToken: next)]
            }
            state.children.querying = false
            open = state
            relinkChildren()
            return []
        }
    }

    /// Finds the children among the candidates again and rebuilds the tree with them.
    /// - Parameter always: build the tree even when the links did not change (the workflow's nodes did).
    func relinkChildren(always: Bool = false) {
        guard var state = open, let workflow = state.workflow else { return }
        let found = ChildFinder.children(of: workflow, among: Array(state.children.candidates.values), now: now)
        guard always || found != state.children.byStep || state.tree == nil else { return }
        state.children.byStep = found
        open = state
        rebuildTree()
    }

    /// Builds the open workflow's tree again from its nodes, its children and the unfolded ones, keeping the
    /// selection and the search.
    func rebuildTree() {
        guard var state = open, let workflow = state.workflow else { return }
        let keptKey = state.tree.flatMap { tree in state.selectedEntry >= 0 ? tree.entries[state.selectedEntry].key : nil }
        let tree = NodeTree(workflowName: workflow.name, nodes: workflow.nodes, children: state.children.byStep, loaded: state.children.loaded)
        state.tree = tree
        if let query = state.searchQuery { state.matches = tree.matches(query) }
        open = state
        let keptEntry = keptKey.flatMap { key in tree.entries.firstIndex { $0.key == key } }
        refreshLocks()
        rebuildRows(keeping: keptEntry)
    }

    /// Unfolding a child that was never fetched fetches it (once; the row unfolds when it arrives).
    func unfoldChild(_ name: String) -> [Effect] {
        guard var state = open, state.children.loaded[name] == nil else { return [] }
        guard !state.children.loading.contains(name) else {
            notice = "still reading \(name)…"
            return []
        }
        state.children.loading.insert(name)
        state.folding.open["child:" + name] = true
        open = state
        notice = "reading child workflow \(name)…"
        requests += 1
        return [.fetchChild(namespace: state.namespace, parent: state.name, name: name)]
    }

    func handleChild(parent: String, name: String, _ result: Result<Workflow, APIError>, bytes: Int) -> [Effect] {
        bytesReceived += bytes
        guard var state = open, state.name == parent else { return [] }
        state.children.loading.remove(name)
        switch result {
        case .failure(let failure):
            state.folding.open["child:" + name] = nil
            open = state
            notice = "could not read child workflow \(name): \(failure)"
            return []
        case .success(let child):
            state.children.loaded[name] = child
            if notice == "reading child workflow \(name)…" { notice = nil }
            open = state
            rebuildTree()
            return logTailForSelection()
        }
    }

    /// What a child's row and pane say after its progress: why it waits, or its message.
    public func childLine(_ ref: ChildRef, short: Bool = false) -> String {
        (ref.isQueued ? lockLine(of: ref.summary, short: short) : nil) ?? ref.summary.status?.message ?? ""
    }

    /// Enter on a child: opens it as a workflow of its own; Esc comes back to the parent as it was left.
    func openChild(_ name: String) -> [Effect] {
        guard let parent = open else { return [] }
        openStack.append(parent)
        var state = OpenWorkflowState(namespace: parent.namespace, name: name)
        state.breadcrumb = parent.breadcrumb + [parent.name]
        open = state
        details = nil
        requests += 1
        return [.fetchWorkflow(namespace: parent.namespace, name: name)]
    }

    /// Esc in a child opened from its parent: back to the parent, where it was left.
    func closeChild() -> Bool {
        guard view == .workflow, let parent = openStack.popLast() else { return false }
        open = parent
        details = nil
        rebuildRows(keeping: parent.selectedEntry >= 0 ? parent.selectedEntry : nil)
        return true
    }

    /// A watched change of a workflow created after the open one: a child may have appeared, moved or gone.
    func applyToChildren(_ wf: Workflow, deleted: Bool) {
        guard var state = open, state.children.failure == nil, !state.children.querying, state.name != wf.name,
            let parentCreated = state.workflow?.metadata.creationTimestamp?.seconds,
            (wf.metadata.creationTimestamp?.seconds ?? 0) >= parentCreated - 1
        else { return }
        if deleted {
            guard state.children.candidates.removeValue(forKey: wf.name) != nil else { return }
        } else {
            state.children.candidates[wf.name] = wf
        }
        open = state
        relinkChildren()
    }
}

extension AppModel {
    /// Works out the list's rows again from every workflow listed: with `groupChildren`, a workflow whose
    /// `ownerReferences` name a listed workflow folds under it (its parent's row counts it). The selection
    /// stays on the same workflow, at the same height on the screen; at the top of the list, the top stays in
    /// view (new workflows show, the selection moves down with its row).
    func regroupList() {
        let selected = list.items.indices.contains(list.cursor.selected) ? list.items[list.cursor.selected] : nil
        let offset = list.cursor.selected - list.cursor.top
        // At the top of the list, new workflows show at the top (the selection moves down with its row).
        let atTop = list.cursor.top == 0
        var tallies: [String: ChildCounts] = [:]
        var shown: [Workflow] = []
        // The `/` filter first: rows (and watch events) it does not accept are not shown.
        let all = listQuery.map { query in list.all.filter(query.accepts) } ?? list.all
        shown.reserveCapacity(all.count)
        if list.groupChildren {
            var byUID: [String: String] = [:]
            var byName: [String: String] = [:]
            for wf in all {
                if let uid = wf.metadata.uid { byUID[uid] = wf.namespace + "/" + wf.name }
                byName[wf.namespace + "/" + wf.name] = wf.name
            }
            var phases: [String: [String: Int]] = [:]
            for wf in all {
                let parent = (wf.metadata.ownerReferences ?? []).lazy.filter { ($0.kind ?? "Workflow") == "Workflow" }.compactMap { ref -> String? in
                    if let uid = ref.uid, let key = byUID[uid] { return key }
                    if ref.uid == nil, let name = ref.name, byName[wf.namespace + "/" + name] != nil { return wf.namespace + "/" + name }
                    return nil
                }.first
                guard let parent, parent != wf.namespace + "/" + wf.name else {
                    shown.append(wf)
                    continue
                }
                var tally = tallies[parent] ?? ChildCounts()
                tally.total += 1
                if ChildRef.isQueued(wf) { tally.queued += 1 } else { phases[parent, default: [:]][wf.phase, default: 0] += 1 }
                tallies[parent] = tally
            }
            for (parent, byPhase) in phases {
                tallies[parent]?.byPhase = NodeTree.ordered(byPhase)
            }
        } else {
            shown = all
        }
        list.items = shown
        list.childTallies = tallies
        list.hiddenChildren = all.count - shown.count
        if let selected {
            let key = selected.namespace + "/" + selected.name
            if let index = shown.firstIndex(where: { $0.namespace + "/" + $0.name == key }) {
                list.cursor.selected = index
                list.cursor.top = atTop ? 0 : max(0, index - offset)
            }
        }
        list.cursor.follow(count: list.items.count, height: listHeight)
        refreshLocks()
    }

    /// The tally of a parent row in the list (`namespace/name`), if it has children folded under it.
    public func childTally(of wf: Workflow) -> ChildCounts? { list.childTallies[wf.namespace + "/" + wf.name] }

    /// `c` in the list: children under their parent, or every workflow on its own row.
    func toggleChildGrouping() -> [Effect] {
        list.groupChildren.toggle()
        regroupList()
        notice = list.groupChildren
            ? "child workflows fold under their parent (\(Format.count(list.hiddenChildren)) folded); c shows them all"
            : "every workflow on its own row; c folds child workflows under their parent"
        return []
    }
}
