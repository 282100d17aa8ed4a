import ArgoAPI

/// The log view: `l` on a step, on a group or a parent (its steps merged by time), `L` for every failed step.
extension AppModel {
    /// Streams a log view reads at once; the rest wait their turn.
    static let concurrentLogStreams = 4

    /// `l`: the selected step's log, or the merged logs of the steps under the selected row.
    func openLogsOfSelection() -> [Effect] {
        guard let state = open, let tree = state.tree, state.workflow != nil else { return [] }
        var entry = state.selectedEntry
        if view == .node, let id = details?.nodeID, let e = tree.entry(ofNode: id) { entry = e }
        guard entry >= 0 else { return [] }
        let pods = podEntries(under: entry, in: tree)
        guard !pods.isEmpty else {
            notice = "no step with a pod here: nothing to show a log of"
            return []
        }
        let sources = pods.compactMap { source(for: $0, in: tree) }
        let name: String
        switch tree.entries[entry].kind {
        case .node(let id): name = tree.nodes[id]?.shownName ?? id
        case .group(let g): name = tree.groups[g].name + " (\(tree.groups[g].members.count) items)"
        case .child(let child): name = child
        }
        if sources.count == 1, tree.node(at: entry)?.type == "Pod" {
            return openLogs(title: "log of \(name)", arrangement: .single, sources: sources)
        }
        return openLogs(title: "logs of the \(Format.count(sources.count)) steps under \(name), merged by time", arrangement: .merged, sources: sources)
    }

    /// `L`: the logs of every failed step, one after another, in tree order.
    func openFailedLogs() -> [Effect] {
        guard let state = open, let tree = state.tree, state.workflow != nil else { return [] }
        let failed = tree.failedSteps.filter { tree.node(at: $0)?.type == "Pod" }
        guard !failed.isEmpty else {
            notice = tree.failedSteps.isEmpty ? "no failed steps in this workflow" : "the failed steps have no pods"
            return []
        }
        let sources = failed.compactMap { e -> LogSource? in
            guard var source = source(for: e, in: tree), let node = tree.node(at: e) else { return nil }
            var heading = node.shownName
            let path = tree.ancestors(of: e).compactMap { tree.node(at: $0)?.shownName }.dropFirst().joined(separator: " › ")
            if !path.isEmpty { heading += "  in " + path }
            heading += "  · " + (node.phase ?? "")
            if let code = node.outputs?.exitCode { heading += ", exit code " + code }
            if let message = node.message, !message.isEmpty { heading += "  · " + message }
            source.label = heading
            return source
        }
        return openLogs(title: "logs of the \(sources.count) failed steps, one after another", arrangement: .sequential, sources: sources)
    }

    /// Pod steps at or under an entry, in tree order.
    func podEntries(under entry: Int, in tree: NodeTree) -> [Int] {
        var found: [Int] = []
        var stack = [entry]
        while let e = stack.popLast() {
            if tree.kind(at: e) == .pod, !tree.entries[e].hidden { found.append(e) }
            stack += tree.entries[e].children.reversed()
        }
        return found
    }

    func source(for entry: Int, in tree: NodeTree) -> LogSource? {
        guard let node = tree.node(at: entry), let workflow = workflow(ofNode: node.id), let pod = workflow.podName(of: node)
        else { return nil }
        // Lines of a merged view say which step they came from: the step, after the loop item it belongs to.
        var label = node.shownName
        if let item = tree.ancestors(of: entry).reversed().compactMap({ tree.node(at: $0)?.shownName })
            .first(where: { TreeBuilder.itemIndex($0) >= 0 }),
            let colon = item.firstIndex(of: ":"), let close = item.lastIndex(of: ")"), colon < close
        {
            label = String(item[item.index(after: colon)..<close]) + "/" + label
        }
        let archived = node.outputs?.artifacts?.contains { $0.name == "main-logs" } ?? false
        var source = LogSource(nodeID: node.id, podName: pod, label: label, follow: node.phase == "Running" || node.phase == "Pending",
            archivedLog: archived)
        if workflow.name != open?.name { source.workflow = workflow.name }
        return source
    }

    func openLogs(title: String, arrangement: LogViewState.Arrangement, sources: [LogSource]) -> [Effect] {
        var effects = closeLogs()
        nextLogViewID += 1
        logs = LogViewState(id: nextLogViewID, title: title, arrangement: arrangement, sources: sources, maxLines: maxLogLines)
        if view != .logs { views.append(.logs) }
        effects += startWaitingStreams()
        return effects
    }

    /// Starts waiting sources until `concurrentLogStreams` are open.
    func startWaitingStreams() -> [Effect] {
        guard var state = logs, let open else { return [] }
        var effects: [Effect] = []
        var running = state.sources.filter { $0.state == .loading || $0.state == .streaming || isReconnecting($0.state) }.count
        for index in state.sources.indices where running < AppModel.concurrentLogStreams && state.sources[index].state == .waiting {
            state.sources[index].state = .loading
            running += 1
            requests += 1
            let source = state.sources[index]
            effects.append(.streamLog(view: state.id, source: index, namespace: open.namespace, workflow: source.workflow ?? open.name,
                podName: source.podName, container: source.container, follow: source.follow))
        }
        logs = state
        return effects
    }

    func isReconnecting(_ state: LogSource.State) -> Bool {
        if case .reconnecting = state { return true }
        return false
    }

    /// Leaves the log view's streams behind.
    func closeLogs() -> [Effect] {
        guard let state = logs else { return [] }
        logs = nil
        return [.cancelLogStreams(view: state.id)]
    }

    func handleLogStream(view id: Int, source index: Int, _ update: LogStreamUpdate) -> [Effect] {
        guard var state = logs, state.id == id, state.sources.indices.contains(index) else { return [] }
        switch update {
        case .lines(let batch, let bytes):
            bytesReceived += bytes
            state.bytes += bytes
            state.add(batch.map { LogLine(content: $0.content, timestamp: $0.timestamp, source: index) }, from: index)
            state.sources[index].received += batch.count
            state.sources[index].state = .streaming
        case .keepAlive:
            if state.sources[index].state == .loading { state.sources[index].state = .streaming }
        case .reconnecting(let why):
            state.sources[index].state = .reconnecting(why)
            notice = "the log stream of \(state.sources[index].podName) broke (\(why)); reconnecting"
        case .resumed:
            state.sources[index].state = .streaming
            notice = "the log stream of \(state.sources[index].podName) is back, resumed without repeating lines"
        case .ended:
            // Argo answers an empty log when the pod was garbage-collected; the node may have kept its log.
            if state.sources[index].received == 0 && state.sources[index].archivedLog {
                state.sources[index].state = .gone
                notice = "the log of \(state.sources[index].podName) is empty: the pod is likely gone; a: read its archived main-logs artifact"
            } else {
                state.sources[index].state = .ended
            }
        case .failed(let failure):
            let text = "\(failure)"
            if case .http(404, _, _) = failure {
                state.sources[index].state = .gone
                notice = "the pod \(state.sources[index].podName) is gone (deleted or garbage-collected)"
                    + (state.sources[index].archivedLog ? "; a: read its archived main-logs artifact" : "")
            } else {
                state.sources[index].state = .failed(text)
                notice = "no log for \(state.sources[index].podName): \(text)"
            }
        }
        logs = state
        switch update {
        case .ended, .failed: return startWaitingStreams()
        default: return []
        }
    }

    func handleArchivedLog(view id: Int, source index: Int, _ result: Result<[String], APIError>, bytes: Int) -> [Effect] {
        bytesReceived += bytes
        guard var state = logs, state.id == id, state.sources.indices.contains(index) else { return [] }
        switch result {
        case .success(let lines):
            state.add(lines.map { LogLine(content: $0, source: index) }, from: index)
            state.sources[index].state = .ended
            notice = "read \(Format.count(lines.count)) lines from the archived main-logs artifact"
        case .failure(let failure):
            notice = "could not read the archived log: \(failure)"
        }
        logs = state
        return []
    }

    // MARK: Keys in the log view

    var logHeight: Int { max(1, rows - 4) }

    func scrollLogs(_ delta: Int) -> [Effect] {
        guard var state = logs else { return [] }
        let maxTop = max(0, state.visibleCount - logHeight)
        let from = state.follow ? maxTop : state.top
        state.top = max(0, min(maxTop, from + delta))
        if delta < 0 { state.follow = false }
        if delta > 0 && state.top >= maxTop && delta >= Int.max / 4 { state.follow = true }
        logs = state
        return []
    }

    func toggleLogOption(_ action: Action) -> [Effect] {
        guard var state = logs else { return [] }
        switch action {
        case .follow:
            state.follow.toggle()
            if !state.follow { state.top = max(0, state.visibleCount - logHeight) }
            notice = state.follow ? "following: new lines scroll into view" : "not following"
        case .wrap:
            state.wrap.toggle()
            notice = state.wrap ? "wrapping long lines" : "cutting long lines at the edge"
        case .timestamps:
            state.showTimestamps.toggle()
            notice = state.showTimestamps ? "timestamps on" : "timestamps off"
        case .onlyMatches:
            guard let query = state.query, !query.isEmpty else {
                notice = "& shows only the lines that match a search: / first"
                return []
            }
            state.onlyMatches.toggle()
            state.refilter()
            state.top = min(state.top, max(0, state.visibleCount - logHeight))
            notice = state.onlyMatches ? "only lines matching “\(query)”: \(Format.count(state.visibleCount - headingCount(state)))" : "all lines"
        default:
            break
        }
        logs = state
        return []
    }

    func headingCount(_ state: LogViewState) -> Int { state.arrangement == .sequential ? state.sources.count : 0 }

    func searchLogs(_ query: String) -> [Effect] {
        guard var state = logs else { return [] }
        state.query = query
        state.matchLine = nil
        if state.onlyMatches { state.refilter() }
        logs = state
        return jumpToLogMatch(forward: true)
    }

    func jumpToLogMatch(forward: Bool) -> [Effect] {
        guard var state = logs, let query = state.query else {
            notice = "no search yet: / to search"
            return []
        }
        let matches = state.matchingLines()
        guard !matches.isEmpty else {
            notice = "no line matches “\(query)”"
            logs = state
            return []
        }
        // From the match we were on, else from the top of the screen.
        let height = logHeight
        let screenTop = state.follow ? max(0, state.visibleCount - height) : state.top
        let current = state.matchLine ?? (forward ? state.lineIndex(at: min(screenTop, max(0, state.visibleCount - 1))) - 1 : Int.max)
        var wrapped = false
        let target: Int
        if forward {
            if let next = matches.first(where: { $0 > current }) { target = next } else { target = matches[0]; wrapped = true }
        } else {
            if let previous = matches.last(where: { $0 < current }) { target = previous } else { target = matches[matches.count - 1]; wrapped = true }
        }
        state.matchLine = target
        state.follow = false
        // Position on view of the target line (with & the filter holds every match).
        let position = state.filtered?.firstIndex(of: target) ?? target
        if position < state.top || position >= state.top + height || screenTop != state.top {
            state.top = max(0, min(position - height / 3, max(0, state.visibleCount - height)))
        }
        let number = (matches.firstIndex(of: target) ?? 0) + 1
        notice = "match \(number) of \(Format.count(matches.count)) for “\(query)”" + (wrapped ? " (wrapped)" : "") + "  n/N: next/previous  &: only matches"
        logs = state
        return []
    }

    func saveLogs() -> [Effect] {
        guard let state = logs, let open else { return [] }
        var text: [String] = []
        text.reserveCapacity(state.lines.count + 1)
        if state.dropped > 0 { text.append("[argotop: \(state.dropped) older lines were dropped to keep memory bounded]") }
        for line in state.lines {
            if line.isHeading {
                text.append("==== " + line.content + " ====")
                continue
            }
            var out = ""
            if let stamp = line.timestamp { out += stamp + " " }
            if state.arrangement == .merged { out += state.sources[line.source].label + " | " }
            text.append(out + line.content)
        }
        let subject = state.arrangement == .single ? state.sources.first?.podName ?? open.name : open.name + (state.arrangement == .sequential ? "-failed" : "-merged")
        notice = "saving \(Format.count(text.count)) lines…"
        return [.saveLog(fileName: "argotop-\(subject)-\(state.sources.first?.container ?? "main").log", lines: text)]
    }

    /// The containers of a step's pod: `main`, Argo's `wait` and `init`, and the template's sidecars and init
    /// containers when the workflow carries its templates.
    func containers(of nodeID: String) -> [String] {
        var names = ["main", "wait", "init"]
        guard let workflow = workflow(ofNode: nodeID), let node = workflow.nodes[nodeID],
            let template = workflow.spec?.templates?.first(where: { $0.name == node.templateName })
        else { return names }
        for container in (template.sidecars ?? []) + (template.initContainers ?? []) {
            if let name = container.name, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// `c`: the next container of a single step's pod.
    func nextContainer() -> [Effect] {
        guard let state = logs, state.arrangement == .single, var source = state.sources.first else {
            notice = "c picks a container in the log of one step"
            return []
        }
        let names = containers(of: source.nodeID)
        source.container = names[((names.firstIndex(of: source.container) ?? 0) + 1) % names.count]
        source.state = .waiting
        source.received = 0
        let title = state.title
        let effects = openLogs(title: title, arrangement: .single, sources: [source])
        notice = "container \(source.container) of \(source.podName) (c: next of \(names.joined(separator: ", ")))"
        return effects
    }

    /// `a`: a gone pod's log from the node's archived `main-logs` artifact.
    func readArchivedLog() -> [Effect] {
        guard let state = logs, let open else { return [] }
        guard let index = state.sources.firstIndex(where: { $0.state == .gone && $0.archivedLog }) else {
            notice = "a reads a gone pod's archived main-logs artifact; no such pod here"
            return []
        }
        requests += 1
        return [.fetchArchivedLog(view: state.id, source: index, namespace: open.namespace, workflow: state.sources[index].workflow ?? open.name,
            nodeID: state.sources[index].nodeID)]
    }
}
