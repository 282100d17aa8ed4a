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
        case .workflow: workflowTree(model, into: &canvas)
        case .help: help(model, into: &canvas)
        }
        statusLine(model, into: &canvas)
        bottomLine(model, into: &canvas)
        return canvas
    }

    // MARK: Frame

    static func topLine(_ model: AppModel, into canvas: inout Canvas) {
        canvas.fill(y: 0, style: .title)
        var x = canvas.put(" argotop ", x: 0, y: 0, style: .title)
        x = canvas.put(" " + model.server, x: x + 1, y: 0, style: .title)
        x = canvas.put("  ns: " + (model.namespace.isEmpty ? "(all)" : model.namespace), x: x, y: 0, style: .title)
        let state: String
        switch model.connection {
        case .connecting: state = model.ascii ? "  . connecting" : "  ◷ connecting"
        case .connected: state = model.ascii ? "  * connected" : "  ● connected"
        case .failed: state = model.ascii ? "  X unreachable" : "  ✖ error"
        case .retrying: state = model.ascii ? "  ! retrying" : "  ⚠ retrying"
        }
        x = canvas.put(state, x: x, y: 0, style: .title)
        if model.insecure {
            canvas.put("  TLS NOT VERIFIED", x: x, y: 0, style: .warning)
        }
    }

    static func statusLine(_ model: AppModel, into canvas: inout Canvas) {
        let y = model.rows - 2
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
            if list.loading {
                text += list.loadedOnce ? ", loading more…" : ", loading…"
            } else if !list.complete {
                text += " loaded, more as you scroll"
            }
            canvas.put(text, x: 0, y: y, style: .dim)
        case .workflow:
            if let open = model.open, !open.loading {
                let nodes = open.workflow?.nodes.count ?? 0
                canvas.put(" \(Format.count(nodes)) nodes, \(Format.count(open.rows.filter { $0.nodeID != nil }.count)) shown", x: 0, y: y, style: .dim)
            }
        case .help:
            break
        }
    }

    static func bottomLine(_ model: AppModel, into canvas: inout Canvas) {
        let y = model.rows - 1
        var x = 1
        for binding in Keymap.bar(for: model.view) {
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
        var columns: [(String, Int)] = [("NAME", nameWidth + 2)]
        if showNamespace { columns.append(("NAMESPACE", nsWidth)) }
        columns += [("PROGRESS", 8), ("AGE", 5), ("DURATION", 8), ("MESSAGE", 0)]
        header(columns, y: 1, into: &canvas)

        if visible.isEmpty {
            let text = list.loadedOnce ? "  no workflows in \(model.namespace.isEmpty ? "any namespace" : "namespace " + model.namespace)" : "  loading workflows…"
            canvas.put(text, x: 0, y: 2, style: .dim)
            return
        }
        for (offset, wf) in visible.enumerated() {
            let y = 2 + offset
            let look = PhaseLook.of(phase: wf.phase, ascii: model.ascii)
            var x = 1
            canvas.put(look.icon, x: x, y: y, style: look.style)
            x += 2
            canvas.put(wf.name, x: x, y: y, limit: x + nameWidth)
            x += nameWidth + 1
            if showNamespace {
                canvas.put(DisplayText.truncate(wf.namespace, to: nsWidth), x: x, y: y)
                x += nsWidth + 1
            }
            canvas.put(wf.status?.progress ?? "", x: x, y: y, limit: x + 8)
            x += 9
            let age = wf.metadata.creationTimestamp.map { Format.age(model.now - $0.seconds) } ?? ""
            canvas.put(age, x: x, y: y, limit: x + 5)
            x += 6
            canvas.put(Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now), x: x, y: y, limit: x + 8)
            x += 9
            canvas.put(DisplayText.truncate(DisplayText.sanitize(wf.status?.message ?? ""), to: model.cols - x), x: x, y: y,
                style: look.style == .failed ? .failed : .normal)
            if list.cursor.top + offset == list.cursor.selected { markSelected(y: y, model: model, into: &canvas) }
        }
    }

    /// The selection shows as a bar and, for screens without colour or attributes, a marker in column 0.
    static func markSelected(y: Int, model: AppModel, into canvas: inout Canvas) {
        canvas.put(model.ascii ? ">" : "▶", x: 0, y: y)
        canvas.fill(y: y, style: .selected)
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
        guard let wf = open.workflow else {
            canvas.put(" " + open.namespace + "/" + open.name, x: 0, y: 1, style: .header)
            canvas.put(open.loading ? "  loading workflow…" : "  the workflow could not be loaded", x: 0, y: 3, style: .dim)
            return
        }
        let look = PhaseLook.of(phase: wf.phase, ascii: model.ascii)
        var x = canvas.put(" " + wf.name, x: 0, y: 1, style: .header)
        x = canvas.put("  " + look.icon + " " + (wf.phase.isEmpty ? "Unknown" : wf.phase), x: x, y: 1, style: look.style)
        var facts: [String] = []
        if let created = wf.metadata.creationTimestamp { facts.append("created " + Format.age(model.now - created.seconds) + " ago") }
        let span = Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now)
        if !span.isEmpty { facts.append("duration " + span) }
        if let progress = wf.status?.progress { facts.append("progress " + progress) }
        canvas.put("  " + facts.joined(separator: "  "), x: x, y: 1, style: .dim)
        if let message = wf.status?.message, !message.isEmpty {
            canvas.put(" " + message, x: 0, y: 2, style: look.style == .failed ? .failed : .normal)
        }

        let nodes = wf.nodes
        if open.rows.isEmpty {
            let why = wf.status?.offloadNodeStatusVersion != nil
                ? "  the node status is offloaded to the server's database and did not come back"
                : "  this workflow has no nodes yet"
            canvas.put(why, x: 0, y: 4, style: .dim)
            return
        }
        // Column widths fit every row of the tree, so they do not jump while scrolling.
        var stepWidth = 4
        var templateWidth = 8
        for row in open.rows {
            guard let id = row.nodeID, let node = nodes[id] else { continue }
            stepWidth = max(stepWidth, DisplayText.width(row.prefix) + 2 + DisplayText.width(node.shownName))
            templateWidth = max(templateWidth, DisplayText.width(templateLabel(node)))
        }
        stepWidth = min(stepWidth, max(24, model.cols / 2))
        templateWidth = min(templateWidth, max(10, model.cols / 5))
        let durationX = stepWidth + 2 + templateWidth + 2
        let messageX = durationX + 9
        canvas.put("STEP", x: 1, y: 3, style: .header)
        canvas.put("TEMPLATE", x: stepWidth + 2, y: 3, style: .header)
        canvas.put("DURATION", x: durationX, y: 3, style: .header)
        canvas.put("MESSAGE", x: messageX, y: 3, style: .header)

        let height = model.treeHeight
        let end = min(open.rows.count, open.cursor.top + height)
        guard open.cursor.top < end else { return }
        for index in open.cursor.top..<end {
            let y = 4 + index - open.cursor.top
            let row = open.rows[index]
            guard let id = row.nodeID, let node = nodes[id] else { continue }
            let look = PhaseLook.of(phase: node.phase, type: node.type, ascii: model.ascii)
            var cx = canvas.put(row.prefix, x: 0, y: y, style: .dim, limit: stepWidth + 1)
            cx = canvas.put(look.icon, x: cx, y: y, style: look.style, limit: stepWidth + 1)
            canvas.put(" " + node.shownName, x: cx, y: y, limit: stepWidth + 1)
            if DisplayText.width(row.prefix) + 2 + DisplayText.width(node.shownName) > stepWidth + 1 {
                canvas.put("…", x: stepWidth, y: y)
            }
            canvas.put(DisplayText.truncate(templateLabel(node), to: templateWidth), x: stepWidth + 2, y: y)
            let showsDuration = node.type == "Pod" || node.type == "HTTP" || node.type == "Plugin" || node.type == "Container"
            if showsDuration {
                canvas.put(Format.span(started: node.startedAt, finished: node.finishedAt, now: model.now), x: durationX, y: y)
            }
            canvas.put(DisplayText.truncate(DisplayText.sanitize(node.message ?? ""), to: model.cols - messageX), x: messageX, y: y,
                style: look.style == .failed ? .failed : .normal)
            if index == open.cursor.selected { markSelected(y: y, model: model, into: &canvas) }
        }
    }

    /// `ref/template` for templates from a WorkflowTemplate, else the template's name.
    static func templateLabel(_ node: NodeStatus) -> String {
        if let ref = node.templateRef, let name = ref.name, let template = ref.template { return name + "/" + template }
        return node.templateName ?? ""
    }

    // MARK: Help

    static func help(_ model: AppModel, into canvas: inout Canvas) {
        canvas.put(" Keys", x: 0, y: 1, style: .header)
        var y = 3
        for binding in Keymap.bindings {
            guard y < model.rows - 2 else { break }
            let keys = binding.keys.map { $0.label }.joined(separator: " ")
            canvas.put("  " + keys.padded(to: 14), x: 0, y: y, style: .keyName)
            var text = binding.help
            if !binding.views.isEmpty {
                text += " (" + binding.views.map { $0.rawValue }.sorted().joined(separator: ", ") + ")"
            }
            canvas.put(text, x: 17, y: y)
            y += 1
        }
    }
}
