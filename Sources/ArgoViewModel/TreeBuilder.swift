import ArgoAPI

/// One visible row of a workflow's node tree.
public struct TreeRow: Equatable, Sendable {
    public enum Item: Equatable, Sendable {
        case node(String)
        /// A fan-out folded into one row: an index into `NodeTree.groups`.
        case group(Int)
        /// A child workflow, under the step that created it: its name (see `NodeTree.childRefs`).
        case child(String)
        /// The blank line before the exit handler.
        case blank
    }

    /// Tree glyphs before the icon, as `argo get` draws them (` ├─`, ` │ └─`, …).
    public var prefix: String
    public var item: Item
    /// The entry of `NodeTree.entries` this row shows; -1 for the blank row.
    public var entry: Int
    /// The row hides its subtree; `hiddenRows` says how many rows unfold with it.
    public var folded: Bool
    public var hiddenRows: Int
    /// In a DAG drawn with lanes (`d`): where the row's lanes are in its prefix.
    public var lane: LaneSpot?

    public init(prefix: String, item: Item, entry: Int = -1, folded: Bool = false, hiddenRows: Int = 0, lane: LaneSpot? = nil) {
        self.prefix = prefix
        self.item = item
        self.entry = entry
        self.folded = folded
        self.hiddenRows = hiddenRows
        self.lane = lane
    }

    /// The node this row shows, if it shows one.
    public var nodeID: String? {
        if case .node(let id) = item { return id }
        return nil
    }
}

/// Where a row's dependency lanes sit: the DAG's entry, the row of its layout, whether the row is a task's own
/// or one of its subtree's (the lanes running on below it), and the column the lanes start at.
public struct LaneSpot: Equatable, Sendable {
    public var dag: Int
    public var row: Int
    public var below: Bool
    public var x: Int
}

/// A fan-out (the items of one `withItems`/`withParam` loop) folded into one row.
public struct FanOut: Equatable, Sendable {
    /// The loop's step name without the item: `audit` for `audit(0:db-1)`.
    public var name: String
    public var template: String
    public var members: [String]
    /// Members by phase, in the order they are shown.
    public var counts: [(phase: String, count: Int)]
    /// The phase the group shows: the worst of its members.
    public var phase: String
    /// When the members create child workflows: the children by phase, and how many wait on a lock.
    public var children: ChildCounts?

    public static func == (a: FanOut, b: FanOut) -> Bool {
        a.name == b.name && a.template == b.template && a.members == b.members && a.phase == b.phase && a.children == b.children
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
        let lanes: DagLanes.Glyphs
        public static let unicode = Glyphs(first: "┬─", middle: "├─", last: "└─", only: "──", bar: "│ ", space: "  ", lanes: .unicode)
        public static let ascii = Glyphs(first: "+-", middle: "|-", last: "`-", only: "--", bar: "| ", space: "  ", lanes: .ascii)
    }

    enum Kind { case boundary, groupParent, execution }

    static func kind(of type: NodeTable.Kind) -> Kind? {
        switch type {
        case .dag, .steps: return .boundary
        case .stepGroup, .retry: return .groupParent
        case .pod, .skipped, .suspend, .http, .plugin: return .execution
        case .taskGroup, .container, .other: return nil
        }
    }

    /// Every row of the main tree and, after a blank row, of the exit handler tree: `argo get`'s output.
    public static func rows(workflowName: String, nodes: NodeMap, glyphs: Glyphs = .unicode) -> [TreeRow] {
        let tree = NodeTree(workflowName: workflowName, nodes: nodes, fanOutMinimum: Int.max)
        return tree.rows(folding: FoldState(), glyphs: glyphs)
    }

    public static func rows(workflowName: String, nodes: [String: NodeStatus], glyphs: Glyphs = .unicode) -> [TreeRow] {
        rows(workflowName: workflowName, nodes: NodeMap(nodes), glyphs: glyphs)
    }

    /// The exit handler's node: its id is derived from the name `<wf>.onExit`; older objects use the name itself.
    static func onExitNodeID(workflowName: String, nodes: NodeMap) -> String? {
        let name = workflowName + ".onExit"
        if nodes.table.place(of: name) != nil { return name }
        return nodes.node(named: name)?.id
    }

    /// `argo get`'s item index: the number between `(` and `:` in `name(3:value)`, or -1.
    public static func itemIndex(_ name: String) -> Int {
        var name = name
        return name.withUTF8(NodeTable.itemIndex)
    }

    /// What siblings sort by. Names and ids are asked for only to break a tie.
    protocol SiblingKey {
        var started: Double { get }
        var item: Int { get }
        var name: String { get }
        var id: String { get }
    }

    /// A node's key, read once from it (sorting then compares keys, never copies nodes).
    struct SortKey: SiblingKey {
        var started: Double
        var name: String
        var item: Int
        var id: String

        init(_ node: NodeStatus) {
            started = node.startedAt?.seconds ?? 0
            name = node.shownName
            item = TreeBuilder.itemIndex(node.shownName)
            id = node.id
        }
    }

    /// A place of a table: time and item from its columns, name and id from its node (read only for a tie).
    struct PlaceKey: SiblingKey {
        let table: NodeTable
        let place: Int
        var started: Double { table.started[place].isNaN ? 0 : table.started[place] }
        var item: Int { Int(table.items[place]) }
        var name: String { table.node(place).shownName }
        var id: String { table.node(place).id }
    }

    /// `argo get`'s sibling order: start time, then item index when both have one, else the shown name; then id.
    @inline(__always) static func before<K: SiblingKey>(_ a: K, _ b: K) -> Bool {
        if a.started != b.started { return a.started < b.started }
        if a.item >= 0 && b.item >= 0 {
            if a.item != b.item { return a.item < b.item }
        } else {
            let na = a.name, nb = b.name
            if na != nb { return na < nb }
        }
        return a.id < b.id
    }

    /// Nodes (by id) in sibling order.
    static func sorted(_ ids: [String], in nodes: NodeMap) -> [String] {
        ids.map { SortKey(nodes[$0]!) }.sorted(by: before).map(\.id)
    }
}

/// Which rows the user folded or unfolded, by stable keys (node ids, group keys), so that it survives a refresh.
public struct FoldState: Equatable, Sendable {
    /// Explicit choices; everything else takes the tree's default.
    public var open: [String: Bool] = [:]
    /// DAGs whose tasks are drawn in dependency order with lanes (`d`), by entry key.
    public var lanes: Set<String> = []
    public init() {}
}

/// The structure of a workflow's node tree: `argo get`'s rules plus fan-out groups. Built once per fetch of
/// the workflow; rows for a fold state are then cheap to produce.
public final class NodeTree: @unchecked Sendable {
    public struct Entry: Sendable {
        public enum Kind: Sendable { case node(String), group(Int), child(String) }
        public var kind: Kind
        /// Hidden entries (StepGroups, single-attempt Retries, Omitted) draw their children in their place.
        public var hidden: Bool
        /// A hidden StepGroup: its children get `┬─`/`├─` glyphs.
        public var groupIndent: Bool
        public var children: [Int] = []
        public var parent: Int?
        /// Stable across refreshes: the node id, or the group's parent and loop name.
        public var key: String
        /// How many rows the subtree below draws when fully unfolded.
        public var rowsBelow = 0
        /// Position in the fully unfolded order.
        public var order = 0
        /// A node entry: a Retry; in phase Failed or Error.
        var retry = false
        var failed = false
    }

    public let workflowName: String
    /// The workflow's nodes and those of the unfolded children it was built with.
    public let nodes: TreeNodes
    /// The children found, by name, and the unfolded ones whose nodes are in the tree.
    public let childRefs: [String: ChildRef]
    public let loadedChildren: Set<String>
    /// For nodes of children: the child workflow they belong to.
    public private(set) var workflowOfNode: [String: String] = [:]
    private let childrenOfStep: [String: [ChildRef]]
    public private(set) var entries: [Entry] = []
    public private(set) var groups: [FanOut] = []
    public private(set) var mainRoot: Int?
    public private(set) var exitRoot: Int?
    /// The failed steps in tree order: Failed or Error, with no failed step below them; of a Retry, only its
    /// last attempt counts, since earlier attempts were superseded.
    public private(set) var failedSteps: [Int] = []
    /// Steps and child workflows waiting on a lock (Pending with a lock message), drawn in the tree.
    public private(set) var queued = 0
    /// Entries of the nodes of children's forests, and of children's roots (the workflow's own: `mainForest`).
    private var entryOfNode: [String: Int] = [:]
    private var mainForest: Forest?
    /// Where the node each entry shows is (nil for groups and child workflows): read only when asked for.
    private(set) var nodeOfEntry: [NodeRef?] = []
    /// Where each group's members are (one forest), by group.
    private(set) var groupPlaces: [NodeRef.Places] = []
    private var childForests: [String: Forest] = [:]
    /// DAG graphs built so far (`dagGraph`), by the DAG's entry.
    var dagGraphs: [Int: DagGraph] = [:]
    /// The critical path last computed (`criticalEntries`), and for which moment.
    var criticalCache: (now: Double, entries: Set<Int>)?
    /// `drawnOrder` for the last set of DAGs drawn with lanes.
    var drawnOrderCache: (lanes: Set<String>, order: [Int: Int])?
    /// Fan-outs with more members than this start folded.
    public let foldFanOutsAbove: Int

    /// - Parameter fanOutMinimum: siblings of one loop that fold into a group row, at least.
    /// - Parameter children: child workflows by the id of the step that created them (`ChildFinder`).
    /// - Parameter loaded: unfolded children, fetched whole: their trees are drawn under them.
    public convenience init(
        workflowName: String, nodes: [String: NodeStatus], children: [String: [ChildRef]] = [:],
        loaded: [String: Workflow] = [:], fanOutMinimum: Int = 8, foldFanOutsAbove: Int = 20
    ) {
        self.init(workflowName: workflowName, nodes: NodeMap(nodes), children: children, loaded: loaded,
            fanOutMinimum: fanOutMinimum, foldFanOutsAbove: foldFanOutsAbove)
    }

    /// - Parameter fanOutMinimum: siblings of one loop that fold into a group row, at least.
    /// - Parameter children: child workflows by the id of the step that created them (`ChildFinder`).
    /// - Parameter loaded: unfolded children, fetched whole: their trees are drawn under them.
    public init(
        workflowName: String, nodes: NodeMap, children: [String: [ChildRef]] = [:],
        loaded: [String: Workflow] = [:], fanOutMinimum: Int = 8, foldFanOutsAbove: Int = 20
    ) {
        self.workflowName = workflowName
        self.foldFanOutsAbove = foldFanOutsAbove
        childrenOfStep = children
        var refs: [String: ChildRef] = [:]
        for list in children.values { for ref in list { refs[ref.name] = ref } }
        childRefs = refs
        var owners: [String: String] = [:]
        var childForests: [String: Forest] = [:]
        var childMaps: [NodeMap] = []
        for (name, child) in loaded where refs[name] != nil {
            let childNodes = child.nodes
            childForests[name] = Forest(nodes: childNodes)
            childMaps.append(childNodes)
            for id in childNodes.keys where owners[id] == nil && nodes.table.place(of: id) == nil {
                owners[id] = name
            }
        }
        self.nodes = TreeNodes(main: nodes, children: childMaps)
        loadedChildren = Set(childForests.keys)
        workflowOfNode = owners
        self.childForests = childForests
        let forest = Forest(nodes: nodes)
        mainForest = forest
        entries.reserveCapacity(nodes.count)
        nodeOfEntry.reserveCapacity(nodes.count)
        if let place = forest.place(of: workflowName), forest.root[place] {
            mainRoot = add(Int32(place), parent: nil, forest: forest, fanOutMinimum: fanOutMinimum)
        }
        if let exitID = TreeBuilder.onExitNodeID(workflowName: workflowName, nodes: nodes), let place = forest.place(of: exitID),
            forest.root[place]
        {
            exitRoot = add(Int32(place), parent: nil, forest: forest, fanOutMinimum: fanOutMinimum)
        }
        var counter = 0
        for root in [mainRoot, exitRoot].compactMap({ $0 }) {
            number(root, counter: &counter)
            collectFailed(root, into: &failedSteps)
        }
    }

    public func entry(ofNode id: String) -> Int? {
        if let forest = mainForest, let place = forest.place(of: id), forest.entryOf[place] >= 0 { return Int(forest.entryOf[place]) }
        return entryOfNode[id]
    }

    public func node(at entry: Int) -> NodeStatus? { nodeOfEntry[entry].map { $0.forest.table.node(Int($0.place)) } }

    /// Characters of an entry's shown name, and of its template name (nil: it has a templateRef, read the node),
    /// from the columns; nil for an entry that shows no node.
    public func labelLengths(at entry: Int) -> (name: Int, template: Int?)? {
        guard let ref = nodeOfEntry[entry] else { return nil }
        let t = ref.forest.table, p = Int(ref.place)
        if t.templateRefs[p] { return (Int(t.nameLengths[p]), nil) }
        return (Int(t.nameLengths[p]), t.templateName(p)?.count ?? 0)
    }

    // MARK: Building

    /// A node of one forest, by place.
    struct NodeRef {
        let forest: Forest
        let place: Int32

        struct Places {
            let forest: Forest
            let places: [Int32]
        }
    }

    /// The kind of an entry's node, from the columns; nil for an entry that shows no node.
    public func kind(at entry: Int) -> NodeTable.Kind? {
        nodeOfEntry[entry].map { $0.forest.table.kinds[Int($0.place)] }
    }

    /// When an entry's node started and finished, from the columns.
    func nodeTimes(at entry: Int) -> (start: Double?, end: Double?) {
        guard let ref = nodeOfEntry[entry] else { return (nil, nil) }
        let t = ref.forest.table, p = Int(ref.place)
        return (t.started[p].isNaN ? nil : t.started[p], t.finished[p].isNaN ? nil : t.finished[p])
    }

    /// The drawable structure of one workflow's nodes, on the places of its `NodeTable`: `kids(i)` are the
    /// drawn children of the node at place i (places, in sibling order). Read from the table's columns only: a
    /// node is read whole only to break a tie of order or to see whether a Pending step waits on a lock.
    final class Forest {
        let table: NodeTable
        /// The drawn children of place i are `kidList[kidStarts[i]..<kidStarts[i + 1]]` (one list for all: no
        /// array a parent to make and free).
        private var kidStarts: [Int32]
        private var kidList: [Int32]
        private(set) var root: [Bool]
        /// The entry drawing each place (-1: none yet).
        var entryOf: [Int32]

        init(nodes: NodeMap) {
            let t = nodes.table
            table = t
            let n = t.count
            let kinds = t.kinds.map(TreeBuilder.kind(of:))
            // Pass 1: which nodes a StepGroup or Retry claims as its children (the first by id wins).
            var claimedBy = [Int32](repeating: -1, count: n)
            let groupParents = (0..<n).filter { kinds[$0] == .groupParent }.sorted { t.ids[$0] < t.ids[$1] }
            for p in groupParents {
                for c in t.children(of: p) where c >= 0 && claimedBy[Int(c)] < 0 { claimedBy[Int(c)] = Int32(p) }
            }
            // Pass 2: attach every drawable node to its group parent, else to its boundary, else make it a root;
            // counted first, then placed (in place order), then each parent's children sorted.
            var parentOf = [Int32](repeating: -1, count: n)
            var starts = [Int32](repeating: 0, count: n + 1)
            var root = [Bool](repeating: false, count: n)
            for i in 0..<n where kinds[i] != nil {
                let parent = claimedBy[i]
                let boundary = t.boundaries[i]
                if parent >= 0, Int(parent) != i {
                    parentOf[i] = parent
                } else if boundary == -1 {
                    root[i] = true
                } else if boundary >= 0, Int(boundary) != i, kinds[Int(boundary)] == .boundary {
                    parentOf[i] = boundary
                }
                if parentOf[i] >= 0 { starts[Int(parentOf[i]) + 1] += 1 }
            }
            for i in 0..<n { starts[i + 1] += starts[i] }
            var list = [Int32](repeating: 0, count: Int(starts[n]))
            var next = starts
            for i in 0..<n where parentOf[i] >= 0 {
                let p = Int(parentOf[i])
                list[Int(next[p])] = Int32(i)
                next[p] += 1
            }
            list.withUnsafeMutableBufferPointer { all in
                for i in 0..<n where starts[i + 1] - starts[i] > 1 {
                    var segment = UnsafeMutableBufferPointer(rebasing: all[Int(starts[i])..<Int(starts[i + 1])])
                    segment.sort {
                        TreeBuilder.before(TreeBuilder.PlaceKey(table: t, place: Int($0)), TreeBuilder.PlaceKey(table: t, place: Int($1)))
                    }
                }
            }
            self.root = root
            kidStarts = starts
            kidList = list
            entryOf = [Int32](repeating: -1, count: n)
        }

        func place(of id: String) -> Int? { table.place(of: id) }

        /// The drawn children of the node at `place` (places), in sibling order.
        func kids(_ place: Int) -> ArraySlice<Int32> { kidList[Int(kidStarts[place])..<Int(kidStarts[place + 1])] }

        /// The drawn children of the node `id` (places), in sibling order.
        func kids(of id: String) -> ArraySlice<Int32> { place(of: id).map { kids($0) } ?? [] }

        func phase(_ place: Int32) -> String? { table.phase(Int(place)) }

        /// `NodeTree.waitsOnLock`, reading the node only when it is Pending.
        func waitsOnLock(_ place: Int32) -> Bool {
            table.phases[Int(place)] == .pending && NodeTree.waitsOnLock(table.node(Int(place)))
        }

        /// (hidden, children indented as a group), per `argo get`'s filterNode.
        func filter(_ place: Int32) -> (Bool, Bool) {
            let p = Int(place)
            switch table.kinds[p] {
            case .retry where table.childStarts[p + 1] - table.childStarts[p] == 1: return (true, false)
            case .stepGroup: return (true, true)
            case .skipped where table.phases[p] == .omitted: return (true, false)
            default: return (false, false)
            }
        }
    }

    private func add(_ place: Int32, parent: Int?, forest: Forest, fanOutMinimum: Int) -> Int? {
        let i = Int(place)
        let table = forest.table
        let id = table.ids[i]
        // A node is drawn once: its entry also stops a cycle (an ancestor has its entry already).
        guard forest.entryOf[i] < 0 else { return nil }
        let main = forest === mainForest
        if !main { guard entry(ofNode: id) == nil else { return nil } }
        let (hidden, groupIndent) = forest.filter(place)
        let index = entries.count
        let phase = table.phases[i]
        let failed = phase == .failed || phase == .error || (phase == .other && NodeTree.isFailure(forest.phase(place)))
        entries.append(Entry(kind: .node(id), hidden: hidden, groupIndent: groupIndent, parent: parent, key: id,
            retry: table.kinds[i] == .retry, failed: failed))
        nodeOfEntry.append(NodeRef(forest: forest, place: place))
        forest.entryOf[i] = Int32(index)
        if !main { entryOfNode[id] = index }
        if forest.waitsOnLock(place) { queued += 1 }
        let kids = forest.kids(i)
        guard !kids.isEmpty || !childrenOfStep.isEmpty else { return index }
        entries[index].children.reserveCapacity(kids.count)
        // Members of one loop: siblings whose names carry an item index and share the step name before it.
        var loops: [Int32: [Int]] = [:]
        for (position, kid) in kids.enumerated() where table.loops[Int(kid)] >= 0 {
            loops[table.loops[Int(kid)], default: []].append(position)
        }
        // No loop among them: each child in order (no marks to keep).
        var placed = loops.isEmpty ? [] : [Bool](repeating: false, count: kids.count)
        for (position, kid) in kids.enumerated() where placed.isEmpty || !placed[position] {
            let loop = table.loops[Int(kid)]
            if loop >= 0, let members = loops[loop], members.count >= fanOutMinimum {
                for m in members { placed[m] = true }
                let places = members.map { kids[kids.startIndex + $0] }
                let groupEntry = addGroup(table.loopNames[Int(loop)], members: places, forest: forest, parent: index)
                for member in places {
                    if let e = add(member, parent: groupEntry, forest: forest, fanOutMinimum: fanOutMinimum) {
                        entries[groupEntry].children.append(e)
                    }
                }
                if case .group(let g) = entries[groupEntry].kind { groups[g].children = childCounts(places, forest: forest) }
                entries[index].children.append(groupEntry)
            } else if let e = add(kid, parent: index, forest: forest, fanOutMinimum: fanOutMinimum) {
                entries[index].children.append(e)
            }
        }
        for ref in childrenOfStep.isEmpty ? [] : childrenOfStep[id] ?? [] where entryOfChild[ref.name] == nil {
            entries[index].children.append(addChild(ref, parent: index, fanOutMinimum: fanOutMinimum))
        }
        return index
    }

    private var entryOfChild: [String: Int] = [:]
    /// Whether a node or child workflow named `name` is `e` or above it (a child's tree that loops back stops).
    private func onPath(_ name: String, from e: Int) -> Bool {
        var cursor: Int? = e
        while let c = cursor {
            switch entries[c].kind {
            case .node(let id) where id == name: return true
            case .child(let child) where child == name: return true
            default: cursor = entries[c].parent
            }
        }
        return false
    }

    public func entry(ofChild name: String) -> Int? { entryOfChild[name] }

    /// A child workflow's row; when it was unfolded and fetched, its tree (without its root) below it.
    private func addChild(_ ref: ChildRef, parent: Int, fanOutMinimum: Int) -> Int {
        let index = entries.count
        entries.append(Entry(kind: .child(ref.name), hidden: false, groupIndent: false, parent: parent, key: "child:" + ref.name))
        nodeOfEntry.append(nil)
        entryOfChild[ref.name] = index
        if childRefs[ref.name]?.isQueued == true { queued += 1 }
        guard let forest = childForests[ref.name], forest.place(of: ref.name) != nil, !onPath(ref.name, from: parent) else { return index }
        entryOfNode[ref.name] = index
        for kid in forest.kids(of: ref.name) {
            if let e = add(kid, parent: index, forest: forest, fanOutMinimum: fanOutMinimum) {
                entries[index].children.append(e)
            }
        }
        if let exit = TreeBuilder.onExitNodeID(workflowName: ref.name, nodes: NodeMap(table: forest.table)),
            let place = forest.place(of: exit), forest.root[place],
            let e = add(Int32(place), parent: index, forest: forest, fanOutMinimum: fanOutMinimum)
        {
            entries[index].children.append(e)
        }
        return index
    }

    private func addGroup(_ name: String, members: [Int32], forest: Forest, parent: Int) -> Int {
        let table = forest.table
        var byPhase: [String: Int] = [:]
        // Counted by code; the known ones (and no phase: "") named once at the end.
        var byCode = [Int](repeating: 0, count: NodeTable.phaseTexts.count)
        var template: Int32 = -1
        var oneTemplate = true
        for member in members {
            let code = table.phases[Int(member)]
            if code == .other { byPhase[forest.phase(member) ?? "", default: 0] += 1 } else { byCode[Int(code.rawValue)] += 1 }
            let t = table.templates[Int(member)]
            if t >= 0, oneTemplate {
                if template < 0 { template = t } else if template != t { oneTemplate = false }
            }
        }
        for (code, count) in byCode.enumerated() where count > 0 { byPhase[NodeTable.phaseTexts[code], default: 0] += count }
        let counts = NodeTree.ordered(byPhase)
        let worst = NodeTree.severity.first { byPhase[$0] != nil } ?? counts.first?.phase ?? ""
        groups.append(FanOut(name: name, template: oneTemplate && template >= 0 ? table.templateNames[Int(template)] : "",
            members: members.map { table.ids[Int($0)] }, counts: counts, phase: worst))
        groupPlaces.append(NodeRef.Places(forest: forest, places: members))
        let index = entries.count
        entries.append(Entry(kind: .group(groups.count - 1), hidden: false, groupIndent: false, parent: parent,
            key: "group:" + entries[parent].key + ":" + name))
        nodeOfEntry.append(nil)
        return index
    }

    /// Counts of the children of a group's members; nil when no member created one.
    private func childCounts(_ members: [Int32], forest: Forest) -> ChildCounts? {
        guard !childrenOfStep.isEmpty, members.contains(where: { !(childrenOfStep[forest.table.ids[Int($0)]]?.isEmpty ?? true) }) else {
            return nil
        }
        var counts = ChildCounts()
        var byPhase: [String: Int] = [:]
        for member in members {
            let kids = childrenOfStep[forest.table.ids[Int(member)]] ?? []
            if kids.isEmpty {
                counts.total += 1
                if forest.waitsOnLock(member) {
                    counts.queued += 1
                } else {
                    byPhase[forest.phase(member) ?? "", default: 0] += 1
                }
            }
            for kid in kids {
                counts.total += 1
                if kid.isQueued { counts.queued += 1 } else { byPhase[kid.summary.phase, default: 0] += 1 }
            }
        }
        counts.byPhase = NodeTree.ordered(byPhase)
        return counts
    }

    /// A step Pending on a semaphore or mutex: `synchronizationStatus.waiting`, or in older objects the message.
    public static func waitsOnLock(_ node: NodeStatus) -> Bool {
        node.phase == "Pending" && (node.synchronizationStatus?.waiting != nil || (node.message ?? "").hasPrefix("Waiting for "))
    }

    /// Counts by phase in the order rows show them: the known phases first, then any other by name.
    static func ordered(_ byPhase: [String: Int]) -> [(phase: String, count: Int)] {
        phaseOrder.compactMap { phase in byPhase[phase].map { (phase, $0) } }
            + byPhase.filter { !phaseOrder.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static let phaseOrder = ["Succeeded", "Failed", "Error", "Running", "Pending", "Skipped", "Omitted"]
    static let severity = ["Error", "Failed", "Running", "Pending", "Succeeded", "Skipped", "Omitted"]

    private func number(_ e: Int, counter: inout Int) {
        entries[e].order = counter
        counter += 1
        var below = 0
        for child in entries[e].children {
            number(child, counter: &counter)
            below += (entries[child].hidden ? 0 : 1) + entries[child].rowsBelow
        }
        entries[e].rowsBelow = below
    }

    public static func isFailure(_ phase: String?) -> Bool { phase == "Failed" || phase == "Error" }

    /// Appends the failed steps under `e` in tree order; returns whether there was one.
    @discardableResult
    private func collectFailed(_ e: Int, into list: inout [Int]) -> Bool {
        let kids = entries[e].children
        var found = false
        var mine: [Int] = []
        if entries[e].retry, let last = kids.last {
            found = collectFailed(last, into: &mine)
        } else {
            for child in kids where collectFailed(child, into: &mine) { found = true }
        }
        if !found, !entries[e].hidden, entries[e].failed {
            list.append(e)
            return true
        }
        if !found, case .child(let name) = entries[e].kind, NodeTree.isFailure(childRefs[name]?.summary.phase) {
            list.append(e)
            return true
        }
        list += mine
        return found
    }

    // MARK: Folding

    /// Whether an entry shows its children under the given fold state.
    public func isOpen(_ e: Int, in folding: FoldState) -> Bool {
        if let choice = folding.open[entries[e].key] { return choice }
        if case .group(let g) = entries[e].kind { return groups[g].members.count <= foldFanOutsAbove }
        if case .child = entries[e].kind { return false }
        return true
    }

    /// Whether an entry can fold: it is drawn and has something below it (a child workflow always can: its
    /// tree is fetched when it is unfolded).
    public func canFold(_ e: Int) -> Bool {
        if case .child = entries[e].kind { return true }
        return !entries[e].hidden && entries[e].rowsBelow > 0
    }

    /// Opens every folded row above `e`, so that it is drawn.
    public func reveal(_ e: Int, in folding: inout FoldState) {
        var cursor = entries[e].parent
        while let p = cursor {
            if !entries[p].hidden && !isOpen(p, in: folding) { folding.open[entries[p].key] = true }
            cursor = entries[p].parent
        }
    }

    /// The nearest drawn ancestors of `e`, nearest last.
    public func ancestors(of e: Int) -> [Int] {
        var chain: [Int] = []
        var cursor = entries[e].parent
        while let p = cursor {
            if !entries[p].hidden { chain.append(p) }
            cursor = entries[p].parent
        }
        return chain.reversed()
    }

    /// The rows drawn for a fold state.
    /// - Parameter laneLimit: lanes a DAG drawn with lanes shows at most (more are counted: `+N`).
    public func rows(folding: FoldState, glyphs: TreeBuilder.Glyphs, laneLimit: Int = 8) -> [TreeRow] {
        var rows: [TreeRow] = []
        let context = RenderContext(glyphs: glyphs, folding: folding, laneLimit: laneLimit)
        if let mainRoot { render(mainRoot, nodePrefix: " ", childPrefix: " ", context, into: &rows) }
        if let exitRoot {
            rows.append(TreeRow(prefix: "", item: .blank))
            render(exitRoot, nodePrefix: " ", childPrefix: " ", context, into: &rows)
        }
        return rows
    }

    struct RenderContext {
        var glyphs: TreeBuilder.Glyphs
        var folding: FoldState
        var laneLimit: Int
    }

    private func render(
        _ e: Int, nodePrefix: String, childPrefix: String, _ context: RenderContext, into rows: inout [TreeRow],
        lane: LaneSpot? = nil
    ) {
        let glyphs = context.glyphs
        let folding = context.folding
        let entry = entries[e]
        let hidden = entry.hidden
        let open = hidden || isOpen(e, in: folding)
        if !hidden {
            let item: TreeRow.Item
            switch entry.kind {
            case .node(let id): item = .node(id)
            case .group(let g): item = .group(g)
            case .child(let name): item = .child(name)
            }
            let unfetched: Bool
            if case .child(let name) = entry.kind { unfetched = !loadedChildren.contains(name) } else { unfetched = false }
            rows.append(TreeRow(prefix: nodePrefix, item: item, entry: e, folded: !open && (entry.rowsBelow > 0 || unfetched),
                hiddenRows: open ? 0 : entry.rowsBelow, lane: lane))
        }
        guard open else { return }
        if folding.lanes.contains(entry.key), let graph = dagGraph(e) {
            renderLanes(graph, childPrefix: childPrefix, context, into: &rows)
            return
        }
        // Rows under a task of a DAG drawn with lanes carry on its lanes below it.
        let inner = lane.map { LaneSpot(dag: $0.dag, row: $0.row, below: true, x: $0.x) }
        let kids = entry.children
        let last = kids.count - 1
        for (index, child) in kids.enumerated() {
            var part = ""
            var sub = ""
            if hidden && entry.groupIndent {
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
            let childNodePrefix = (hidden && index == 0 ? nodePrefix : childPrefix) + part
            // A hidden task (a Retry of one attempt) draws its attempt in its own place, on its lanes.
            render(child, nodePrefix: childNodePrefix, childPrefix: childPrefix + sub, context, into: &rows,
                lane: hidden && index == 0 ? lane : inner)
        }
    }

    /// A DAG's tasks in dependency order, each after a column of lanes; their subtrees under them as usual.
    private func renderLanes(_ graph: DagGraph, childPrefix: String, _ context: RenderContext, into rows: inout [TreeRow]) {
        let layout = graph.layout
        let x = childPrefix.count
        for (r, laneRow) in layout.rows.enumerated() {
            let lanes = DagLanes.text(laneRow.cells, width: layout.width, limit: context.laneLimit, glyphs: context.glyphs.lanes, cyclic: laneRow.cyclic)
            let below = DagLanes.text(laneRow.below, width: layout.width, limit: context.laneLimit, glyphs: context.glyphs.lanes)
            render(graph.tasks[laneRow.task], nodePrefix: childPrefix + lanes, childPrefix: childPrefix + below,
                context, into: &rows, lane: LaneSpot(dag: graph.dag, row: r, below: false, x: x))
        }
    }

    // MARK: Search

    /// Drawn entries whose node name, template or message contains `query` (ignoring case), in tree order.
    public func matches(_ query: String) -> [Int] {
        let needle = Needle(query)
        guard !needle.text.isEmpty else { return [] }
        var found: [Int] = []
        for e in entries.indices where !entries[e].hidden {  // entries are created in tree order
            switch entries[e].kind {
            case .node(let id):
                // From the columns and the document's bytes when they are at hand (no node read); else from the node.
                if let ref = nodeOfEntry[e] {
                    let t = ref.forest.table, p = Int(ref.place)
                    let name = t.withBytes(of: .shownName, at: p) { needle.found(inBytes: $0) }
                    let message = t.withBytes(of: .message, at: p) { needle.found(inBytes: $0) }
                    if name == true || message == true || needle.found(in: t.templateName(p)) {
                        found.append(e)
                        continue
                    }
                    if name != nil && message != nil && !t.templateRefs[p] { continue }
                }
                guard let node = node(at: e) ?? nodes[id] else { continue }
                if needle.found(in: node.shownName) || needle.found(in: node.templateName) || needle.found(in: node.templateRef?.template)
                    || needle.found(in: node.message)
                {
                    found.append(e)
                }
            case .group(let g):
                if needle.found(in: groups[g].name) { found.append(e) }
            case .child(let name):
                if needle.found(in: name) || needle.found(in: childRefs[name]?.summary.status?.message) { found.append(e) }
            }
        }
        return found
    }

    /// A search's text, lowercased, and a way to find it in a text ignoring case: printable-ASCII texts (nearly
    /// all names and messages) byte by byte with A–Z folded, no copy made; any other text lowercased whole, as
    /// before.
    struct Needle {
        let text: String
        private let bytes: [UInt8]
        private let ascii: Bool

        init(_ query: String) {
            text = query.lowercased()
            bytes = Array(text.utf8)
            ascii = bytes.allSatisfy { $0 < 0x80 }
        }

        func found(in haystack: String?) -> Bool {
            guard var haystack else { return false }
            return haystack.withUTF8 { found(inBytes: $0) }
        }

        /// The same in UTF-8 bytes (nil: no text).
        func found(inBytes hay: UnsafeBufferPointer<UInt8>?) -> Bool {
            guard let hay else { return false }
            // Printable ASCII only: one byte, one character (no \r\n pair, no combining mark).
            guard hay.isPrintableASCII else {
                return String(decoding: hay, as: UTF8.self).lowercased().contains(text)
            }
            guard ascii, bytes.count <= hay.count else { return false }
            let m = bytes.count
            return bytes.withUnsafeBufferPointer { needle in
                var i = 0
                while i + m <= hay.count {
                    var j = 0
                    while j < m, Needle.folded(hay[i + j]) == needle[j] { j += 1 }
                    if j == m { return true }
                    i += 1
                }
                return false
            }
        }

        @inline(__always) static func folded(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
    }
}

/// The nodes a tree was built with: the workflow's, then those of the unfolded children (a node id the workflow
/// has is its own).
public struct TreeNodes: Sendable {
    public let main: NodeMap
    public let children: [NodeMap]

    public subscript(id: String) -> NodeStatus? {
        if let node = main[id] { return node }
        for map in children { if let node = map[id] { return node } }
        return nil
    }

    /// The earliest start of a node, from the columns.
    public var earliestStart: Double? { ([main] + children).compactMap(\.earliestStart).min() }

    /// Every node (each read if it was not yet); an id in two maps counts once.
    public var values: [NodeStatus] {
        guard !children.isEmpty else { return main.values }
        var seen = Set(main.keys)
        var all = main.values
        for map in children {
            for (id, node) in map where seen.insert(id).inserted { all.append(node) }
        }
        return all
    }
}
