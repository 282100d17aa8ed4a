import ArgoAPI
import ArgoViewModel

/// The DAG's lanes beside the tree (`d`) and the timeline (`t`).
extension Screens {
    /// Paints a row's lanes: the selected task's edges (what it waited for, what waited for it) lit, the rest dim.
    static func drawLanes(_ row: TreeRow, y: Int, model: AppModel, lit: (dag: Int, task: Int)?, into canvas: inout Canvas) {
        guard let spot = row.lane, let tree = model.open?.tree, let graph = tree.dagGraph(spot.dag),
            graph.layout.rows.indices.contains(spot.row)
        else { return }
        let layout = graph.layout
        let laneRow = layout.rows[spot.row]
        let selected = lit?.dag == spot.dag ? lit?.task : nil
        var x = spot.x
        for span in DagLanes.spans(spot.below ? laneRow.below : laneRow.cells, width: layout.width, limit: model.laneLimit,
            glyphs: model.ascii ? .ascii : .unicode, cyclic: !spot.below && laneRow.cyclic)
        {
            let width = DisplayText.width(span.text)
            let on = selected.map { span.cell?.touches.contains($0) == true } ?? false
            if x + width <= canvas.cols {
                canvas.put(span.text, x: x, y: y, style: on ? .keyName : span.cell?.node == true ? .normal : .dim)
            }
            x += width
        }
    }

    // MARK: Timeline

    /// The tree's rows with a bar each from start to finish, scaled to the width; the critical path marked,
    /// the current time marked while the run goes on, a scale at the top.
    static func workflowTimeline(_ model: AppModel, into canvas: inout Canvas) {
        guard let open = model.open else { return }
        guard let wf = open.workflow, let tree = open.tree, let window = model.timelineWindow, let range = model.timelineRange else {
            workflowTree(model, into: &canvas)
            return
        }
        workflowHeader(model, wf, into: &canvas)
        let top = 1 + model.headerLines
        let stepWidth = min(open.stepWidth, max(20, model.cols * 2 / 5))
        let markX = stepWidth + 1
        let barX = markX + 2
        let durationX = model.cols - 8
        let barWidth = max(1, durationX - 1 - barX)
        canvas.put("STEP", x: 1, y: top, style: .header)
        canvas.put(Timeline.scale(window: window, origin: range.start, width: barWidth, ascii: model.ascii), x: barX, y: top, style: .header)
        canvas.put("DURATION", x: durationX, y: top, style: .header, limit: model.cols)
        let layout = TreeLayout(stepWidth: stepWidth)
        let critical = tree.criticalEntries(now: model.now)
        let running = wf.status?.finishedAt == nil && wf.status?.startedAt != nil
        let nowColumn = running ? Timeline.column(of: model.now, window: window, width: barWidth) : nil
        let lit = model.laneSelection
        let end = min(open.rows.count, open.cursor.top + model.treeHeight)
        guard open.cursor.top < end else { return }
        for index in open.cursor.top..<end {
            let y = top + 1 + index - open.cursor.top
            guard y < model.rows - 2 - model.paneHeight else { break }
            let row = open.rows[index]
            guard row.entry >= 0 else { continue }
            let look: PhaseLook
            let name: String
            switch row.item {
            case .node(let id):
                let node = tree.nodes[id]
                look = PhaseLook.of(phase: node?.phase, type: node?.type, ascii: model.ascii)
                name = node?.shownName ?? id
            case .group(let g):
                look = PhaseLook.of(phase: tree.groups[g].phase, ascii: model.ascii)
                name = tree.groups[g].name
            case .child(let child):
                look = PhaseLook.of(phase: tree.childRefs[child]?.summary.phase, ascii: model.ascii)
                name = child
            case .blank:
                continue
            }
            drawStepCell(prefix: row.prefix, icon: look, name: name, row: row, layout: layout, y: y, into: &canvas)
            drawLanes(row, y: y, model: model, lit: lit, into: &canvas)
            if critical.contains(row.entry) { canvas.put(model.ascii ? ">" : "»", x: markX, y: y, style: .header) }
            let (start, finish) = tree.times(of: row.entry)
            if let start, let bar = Timeline.bar(from: start, to: finish ?? model.now, window: window, width: barWidth) {
                // A parent's span (an open DAG, steps, a group) is a thin line over its children's bars.
                let parent = !row.folded && tree.entries[row.entry].rowsBelow > 0
                let glyph = parent ? (model.ascii ? "-" : "─") : (model.ascii ? "#" : "█")
                canvas.put(String(repeating: glyph, count: bar.count), x: barX + bar.lowerBound, y: y, style: look.style)
            }
            if let start {
                canvas.put(Format.duration((finish ?? model.now) - start), x: durationX, y: y, style: finish == nil ? .running : .normal)
            }
            if let nowColumn, canvas[barX + nowColumn, y].text == " " {
                canvas.put(model.ascii ? ":" : "┊", x: barX + nowColumn, y: y, style: .header)
            }
            if index == open.cursor.selected { markSelected(y: y, model: model, field: nameField(row, stepWidth: stepWidth), into: &canvas) }
        }
    }
}

extension Screens.TreeLayout {
    /// The timeline's step column: the tree's step cell alone.
    init(stepWidth: Int) {
        self.stepWidth = stepWidth
        templateX = stepWidth + 2
        templateWidth = 0
        podX = templateX
        podWidth = 0
        durationX = templateX
        outputsX = templateX
        messageX = templateX
    }
}

extension Screens {
    /// What the status line adds when the selection is in a DAG: the keys of the graph and the timeline.
    static func dagHint(_ model: AppModel) -> String {
        guard let open = model.open, let tree = open.tree, open.selectedEntry >= 0 else { return "" }
        if model.treeMode == .timeline { return "  ·  t: tree" }
        guard tree.isDAG(open.selectedEntry) || tree.dagTask(of: open.selectedEntry) != nil else { return "" }
        return "  ·  d: lanes  w: why late  t: timeline"
    }
}
