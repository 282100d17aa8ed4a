import ArgoAPI
import ArgoViewModel

/// `:cron`, a cron's or template's runs, `:tmpl`, `:archive`, `:lint`, and the question before an action.
extension Screens {
    static func opsView(_ model: AppModel, into canvas: inout Canvas) {
        switch model.view {
        case .cron: crons(model, into: &canvas)
        case .runs: runs(model, into: &canvas)
        case .templates: templates(model, into: &canvas)
        case .archive: archive(model, into: &canvas)
        case .lint: lint(model, into: &canvas)
        default: break
        }
    }

    static func opsStatus(_ model: AppModel) -> String {
        let ops = model.ops
        if let error = ops.lastError { return " " + error }
        switch model.view {
        case .cron:
            if ops.cronLoading { return " reading the CronWorkflows…" }
            let rows = model.cronRows
            var parts = ["\(Format.count(rows.count)) cron workflow" + (rows.count == 1 ? "" : "s")]
            let failing = rows.filter { !$0.suspended && $0.failuresInARow > 0 }.count
            let stale = rows.filter { $0.stale != nil }.count
            if failing > 0 { parts.append("\(failing) failing") }
            if stale > 0 { parts.append("\(stale) not running when due") }
            if (ops.runsLoading["cron"] ?? 0) > 0 {
                parts.append("reading their runs…")
            } else {
                parts.append("\(Format.count(ops.runs["cron"]?.count ?? 0)) runs seen (live and archived)")
            }
            if let why = ops.runsErrors["cron"] { parts.append(why) }
            return " " + parts.joined(separator: " · ") + "  ·  Enter: its runs"
        case .runs:
            guard let runs = ops.runsView else { return "" }
            let tag = runs.tag.hasPrefix("cron:") ? "cron" : runs.tag
            if (ops.runsLoading[tag] ?? 0) > 0 { return " reading the runs…" }
            let archived = runs.items.filter(Hygiene.isArchived).count
            var text = " \(Format.count(runs.items.count)) runs, \(Format.count(archived)) from the archive  ·  Enter: open one"
            if let why = ops.runsErrors[tag] { text += " · " + why }
            return text
        case .templates:
            return ops.templatesLoading ? " reading the WorkflowTemplates…"
                : " \(Format.count(ops.templates.count)) WorkflowTemplates  ·  RUNS counts the listed workflows  ·  Enter: its workflows"
        case .archive:
            var text = " \(Format.count(ops.archive.count)) archived workflows (read-only)"
            text += ops.archiveLoading ? ", reading…" : ops.archiveComplete ? "" : ", more as you scroll"
            return text + "  ·  Enter: open one"
        case .lint:
            let flagged = Set(model.lintRows.compactMap { row -> String? in
                if case .workflow(let wf, _) = row { return wf.name } else { return nil }
            })
            return " \(Format.count(flagged.count)) of \(Format.count(model.list.all.count)) listed workflows flagged"
                + " (size, compression and retries: once a workflow is read)  ·  Enter: open it"
        default:
            return ""
        }
    }

    // MARK: :cron

    static func crons(_ model: AppModel, into canvas: inout Canvas) {
        let rows = model.cronRows
        let schedules = rows.map(scheduleText)
        let nameWidth = min(max(12, rows.map { DisplayText.width($0.cron.name) + (model.namespace.isEmpty ? DisplayText.width($0.cron.metadata.namespace ?? "") + 1 : 0) }.max() ?? 0), max(12, model.cols / 4))
        let scheduleWidth = min(max(8, schedules.map(DisplayText.width).max() ?? 0), max(8, model.cols / (model.cols >= 100 ? 5 : 6)))
        let wide = model.cols >= 100
        let stripCount = wide ? 12 : 6
        header([("NAME", nameWidth), ("SCHEDULE", scheduleWidth), ("LAST RUN", 8), ("NEXT RUN", 9)] + (wide ? [("POLICY", 7)] : [])
                + [(wide ? "LAST RUNS" : "RUNS", stripCount), ("STATUS", 0)], y: 1, into: &canvas)
        if rows.isEmpty {
            canvas.put(model.ops.cronLoading ? "  reading the CronWorkflows…" : "  no CronWorkflows in \(model.namespace.isEmpty ? "any namespace" : model.namespace)", x: 0, y: 2, style: .dim)
            return
        }
        let cursor = model.ops.cronCursor
        for (index, y) in visible(rows.count, cursor: cursor, height: model.listHeight, firstLine: 2, model: model) {
            let row = rows[index]
            let look = cronLook(row, ascii: model.ascii)
            var x = 1
            canvas.put(look.icon, x: x, y: y, style: look.style)
            x += 2
            let name = (model.namespace.isEmpty ? (row.cron.metadata.namespace ?? "") + "/" : "") + row.cron.name
            canvas.put(name, x: x, y: y, style: look.style == .normal ? .normal : look.style, limit: x + nameWidth)
            x += nameWidth + 1
            canvas.put(schedules[index], x: x, y: y, limit: x + scheduleWidth)
            x += scheduleWidth + 1
            canvas.put(row.lastRun.map { Format.age(model.now - $0) + " ago" } ?? "never", x: x, y: y, style: row.stale != nil ? .warning : .normal, limit: x + 8)
            x += 9
            let next = row.suspended ? "suspended" : row.nextRun.map { "in " + Format.age($0 - model.now) } ?? "?"
            canvas.put(next, x: x, y: y, style: row.suspended ? .dim : .normal, limit: x + 9)
            x += 10
            if wide {
                canvas.put(row.cron.spec?.concurrencyPolicy ?? "Allow", x: x, y: y, style: .dim, limit: x + 7)
                x += 8
            }
            // Oldest to newest, so that the newest run is next to the status.
            let recent = Array(row.runs.prefix(stripCount).reversed())
            var sx = x + stripCount - recent.count
            for run in recent {
                let runLook = PhaseLook.of(phase: run.phase, ascii: model.ascii)
                sx = canvas.put(runLook.icon, x: sx, y: y, style: runLook.style)
            }
            x += stripCount + 1
            let status = cronStatus(row, model: model)
            canvas.put(DisplayText.truncate(DisplayText.sanitize(status), to: max(0, model.cols - x)), x: x, y: y, style: look.style == .ok ? .normal : look.style)
            if index == cursor.selected { markSelected(y: y, model: model, field: 3..<3 + nameWidth, into: &canvas) }
        }
    }

    static func scheduleText(_ row: CronRow) -> String {
        let schedules = (row.cron.spec?.schedules ?? []).joined(separator: ", ")
        guard let zone = row.cron.spec?.timezone, !zone.isEmpty else { return schedules }
        return schedules + " " + zone
    }

    /// Stale first (the failure that hides), then failing, then suspended.
    static func cronLook(_ row: CronRow, ascii: Bool) -> PhaseLook {
        if row.stale != nil { return PhaseLook(icon: ascii ? "?" : "⚠", style: .warning) }
        if row.suspended { return PhaseLook(icon: ascii ? "|" : "ǁ", style: .dim) }
        if row.failuresInARow > 0 { return PhaseLook(icon: ascii ? "X" : "✖", style: .failed) }
        if row.runs.isEmpty { return PhaseLook(icon: ascii ? "." : "·", style: .dim) }
        if row.runs.first?.phase == "Running" { return PhaseLook(icon: ascii ? "*" : "●", style: .running) }
        return PhaseLook(icon: ascii ? "+" : "✔", style: .ok)
    }

    static func cronStatus(_ row: CronRow, model: AppModel) -> String {
        if let stale = row.stale { return stale }
        if row.suspended { return "suspended" + (row.failuresInARow > 0 ? " (its last run failed)" : "") }
        if row.failuresInARow > 0 {
            let since = row.runs.prefix(row.failuresInARow).last.map { ", for " + Format.age(model.now - AppModel.scheduledTime($0)) } ?? ""
            return "failing: last \(row.failuresInARow) runs\(since)"
        }
        if row.runs.isEmpty { return "no runs seen" }
        return "ok"
    }

    // MARK: Runs

    static func runs(_ model: AppModel, into canvas: inout Canvas) {
        guard let runs = model.ops.runsView else { return }
        canvas.put(" " + runs.title, x: 0, y: 1, style: .header)
        let nameWidth = min(max(20, runs.items.map { DisplayText.width($0.name) }.max() ?? 0), max(20, model.cols * 2 / 5))
        let exitWidth = model.cols >= 100 ? 28 : 12
        header([("RUN", nameWidth), ("FROM", 7), ("STARTED", 8), ("DURATION", 8), ("EXIT HANDLER", exitWidth), ("MESSAGE", 0)], y: 2, into: &canvas)
        if runs.items.isEmpty {
            canvas.put("  no runs seen (live or archived)", x: 0, y: 3, style: .dim)
            return
        }
        for (index, y) in visible(runs.items.count, cursor: runs.cursor, height: model.listHeight - 1, firstLine: 3, model: model) {
            let wf = runs.items[index]
            var x = listedWorkflow(wf, y: y, nameWidth: nameWidth, model: model, into: &canvas)
            switch model.ops.exitHandlers[wf.name] {
            case .some(.some(let handler)):
                let exitLook = PhaseLook.of(phase: handler.phase, ascii: model.ascii)
                let said = handler.outputs?.parameters?.first?.value ?? handler.phase ?? ""
                let hx = canvas.put(exitLook.icon + " ", x: x, y: y, style: exitLook.style)
                canvas.put(said, x: hx, y: y, style: .dim, limit: x + exitWidth)
            case .some(.none): canvas.put("none", x: x, y: y, style: .dim)
            case .none: canvas.put(wf.phase == "Running" ? "" : "…", x: x, y: y, style: .dim)
            }
            x += exitWidth + 1
            message(wf, x: x, y: y, model: model, into: &canvas)
            if index == runs.cursor.selected { markSelected(y: y, model: model, field: 3..<3 + nameWidth, into: &canvas) }
        }
    }

    /// The rows of a scrolling list that are on screen: their index and line.
    static func visible(_ count: Int, cursor: Cursor, height: Int, firstLine: Int, model: AppModel) -> [(index: Int, y: Int)] {
        guard cursor.top < count else { return [] }
        return (cursor.top..<min(count, cursor.top + height)).map { ($0, firstLine + $0 - cursor.top) }.filter { $0.y < model.rows - 2 }
    }

    /// A run or an archived workflow: icon, name, where it is, when it started, how long it took. Returns the
    /// column after them.
    static func listedWorkflow(_ wf: Workflow, y: Int, nameWidth: Int, from: Bool = true, model: AppModel, into canvas: inout Canvas) -> Int {
        let look = PhaseLook.of(phase: wf.phase, ascii: model.ascii)
        var x = 1
        canvas.put(look.icon, x: x, y: y, style: look.style)
        x += 2
        canvas.put(wf.name, x: x, y: y, limit: x + nameWidth)
        x += nameWidth + 1
        if from {
            canvas.put(Hygiene.isArchived(wf) ? "archive" : "live", x: x, y: y, style: .dim)
            x += 8
        }
        canvas.put(Format.age(model.now - AppModel.scheduledTime(wf)) + " ago", x: x, y: y, limit: x + 8)
        x += 9
        canvas.put(Format.span(started: wf.status?.startedAt, finished: wf.status?.finishedAt, now: model.now), x: x, y: y, limit: x + 8)
        return x + 9
    }

    static func message(_ wf: Workflow, x: Int, y: Int, model: AppModel, into canvas: inout Canvas) {
        let failed = PhaseLook.of(phase: wf.phase, ascii: model.ascii).style == .failed
        canvas.put(DisplayText.truncate(DisplayText.sanitize(wf.status?.message ?? ""), to: max(0, model.cols - x)), x: x, y: y, style: failed ? .failed : .normal)
    }

    // MARK: :tmpl

    static func templates(_ model: AppModel, into canvas: inout Canvas) {
        let templates = model.ops.templates
        let nameWidth = min(max(20, templates.map { DisplayText.width($0.name) }.max() ?? 0), max(20, model.cols / 3))
        header([("NAME", nameWidth + 2), ("ENTRYPOINT", 16), ("CREATED", 8), ("RUNS", 5), ("LATEST RUN", 0)], y: 1, into: &canvas)
        if templates.isEmpty {
            canvas.put(model.ops.templatesLoading ? "  reading the WorkflowTemplates…" : "  no WorkflowTemplates here", x: 0, y: 2, style: .dim)
            return
        }
        var byTemplate: [String: [Workflow]] = [:]
        for wf in model.list.all {
            if let name = wf.metadata.labels?["workflows.argoproj.io/workflow-template"] { byTemplate[name, default: []].append(wf) }
        }
        let cursor = model.ops.templateCursor
        for (index, y) in visible(templates.count, cursor: cursor, height: model.listHeight, firstLine: 2, model: model) {
            let template = templates[index]
            let produced = byTemplate[template.name] ?? []
            var x = 3
            canvas.put(template.name, x: x, y: y, limit: x + nameWidth)
            x += nameWidth + 3
            canvas.put(template.spec?.entrypoint ?? "", x: x, y: y, style: .dim, limit: x + 16)
            x += 17
            canvas.put(template.metadata.creationTimestamp.map { Format.age(model.now - $0.seconds) } ?? "", x: x, y: y, limit: x + 8)
            x += 9
            canvas.put(Format.count(produced.count), x: x, y: y, style: produced.isEmpty ? .dim : .normal, limit: x + 5)
            x += 6
            if let latest = produced.first {
                let look = PhaseLook.of(phase: latest.phase, ascii: model.ascii)
                x = canvas.put(look.icon + " ", x: x, y: y, style: look.style)
                canvas.put(latest.name + "  " + (latest.metadata.creationTimestamp.map { Format.age(model.now - $0.seconds) + " ago" } ?? ""), x: x, y: y)
            }
            if index == cursor.selected { markSelected(y: y, model: model, field: 3..<3 + nameWidth, into: &canvas) }
        }
    }

    // MARK: :archive

    static func archive(_ model: AppModel, into canvas: inout Canvas) {
        let items = model.ops.archive
        let nameWidth = min(max(20, items.map { DisplayText.width($0.name) }.max() ?? 0), max(20, model.cols * 2 / 5))
        header([("NAME", nameWidth), ("STARTED", 8), ("DURATION", 8), ("MESSAGE", 0)], y: 1, into: &canvas)
        if items.isEmpty {
            canvas.put(model.ops.archiveLoading ? "  reading the archive…" : "  nothing archived in \(model.namespace.isEmpty ? "any namespace" : model.namespace)", x: 0, y: 2, style: .dim)
            return
        }
        for (index, y) in visible(items.count, cursor: model.ops.archiveCursor, height: model.listHeight, firstLine: 2, model: model) {
            let x = listedWorkflow(items[index], y: y, nameWidth: nameWidth, from: false, model: model, into: &canvas)
            message(items[index], x: x, y: y, model: model, into: &canvas)
            if index == model.ops.archiveCursor.selected { markSelected(y: y, model: model, field: 3..<3 + nameWidth, into: &canvas) }
        }
    }

    // MARK: :lint

    static func lint(_ model: AppModel, into canvas: inout Canvas) {
        let rows = model.lintRows
        header([("FLAG, THEN THE WORKFLOWS THAT RAISE IT", 0)], y: 1, into: &canvas)
        if rows.isEmpty {
            canvas.put(model.list.loadedOnce ? "  no hygiene flag on the listed workflows" : "  waiting for the list…", x: 0, y: 2, style: .dim)
            return
        }
        let nameWidth = min(max(20, rows.map { row -> Int in
            if case .workflow(let wf, _) = row { return DisplayText.width(wf.name) } else { return 0 }
        }.max() ?? 0), max(20, model.cols / 3))
        let cursor = model.ops.lintCursor
        for (index, y) in visible(rows.count, cursor: cursor, height: model.listHeight, firstLine: 2, model: model) {
            var field: Range<Int>?
            switch rows[index] {
            case .flag(let kind, let count):
                var x = canvas.put((model.ascii ? "! " : "⚑ ") + kind.rawValue + " (\(Format.count(count)))", x: 1, y: y, style: .warning)
                x = canvas.put("  ", x: x, y: y)
                canvas.put(HygieneFlag.hint(kind), x: x, y: y, style: .dim)
            case .workflow(let wf, let flag):
                let look = PhaseLook.of(phase: wf.phase, ascii: model.ascii)
                canvas.put(look.icon, x: 3, y: y, style: look.style)
                canvas.put(wf.name, x: 5, y: y, limit: 5 + nameWidth)
                field = 5..<5 + nameWidth
                canvas.put(flag.detail, x: 6 + nameWidth, y: y, style: .dim)
            }
            if index == cursor.selected { markSelected(y: y, model: model, field: field, into: &canvas) }
        }
    }

    // MARK: Flags in the list and the header

    /// What a list row says before its message: that it comes from the archive, and its hygiene flags.
    static func rowFlags(_ wf: Workflow, model: AppModel) -> String {
        if Hygiene.isArchived(wf) { return model.ascii ? "[archived] " : "⌂ archived  " }
        let flags = model.hygieneFlags(of: wf)
        guard !flags.isEmpty else { return "" }
        return (model.ascii ? "! " : "⚑ ") + Hygiene.short(flags) + "  "
    }

    /// The header's flags: the first with its hint, then how many more (`:lint` lists them all).
    static func headerFlags(_ model: AppModel) -> String? {
        let flags = model.openFlags
        guard let first = flags.first else { return nil }
        var text = (model.ascii ? "! " : "⚑ ") + first.detail + ": " + first.hint
        // How many more, not which: the same object can say "compressed" through one API and its size through another.
        if flags.count > 1 { text += "  (+\(flags.count - 1) more: :lint)" }
        return text
    }

    // MARK: The question before an action

    static func confirmDialog(_ pending: PendingAction, model: AppModel, into canvas: inout Canvas) {
        let width = min(model.cols - 2, max(44, min(76, DisplayText.width(pending.question) + 4)))
        let lines = wrapWords(pending.question, width: width - 4)
        let height = lines.count + 4
        let top = max(1, (model.rows - height) / 2)
        let left = max(0, (model.cols - width) / 2)
        let h = model.ascii ? "-" : "─", v = model.ascii ? "|" : "│"
        let title = " " + pending.request.action.verb + " "
        let topBorder = (model.ascii ? "+" : "┌") + h + title + String(repeating: h, count: max(0, width - 3 - DisplayText.width(title))) + (model.ascii ? "+" : "┐")
        canvas.put(topBorder, x: left, y: top, style: .warning)
        let body = lines + ["", "y: yes, \(pending.request.action.verb)    any other key: no"]
        for (i, line) in body.enumerated() {
            let y = top + 1 + i
            canvas.put(v + String(repeating: " ", count: width - 2) + v, x: left, y: y, style: .warning)
            canvas.put(line, x: left + 2, y: y, style: i >= lines.count ? .keyName : .normal, limit: left + width - 2)
        }
        let bottom = (model.ascii ? "+" : "└") + String(repeating: h, count: width - 2) + (model.ascii ? "+" : "┘")
        canvas.put(bottom, x: left, y: top + 1 + body.count, style: .warning)
    }
}
