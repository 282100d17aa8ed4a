import Synchronization

/// A key as the fronts deliver it.
public enum Key: Hashable, Sendable {
    case char(Character)
    case enter, esc, up, down, left, right, pageUp, pageDown, home, end, tab, backspace, space, ctrlC
    case resize(cols: Int, rows: Int)

    /// Parses a headless key word: `<Enter>`, `<C-c>`, … for named keys; any other word is typed.
    public static func parseScript(_ script: String) throws -> [Key] {
        var keys: [Key] = []
        for word in script.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if word.hasPrefix("<") && word.hasSuffix(">") && word.count > 2 {
                let name = word.dropFirst().dropLast().lowercased()
                guard let key = named[name] else { throw KeyScriptError(word: String(word)) }
                keys.append(key)
            } else {
                keys += word.map { Key.char($0) }
            }
        }
        return keys
    }

    static let named: [String: Key] = [
        "enter": .enter, "cr": .enter, "return": .enter, "esc": .esc, "escape": .esc, "up": .up, "down": .down,
        "left": .left, "right": .right, "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown,
        "pagedown": .pageDown, "home": .home, "end": .end, "tab": .tab, "bs": .backspace,
        "backspace": .backspace, "space": .space, "c-c": .ctrlC, "lt": .char("<"), "gt": .char(">"),
    ]

    /// How the help screen and the bottom line name the key.
    public var label: String {
        switch self {
        case .char(let c): return String(c)
        case .enter: return "Enter"
        case .esc: return "Esc"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .tab: return "Tab"
        case .backspace: return "BS"
        case .space: return "Space"
        case .ctrlC: return "Ctrl-C"
        case .resize: return "resize"
        }
    }
}

public struct KeyScriptError: Error, CustomStringConvertible {
    public var word: String
    public var description: String { "unknown key \(word) in --keys (named keys: <Enter> <Esc> <Up> <Down> <PgUp> <PgDn> <Home> <End> <Tab> <BS> <Space> <C-c> …)" }
}

/// What a key asks for.
public enum Action: String, Sendable, CaseIterable {
    case up, down, pageUp, pageDown, top, bottom, open, back, help, quit
    case fold, foldClose, foldOpen, nextFailed, previousFailed, search, nextMatch, previousMatch, outputs, refresh
    case logs, failedLogs, follow, wrap, timestamps, onlyMatches, save, container, archived
    case groupChildren, command
    case lanes, whyLate, timeline, zoomIn, zoomOut, panLeft, panRight
    case retry, resubmit, stop, terminate, suspendResume
}

/// What the status-line prompt is for.
public enum PromptKind: Sendable { case search, command, filter }

/// One line of the keymap: the single table that drives input, the bottom line and the help screen.
public struct Binding: Sendable {
    public var keys: [Key]
    public var action: Action
    /// Short name for the bottom line.
    public var label: String
    /// Sentence for the help screen.
    public var help: String
    public var inBar: Bool
    /// Views where the binding applies; empty means everywhere.
    public var views: Set<ViewKind>
    /// In the workflow view: only in the tree or only in the timeline; nil in both.
    public var mode: TreeMode? = nil
}

public enum Keymap {
    /// The table; `rebind` (the config file's `keys`) changes the keys of an action.
    public static var bindings: [Binding] = [
        Binding(keys: [.char("j"), .down], action: .down, label: "down", help: "move down", inBar: false, views: []),
        Binding(keys: [.char("k"), .up], action: .up, label: "up", help: "move up", inBar: false, views: []),
        Binding(keys: [.pageDown], action: .pageDown, label: "page", help: "page down", inBar: false, views: []),
        Binding(keys: [.pageUp], action: .pageUp, label: "page up", help: "page up", inBar: false, views: []),
        Binding(keys: [.char("g"), .home], action: .top, label: "top", help: "go to the top", inBar: false, views: []),
        Binding(keys: [.char("G"), .end], action: .bottom, label: "bottom", help: "go to the bottom (loads every page of the list)", inBar: false, views: []),
        Binding(keys: [.enter], action: .open, label: "open", help: "open the selected workflow", inBar: true, views: [.workflows]),
        Binding(keys: [.enter], action: .open, label: "open", help: "in :sem a lock's holders and waiters, in :cron a cron's runs, in :tmpl a template's; on a workflow, it", inBar: true, views: [.semaphores, .cron, .runs, .templates, .archive, .lint]),
        Binding(keys: [.enter], action: .open, label: "switch", help: "in :ns, browse the selected namespace", inBar: true, views: [.namespaces]),
        Binding(keys: [.char(":")], action: .command, label: "command", help: "a command: :sem locks, :cron crons, :lint hygiene, :archive, :tmpl templates, :ns [NAME] namespace (-A: all), :wf the list", inBar: true, views: [.workflows, .workflow, .semaphores, .namespaces, .cron, .runs, .templates, .archive, .lint]),
        Binding(keys: [.char("f")], action: .nextFailed, label: "next failed", help: "select the next failed step, unfolding what hides it", inBar: true, views: [.workflow]),
        Binding(keys: [.char("F")], action: .previousFailed, label: "prev failed", help: "select the previous failed step", inBar: false, views: [.workflow]),
        Binding(keys: [.enter], action: .open, label: "details", help: "show the selected step's details, inputs and outputs; fold or unfold a group", inBar: true, views: [.workflow]),
        Binding(keys: [.space], action: .fold, label: "fold", help: "fold or unfold the selected row (in details: a JSON value)", inBar: true, views: [.workflow, .node]),
        Binding(keys: [.left], action: .foldClose, label: "fold", help: "fold the selected row, or go to its parent", inBar: false, views: [.workflow, .node]),
        Binding(keys: [.right], action: .foldOpen, label: "unfold", help: "unfold the selected row", inBar: false, views: [.workflow, .node]),
        Binding(keys: [.char("l")], action: .logs, label: "logs", help: "the selected step's log; on a group or parent, its steps' logs merged by time", inBar: true, views: [.workflow, .node]),
        Binding(keys: [.char("L")], action: .failedLogs, label: "failed logs", help: "the logs of every failed step, one after another", inBar: false, views: [.workflow, .node]),
        Binding(keys: [.char("/")], action: .search, label: "search", help: "search step names, templates and messages (in logs: lines)", inBar: true, views: [.workflow, .logs]),
        Binding(keys: [.char("/")], action: .search, label: "filter", help: "filter the list: \(ListQuery.help); Enter applies, Esc clears", inBar: true, views: [.workflows]),
        Binding(keys: [.char("n")], action: .nextMatch, label: "next match", help: "go to the next match of the search", inBar: false, views: [.workflow, .logs]),
        Binding(keys: [.char("N")], action: .previousMatch, label: "prev match", help: "go to the previous match of the search", inBar: false, views: [.workflow, .logs]),
        Binding(keys: [.char("f")], action: .follow, label: "follow", help: "follow new lines, or stop following", inBar: true, views: [.logs]),
        Binding(keys: [.char("&")], action: .onlyMatches, label: "only matches", help: "show only the lines matching the search, or all", inBar: true, views: [.logs]),
        Binding(keys: [.char("w")], action: .wrap, label: "wrap", help: "wrap long lines, or cut them at the edge", inBar: true, views: [.logs]),
        Binding(keys: [.char("t")], action: .timestamps, label: "time", help: "show the time of each line", inBar: true, views: [.logs]),
        Binding(keys: [.char("s")], action: .save, label: "save", help: "save the whole log to a file (the path is shown)", inBar: true, views: [.logs]),
        Binding(keys: [.char("c")], action: .container, label: "container", help: "the next container of the pod: main, wait, init", inBar: false, views: [.logs]),
        Binding(keys: [.char("c")], action: .groupChildren, label: "children", help: "fold child workflows under their parent's row, or list every workflow", inBar: true, views: [.workflows]),
        Binding(keys: [.char("a")], action: .archived, label: "archived", help: "read a gone pod's archived main-logs artifact", inBar: false, views: [.logs]),
        Binding(keys: [.char("o")], action: .outputs, label: "outputs", help: "show each step's output parameters in a column", inBar: true, views: [.workflow]),
        Binding(keys: [.char("d")], action: .lanes, label: "lanes", help: "draw the selected step's DAG in dependency order with lanes (who waited for whom), or as before", inBar: false, views: [.workflow]),
        Binding(keys: [.char("w")], action: .whyLate, label: "why late", help: "why did it start late: select the dependency it waited for (the last to finish); again to walk on", inBar: false, views: [.workflow]),
        Binding(keys: [.char("t")], action: .timeline, label: "timeline", help: "a timeline: each step as a bar from start to finish, the critical path marked (again: the tree)", inBar: false, views: [.workflow]),
        Binding(keys: [.char("+"), .char("=")], action: .zoomIn, label: "zoom", help: "in the timeline: zoom in", inBar: true, views: [.workflow], mode: .timeline),
        Binding(keys: [.char("-")], action: .zoomOut, label: "out", help: "in the timeline: zoom out", inBar: true, views: [.workflow], mode: .timeline),
        Binding(keys: [.char("h"), .left], action: .panLeft, label: "earlier", help: "in the timeline: pan to earlier times", inBar: true, views: [.workflow], mode: .timeline),
        Binding(keys: [.char("l"), .right], action: .panRight, label: "later", help: "in the timeline: pan to later times", inBar: true, views: [.workflow], mode: .timeline),
        Binding(keys: [.char("t")], action: .timeline, label: "tree", help: "in the timeline: back to the tree", inBar: true, views: [.workflow], mode: .timeline),
        Binding(keys: [.char("r")], action: .refresh, label: "refresh", help: "read the workflow again (folds and selection stay)", inBar: false, views: [.workflow, .node]),
        Binding(keys: [.esc], action: .back, label: "back", help: "go back to the previous view", inBar: true, views: [.workflow, .node, .logs, .help, .semaphores, .namespaces, .cron, .runs, .templates, .archive, .lint]),
        Binding(keys: [.esc], action: .back, label: "clear filter", help: "clear the list's / filter", inBar: false, views: [.workflows]),
        Binding(keys: [.char("?")], action: .help, label: "help", help: "show every key", inBar: true, views: []),
        Binding(keys: [.char("q"), .ctrlC], action: .quit, label: "quit", help: "quit argotop", inBar: true, views: []),
        Binding(keys: [.char("R")], action: .retry, label: "retry", help: "retry the workflow; on a failed step, from that step (nodeFieldSelector); asks first (y)", inBar: false, views: Keymap.actionViews),
        Binding(keys: [.char("E")], action: .resubmit, label: "resubmit", help: "resubmit the workflow (a new one, same spec); asks first", inBar: false, views: Keymap.actionViews),
        Binding(keys: [.char("S")], action: .stop, label: "stop", help: "stop the workflow (exit handlers run); asks first", inBar: false, views: Keymap.actionViews),
        Binding(keys: [.char("T")], action: .terminate, label: "terminate", help: "terminate the workflow (no exit handlers); asks first", inBar: false, views: Keymap.actionViews),
        Binding(keys: [.char("U")], action: .suspendResume, label: "suspend/resume", help: "suspend a running workflow, or resume a suspended one (or the selected suspend step); asks first", inBar: false, views: Keymap.actionViews),
    ]

    /// Where the action keys work.
    public static let actionViews: Set<ViewKind> = [.workflows, .workflow, .node, .runs]
    /// The actions `--readonly` turns off (and the help leaves out).
    public static let actions: Set<Action> = [.retry, .resubmit, .stop, .terminate, .suspendResume]

    /// Gives `action` these keys instead of its own, in every view it has; false for an unknown action name.
    /// A key taken by another binding in the same view is taken from it.
    @discardableResult
    public static func rebind(_ actionName: String, to keys: [Key]) -> Bool {
        guard let action = Action(rawValue: actionName), !keys.isEmpty else { return false }
        let views = Set(bindings.filter { $0.action == action }.flatMap { $0.views.isEmpty ? [] : Array($0.views) })
        for i in bindings.indices {
            if bindings[i].action == action {
                bindings[i].keys = keys
            } else if bindings[i].views.isEmpty || views.isEmpty || !bindings[i].views.isDisjoint(with: views) {
                bindings[i].keys.removeAll { keys.contains($0) }
            }
        }
        return true
    }

    /// The action of a key: a binding of the mode (`l` pans the timeline) before one of every mode.
    public static func action(for key: Key, in view: ViewKind, mode: TreeMode = .tree) -> Action? {
        let applying = bindings.filter { ($0.views.isEmpty || $0.views.contains(view)) && ($0.mode ?? mode) == mode }
        for binding in applying where binding.mode != nil && binding.keys.contains(key) { return binding.action }
        for binding in applying where binding.keys.contains(key) { return binding.action }
        return nil
    }

    /// Bars already made, by view and mode: every frame draws one, and the bindings never change.
    private struct BarKey: Hashable {
        let view: ViewKind
        let mode: TreeMode
    }
    private static let bars = Mutex<[BarKey: [Binding]]>([:])

    /// The bindings shown in the bottom line of a view.
    public static func bar(for view: ViewKind, mode: TreeMode = .tree) -> [Binding] {
        let key = BarKey(view: view, mode: mode)
        if let made = bars.withLock({ $0[key] }) { return made }
        let made = makeBar(for: view, mode: mode)
        bars.withLock { $0[key] = made }
        return made
    }

    static func makeBar(for view: ViewKind, mode: TreeMode) -> [Binding] {
        let shown = bindings.filter { binding in
            // A key the mode gives to another action (`l` pans the timeline) leaves the bar.
            binding.inBar && (binding.views.isEmpty || binding.views.contains(view)) && (binding.mode ?? mode) == mode
                && binding.keys.first.map { action(for: $0, in: view, mode: mode) == binding.action } != false
        }
        // The mode's own keys first, so that they stay on a narrow screen.
        return shown.filter { $0.mode != nil } + shown.filter { $0.mode == nil }
    }
}
