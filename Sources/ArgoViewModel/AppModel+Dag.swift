import ArgoAPI

/// The DAG as a graph (`d`: lanes beside the tree), why a task started late (`w`), and the timeline (`t`).
extension AppModel {
    /// Whether the workflow view draws the tree or the timeline; keys of the other mode do not apply.
    public var treeMode: TreeMode { view == .workflow && open?.timeline.on == true ? .timeline : .tree }

    /// Lanes a DAG shows at most at this width; more are counted (`+N`) so that names stay on screen.
    public var laneLimit: Int { cols >= 120 ? 10 : cols >= 100 ? 7 : 5 }

    func performDag(_ action: Action) -> [Effect] {
        guard view == .workflow, open?.tree != nil else { return [] }
        switch action {
        case .lanes: toggleLanes()
        case .whyLate: walkToWaitedFor()
        case .timeline: toggleTimeline()
        case .zoomIn: zoomTimeline(by: 2)
        case .zoomOut: zoomTimeline(by: 0.5)
        case .panLeft: panTimeline(-1)
        case .panRight: panTimeline(1)
        default: break
        }
        return []
    }

    /// What a row of the tree is called in a notice.
    func entryName(_ e: Int) -> String {
        guard let tree = open?.tree, tree.entries.indices.contains(e) else { return "" }
        switch tree.entries[e].kind {
        case .node(let id): return tree.nodes[id]?.shownName ?? id
        case .group(let g): return tree.groups[g].name
        case .child(let name): return name
        }
    }

    /// The DAG the selection is in: the selected row itself when it is a DAG, else the innermost that holds it.
    func selectedDAG() -> Int? {
        guard let state = open, let tree = state.tree, state.selectedEntry >= 0 else { return nil }
        let e = state.selectedEntry
        if tree.isDAG(e) { return e }
        return tree.dagTask(of: e)?.graph.dag
    }

    func toggleLanes() {
        guard var state = open, let tree = state.tree else { return }
        let selected = state.selectedEntry
        guard let dag = selectedDAG(), let graph = tree.dagGraph(dag) else {
            notice = "d draws a DAG's dependencies: select a step of a DAG"
            return
        }
        let key = tree.entries[dag].key
        let on = !state.folding.lanes.contains(key)
        if on { state.folding.lanes.insert(key) } else { state.folding.lanes.remove(key) }
        open = state
        rebuildRows(keeping: selected >= 0 ? selected : dag)
        if on {
            let edges = graph.layout.successors.reduce(0) { $0 + $1.count }
            var text = "lanes of \(entryName(dag)): \(Format.count(graph.tasks.count)) tasks, \(Format.count(edges)) "
                + (edges == 1 ? "edge" : "edges") + ", the selected one's lit"
            if graph.layout.rows.contains(where: \.cyclic) { text += "; a cycle in the data is marked " + (ascii ? "@" : "↺") }
            notice = text + "  ·  w: why late  d: off"
        } else {
            notice = "\(entryName(dag)): tasks in start order again"
        }
    }

    /// `w`: selects the dependency the selected task waited for, the one that finished last, and says so;
    /// from a task with none, the DAG it belongs to (so that `w` walks on up to the root).
    func walkToWaitedFor() {
        guard let state = open, let tree = state.tree, state.selectedEntry >= 0 else { return }
        let e = state.selectedEntry
        guard let (graph, task) = tree.dagTask(of: e) else {
            notice = "w follows a DAG's dependencies: this step is not in a DAG"
            return
        }
        let finish = graph.tasks.map { tree.times(of: $0).end }
        let name = entryName(graph.tasks[task])
        guard let waited = CriticalChain.waitedFor(task, predecessors: graph.layout.predecessors, finish: finish) else {
            let dagName = entryName(graph.dag)
            if tree.dagTask(of: graph.dag) != nil {
                select(entry: graph.dag)
                notice = "\(name) depends on nothing in \(dagName): it started with it  ·  w: why \(dagName) started when it did"
            } else {
                notice = "\(name) depends on nothing: it started with the run (\(dagName)), the root of the chain"
            }
            return
        }
        if var shown = open, !shown.folding.lanes.contains(tree.entries[graph.dag].key) {
            shown.folding.lanes.insert(tree.entries[graph.dag].key)
            open = shown
        }
        select(entry: graph.tasks[waited])
        let count = graph.layout.predecessors[task].count
        var text = "\(name) waited for \(entryName(graph.tasks[waited]))"
        if let end = finish[waited], let start = tree.times(of: graph.tasks[task]).start {
            text += start >= end ? ", started \(Format.duration(start - end)) after it ended" : ", started before it ended"
        }
        text += count == 1 ? " (its only dependency)" : " (the last of its \(count) dependencies to end)"
        let chain = CriticalChain.chain(from: task, predecessors: graph.layout.predecessors, finish: finish).map { entryName(graph.tasks[$0]) }
        if chain.count > 2 { text += "  ·  chain: " + (chain.count > 5 ? chain.prefix(4).joined(separator: " ← ") + " ← … ← " + chain.last! : chain.joined(separator: " ← ")) }
        notice = text + "  ·  w: on up"
    }

    /// Entries in the order the rows draw them, and each one's position: the tree's order, except in DAGs drawn
    /// with lanes.
    func inDrawnOrder(_ targets: [Int]) -> ([Int], (Int) -> Int) {
        guard let state = open, let tree = state.tree, !state.folding.lanes.isEmpty else { return (targets, { $0 }) }
        let order = tree.drawnOrder(lanes: state.folding.lanes)
        let position: (Int) -> Int = { order[$0] ?? $0 }
        return (targets.sorted { position($0) < position($1) }, position)
    }

    func toggleTimeline() {
        guard var state = open else { return }
        state.timeline.on.toggle()
        open = state
        notice = state.timeline.on ? "timeline: +/- zoom  h/l pan  t: the tree" : nil
    }

    /// The run's times: from its start to its end (now while it runs).
    public var timelineRange: (start: Double, end: Double)? {
        guard let state = open, let wf = state.workflow else { return nil }
        guard let start = wf.status?.startedAt?.seconds ?? state.tree?.nodes.earliestStart else { return nil }
        let end = wf.status?.finishedAt?.seconds ?? now
        return (start, max(end, start + 1))
    }

    /// The window the timeline shows now.
    public var timelineWindow: TimeWindow? {
        guard let range = timelineRange, let state = open else { return nil }
        return Timeline.window(start: range.start, end: range.end, state: state.timeline)
    }

    func zoomTimeline(by factor: Double) {
        guard var state = open, let range = timelineRange, let before = timelineWindow else { return }
        let zoom = max(1, min(4096, state.timeline.zoom * factor))
        let total = range.end - range.start
        let span = total / zoom
        // Zoom around the selected step when it has times, else around the middle of the window.
        var center = before.start + before.span / 2
        if let tree = state.tree, state.selectedEntry >= 0, let start = tree.times(of: state.selectedEntry).start {
            center = (start + (tree.times(of: state.selectedEntry).end ?? now)) / 2
        }
        state.timeline.offset = max(0, min(total - span, center - range.start - span / 2))
        state.timeline.zoom = zoom
        open = state
        notice = zoom == 1 ? "the whole run" : "zoom ×\(Int(zoom)): \(Format.duration(span)) across"
    }

    func panTimeline(_ direction: Double) {
        guard var state = open, let range = timelineRange, let window = timelineWindow else { return }
        let total = range.end - range.start
        state.timeline.offset = max(0, min(total - window.span, window.start - range.start + direction * window.span / 4))
        open = state
        if state.timeline.zoom == 1 { notice = "the whole run is on screen: + zooms in" }
    }

    /// The task whose edges the lanes light: the selected row's, in the innermost DAG drawn with lanes.
    public var laneSelection: (dag: Int, task: Int)? {
        guard let state = open, let tree = state.tree, state.selectedEntry >= 0 else { return nil }
        guard let (graph, task) = tree.laneTask(of: state.selectedEntry, lanes: state.folding.lanes) else { return nil }
        return (graph.dag, task)
    }
}
