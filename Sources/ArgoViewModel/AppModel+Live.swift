import ArgoAPI

/// A change a watch reported.
public struct WorkflowChange: Sendable {
    public enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    public var kind: Kind
    public var workflow: Workflow

    public init(kind: Kind, workflow: Workflow) {
        self.kind = kind
        self.workflow = workflow
    }
}

/// What happened on the list's watch, as the runtime reports it.
public enum WatchUpdate: Sendable {
    case changes([WorkflowChange], bytes: Int)
    case keepAlive
    case reconnecting(String)
    case resumed
    /// The server no longer has the version the watch started from: list again.
    case tooOld
    case ended
    case failed(APIError)
}

/// Live updates: list, then watch from the list's version; an open workflow's nodes are read again only when
/// its phase or progress moved, at most once per interval that grows with its size.
extension AppModel {
    /// Seconds to wait after reading a workflow before reading it again: 2 s, plus 3 s a megabyte.
    public static func refreshInterval(bytes: Int, base: Double = 2, perMB: Double = 3) -> Double {
        base + perMB * Double(bytes) / 1_048_576
    }

    func startListWatch(resourceVersion: String?) -> [Effect] {
        guard !listWatch.active else { return [] }
        listWatch.active = true
        listWatch.generation += 1
        requests += 1
        return [.watchList(namespace: namespace, resourceVersion: resourceVersion, generation: listWatch.generation)]
    }

    func handleListWatch(generation: Int, _ update: WatchUpdate) -> [Effect] {
        guard generation == listWatch.generation else { return [] }
        switch update {
        case .changes(let changes, let bytes):
            bytesReceived += bytes
            listWatch.events += changes.count
            var effects: [Effect] = []
            for change in changes { effects += apply(change) }
            return effects
        case .keepAlive:
            return []
        case .reconnecting(let why):
            connection = .retrying
            listWatch.lost = true
            setError("connection lost (\(why)): what is on screen stays as it was; reconnecting", .watch)
            return []
        case .resumed:
            connection = .connected
            listWatch.lost = false
            clearError(.watch)
            requests += 1
            return []
        case .tooOld:
            // List again from scratch, keeping the selection by name; the watch restarts from the new list.
            let selected = list.items.indices.contains(list.cursor.selected) ? list.items[list.cursor.selected].name : nil
            let cursor = list.cursor
            restartList()
            list.cursor = cursor
            list.reselect = selected
            notice = "the watch fell too far behind: listing again"
            return requestListPage()
        case .ended, .failed:
            listWatch.active = false
            if case .failed(let failure) = update {
                setError("the live updates stopped: \(failure)", .watch)
            }
            return []
        }
    }

    /// Applies one change to the list (in place, keeping the selection and the scroll on the same rows) and,
    /// for the open workflow, to its summary, asking for its nodes when they moved.
    func apply(_ change: WorkflowChange) -> [Effect] {
        let wf = change.workflow
        let key = wf.namespace + "/" + wf.name
        let index = list.all.firstIndex { $0.namespace + "/" + $0.name == key }
        switch change.kind {
        case .deleted:
            if let index { list.all.remove(at: index) }
        case .added, .modified:
            if let index {
                list.all[index] = wf
            } else {
                let created = wf.metadata.creationTimestamp?.seconds ?? .infinity
                let at = list.all.firstIndex { ($0.metadata.creationTimestamp?.seconds ?? 0) < created } ?? list.all.count
                // Older than everything loaded while pages remain: it belongs to a page not read yet.
                if at < list.all.count || list.complete { list.all.insert(wf, at: at) }
            }
        }
        regroupList()
        applyToChildren(wf, deleted: change.kind == .deleted)
        guard var state = open, state.namespace == (wf.namespace.isEmpty ? state.namespace : wf.namespace),
            state.name == wf.name, let current = state.workflow
        else { return [] }
        state.changesSeen += 1
        open = state
        if change.kind == .deleted {
            notice = "\(wf.name) was deleted; what is on screen is what it was"
            return []
        }
        let moved = current.status?.phase != wf.status?.phase || current.status?.progress != wf.status?.progress
            || current.status?.finishedAt != wf.status?.finishedAt
        // The summary comes with the change; the nodes stay as they were until they are read again.
        var updated = current
        updated.metadata = wf.metadata
        if var status = wf.status {
            status.nodes = current.status?.nodes
            updated.status = status
        }
        state.workflow = updated
        open = state
        guard moved else { return [] }
        return refreshNodes()
    }

    /// Reads the open workflow's nodes now, or marks them stale until the cool-down after the last read ends.
    func refreshNodes() -> [Effect] {
        guard var state = open else { return [] }
        if state.reading || state.coolingDown {
            state.stale = true
            open = state
            return []
        }
        state.reading = true
        state.stale = false
        open = state
        requests += 1
        return [.fetchWorkflow(namespace: state.namespace, name: state.name)]
    }

    /// After a read of the open workflow: cool down for an interval that grows with its size.
    func startCoolDown(bytes: Int) -> [Effect] {
        guard var state = open else { return [] }
        state.reading = false
        state.coolingDown = true
        state.readAt = now
        open = state
        return [.timer(after: AppModel.refreshInterval(bytes: bytes, base: refreshBaseSeconds, perMB: refreshSecondsPerMB), tag: "nodes:" + state.namespace + "/" + state.name)]
    }

    func handleTimer(_ tag: String) -> [Effect] {
        guard var state = open, tag == "nodes:" + state.namespace + "/" + state.name else { return [] }
        state.coolingDown = false
        open = state
        return state.stale ? refreshNodes() : []
    }
}
