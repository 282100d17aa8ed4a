import ArgoAPI

/// One visible row of a workflow's node tree.
public struct TreeRow: Equatable, Sendable {
    /// Tree glyphs before the icon, as `argo get` draws them (` ├─`, ` │ └─`, …).
    public var prefix: String
    /// The node this row shows; nil for the blank line before the exit handler.
    public var nodeID: String?

    public init(prefix: String, nodeID: String?) {
        self.prefix = prefix
        self.nodeID = nodeID
    }
}

/// Builds the rows of a node tree by the rules of `argo get` (cmd/argo/commands/common/get.go):
/// DAG and Steps nodes are boundaries whose members attach by `boundaryID`; StepGroup and Retry nodes
/// attach their `children`; StepGroups are hidden (their children get `┬─`), a Retry with one child is
/// hidden, Omitted Skipped nodes are hidden; TaskGroup, Container and unknown types are not drawn;
/// siblings sort by start time, then item index `(N:…)`, then display name; the `<wf>.onExit` tree
/// follows after a blank line.
public enum TreeBuilder {
    public struct Glyphs: Sendable {
        let first, middle, last, only, bar, space: String
        public static let unicode = Glyphs(first: "┬─", middle: "├─", last: "└─", only: "──", bar: "│ ", space: "  ")
        public static let ascii = Glyphs(first: "+-", middle: "|-", last: "`-", only: "--", bar: "| ", space: "  ")
    }

    enum Kind { case boundary, groupParent, execution }

    static func kind(of type: String) -> Kind? {
        switch type {
        case "DAG", "Steps": return .boundary
        case "StepGroup", "Retry": return .groupParent
        case "Pod", "Skipped", "Suspend", "HTTP", "Plugin": return .execution
        default: return nil
        }
    }

    /// The rows of the main tree and, after a blank row, of the exit handler tree.
    public static func rows(workflowName: String, nodes: [String: NodeStatus], glyphs: Glyphs = .unicode) -> [TreeRow] {
        let forest = Forest(nodes: nodes)
        var rows: [TreeRow] = []
        if nodes[workflowName] != nil, forest.isRoot(workflowName) {
            forest.render(workflowName, nodePrefix: " ", childPrefix: " ", glyphs: glyphs, into: &rows)
        }
        let exitID = onExitNodeID(workflowName: workflowName, nodes: nodes)
        if let exitID, forest.isRoot(exitID) {
            rows.append(TreeRow(prefix: "", nodeID: nil))
            forest.render(exitID, nodePrefix: " ", childPrefix: " ", glyphs: glyphs, into: &rows)
        }
        return rows
    }

    /// The exit handler's node: its id is derived from the name `<wf>.onExit`; older objects use the name itself.
    static func onExitNodeID(workflowName: String, nodes: [String: NodeStatus]) -> String? {
        let name = workflowName + ".onExit"
        if nodes[name] != nil { return name }
        return nodes.values.first(where: { $0.name == name })?.id
    }

    /// `argo get`'s item index: the number between `(` and `:` in `name(3:value)`, or -1.
    public static func itemIndex(_ name: String) -> Int {
        guard let open = name.firstIndex(of: "("), let colon = name.firstIndex(of: ":"), open < colon else { return -1 }
        return Int(name[name.index(after: open)..<colon]) ?? -1
    }

    /// Whether `a` sorts before `b` among siblings.
    static func before(_ a: NodeStatus, _ b: NodeStatus) -> Bool {
        let ta = a.startedAt?.seconds ?? 0
        let tb = b.startedAt?.seconds ?? 0
        if ta != tb { return ta < tb }
        let na = a.shownName
        let nb = b.shownName
        let ia = itemIndex(na)
        let ib = itemIndex(nb)
        if ia >= 0 && ib >= 0 {
            if ia != ib { return ia < ib }
        } else if na != nb {
            return na < nb
        }
        return a.id < b.id
    }

    final class Forest {
        let nodes: [String: NodeStatus]
        var children: [String: [String]] = [:]
        var roots: Set<String> = []

        init(nodes: [String: NodeStatus]) {
            self.nodes = nodes
            // Pass 1: which nodes a StepGroup or Retry claims as its children.
            var claimedBy: [String: String] = [:]
            for id in nodes.keys.sorted() {
                guard let node = nodes[id], kind(of: node.type) == .groupParent else { continue }
                for child in node.children ?? [] where claimedBy[child] == nil { claimedBy[child] = id }
            }
            // Pass 2: attach every drawable node to its group parent, else to its boundary, else make it a root.
            for (id, node) in nodes {
                guard kind(of: node.type) != nil else { continue }
                if let parent = claimedBy[id], parent != id {
                    children[parent, default: []].append(id)
                } else if let boundary = node.boundaryID, !boundary.isEmpty {
                    if boundary != id, let owner = nodes[boundary], kind(of: owner.type) == .boundary {
                        children[boundary, default: []].append(id)
                    }
                } else {
                    roots.insert(id)
                }
            }
            for key in children.keys {
                children[key]!.sort { before(nodes[$0]!, nodes[$1]!) }
            }
        }

        func isRoot(_ id: String) -> Bool { roots.contains(id) }

        /// (hidden, children indented as a group) for a node, per `argo get`'s filterNode.
        func filter(_ node: NodeStatus) -> (Bool, Bool) {
            if node.type == "Retry" && (node.children?.count ?? 0) == 1 { return (true, false) }
            if node.type == "StepGroup" { return (true, true) }
            if node.type == "Skipped" && node.phase == "Omitted" { return (true, false) }
            return (false, false)
        }

        func render(_ id: String, nodePrefix: String, childPrefix: String, glyphs: Glyphs, into rows: inout [TreeRow]) {
            var visiting: Set<String> = []
            render(id, nodePrefix: nodePrefix, childPrefix: childPrefix, glyphs: glyphs, visiting: &visiting, into: &rows)
        }

        private func render(
            _ id: String, nodePrefix: String, childPrefix: String, glyphs: Glyphs, visiting: inout Set<String>,
            into rows: inout [TreeRow]
        ) {
            guard let node = nodes[id], visiting.insert(id).inserted else { return }
            defer { visiting.remove(id) }
            let (hidden, groupIndent) = filter(node)
            if !hidden { rows.append(TreeRow(prefix: nodePrefix, nodeID: id)) }
            let kids = children[id] ?? []
            let last = kids.count - 1
            for (index, child) in kids.enumerated() {
                var part = ""
                var sub = ""
                if hidden && groupIndent {
                    if last == 0 {
                        (part, sub) = (glyphs.only, glyphs.space)
                    } else if index == 0 {
                        (part, sub) = (glyphs.first, glyphs.bar)
                    } else if index == last {
                        (part, sub) = (glyphs.last, glyphs.space)
                    } else {
                        (part, sub) = (glyphs.middle, glyphs.bar)
                    }
                } else if !hidden {
                    (part, sub) = index == last ? (glyphs.last, glyphs.space) : (glyphs.middle, glyphs.bar)
                }
                let childNodePrefix: String
                if !hidden {
                    childNodePrefix = childPrefix + part
                } else {
                    childNodePrefix = (index == 0 ? nodePrefix : childPrefix) + part
                }
                render(child, nodePrefix: childNodePrefix, childPrefix: childPrefix + sub, glyphs: glyphs,
                    visiting: &visiting, into: &rows)
            }
        }
    }
}
