import ArgoAPI

/// `:ns`: the namespaces that have workflows, to pick one (or every namespace).
public struct NamespacePickerState: Sendable {
    /// `(all namespaces)` first, then the names, sorted.
    public var choices: [String] = []
    public var loading = false
    public var cursor = Cursor()
    public static let all = "(all namespaces)"
}

/// Why `:ctx` could not switch.
public struct ContextError: Error, Sendable, ExpressibleByStringLiteral {
    public var message: String
    public init(_ message: String) { self.message = message }
    public init(stringLiteral value: String) { message = value }
}

extension AppModel {
    /// `:ctx NAME` switches to another kubeconfig context; `:ctx` alone lists them.
    func contextCommand(_ words: [String]) -> [Effect] {
        guard let name = words.dropFirst().first else {
            if contexts.isEmpty {
                notice = "no kubeconfig contexts: argotop talks to \(server) (:ctx works in Kubernetes mode)"
            } else {
                notice = "contexts: " + contexts.map { $0 == context ? "[\($0)]" : $0 }.joined(separator: " ") + "  ·  :ctx NAME switches"
            }
            return []
        }
        if !contexts.isEmpty && !contexts.contains(name) {
            notice = "no context \(name) in the kubeconfig (known: \(contexts.joined(separator: ", ")))"
            return []
        }
        notice = "connecting to context \(name)…"
        return [.switchContext(name)]
    }

    /// `:ns NAME` switches at once (`:ns -A` or `:ns all`: every namespace); `:ns` alone opens the picker.
    func namespaceCommand(_ words: [String]) -> [Effect] {
        if let name = words.dropFirst().first {
            return switchNamespace(["-A", "all", "*"].contains(name) ? "" : name)
        }
        if view != .namespaces { views.append(.namespaces) }
        namespacePicker = NamespacePickerState()
        namespacePicker.loading = true
        namespacePicker.choices = [NamespacePickerState.all] + (namespace.isEmpty ? [] : [namespace])
        requests += 1
        return [.fetchNamespaces]
    }

    func handleNamespaces(_ result: Result<[String], APIError>, bytes: Int) -> [Effect] {
        bytesReceived += bytes
        namespacePicker.loading = false
        switch result {
        case .failure(let failure):
            notice = "could not list the namespaces: \(failure); type :ns NAME"
        case .success(let names):
            let current = namespacePicker.choices.indices.contains(namespacePicker.cursor.selected)
                ? namespacePicker.choices[namespacePicker.cursor.selected] : nil
            namespacePicker.choices = [NamespacePickerState.all] + Set(names + (namespace.isEmpty ? [] : [namespace])).sorted()
            let target = current ?? (namespace.isEmpty ? NamespacePickerState.all : namespace)
            namespacePicker.cursor.selected = namespacePicker.choices.firstIndex(of: target) ?? 0
            namespacePicker.cursor.follow(count: namespacePicker.choices.count, height: listHeight)
        }
        return []
    }

    func pickNamespace() -> [Effect] {
        guard namespacePicker.choices.indices.contains(namespacePicker.cursor.selected) else { return [] }
        let choice = namespacePicker.choices[namespacePicker.cursor.selected]
        return switchNamespace(choice == NamespacePickerState.all ? "" : choice)
    }

    /// Browses another namespace: the list starts again (and its watch), whatever was open closes.
    func switchNamespace(_ name: String) -> [Effect] {
        namespace = name
        restartList()
        // The old namespace's watch events, still on their way, are dropped.
        listWatch.generation += 1
        listWatch.lost = false
        views = [.workflows]
        open = nil
        openStack = []
        details = nil
        locksView = LocksViewState()
        error = nil
        errorSource = nil
        notice = name.isEmpty ? "every namespace" : "namespace \(name)"
        refreshLocks()
        return requestListPage()
    }

    /// The list starts again from its first page (its watch after it), keeping the children folding.
    func restartList() {
        let grouping = list.groupChildren
        list = WorkflowListState()
        list.groupChildren = grouping
        listWatch.active = false
    }
}
