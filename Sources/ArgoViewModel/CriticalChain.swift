/// Why did it start late: a task waits for all its dependencies, so it waited for the one that finished last.
/// Following that dependency, then its own, up to a task with none gives the chain the run waited on.
public enum CriticalChain {
    /// From `task`: the dependency that finished last, then its own, … (task first). `finish` is when each
    /// task finished (nil: not finished; it is never the one waited for unless nothing else finished);
    /// ties go to the lower index. Stops at a task seen before, so a cycle in bad data ends the walk.
    public static func chain(from task: Int, predecessors: [[Int]], finish: [Double?]) -> [Int] {
        var chain = [task]
        var seen: Set<Int> = [task]
        var current = task
        while let next = waitedFor(current, predecessors: predecessors, finish: finish), seen.insert(next).inserted {
            chain.append(next)
            current = next
        }
        return chain
    }

    /// The dependency of `task` that finished last; nil when it has none.
    public static func waitedFor(_ task: Int, predecessors: [[Int]], finish: [Double?]) -> Int? {
        var best: Int?
        for p in predecessors[task] {
            guard let b = best else {
                best = p
                continue
            }
            let (fp, fb) = (finish[p] ?? -.infinity, finish[b] ?? -.infinity)
            if fp > fb || (fp == fb && p < b) { best = p }
        }
        return best
    }

    /// The critical path of a whole graph: the chain from the task that finished last (a running task,
    /// `finish` nil and `running` true, counts as finishing now), last task first.
    public static func path(predecessors: [[Int]], finish: [Double?], running: [Bool], now: Double) -> [Int] {
        guard !predecessors.isEmpty else { return [] }
        var last = 0
        var lastEnd = -Double.infinity
        for t in predecessors.indices {
            let end = finish[t] ?? (running[t] ? now : -.infinity)
            if end > lastEnd { (last, lastEnd) = (t, end) }
        }
        return chain(from: last, predecessors: predecessors, finish: finish)
    }
}

extension NodeTree {
    /// The entries on the workflow's critical path: in a DAG the chain from its task that finished last; in
    /// steps every group in turn and, of each, the step that finished last; the same inside each of those.
    /// Computed once for each moment the screen is drawn at.
    public func criticalEntries(now: Double) -> Set<Int> {
        if let cached = criticalCache, cached.now == now { return cached.entries }
        var marked: Set<Int> = []
        for root in [mainRoot, exitRoot].compactMap({ $0 }) { markCritical(root, now: now, into: &marked) }
        criticalCache = (now, marked)
        return marked
    }

    private func markCritical(_ e: Int, now: Double, into marked: inout Set<Int>) {
        guard marked.insert(e).inserted else { return }
        let kids = entries[e].children
        guard !kids.isEmpty else { return }
        if let graph = dagGraph(e) {
            let finish = graph.tasks.map { times(of: $0).end }
            let running = graph.tasks.map { times(of: $0).start != nil && times(of: $0).end == nil }
            for t in CriticalChain.path(predecessors: graph.layout.predecessors, finish: finish, running: running, now: now) {
                markCritical(graph.tasks[t], now: now, into: &marked)
            }
            return
        }
        if kind(at: e) == .steps {
            for kid in kids { markCritical(kid, now: now, into: &marked) }
            return
        }
        // A step group, a retry, a fan-out: what finished last.
        var last = kids[0]
        var lastEnd = -Double.infinity
        for kid in kids {
            let (start, end) = times(of: kid)
            let value = end ?? (start != nil ? now : -.infinity)
            if value > lastEnd { (last, lastEnd) = (kid, value) }
        }
        markCritical(last, now: now, into: &marked)
    }
}
