import ArgoAPI

/// A DAG boundary's tasks (the drawn children of its tree entry: steps, fan-out groups) and who waited for
/// whom among them, read from the nodes' `children`: in a DAG a task's children are the tasks that depend on
/// it (attached to its outbound nodes: a retry's attempts, a loop's items, a nested DAG's last tasks).
public struct DagGraph: Sendable {
    /// The DAG's entry in the tree.
    public var dag: Int
    /// Tree entries of the tasks; a task's index here is its id in `layout`.
    public var tasks: [Int]
    public var layout: DagLanes.Layout
    public var taskOfEntry: [Int: Int]
    /// The row of each task in `layout.rows`.
    public var rowOfTask: [Int]
}

extension NodeTree {
    /// Whether an entry is a DAG boundary whose tasks can be drawn with lanes.
    public func isDAG(_ e: Int) -> Bool {
        guard entries.indices.contains(e) else { return false }
        return kind(at: e) == .dag && !entries[e].children.isEmpty
    }

    /// The graph of a DAG entry, built once per tree.
    public func dagGraph(_ dag: Int) -> DagGraph? {
        guard isDAG(dag) else { return nil }
        if let cached = dagGraphs[dag] { return cached }
        let graph = buildGraph(dag)
        dagGraphs[dag] = graph
        return graph
    }

    /// The innermost DAG drawn with lanes (in `lanes`, by entry key) that holds `e`, and `e`'s task in it.
    public func laneTask(of e: Int, lanes: Set<String>) -> (graph: DagGraph, task: Int)? {
        enclosingTask(of: e) { lanes.contains(entries[$0].key) }
    }

    /// The innermost DAG that holds `e`, and `e`'s task in it (lanes on or not).
    public func dagTask(of e: Int) -> (graph: DagGraph, task: Int)? {
        enclosingTask(of: e) { _ in true }
    }

    private func enclosingTask(of e: Int, in accepts: (Int) -> Bool) -> (graph: DagGraph, task: Int)? {
        guard entries.indices.contains(e) else { return nil }
        var cursor = e
        while let parent = entries[cursor].parent {
            if accepts(parent), let graph = dagGraph(parent), let task = graph.taskOfEntry[cursor] { return (graph, task) }
            cursor = parent
        }
        return nil
    }

    /// The position of every entry when everything is unfolded, with the DAGs in `lanes` in dependency order.
    public func drawnOrder(lanes: Set<String>) -> [Int: Int] {
        if let cached = drawnOrderCache, cached.lanes == lanes { return cached.order }
        var order: [Int: Int] = [:]
        order.reserveCapacity(entries.count)
        var stack = [exitRoot, mainRoot].compactMap { $0 }
        while let e = stack.popLast() {
            order[e] = order.count
            var kids = entries[e].children
            if lanes.contains(entries[e].key), let graph = dagGraph(e) {
                let drawn = graph.layout.rows.map { graph.tasks[$0.task] }
                kids = drawn + kids.filter { graph.taskOfEntry[$0] == nil }
            }
            stack += kids.reversed()
        }
        drawnOrderCache = (lanes, order)
        return order
    }

    private func buildGraph(_ dag: Int) -> DagGraph {
        // Tasks with no row (an Omitted step is hidden) are left out; edges pass through them.
        let tasks = entries[dag].children.filter { !(entries[$0].hidden && entries[$0].rowsBelow == 0) }
        var taskOfEntry: [Int: Int] = [:]
        var owner: [String: Int] = [:]
        var members: [(entry: Int, task: Int)] = []
        for (t, e) in tasks.enumerated() {
            taskOfEntry[e] = t
            var stack = [e]
            while let x = stack.popLast() {
                if case .node(let id) = entries[x].kind {
                    owner[id] = t
                    members.append((x, t))
                }
                stack += entries[x].children
            }
        }
        let dagID: String? = { if case .node(let id) = entries[dag].kind { return id } else { return nil } }()
        var successors = [[Int]](repeating: [], count: tasks.count)
        // From the columns: a node's children and boundary as places of its table (no node is read).
        for (x, t) in members {
            guard let ref = nodeOfEntry[x] else { continue }
            let table = ref.forest.table
            var seen: Set<Int32> = []
            var pending = Array(table.children(of: Int(ref.place)))
            while let c = pending.popLast() {
                guard c >= 0, seen.insert(c).inserted else { continue }
                let child = table.ids[Int(c)]
                if let u = owner[child] {
                    if u != t && !successors[t].contains(u) { successors[t].append(u) }
                } else if child != dagID {
                    let b = table.boundaries[Int(c)]
                    let boundary = b >= 0 ? table.ids[Int(b)] : nil
                    // Look through what has no row: a loop's TaskGroup, a hidden task, or this task's own
                    // containers (a container set's tasks after it hang off its last container).
                    if boundary == dagID || boundary.flatMap({ owner[$0] }) == t { pending += table.children(of: Int(c)) }
                }
            }
        }
        let layout = DagLanes.layout(successors: successors, rank: Array(tasks.indices))
        var rowOfTask = [Int](repeating: 0, count: tasks.count)
        for (r, row) in layout.rows.enumerated() { rowOfTask[row.task] = r }
        return DagGraph(dag: dag, tasks: tasks, layout: layout, taskOfEntry: taskOfEntry, rowOfTask: rowOfTask)
    }

    /// When a task started and finished: a node's times; a group's first start and last finish; a child
    /// workflow's.
    public func times(of e: Int) -> (start: Double?, end: Double?) {
        switch entries[e].kind {
        case .node:
            return nodeTimes(at: e)
        case .group(let g):
            // From the columns (NaN: no time).
            let t = groupPlaces[g].forest.table, places = groupPlaces[g].places
            let starts = places.map { t.started[Int($0)] }.filter { !$0.isNaN }
            let ends = places.map { t.finished[Int($0)] }.filter { !$0.isNaN }
            let running = places.contains { !t.started[Int($0)].isNaN && t.finished[Int($0)].isNaN }
            return (starts.min(), running ? nil : ends.max())
        case .child(let name):
            let status = childRefs[name]?.summary.status
            return (status?.startedAt?.seconds, status?.finishedAt?.seconds)
        }
    }
}
