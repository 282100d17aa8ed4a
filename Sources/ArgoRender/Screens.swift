import ArgoAPI
import ArgoViewModel

/// Screens as pure functions of the model: the same canvas goes to ncurses and to headless text.
public enum Screens {
    public static func render(_ model: AppModel) -> Canvas {
        var canvas = Canvas(cols: model.cols, rows: model.rows)
        guard model.rows >= 3, model.cols >= 10 else {
            canvas.put("argotop", x: 0, y: 0, style: .title)
            return canvas
        }
        topLine(model, into: &canvas)
        switch model.view {
        case .workflows: workflowList(model, into: &canvas)
        case .workflow:
            if model.treeMode == .timeline { workflowTimeline(model, into: &canvas) } else { workflowTree(model, into: &canvas) }
            failurePane(model, into: &canvas)
        case .node: nodeDetails(model, into: &canvas)
        case .logs: logView(model, into: &canvas)
        case .help: help(model, into: &canvas)
        case .semaphores: locks(model, into: &canvas)
        case .namespaces: namespaces(model, into: &canvas)
        case .cron, .runs, .templates, .archive, .lint: opsView(model, into: &canvas)
        }
        statusLine(model, into: &canvas)
        bottomLine(model, into: &canvas)
        if let pending = model.ops.confirm { confirmDialog(pending, model: model, into: &canvas) }
        return canvas
    }

    // MARK: Frame

    static func topLine(_ model: AppModel, into canvas: inout Canvas) {
        canvas.fill(y: 0, style: .title)
        var x = canvas.put(" argotop ", x: 0, y: 0, style: .title)
        x = canvas.put(" " + model.server, x: x + 1, y: 0, style: .title)
        x = canvas.put("  ns: " + (model.namespace.isEmpty ? "(all)" : model.namespace), x: x, y: 0, style: .title)
        if let query = model.listQuery, model.view == .workflows {
            x = canvas.put("  filter: " + query.text, x: x, y: 0, style: .title)
        }
        let state: String
        switch model.connection {
        case .connecting: state = model.ascii ? "  . connecting" : "  ◷ connecting"
        case .connected: state = model.ascii ? "  * connected" : "  ● connected"
        case .failed: state = model.ascii ? "  X unreachable" : "  ✖ error"
        case .retrying: state = model.ascii ? "  ! retrying" : "  ⚠ retrying"
        }
        x = canvas.put(state, x: x, y: 0, style: .title)
        if model.insecure {
            x = canvas.put("  TLS NOT VERIFIED", x: x, y: 0, style: .warning)
        }
        if (model.view == .workflow || model.view == .node) && model.failedCount > 0 {
            canvas.put("  " + (model.ascii ? "X " : "✖ ") + Format.count(model.failedCount) + " failed", x: x, y: 0, style: .failed)
        }
    }

    static func statusLine(_ model: AppModel, into canvas: inout Canvas) {
        let y = model.rows - 2
        if let prompt = model.prompt {
            let command = model.promptKind == .command
            let x = canvas.put((command ? " :" : " /") + prompt, x: 0, y: y, style: .normal)
            canvas.put(model.ascii ? "_" : "▏", x: x, y: y, style: .keyName)
            canvas.put(command ? "   sem cron lint archive tmpl ns wf  Enter run  Esc cancel" : "   Enter search  Esc cancel", x: x + 1, y: y, style: .dim)
            return
        }
        if let error = model.error {
            canvas.put(" " + error, x: 0, y: y, style: .error)
            return
        }
        if let notice = model.notice {
            canvas.put(" " + notice, x: 0, y: y, style: .dim)
            return
        }
        switch model.view {
        case .workflows:
            let list = model.list
            var text = " \(Format.count(list.items.count)) workflows"
            if list.hiddenChildren > 0 { text += " (\(Format.count(list.hiddenChildren)) children folded under their parents: c)" }
            if list.loading {
                text += list.loadedOnce ? ", loading more…" : ", loading…"
            } else if !list.complete {
                text += " loaded, more as you scroll"
            }
            canvas.put(text, x: 0, y: y, style: .dim)
        case .workflow:
            if let open = model.open, !open.loading {
                let nodes = open.workflow?.nodes.count ?? 0
                var text = " \(Format.count(nodes)) nodes, \(Format.count(open.shownRows)) rows shown"
                if model.failedCount > 0 {
                    text += "  ·  f/F: next/previous of \(Format.count(model.failedCount)) failed step" + (model.failedCount == 1 ? "" : "s")
                }
                text += dagHint(model)
                canvas.put(text, x: 0, y: y, style: .dim)
            }
        case .node:
            canvas.put(" Space: fold a JSON value   l: its log   Esc: back to the tree", x: 0, y: y, style: .dim)
        case .logs:
            guard let logs = model.logs else { break }
            var parts = [Format.count(logs.lines.count - (logs.arrangement == .sequential ? logs.sources.count : 0)) + " lines"]
            if logs.dropped > 0 { parts.append(Format.count(logs.dropped) + " older lines dropped (keeps \(Format.count(logs.maxLines)))") }
            let open = logs.sources.filter { if case .streaming = $0.state { return $0.follow } else { return false } }.count
            let loading = logs.sources.filter { $0.state == .loading || $0.state == .waiting }.count
            if loading > 0 { parts.append("reading \(loading) of \(logs.sources.count) logs…") }
            if open > 0 { parts.append("\(open) following live") }
            let gone = logs.sources.filter { $0.state == .gone }.count
            if gone > 0 { parts.append("\(gone) pod" + (gone == 1 ? "" : "s") + " gone") }
            if !logs.isRunning { parts.append("end of log") }
            canvas.put(" " + parts.joined(separator: " · "), x: 0, y: y, style: .dim)
        case .help:
            break
        case .cron, .runs, .templates, .archive, .lint:
            canvas.put(opsStatus(model), x: 0, y: y, style: model.ops.lastError == nil ? .dim : .error)
        case .namespaces:
            let picker = model.namespacePicker
            let text = picker.loading ? " looking for the namespaces that have workflows…"
                : " \(Format.count(max(0, picker.choices.count - 1))) namespace\(picker.choices.count == 2 ? "" : "s") with workflows  ·  Enter: browse it  Esc: back"
            canvas.put(text, x: 0, y: y, style: .dim)
        case .semaphores:
            let book = model.lockBook
            var text: String
            if let key = model.locksView.openLock, let lock = book.lock(key) {
                text = " \(Format.count(lock.holders.count)) holding, \(Format.count(lock.waiters.count)) waiting  ·  Enter: open the workflow  Esc: every lock"
            } else {
                text = " \(Format.count(book.locks.count)) locks seen in \(model.namespace.isEmpty ? "every namespace" : model.namespace)"
                text += model.locksView.querying ? ", looking for Pending and Running workflows…" : " (the list, Pending and Running workflows, the open one's steps)"
            }
            canvas.put(text, x: 0, y: y, style: .dim)
        }
    }

    static func bottomLine(_ model: AppModel, into canvas: inout Canvas) {
        let y = model.rows - 1
        var x = 1
        for binding in Keymap.bar(for: model.view, mode: model.treeMode) {
            guard let key = binding.keys.first else { continue }
            x = canvas.put(key.label, x: x, y: y, style: .keyName)
            x = canvas.put(" " + binding.label + "  ", x: x, y: y, style: .normal)
        }
    }

    // MARK: Workflow list

    static func workflowList(_ model: AppModel, into canvas: inout Canvas) {
        let list = model.list
        let height = model.listHeight
        let visible = list.items.indices.contains(list.cursor.top)
            ? Array(list.items[list.cursor.top..<min(list.items.count, list.cursor.top + height)]) : []
        let showNamespace = model.namespace.isEmpty
        let nameWidth = min(max(20, visible.map { DisplayText.width($0.name) }.max() ?? 0), max(20, model.cols / 3))
        let nsWidth = showNamespace ? min(max(9, visible.map { DisplayText.width($0.namespace) }.max() ?? 0), 20) : 0
        var columns: [(String, Int)] = [("NAME", nameWidth)]
        if showNamespace { columns.append(("NAMESPACE", nsWidth)) }
        let progressWidth = max(8, visible.map { DisplayText.width($0.status?.progress ?? "") }.max() ?? 0)
        columns += [("PROGRESS", progressWidth), ("AGE", 5), ("DURATION", 8), ("MESSAGE", 0)]
        header(columns, y: 1, into: &canvas)

        if visible.isEmpty {
            let text: String
            if list.loadedOnce, let query = model.listQuery {
                text = "  no workflows match “\(query.text)” in \(model.namespace.isEmpty ? "any namespace" : "namespace " + model.namespace)  (Esc clears the filter)"
            } else if list.loadedOnce {
                text = model.namespace.isEmpty
                    ? "  no workflows in any namespace"
                    : "  no workflows in namespace \(model.namespace)  (:ns picks another, :ns -A shows all)"
            } else {
                text = model.listFailedBeforeFirstPage ? "  no workflows to show: the list could not be read (below)" : "  loading workflows…"
            }
            canvas.put(text, x: 0, y: 2, style: .dim)
            return
        }
        for (offset, wf) in visible.enumerated() {
            let y = 2 + offset
            guard y < model.rows - 2 else { break }
            let look = ChildRef.isQueued(wf) ? PhaseLook.queued(ascii: model.ascii) : PhaseLook.of(phase: wf.phase, ascii: model.ascii)
            var x = 1
            canvas.put(look.icon, x: x, y: y, style: look.style)
            x += 2
            canvas.put(DisplayText.truncate(wf.name, to: nameWidth), x: x, y: y, limit: x + nameWidth)
            x += nameWidth + 1
            if showNamespace {
                canvas.put(DisplayText.truncate(wf.namespace, to: nsWidth), x: x, y: y)
                x += nsWidth + 1
            }
            canvas.put(wf.status?.progress ?? "", x: x, y: y, limit: x + progressWidth)
            x += progressWidth + 1
            let age = wf.metadata.creationTimestamp.map { Format.age(model.now - $0.seconds) } ?? ""
            canvas.put(age, x: x, y: y, limit: x + 5)
            x += 6
            canvas.put(Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now), x: x, y: y, limit: x + 8)
            x += 9
            if let tally = model.childTally(of: wf) {
                x = canvas.put("⤷ ", x: x, y: y, style: .dim)
                x = drawChildCounts(tally, x: x, y: y, model: model, into: &canvas)
                x = canvas.put("  ", x: x, y: y)
            }
            let waiting = ChildRef.isQueued(wf) ? model.lockLine(of: wf, short: true) : nil
            let flags = rowFlags(wf, model: model)
            if !flags.isEmpty { x = canvas.put(flags, x: x, y: y, style: .warning) }
            canvas.put(DisplayText.truncate(DisplayText.sanitize(waiting ?? wf.status?.message ?? ""), to: max(0, model.cols - x)), x: x, y: y,
                style: look.style == .failed ? .failed : waiting != nil ? .warning : .normal)
            if list.cursor.top + offset == list.cursor.selected { markSelected(y: y, model: model, field: 3..<3 + nameWidth, into: &canvas) }
        }
    }

    /// The selection shows as a marker in column 0 (bold; the only sign on screens without attributes) and
    /// reverse video over the row's name: its first field (from its first cell that is neither blank nor dim to
    /// the first gap of two blanks) within `field`, the name's column when the screen knows it. The rest of the
    /// row keeps its colours, and a move rewrites only the two names and markers, not two whole lines.
    static func markSelected(y: Int, model: AppModel, field: Range<Int>? = nil, into canvas: inout Canvas) {
        canvas.put(model.ascii ? ">" : "▶", x: 0, y: y, style: .marker)
        guard let span = canvas.firstField(y: y, within: field ?? 1..<canvas.cols) else { return }
        canvas.fill(y: y, from: span.lowerBound, to: span.upperBound, style: .selected)
    }

    static func header(_ columns: [(String, Int)], y: Int, into canvas: inout Canvas) {
        var x = 3
        for (title, width) in columns {
            canvas.put(title, x: x, y: y, style: .header)
            x += width + 1
        }
    }

    // MARK: Workflow tree

    static func workflowTree(_ model: AppModel, into canvas: inout Canvas) {
        guard let open = model.open else { return }
        guard let wf = open.workflow, let tree = open.tree else {
            canvas.put(" " + open.namespace + "/" + open.name, x: 0, y: 1, style: .header)
            canvas.put(open.loading ? "  loading workflow…" : "  the workflow could not be loaded", x: 0, y: 3, style: .dim)
            return
        }
        workflowHeader(model, wf, into: &canvas)
        let top = 1 + model.headerLines
        if open.rows.isEmpty {
            let why = wf.status?.offloadNodeStatusVersion != nil
                ? "  the node status is offloaded to Argo Server's database: only Argo Server can show these nodes (connect with --server)"
                : "  this workflow has no nodes yet"
            canvas.put(why, x: 0, y: top + 1, style: .dim)
            return
        }
        let end = min(open.rows.count, open.cursor.top + model.treeHeight)
        let visible = open.cursor.top < end ? open.rows[open.cursor.top..<end].compactMap { $0.nodeID.flatMap { tree.nodes[$0] } } : []
        let layout = TreeLayout(model: model, open: open, visible: visible)
        canvas.put("STEP", x: 1, y: top, style: .header)
        if layout.templateWidth > 0 { canvas.put("TEMPLATE", x: layout.templateX, y: top, style: .header) }
        if layout.podWidth > 0 { canvas.put("PODNAME", x: layout.podX, y: top, style: .header) }
        canvas.put("DURATION", x: layout.durationX, y: top, style: .header)
        var ox = layout.outputsX
        for (name, width) in layout.outputColumns {
            canvas.put(name, x: ox, y: top, style: .header, limit: ox + width)
            ox += width + 2
        }
        if layout.messageX < model.cols - 7 { canvas.put("MESSAGE", x: layout.messageX, y: top, style: .header) }
        if open.showOutputs && layout.outputColumns.isEmpty {
            canvas.put("(no outputs on screen)", x: layout.outputsX, y: top, style: .dim)
        }
        guard open.cursor.top < end else { return }
        let lit = model.laneSelection
        for index in open.cursor.top..<end {
            let y = top + 1 + index - open.cursor.top
            guard y < model.rows - 2 - model.paneHeight else { break }
            let row = open.rows[index]
            switch row.item {
            case .blank:
                continue
            case .node(let id):
                guard let node = tree.nodes[id] else { continue }
                drawNodeRow(node, row: row, workflow: wf, layout: layout, y: y, model: model, into: &canvas)
            case .group(let g):
                drawGroupRow(tree.groups[g], row: row, layout: layout, y: y, model: model, into: &canvas)
            case .child(let name):
                guard let ref = tree.childRefs[name] else { continue }
                drawChildRow(ref, row: row, layout: layout, y: y, model: model, into: &canvas)
            }
            drawLanes(row, y: y, model: model, lit: lit, into: &canvas)
            if index == open.cursor.selected { markSelected(y: y, model: model, field: nameField(row, stepWidth: layout.stepWidth), into: &canvas) }
        }
    }

    /// Where the tree's columns go at this width: the step and its duration always; template, pod name,
    /// output parameters (one column each, `o`) and message as the width allows.
    struct TreeLayout {
        var stepWidth, templateX, templateWidth, podX, podWidth, durationX, outputsX, messageX: Int
        /// The output parameters shown as columns, with their widths.
        var outputColumns: [(name: String, width: Int)] = []

        init(model: AppModel, open: OpenWorkflowState, visible: [NodeStatus]) {
            let cols = model.cols
            stepWidth = min(open.stepWidth, max(24, cols / 2))
            templateX = stepWidth + 2
            // The outputs take the template's place when the width is short.
            let showTemplate = cols >= 100 && !(open.showOutputs && cols < 160)
            templateWidth = showTemplate ? min(open.templateWidth, max(10, cols / 5)) : 0
            podX = templateX + (templateWidth > 0 ? templateWidth + 2 : 0)
            podWidth = cols >= 160 ? 44 : 0
            durationX = podX + (podWidth > 0 ? podWidth + 2 : 0)
            outputsX = durationX + 9
            messageX = outputsX
            guard open.showOutputs else { return }
            // One column a parameter name, in the order the visible steps list them; each as wide as its
            // widest visible value (at most 24), as many as fit.
            var order: [String] = []
            var widths: [String: Int] = [:]
            for node in visible {
                for parameter in node.outputs?.parameters ?? [] {
                    if widths[parameter.name] == nil { order.append(parameter.name) }
                    let value = min(24, DisplayText.width(NodeDetails.oneLine(parameter.value ?? "")))
                    widths[parameter.name] = max(widths[parameter.name] ?? DisplayText.width(parameter.name), value)
                }
            }
            var x = outputsX
            for name in order {
                let width = min(24, widths[name] ?? 0)
                guard x + width <= cols else { break }
                outputColumns.append((name, width))
                x += width + 2
            }
            messageX = x
        }
    }

    /// Where a tree row's name goes: after its guides, lanes and icon, to the end of the step column.
    static func nameField(_ row: TreeRow, stepWidth: Int) -> Range<Int> {
        let start = DisplayText.width(row.prefix) + 1
        return start..<max(start, stepWidth + 1)
    }

    static func drawStepCell(
        prefix: String, icon: PhaseLook, name: String, row: TreeRow, layout: TreeLayout, y: Int, into canvas: inout Canvas
    ) {
        let limit = layout.stepWidth + 1
        var x = canvas.put(prefix, x: 0, y: y, style: .dim, limit: limit)
        x = canvas.put(icon.icon, x: x, y: y, style: icon.style, limit: limit)
        x = canvas.put(" " + name, x: x, y: y, limit: limit)
        // A child workflow not read yet folds an unknown number of rows: `[+]`.
        let hint = row.hiddenRows > 0 ? " [+" + String(row.hiddenRows) + "]" : " [+]"
        if row.folded { x = canvas.put(hint, x: x, y: y, style: .dim, limit: limit) }
        let wanted = DisplayText.width(prefix) + 2 + DisplayText.width(name) + (row.folded ? hint.count : 0)
        if wanted > limit { canvas.put("…", x: layout.stepWidth, y: y) }
    }

    static func drawNodeRow(
        _ node: NodeStatus, row: TreeRow, workflow: Workflow, layout: TreeLayout, y: Int, model: AppModel,
        into canvas: inout Canvas
    ) {
        let waiting = node.phase == "Pending" ? model.lockLine(ofNode: node.id, short: true) : nil
        let look = waiting != nil ? PhaseLook.queued(ascii: model.ascii) : PhaseLook.of(phase: node.phase, type: node.type, ascii: model.ascii)
        drawStepCell(prefix: row.prefix, icon: look, name: node.shownName, row: row, layout: layout, y: y, into: &canvas)
        if layout.templateWidth > 0 {
            canvas.put(DisplayText.truncate(AppModel.templateLabel(node), to: layout.templateWidth), x: layout.templateX, y: y)
        }
        if layout.podWidth > 0, let pod = (model.workflow(ofNode: node.id) ?? workflow).podName(of: node) {
            canvas.put(DisplayText.truncate(pod, to: layout.podWidth), x: layout.podX, y: y, style: .dim)
        }
        let showsDuration = node.type == "Pod" || node.type == "HTTP" || node.type == "Plugin" || node.type == "Container"
        if showsDuration {
            canvas.put(Format.span(started: node.startedAt, finished: node.finishedAt, now: model.now), x: layout.durationX, y: y)
        }
        var ox = layout.outputsX
        for (name, width) in layout.outputColumns {
            if let value = node.outputs?.parameters?.first(where: { $0.name == name })?.value {
                let style: Style = ["failed", "error", "false"].contains(value.lowercased()) ? .failed : .normal
                canvas.put(DisplayText.truncate(NodeDetails.oneLine(value), to: width), x: ox, y: y, style: style)
            }
            ox += width + 2
        }
        canvas.put(DisplayText.truncate(DisplayText.sanitize(waiting ?? node.message ?? ""), to: model.cols - layout.messageX),
            x: layout.messageX, y: y, style: look.style == .failed ? .failed : waiting != nil ? .warning : .normal)
    }

    static func drawGroupRow(
        _ group: FanOut, row: TreeRow, layout: TreeLayout, y: Int, model: AppModel, into canvas: inout Canvas
    ) {
        let look = PhaseLook.of(phase: group.phase, ascii: model.ascii)
        drawStepCell(prefix: row.prefix, icon: look, name: group.name, row: row, layout: layout, y: y, into: &canvas)
        if layout.templateWidth > 0 {
            canvas.put(DisplayText.truncate(group.template, to: layout.templateWidth), x: layout.templateX, y: y)
        }
        if let children = group.children {
            drawChildCounts(children, x: layout.durationX, y: y, model: model, into: &canvas)
            return
        }
        var x = canvas.put(Format.count(group.members.count) + " items", x: layout.durationX, y: y, style: .header)
        for (phase, count) in group.counts {
            let phaseLook = PhaseLook.of(phase: phase, ascii: model.ascii)
            x = canvas.put("  " + Format.count(count) + " ", x: x, y: y)
            x = canvas.put(phaseLook.icon, x: x, y: y, style: phaseLook.style)
        }
    }

    /// `40 child workflows  5 ✔  1 ✖  1 ●  33 ⧗ queued`; returns the column after it.
    @discardableResult
    static func drawChildCounts(_ counts: ChildCounts, x start: Int, y: Int, model: AppModel, into canvas: inout Canvas) -> Int {
        var x = canvas.put(Format.count(counts.total) + (counts.total == 1 ? " child workflow" : " child workflows"), x: start, y: y, style: .header)
        for (phase, count) in counts.byPhase {
            let phaseLook = PhaseLook.of(phase: phase, ascii: model.ascii)
            x = canvas.put("  " + Format.count(count) + " ", x: x, y: y)
            x = canvas.put(phaseLook.icon, x: x, y: y, style: phaseLook.style)
        }
        if counts.queued > 0 {
            x = canvas.put("  " + Format.count(counts.queued) + " ", x: x, y: y)
            x = canvas.put(model.ascii ? "queued" : "⧗ queued", x: x, y: y, style: .warning)
        }
        return x
    }

    /// A child workflow under the step that created it: its phase, template, duration, progress and message.
    static func drawChildRow(_ ref: ChildRef, row: TreeRow, layout: TreeLayout, y: Int, model: AppModel, into canvas: inout Canvas) {
        let wf = ref.summary
        let look = ref.isQueued ? PhaseLook.queued(ascii: model.ascii) : PhaseLook.of(phase: wf.phase, ascii: model.ascii)
        drawStepCell(prefix: row.prefix, icon: look, name: ref.name, row: row, layout: layout, y: y, into: &canvas)
        if layout.templateWidth > 0 {
            canvas.put(DisplayText.truncate(AppModel.childTemplateLabel(ref), to: layout.templateWidth), x: layout.templateX, y: y, style: .dim)
        }
        canvas.put(Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now), x: layout.durationX, y: y)
        var text = ""
        if let progress = wf.status?.progress, !progress.isEmpty, progress != "0/0" { text = progress + "  " }
        text += DisplayText.sanitize(model.childLine(ref, short: true))
        let style: Style = NodeTree.isFailure(wf.phase) ? .failed : ref.isQueued ? .warning : .dim
        canvas.put(DisplayText.truncate(text, to: model.cols - layout.messageX), x: layout.messageX, y: y, style: style)
    }

    /// The workflow's name, phase and times; its message; where it came from and what it returned.
    static func workflowHeader(_ model: AppModel, _ wf: Workflow, into canvas: inout Canvas) {
        let look = PhaseLook.of(phase: wf.phase, ascii: model.ascii)
        var x = 0
        if let open = model.open, !open.breadcrumb.isEmpty {
            x = canvas.put(" " + open.breadcrumb.joined(separator: model.ascii ? " > " : " › ") + (model.ascii ? " >" : " ›"), x: 0, y: 1, style: .dim)
        }
        x = canvas.put(" " + wf.name, x: x, y: 1, style: .header)
        x = canvas.put("  " + look.icon + " " + (wf.phase.isEmpty ? "Unknown" : wf.phase), x: x, y: 1, style: look.style)
        var facts: [String] = []
        if let created = wf.metadata.creationTimestamp { facts.append("created " + Format.age(model.now - created.seconds) + " ago") }
        let span = Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now)
        if !span.isEmpty { facts.append("duration " + span + (wf.status?.finishedAt == nil && wf.phase == "Running" ? " (running)" : "")) }
        if let progress = wf.status?.progress { facts.append("progress " + progress) }
        x = canvas.put("  " + facts.joined(separator: "  "), x: x, y: 1, style: .dim)
        if let open = model.open, open.stale {
            let age = open.readAt.map { " as of " + Format.age(model.now - $0) + " ago" } ?? ""
            canvas.put("  steps" + age + ", reading again soon", x: x, y: 1, style: .warning)
        }
        if let waiting = ChildRef.isQueued(wf) ? model.lockLine(of: wf) : nil {
            let line = fitting(waiting, or: model.lockLine(of: wf, short: true), prefix: model.ascii ? "q " : "⧗ ", cols: model.cols)
            if model.headerLines > 1 { canvas.put(line, x: 0, y: 2, style: .warning) }
        } else if let message = wf.status?.message, !message.isEmpty {
            if model.headerLines > 1 { canvas.put(" " + message, x: 0, y: 2, style: look.style == .failed ? .failed : .normal) }
        }
        if model.headerLines > 2 {
            var fx = 1
            for (key, value) in model.headerFacts {
                fx = canvas.put(key + " ", x: fx, y: 3, style: .dim)
                fx = canvas.put(NodeDetails.oneLine(value) + "   ", x: fx, y: 3)
            }
            if let flags = headerFlags(model) { canvas.put(flags, x: fx, y: 3, style: .warning) }
        }
    }

    /// The pane under the tree: why the selected step failed, and the last lines of its log.
    static func failurePane(_ model: AppModel, into canvas: inout Canvas) {
        let height = model.paneHeight
        guard height > 0, let open = model.open, let tree = open.tree, let wf = open.workflow else { return }
        let top = model.rows - 2 - height
        let rule = String(repeating: model.ascii ? "-" : "─", count: model.cols)
        canvas.put(rule, x: 0, y: top, style: .dim)
        let entry = open.selectedEntry
        guard entry >= 0 else { return }
        let path = tree.ancestors(of: entry).compactMap { e -> String? in
            switch tree.entries[e].kind {
            case .node(let id): return tree.nodes[id]?.shownName
            case .group(let g): return tree.groups[g].name + "(…)"
            case .child(let name): return name
            }
        }.joined(separator: model.ascii ? " > " : " › ")
        if case .child(let name) = tree.entries[entry].kind, let ref = tree.childRefs[name] {
            childPane(ref, path: path, top: top, model: model, into: &canvas)
            return
        }
        guard let node = tree.node(at: entry) else {
            canvas.put(" in " + path, x: 0, y: top + 1, style: .dim)
            canvas.put(" Enter or Space unfolds the group; f goes to its next failed step", x: 0, y: top + 2, style: .dim)
            return
        }
        let queued = node.phase == "Pending" && model.lockLine(ofNode: node.id) != nil
        let look = queued ? PhaseLook.queued(ascii: model.ascii) : PhaseLook.of(phase: node.phase, type: node.type, ascii: model.ascii)
        var x = canvas.put(" " + look.icon + " " + node.shownName + " ", x: 1, y: top, style: look.style)
        var facts = [node.phase ?? "Unknown"]
        if let code = node.outputs?.exitCode { facts.append("exit code " + code) }
        let template = AppModel.templateLabel(node)
        if !template.isEmpty { facts.append("template " + template) }
        let span = Format.span(started: node.startedAt, finished: node.finishedAt, now: model.now)
        if !span.isEmpty { facts.append(span) }
        x = canvas.put(" " + facts.joined(separator: " · ") + " ", x: x + 1, y: top, style: .header)
        var y = top + 1
        canvas.put(" in " + (path.isEmpty ? wf.name : path), x: 0, y: y, style: .dim)
        y += 1
        if let waiting = node.phase == "Pending" ? model.lockLine(ofNode: node.id) : nil {
            for line in wrapWords((model.ascii ? "q " : "⧗ ") + DisplayText.sanitize(waiting), width: model.cols - 2).prefix(3) {
                canvas.put(" " + line, x: 0, y: y, style: .warning)
                y += 1
            }
        } else if let message = node.message, !message.isEmpty {
            canvas.put(" " + message, x: 0, y: y, style: NodeTree.isFailure(node.phase) ? .failed : .normal)
            y += 1
        }
        let bottom = top + height
        guard NodeTree.isFailure(node.phase) else {
            if y < bottom {
                let hint = model.failedCount > 0 ? " f: next failed step · Enter: details and outputs" : " Enter: details and outputs"
                canvas.put(hint, x: 0, y: y, style: .dim)
            }
            return
        }
        guard let pod = (model.workflow(ofNode: node.id) ?? wf).podName(of: node) else {
            if y < bottom { canvas.put(" (no pod: this step failed because of the steps under it)", x: 0, y: y, style: .dim) }
            return
        }
        guard let tail = open.logTails[pod] else { return }
        if tail.loading {
            canvas.put(" reading the end of the log of " + pod + "…", x: 0, y: y, style: .dim)
        } else if let error = tail.error {
            canvas.put(" no log: " + error, x: 0, y: y, style: .error)
        } else if tail.lines.isEmpty {
            canvas.put(" the log of " + pod + " is empty", x: 0, y: y, style: .dim)
        } else {
            let room = max(0, bottom - y)
            for line in tail.lines.suffix(room) {
                canvas.put("  " + DisplayText.withoutColourCodes(String(line.prefix(model.cols * 2))), x: 0, y: y)
                y += 1
            }
        }
    }

    /// The pane for a child workflow's row: what it is, how it is linked, why it failed or waits.
    static func childPane(_ ref: ChildRef, path: String, top: Int, model: AppModel, into canvas: inout Canvas) {
        let wf = ref.summary
        let look = ref.isQueued ? PhaseLook.queued(ascii: model.ascii) : PhaseLook.of(phase: wf.phase, ascii: model.ascii)
        var x = canvas.put(" " + look.icon + " " + ref.name + " ", x: 1, y: top, style: look.style)
        var facts = ["child workflow", wf.phase.isEmpty ? "Unknown" : wf.phase]
        if let progress = wf.status?.progress, !progress.isEmpty { facts.append("progress " + progress) }
        let span = Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now)
        if !span.isEmpty { facts.append(span) }
        x = canvas.put(" " + facts.joined(separator: " · ") + " ", x: x + 1, y: top, style: .header)
        let how: String
        switch ref.link {
        case .owner: how = "its ownerReferences name this workflow"
        case .output: how = "the step's output parameter holds its name"
        case .inferred: how = "inferred: same workflow-template label, created while the step ran"
        }
        canvas.put(" in " + path + "  (" + how + ")", x: 0, y: top + 1, style: .dim)
        var y = top + 2
        for line in wrapWords(DisplayText.sanitize(model.childLine(ref)), width: model.cols - 2).prefix(2) where !line.isEmpty {
            canvas.put(" " + line, x: 0, y: y, style: NodeTree.isFailure(wf.phase) ? .failed : ref.isQueued ? .warning : .normal)
            y += 1
        }
        canvas.put(" Space: unfold its steps here · Enter: open it on its own (Esc comes back)", x: 0, y: y, style: .dim)
    }

    /// Words onto lines of at most `width` columns (a word longer than a line is cut where the line ends).
    static func wrapWords(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayText.width(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        return lines
    }

    /// ` ⧗ sentence` when it fits the width, else the short form (the place in the queue first).
    static func fitting(_ full: String, or short: String?, prefix: String, cols: Int) -> String {
        let line = " " + prefix + DisplayText.sanitize(full)
        guard DisplayText.width(line) > cols, let short else { return line }
        return " " + prefix + DisplayText.sanitize(short)
    }

    // MARK: Namespaces

    /// `:ns`: every namespace that has workflows, the one browsed marked.
    static func namespaces(_ model: AppModel, into canvas: inout Canvas) {
        let picker = model.namespacePicker
        header([("NAMESPACE", 0)], y: 1, into: &canvas)
        let current = model.namespace.isEmpty ? NamespacePickerState.all : model.namespace
        let cursor = picker.cursor
        for index in cursor.top..<min(picker.choices.count, cursor.top + model.listHeight) {
            let y = 2 + index - cursor.top
            guard y < model.rows - 2 else { break }
            let name = picker.choices[index]
            let x = canvas.put(DisplayText.sanitize(name), x: 3, y: y, style: name == current ? .header : .normal)
            if name == current { canvas.put("  (browsed now)", x: x, y: y, style: .dim) }
            if index == cursor.selected { markSelected(y: y, model: model, into: &canvas) }
        }
    }

    // MARK: Locks

    /// `:sem`: every lock seen (key, kind, limit, holders, waiting), or one lock's holders and waiters in order.
    static func locks(_ model: AppModel, into canvas: inout Canvas) {
        let book = model.lockBook
        if let key = model.locksView.openLock {
            lockDetail(model, key: key, into: &canvas)
            return
        }
        let height = model.listHeight
        let locks = book.locks
        let kindWidth = 9, limitWidth = 5, waitingWidth = 7
        let keyWidth = min(max(20, locks.map { DisplayText.width($0.key.raw) }.max() ?? 0), max(20, model.cols / 2))
        let holdersX = 1 + keyWidth + 2 + kindWidth + 1 + limitWidth + 1 + waitingWidth + 1
        header([("LOCK", keyWidth + 2), ("KIND", kindWidth), ("LIMIT", limitWidth), ("WAITING", waitingWidth), ("HELD BY", 0)], y: 1, into: &canvas)
        if locks.isEmpty {
            canvas.put(model.locksView.querying ? "  looking for locks…" : "  no semaphore or mutex is held or waited for here", x: 0, y: 2, style: .dim)
            return
        }
        let cursor = model.locksView.cursor
        for index in cursor.top..<min(locks.count, cursor.top + height) {
            let y = 2 + index - cursor.top
            guard y < model.rows - 2 else { break }
            let lock = locks[index]
            var x = 1
            canvas.put(lock.waiters.isEmpty ? " " : (model.ascii ? "q" : "⧗"), x: x, y: y, style: .warning)
            x += 2
            canvas.put(lock.key.raw, x: x, y: y, limit: x + keyWidth)
            x += keyWidth + 1
            canvas.put(lock.isMutex ? "mutex" : "semaphore", x: x, y: y, style: .dim)
            x += kindWidth + 1
            canvas.put(lock.isMutex ? "1" : lock.limit.map(String.init) ?? "?", x: x, y: y)
            x += limitWidth + 1
            canvas.put(Format.count(lock.waiters.count), x: x, y: y, style: lock.waiters.isEmpty ? .dim : .warning)
            let names = lock.holders.map { model.holderLabel($0) }
            let held = names.isEmpty ? "holder unknown" : names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
            canvas.put(DisplayText.truncate(DisplayText.sanitize(held), to: max(0, model.cols - holdersX)), x: holdersX, y: y, style: names.isEmpty ? .dim : .normal)
            if index == cursor.selected { markSelected(y: y, model: model, field: 3..<3 + keyWidth, into: &canvas) }
        }
    }

    static func lockDetail(_ model: AppModel, key: String, into canvas: inout Canvas) {
        guard let lock = model.lockBook.lock(key) else {
            canvas.put("  the lock \(key) is no longer seen", x: 0, y: 2, style: .dim)
            return
        }
        var x = canvas.put(" " + lock.key.raw, x: 0, y: 1, style: .header)
        var facts = [lock.isMutex ? "mutex" : "semaphore"]
        if !lock.isMutex { facts.append(lock.limit.map { "limit \($0)" } ?? "limit unknown (it lives in the ConfigMap)") }
        if let ns = lock.key.namespace { facts.append("namespace " + ns) }
        switch lock.key.kind {
        case .semaphore(.configMap): facts.append("ConfigMap " + lock.key.name + (lock.key.key.map { ", key " + $0 } ?? ""))
        case .semaphore(.database): facts.append("database key " + lock.key.name)
        case .mutex: facts.append("name " + lock.key.name)
        case .unknown: break
        }
        x = canvas.put("  " + facts.joined(separator: " · "), x: x, y: 1, style: .dim)
        let rows = model.lockDetailRows
        let cursor = model.locksView.detailCursor
        let height = model.listHeight
        for index in cursor.top..<min(rows.count, cursor.top + height) {
            let y = 2 + index - cursor.top
            guard y < model.rows - 2 else { break }
            var field: Range<Int>?
            switch rows[index] {
            case .heading(let text):
                canvas.put(" " + text, x: 0, y: y, style: .header)
            case .holder(let holder):
                let wf = holder.workflow.flatMap { name in model.list.all.first { $0.name == name } }
                let look = PhaseLook.of(phase: wf?.phase ?? "Running", ascii: model.ascii)
                var hx = canvas.put(look.icon, x: 3, y: y, style: look.style)
                field = hx + 1..<model.cols
                hx = canvas.put(" " + DisplayText.sanitize(model.holderLabel(holder)), x: hx, y: y)
                if let started = model.holdingSince(holder) {
                    canvas.put("  holding since " + Format.age(model.now - started.seconds) + " ago", x: hx, y: y, style: .dim)
                }
            case .waiter(let waiter):
                var wx = canvas.put(Format.ordinal(waiter.position).padded(to: 6), x: 3, y: y, style: .warning)
                let name = waiter.nodeID != nil ? waiter.name + " of " + waiter.workflow.name : waiter.name
                field = wx..<model.cols
                wx = canvas.put(DisplayText.sanitize(name), x: wx, y: y)
                if let since = waiter.since {
                    canvas.put("  waiting " + Format.age(model.now - since.seconds), x: wx, y: y, style: .dim)
                }
            }
            if index == cursor.selected { markSelected(y: y, model: model, field: field, into: &canvas) }
        }
    }

    // MARK: Logs

    static func logView(_ model: AppModel, into canvas: inout Canvas) {
        guard let logs = model.logs else { return }
        var x = canvas.put(" " + logs.title, x: 0, y: 1, style: .header)
        var flags: [String] = [logs.follow ? "following" : "paused"]
        if logs.wrap { flags.append("wrap") }
        if logs.onlyMatches, let query = logs.query { flags.append("only “\(query)”") }
        if logs.arrangement == .single, let source = logs.sources.first { flags.append(source.podName + " › " + source.container) }
        x = canvas.put("  " + flags.joined(separator: " · "), x: x, y: 1, style: .dim)

        let height = model.rows - 4
        let count = logs.visibleCount
        guard height > 0 else { return }
        if count == 0 {
            // A log that could not be read says why, not that it is empty.
            let failures = logs.sources.compactMap { source -> String? in
                if case .failed(let why) = source.state { return why }
                return nil
            }
            if let why = failures.first, !logs.isRunning {
                var y = 2
                for line in wrapWords("no log: " + DisplayText.sanitize(why), width: model.cols - 4).prefix(max(1, height - 1)) {
                    canvas.put("  " + line, x: 0, y: y, style: .error)
                    y += 1
                }
                return
            }
            let waiting = logs.isRunning ? "  waiting for the first lines…" : "  the log is empty"
            canvas.put(waiting, x: 0, y: 2, style: .dim)
            return
        }
        let labelWidth = logs.arrangement == .merged ? min(24, logs.sources.map { DisplayText.width($0.label) }.max() ?? 0) : 0
        let cols = model.cols
        /// The text of a line as drawn: time, source, content, with colour codes dropped and never more than
        /// what the screen can show (a 1 MB line costs a screenful, not a megabyte).
        func pieces(_ line: LogLine, budget: Int) -> (prefix: String, content: String) {
            var prefix = ""
            if logs.showTimestamps, let stamp = line.timestamp { prefix += shortTime(stamp) + " " }
            if labelWidth > 0 { prefix += DisplayText.truncate(logs.sources[line.source].label, to: labelWidth).padded(to: labelWidth) + (model.ascii ? " | " : " │ ") }
            let content = DisplayText.sanitize(DisplayText.withoutColourCodes(String(line.content.prefix(budget))))
            return (prefix, content)
        }
        func rowsNeeded(_ line: LogLine) -> Int {
            guard logs.wrap, !line.isHeading else { return 1 }
            let (prefix, content) = pieces(line, budget: cols * height + 1)
            return max(1, (DisplayText.width(prefix) + DisplayText.width(content) + cols - 2) / max(1, cols - 1))
        }
        var start = logs.follow ? max(0, count - height) : min(logs.top, max(0, count - 1))
        if logs.follow && logs.wrap {
            // Fill the screen from the bottom up.
            var used = 0
            start = count
            while start > 0 {
                let need = rowsNeeded(logs.line(at: start - 1))
                if used + need > height && used > 0 { break }
                used += need
                start -= 1
            }
        }
        var y = 2
        var position = start
        while y < min(2 + height, model.rows - 2) && position < count {
            let index = logs.lineIndex(at: position)
            let line = logs.lines[index]
            if line.isHeading {
                let rule = model.ascii ? "==" : "━━"
                canvas.put(rule + " " + line.content + " ", x: 0, y: y, style: .header)
                y += 1
                position += 1
                continue
            }
            let budget = logs.wrap ? cols * (2 + height - y) : cols * 2
            let (prefix, content) = pieces(line, budget: budget)
            var cx = canvas.put(" " + prefix, x: 0, y: y, style: .dim)
            let contentStart = cx
            var rest = Substring(content)
            var row = y
            // Cut or wrap at the edge.
            while true {
                let end = canvas.put(String(rest), x: cx, y: row, limit: cols)
                _ = end
                if !logs.wrap || row + 1 >= 2 + height { break }
                let fitted = fitting(rest, columns: cols - cx)
                if fitted >= rest.count { break }
                rest = rest.dropFirst(fitted)
                row += 1
                cx = 1
            }
            if let query = logs.query, !query.isEmpty, !logs.wrap {
                highlight(query, in: content, startX: contentStart, y: y, cols: cols, into: &canvas)
            }
            if logs.matchLine == index { canvas.fill(y: y, style: .selected) }
            y = row + 1
            position += 1
        }
    }

    /// How many characters of `text` fit in `columns` cells.
    static func fitting(_ text: Substring, columns: Int) -> Int {
        var used = 0
        var n = 0
        for character in text {
            let w = DisplayText.width(of: character)
            if used + w > columns { break }
            used += w
            n += 1
        }
        return max(1, n)
    }

    /// Restyles the cells of every occurrence of `query` in a drawn line.
    static func highlight(_ query: String, in text: String, startX: Int, y: Int, cols: Int, into canvas: inout Canvas) {
        var searchFrom = text.startIndex
        while let range = text.range(of: query, options: .caseInsensitive, range: searchFrom..<text.endIndex) {
            let from = startX + DisplayText.width(String(text[text.startIndex..<range.lowerBound]))
            let to = from + DisplayText.width(String(text[range]))
            if from >= cols { break }
            canvas.fill(y: y, from: from, to: min(cols, to), style: .keyName)
            searchFrom = range.upperBound
        }
    }

    /// `11:08:50` from `2026-11-28T11:08:50.123456789Z`.
    static func shortTime(_ stamp: String) -> String {
        guard let t = stamp.firstIndex(of: "T") else { return stamp }
        return String(stamp[stamp.index(after: t)...].prefix(8))
    }

    // MARK: Node details

    static func nodeDetails(_ model: AppModel, into canvas: inout Canvas) {
        guard let shown = model.details, let open = model.open, let node = open.workflow?.nodes[shown.nodeID] else { return }
        let look = PhaseLook.of(phase: node.phase, type: node.type, ascii: model.ascii)
        var x = canvas.put(" " + node.shownName, x: 0, y: 1, style: .header)
        x = canvas.put("  " + look.icon + " " + (node.phase ?? "Unknown"), x: x, y: 1, style: look.style)
        canvas.put("  in " + open.name, x: x, y: 1, style: .dim)
        let keyX = 3
        let valueX = NodeDetails.valueColumn
        let end = min(shown.lines.count, shown.cursor.top + model.detailHeight)
        guard shown.cursor.top < end else { return }
        for index in shown.cursor.top..<end {
            let y = 2 + index - shown.cursor.top
            guard y < model.rows - 2 else { break }
            let line = shown.lines[index]
            let valueStyle: Style = NodeTree.isFailure(line.phase) ? .failed : (line.phase == "Succeeded" ? .ok : .normal)
            switch line.kind {
            case .blank:
                break
            case .section:
                canvas.put(" " + line.key, x: 0, y: y, style: .header)
            case .field:
                canvas.put(line.key, x: keyX, y: y, style: .dim, limit: valueX - 1)
                canvas.put(line.value, x: valueX, y: y, style: valueStyle)
            case .json(let folded, let count):
                canvas.put(line.key, x: keyX, y: y, style: .dim, limit: valueX - 1)
                let marker = folded ? (model.ascii ? "+ " : "▸ ") : (model.ascii ? "- " : "▾ ")
                let cx = canvas.put(marker, x: valueX - 2, y: y, style: .keyName)
                if folded {
                    let suffix = "  (\(count) lines, Space unfolds)"
                    let room = max(8, model.cols - cx - DisplayText.width(suffix))
                    let nx = canvas.put(DisplayText.truncate(line.value, to: room), x: cx, y: y)
                    canvas.put(suffix, x: nx, y: y, style: .dim)
                } else {
                    canvas.put("(\(count) lines, Space folds)", x: cx, y: y, style: .dim)
                }
            case .jsonLine:
                canvas.put(line.value, x: valueX, y: y)
            }
            if index == shown.cursor.selected { markSelected(y: y, model: model, into: &canvas) }
        }
    }

    // MARK: Help

    static func help(_ model: AppModel, into canvas: inout Canvas) {
        canvas.put(" Keys", x: 0, y: 1, style: .header)
        // The keys of every view first (move, help, quit), then each view's, in the table's order.
        let ordered = Keymap.bindings.filter { $0.views.isEmpty } + Keymap.bindings.filter { !$0.views.isEmpty }
        let bindings = model.readonly ? ordered.filter { !Keymap.actions.contains($0.action) } : ordered
        if model.readonly {
            canvas.put("  (--readonly: actions are off)", x: 6, y: 1, style: .warning)
        }
        var y = 3
        for binding in bindings.dropFirst(model.helpTop) {
            guard y < model.rows - 2 else { break }
            let keys = binding.keys.map { $0.label }.joined(separator: " ")
            canvas.put("  " + keys.padded(to: 14), x: 0, y: y, style: .keyName)
            var text = binding.help
            if !binding.views.isEmpty {
                text += " (" + binding.views.map { $0.rawValue }.sorted().joined(separator: ", ") + ")"
            }
            canvas.put(DisplayText.truncate(text, to: model.cols - 18), x: 17, y: y)
            y += 1
        }
        let hidden = bindings.count - model.helpTop - (y - 3)
        if hidden > 0 { canvas.put(" \(hidden) more: j or PgDn", x: 0, y: model.rows - 2, style: .dim) }
    }
}
