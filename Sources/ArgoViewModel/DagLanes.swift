/// The dependency lanes of one DAG, drawn in a narrow column beside its tasks the way `git log --graph`
/// draws merges: tasks in topological order, one lane a dependent still awaited, fan-ins merging into one
/// lane, fan-outs branching off. Pure functions of the graph; tested on whole multi-line strings.
public enum DagLanes {
    /// The directions a lane cell connects to, and whether it holds the task itself.
    public struct Cell: Equatable, Sendable {
        public var up = false, down = false, left = false, right = false
        public var node = false
        /// The tasks whose edges this cell draws (the awaited task and the tasks that feed it so far):
        /// an edge of the selected task lights up when the selection is one of them.
        public var touches: [Int] = []

        public var isEmpty: Bool { !(up || down || left || right || node) }

        mutating func touch(_ tasks: [Int]) {
            for task in tasks where !touches.contains(task) { touches.append(task) }
        }
    }

    /// One task's row of lanes, and the lanes that run on below it (through the rows of its subtree).
    public struct Row: Equatable, Sendable {
        /// The task (an index into the graph's tasks).
        public var task: Int
        public var cells: [Cell]
        public var below: [Cell]
        /// The task has a dependency that comes after it: the data has a cycle, and that edge is not drawn.
        public var cyclic = false
    }

    /// A DAG's tasks in row order, with their lanes.
    public struct Layout: Equatable, Sendable {
        public var rows: [Row]
        /// Lanes used at the widest row.
        public var width: Int
        public var predecessors: [[Int]]
        public var successors: [[Int]]

        /// The row of a task.
        public func row(of task: Int) -> Int? { rows.firstIndex { $0.task == task } }
    }

    /// Tasks in topological order: a task comes after everything it depends on; among the tasks ready at
    /// once, the lower `rank` (start time order) first. Tasks on a cycle (bad data) follow by rank, marked.
    public static func order(successors: [[Int]], rank: [Int]) -> (order: [Int], cyclic: Set<Int>) {
        let n = successors.count
        var indegree = [Int](repeating: 0, count: n)
        for list in successors { for v in list where v >= 0 && v < n { indegree[v] += 1 } }
        var ready = (0..<n).filter { indegree[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(n)
        var placed = [Bool](repeating: false, count: n)
        while true {
            while !ready.isEmpty {
                // The ready set stays small in practice (a DAG's width); a linear scan keeps it simple.
                var best = 0
                for i in 1..<ready.count where rank[ready[i]] < rank[ready[best]] { best = i }
                let u = ready.remove(at: best)
                placed[u] = true
                order.append(u)
                for v in successors[u] where v >= 0 && v < n && !placed[v] {
                    indegree[v] -= 1
                    if indegree[v] == 0 { ready.append(v) }
                }
            }
            guard order.count < n else { break }
            // A cycle: release the earliest unplaced task and carry on.
            let next = (0..<n).filter { !placed[$0] }.min { rank[$0] < rank[$1] }!
            indegree[next] = 0
            ready.append(next)
        }
        var position = [Int](repeating: 0, count: n)
        for (i, u) in order.enumerated() { position[u] = i }
        var cyclic: Set<Int> = []
        for u in 0..<n { for v in successors[u] where v >= 0 && v < n && position[v] <= position[u] { cyclic.insert(v) } }
        return (order, cyclic)
    }

    /// Lays out the lanes of a DAG given each task's dependents and a rank for ties.
    public static func layout(successors: [[Int]], rank: [Int]) -> Layout {
        let n = successors.count
        var predecessors = [[Int]](repeating: [], count: n)
        for (u, list) in successors.enumerated() { for v in list where v >= 0 && v < n && !predecessors[v].contains(u) { predecessors[v].append(u) } }
        let (order, cyclic) = order(successors: successors, rank: rank)
        var position = [Int](repeating: 0, count: n)
        for (i, u) in order.enumerated() { position[u] = i }
        // lanes[c]: the task column c awaits, and the tasks that fed it so far.
        var lanes: [(target: Int, sources: [Int])?] = []
        var rows: [Row] = []
        var width = 0
        for (i, u) in order.enumerated() {
            var cells = lanes.map { lane -> Cell in
                guard let lane else { return Cell() }
                var cell = Cell(up: true, down: true)
                cell.touch([lane.target] + lane.sources)
                return cell
            }
            let incoming = lanes.indices.filter { lanes[$0]?.target == u }
            let column = incoming.first ?? lanes.firstIndex(where: { $0 == nil }) ?? lanes.count
            if column == lanes.count {
                lanes.append(nil)
                cells.append(Cell())
            }
            // Lanes that awaited u end here and merge into its column.
            for c in incoming {
                cells[c].down = false
                if c != column { connect(&cells, from: column, to: c, touching: [u] + (lanes[c]?.sources ?? [])) }
                lanes[c] = nil
            }
            cells[column] = Cell(up: !incoming.isEmpty, down: false, left: cells[column].left, right: cells[column].right, node: true, touches: cells[column].touches)
            cells[column].touch([u])
            var usedOwnColumn = false
            let dependents = Set(successors[u].filter { $0 >= 0 && $0 < n && position[$0] > i }).sorted { position[$0] < position[$1] }
            for v in dependents {
                if let c = lanes.firstIndex(where: { $0?.target == v }) {
                    lanes[c]!.sources.append(u)
                    connect(&cells, from: column, to: c, touching: [u, v])
                    continue
                }
                let c: Int
                if !usedOwnColumn {
                    c = column
                    usedOwnColumn = true
                } else if let free = lanes.indices.first(where: { lanes[$0] == nil && $0 != column }) {
                    c = free
                } else {
                    c = lanes.count
                    lanes.append(nil)
                    cells.append(Cell())
                }
                lanes[c] = (v, [u])
                cells[c].down = true
                cells[c].touch([u, v])
                if c != column { connect(&cells, from: column, to: c, touching: [u, v]) }
            }
            while let last = lanes.last, last == nil { lanes.removeLast() }
            while cells.count > 1, let last = cells.last, last.isEmpty { cells.removeLast() }
            let below = lanes.map { lane -> Cell in
                guard let lane else { return Cell() }
                var cell = Cell(up: true, down: true)
                cell.touch([lane.target] + lane.sources)
                return cell
            }
            width = max(width, cells.count, below.count)
            rows.append(Row(task: u, cells: cells, below: below, cyclic: cyclic.contains(u)))
        }
        return Layout(rows: rows, width: width, predecessors: predecessors, successors: successors)
    }

    /// A horizontal connection on one row between the task's column and another lane's.
    private static func connect(_ cells: inout [Cell], from a: Int, to b: Int, touching: [Int]) {
        let (low, high) = (min(a, b), max(a, b))
        for c in low...high {
            if c > low { cells[c].left = true }
            if c < high { cells[c].right = true }
            cells[c].touch(touching)
        }
    }

    public struct Glyphs: Sendable {
        var node, root, vertical, horizontal, cross: String
        var upRight, upLeft, downRight, downLeft, teeRight, teeLeft, teeDown, teeUp: String
        var more: String
        public static let unicode = Glyphs(node: "◆", root: "◇", vertical: "│", horizontal: "─", cross: "┼", upRight: "└", upLeft: "┘",
            downRight: "┌", downLeft: "┐", teeRight: "├", teeLeft: "┤", teeDown: "┬", teeUp: "┴", more: "↺")
        public static let ascii = Glyphs(node: "*", root: "o", vertical: "|", horizontal: "-", cross: "+", upRight: "`", upLeft: "'",
            downRight: ".", downLeft: ".", teeRight: "|", teeLeft: "|", teeDown: ".", teeUp: "'", more: "@")
    }

    /// The character of a cell.
    public static func glyph(_ cell: Cell, _ g: Glyphs) -> String {
        if cell.node { return cell.up ? g.node : g.root }
        switch (cell.up, cell.down, cell.left, cell.right) {
        case (false, false, false, false): return " "
        case (true, true, false, false), (true, false, false, false), (false, true, false, false): return g.vertical
        case (false, false, _, _): return g.horizontal
        case (true, true, true, true): return g.cross
        case (true, false, false, true): return g.upRight
        case (true, false, true, false): return g.upLeft
        case (false, true, false, true): return g.downRight
        case (false, true, true, false): return g.downLeft
        case (true, true, false, true): return g.teeRight
        case (true, true, true, false): return g.teeLeft
        case (false, true, true, true): return g.teeDown
        case (true, false, true, true): return g.teeUp
        }
    }

    /// The text of a row of cells, two columns a lane (the lane and the gap that carries a horizontal), at
    /// most `limit` lanes: lanes beyond it are counted in a `+N` marker, a task beyond it drawn at the edge.
    /// Always `textWidth(lanes:limit:)` columns wide.
    public static func text(_ cells: [Cell], width: Int, limit: Int, glyphs: Glyphs, cyclic: Bool = false) -> String {
        spans(cells, width: width, limit: limit, glyphs: glyphs, cyclic: cyclic).map(\.text).joined()
    }

    /// Columns the lane text takes for a DAG `width` lanes wide.
    public static func textWidth(lanes width: Int, limit: Int) -> Int {
        let shown = min(width, limit)
        return shown * 2 + (width > limit ? 4 : 0)
    }

    /// The pieces of a row's text, each with the cell it draws (nil for the `+N` marker and padding).
    public static func spans(_ cells: [Cell], width: Int, limit: Int, glyphs g: Glyphs, cyclic: Bool = false) -> [(text: String, cell: Cell?)] {
        let shown = min(width, limit)
        var out: [(String, Cell?)] = []
        for c in 0..<shown {
            let cell = c < cells.count ? cells[c] : Cell()
            let hiddenNode = c == shown - 1 && cells.count > shown && cells[shown...].contains { $0.node }
            if hiddenNode {
                let node = cells[shown...].first { $0.node }!
                out.append((glyph(node, g), Cell(up: node.up, node: true, touches: node.touches)))
            } else {
                out.append((glyph(cell, g), cell))
            }
            let gap: String
            if cyclic && c == shown - 1 { gap = g.more } else if cell.right { gap = g.horizontal } else { gap = " " }
            out.append((gap, cell.right ? cell : nil))
        }
        if width > limit {
            let hidden = cells.count > shown ? cells[shown...].filter { ($0.up || $0.down) && !$0.node }.count : 0
            let marker = hidden > 0 ? "+" + (hidden > 99 ? "99" : String(hidden)) : ""
            out.append((marker.padding(toLength: 4, withPad: " ", startingAt: 0), nil))
        }
        return out
    }

    /// Every row of a layout as text, with the lanes running on below each task drawn as `below` rows when
    /// `belowRows` says how many lines each task's subtree takes (tests and captures).
    public static func render(_ layout: Layout, names: [String], limit: Int = 8, glyphs: Glyphs = .unicode) -> String {
        layout.rows.map { row in
            text(row.cells, width: layout.width, limit: limit, glyphs: glyphs, cyclic: row.cyclic) + " " + names[row.task]
        }.joined(separator: "\n")
    }
}
