import Foundation

/// `status.nodes`: node ids to nodes, as a `[String: NodeStatus]` reads, over a `NodeTable`.
///
/// A workflow can have tens of thousands of nodes and a screen shows fifty. The fast decoder reads only what the
/// tree needs (type, phase, times, boundary, children, names' loop and item, template) into the table's columns,
/// and keeps each node's bytes; a `NodeStatus` is read from them the first time it is asked for. Code that walks
/// every node reads the columns; code that looks at a few nodes asks for them by id as from a dictionary.
public struct NodeMap: Sendable {
    public let table: NodeTable

    public init() { table = NodeTable.empty }
    public init(_ nodes: [String: NodeStatus]) { table = NodeTable(nodes) }
    public init(table: NodeTable) { self.table = table }

    public var count: Int { table.count }
    public var isEmpty: Bool { table.count == 0 }
    /// The node ids, in the order of the table (the document's).
    public var keys: [String] { table.ids }
    /// Every node (each read from its bytes if it was not yet).
    public var values: [NodeStatus] { table.all() }

    public subscript(id: String) -> NodeStatus? {
        get { table.place(of: id).map { table.node($0) } }
        set {
            var all = dictionary
            all[id] = newValue
            self = NodeMap(all)
        }
    }

    /// The node at a place of the table.
    public func node(at place: Int) -> NodeStatus { table.node(place) }

    /// The nodes in a phase (`Pending`, …), read from the phase column: only those nodes are read.
    public func values(inPhase phase: String) -> [NodeStatus] {
        guard !phase.isEmpty else { return values.filter { $0.phase == phase } }
        var text = phase
        let code = text.withUTF8 { NodeTable.phase($0) }
        return table.phases.indices.compactMap { p in
            guard table.phases[p] == code else { return nil }
            let node = table.node(p)
            return node.phase == phase ? node : nil
        }
    }

    /// How many nodes are of a kind (`.pod`, …).
    public func count(of kind: NodeTable.Kind) -> Int { table.kinds.reduce(0) { $0 + ($1 == kind ? 1 : 0) } }

    /// Whether a node of a kind is in a phase, from the columns.
    public func contains(_ kind: NodeTable.Kind, inPhase phase: String) -> Bool {
        table.kinds.indices.contains { table.kinds[$0] == kind && table.phase($0) == phase }
    }

    /// The first node with this full name; a name ending in `.onExit` is looked for among the few such nodes.
    public func node(named name: String) -> NodeStatus? {
        if name.hasSuffix(".onExit") {
            return table.exitCandidates.lazy.map { table.node(Int($0)) }.first { $0.name == name }
        }
        return values.first { $0.name == name }
    }

    /// The earliest start of a node, from the column.
    public var earliestStart: Double? { table.started.lazy.filter { !$0.isNaN }.min() }

    public var dictionary: [String: NodeStatus] {
        let nodes = table.all()
        var map = [String: NodeStatus](minimumCapacity: nodes.count)
        for (i, node) in nodes.enumerated() { map[table.ids[i]] = node }
        return map
    }
}

extension NodeMap: Sequence {
    public struct Iterator: IteratorProtocol {
        let table: NodeTable
        var place = 0
        public mutating func next() -> (key: String, value: NodeStatus)? {
            guard place < table.count else { return nil }
            defer { place += 1 }
            return (table.ids[place], table.node(place))
        }
    }

    public func makeIterator() -> Iterator { Iterator(table: table) }
    public var underestimatedCount: Int { table.count }
}

extension NodeMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, NodeStatus)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension NodeMap: Hashable {
    public static func == (a: NodeMap, b: NodeMap) -> Bool {
        a.table === b.table || (a.count == b.count && a.dictionary == b.dictionary)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(dictionary) }
}

extension NodeMap: Codable {
    public init(from decoder: Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: NodeStatus].self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(dictionary)
    }
}

/// The nodes of one workflow in columns, by place (0..<count): what the tree and the summaries read of every
/// node, without a `NodeStatus` for each. Immutable once built, but for the nodes read so far.
public final class NodeTable: @unchecked Sendable {
    /// Known node types, as codes (`other`: read the node for its type).
    public enum Kind: UInt8, Sendable {
        case other, pod, dag, steps, stepGroup, retry, skipped, suspend, http, plugin, taskGroup, container
    }
    /// The types with a kind of their own.
    static let kindNames: [(StaticString, Kind)] = [
        ("Pod", .pod), ("DAG", .dag), ("Steps", .steps), ("StepGroup", .stepGroup), ("Retry", .retry),
        ("Skipped", .skipped), ("Suspend", .suspend), ("HTTP", .http), ("Plugin", .plugin), ("TaskGroup", .taskGroup),
        ("Container", .container),
    ]
    /// Known phases, as codes: `none` is no phase, `other` one not in the list (read the node for it).
    public enum Phase: UInt8, Sendable {
        case none, pending, running, succeeded, skipped, failed, error, omitted
        case other = 255
    }
    /// Argo's names of the known phases, by `Phase` (its raw value; `none` has none).
    static let phaseNames: [StaticString] = ["", "Pending", "Running", "Succeeded", "Skipped", "Failed", "Error", "Omitted"]
    public static let phaseTexts = phaseNames.map(\.description)

    public let count: Int
    /// The map's keys, by place.
    public let ids: [String]
    let index: ByteSet
    public let kinds: [Kind]
    public let phases: [Phase]
    /// Seconds; NaN when the node has none.
    public let started: [Double]
    public let finished: [Double]
    /// The place of the node's boundaryID: -1 when it has none (or it is empty), -2 when no node has that id.
    public let boundaries: [Int32]
    /// The node's `children` are `childPlaces[childStarts[p]..<childStarts[p + 1]]` (-1: no node has that id).
    public let childStarts: [Int32]
    public let childPlaces: [Int32]
    /// `argo get`'s item index of the shown name (`(N:` in `audit(N:db)`), or -1.
    public let items: [Int32]
    /// For nodes with an item index: the loop (the shown name before `(`) as an index of `loopNames`; else -1.
    public let loops: [Int32]
    public let loopNames: [String]
    /// Characters of the shown name (what a row's name column needs of it).
    public let nameLengths: [Int32]
    /// Whether the node has a templateRef (its template label is `ref/template`: read the node for it).
    public let templateRefs: [Bool]
    /// templateName as an index of `templateNames`; -1 when the node has none.
    public let templates: [Int32]
    public let templateNames: [String]
    /// The nodes whose name ends in `.onExit` (where an exit handler is looked for by name).
    public let exitCandidates: [Int32]
    /// Where each node's shown name and message are in the document, as written (UTF-8, no escapes): start and
    /// count of each, four numbers a place. A count of -1: not at hand (escapes, or a node made, not read):
    /// read the node; -2: the node has none.
    let textSpans: [Int32]
    static let unknownText: (Int32, Int32) = (0, -1)
    static let noText: (Int32, Int32) = (0, -2)

    public enum TextField: Int { case shownName = 0, message = 2 }

    /// The bytes of a node's shown name or message as the document has them; the body gets nil when the node
    /// has none. Returns nil, without calling the body, when the bytes are not at hand: read the node.
    public func withBytes<T>(of field: TextField, at place: Int, _ body: (UnsafeBufferPointer<UInt8>?) -> T) -> T? {
        let at = 4 * place + field.rawValue
        let count = textSpans[at + 1]
        if count == -2 { return body(nil) }
        guard count >= 0, case .document(let data, _) = source else { return nil }
        return data.withUnsafeBytes { raw in
            body(UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + Int(textSpans[at]), count: Int(count)))
        }
    }

    /// Where nodes are read from: their bytes in a kept document, or nodes already made.
    enum Source {
        case document(Data, spans: [Range<Int>])
        case nodes
    }
    let source: Source
    private let lock = NSLock()
    private var made: [NodeStatus?]
    /// How many nodes were read from their bytes (for tests of what opening a workflow costs).
    public private(set) var nodesRead = 0

    static let empty = NodeTable([:])

    /// A table of nodes already made (the Codable path, tests, tools).
    public convenience init(_ nodes: [String: NodeStatus]) {
        var b = Builder(capacity: nodes.count)
        var list: [NodeStatus?] = []
        list.reserveCapacity(nodes.count)
        for (id, node) in nodes {
            b.addNode(id: id, node: node)
            list.append(node)
        }
        self.init(b, source: .nodes, made: list)
    }

    init(_ b: Builder, source: Source, made: [NodeStatus?]? = nil) {
        var b = b
        b.resolve()
        count = b.ids.count
        ids = b.ids
        index = b.index
        kinds = b.kinds
        phases = b.phases
        started = b.started
        finished = b.finished
        boundaries = b.boundaries
        childStarts = b.childStarts
        childPlaces = b.childPlaces
        items = b.items
        loops = b.loops
        loopNames = b.loopNames.all()
        nameLengths = b.nameLengths
        templateRefs = b.templateRefs
        templates = b.templates
        templateNames = b.templateNames.all()
        exitCandidates = b.exitCandidates
        textSpans = b.textSpans
        self.source = source
        self.made = made ?? [NodeStatus?](repeating: nil, count: b.ids.count)
    }

    /// The place of the node with this id.
    public func place(of id: String) -> Int? {
        var id = id
        return id.withUTF8 { index.find($0) }.map(Int.init)
    }

    public func children(of place: Int) -> ArraySlice<Int32> {
        childPlaces[Int(childStarts[place])..<Int(childStarts[place + 1])]
    }

    public func phase(_ place: Int) -> String? {
        switch phases[place] {
        case .none: return nil
        case .other: return node(place).phase
        case let code: return NodeTable.phaseTexts[Int(code.rawValue)]
        }
    }

    public func templateName(_ place: Int) -> String? {
        let t = templates[place]
        return t < 0 ? nil : templateNames[Int(t)]
    }

    /// What the columns say of the node `id`, places written as ids (to set two tables side by side: the decoder's
    /// tests and its fuzz target).
    public func columns(of id: String) -> String {
        guard let p = place(of: id) else { return "absent" }
        let boundary = boundaries[p] >= 0 ? ids[Int(boundaries[p])] : String(boundaries[p])
        let kids = children(of: p).map { $0 >= 0 ? ids[Int($0)] : "?" }
        let loop = loops[p] >= 0 ? loopNames[Int(loops[p])] : "-"
        return "\(kinds[p]) \(phases[p]) \(started[p]) \(finished[p]) \(boundary) \(kids) \(items[p]) \(loop) "
            + "\(nameLengths[p]) \(templateRefs[p]) \(templateName(p) ?? "-") \(exitCandidates.contains(Int32(p)))"
    }

    /// The node at `place`, read from its bytes the first time.
    public func node(_ place: Int) -> NodeStatus {
        lock.lock()
        defer { lock.unlock() }
        return made(place)
    }

    /// Every node, in place order.
    public func all() -> [NodeStatus] {
        lock.lock()
        defer { lock.unlock() }
        return (0..<count).map { made($0) }
    }

    /// Under the lock.
    private func made(_ place: Int) -> NodeStatus {
        if let node = made[place] { return node }
        let node = read(place)
        made[place] = node
        nodesRead += 1
        return node
    }

    private func read(_ place: Int) -> NodeStatus {
        guard case .document(let data, let spans) = source else { return NodeStatus(id: ids[place], name: "", type: "") }
        // Read as Argo writes a node; else as JSONDecoder reads one (lenient parameter values); else without
        // the parts that cannot be read (the node's columns were read from these bytes: the rest reads).
        let node: NodeStatus? = data.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[spans[place]])
            return index.withBytes(Int32(place)) { key in
                var scanner = FastWorkflowDecoder.Scanner(bytes)
                if let node = try? scanner.node(key: key, keyText: ids[place]) { return node }
                if let node = try? JSONDecoder().decode(NodeStatus.self, from: Data(bytes)) { return node }
                var tolerant = FastWorkflowDecoder.Scanner(bytes)
                return try? tolerant.node(key: key, keyText: ids[place], tolerant: true)
            }
        }
        return node ?? NodeStatus(id: ids[place], name: ids[place], type: "")
    }

    /// The kind of a type, as `kinds` names it; `other` for any other.
    static func kind(_ type: UnsafeBufferPointer<UInt8>, in names: [(StaticString, Kind)] = kindNames) -> Kind {
        for (name, kind) in names where FastWorkflowDecoder.Scanner.same(type, name) { return kind }
        return .other
    }

    /// The code of a phase, as `phaseNames` names it; `other` for any other.
    static func phase(_ phase: UnsafeBufferPointer<UInt8>, in names: [StaticString] = phaseNames) -> Phase {
        for code in 1..<names.count where FastWorkflowDecoder.Scanner.same(phase, names[code]) { return Phase(rawValue: UInt8(code))! }
        return .other
    }

    /// The columns as they are filled, one node after another; `resolve` then turns ids into places.
    struct Builder {
        var ids: [String] = []
        var index = ByteSet()
        var kinds: [Kind] = []
        var phases: [Phase] = []
        var started: [Double] = []
        var finished: [Double] = []
        /// Until `resolve`: indexes into `refs` (-1: none), then places.
        var boundaries: [Int32] = []
        var childStarts: [Int32] = [0]
        var childPlaces: [Int32] = []
        var items: [Int32] = []
        var loops: [Int32] = []
        var loopNames = ByteSet()
        var nameLengths: [Int32] = []
        var templateRefs: [Bool] = []
        var templates: [Int32] = []
        var templateNames = ByteSet()
        /// Ids the nodes name (boundaries and children), to look up once every node is in.
        var refs = ByteSet(unique: false)
        /// The keys of the last node read, in order (numbers of `Scanner.nodeKeys`, -1 for others): the next
        /// node most likely has them in the same order.
        var keyOrder = [Int8](repeating: -1, count: 32)
        /// The keys' patterns and the names of kinds and phases, read once (a static's every use checks that it
        /// was made).
        let keyPatterns = FastWorkflowDecoder.Scanner.nodeKeyPatterns
        let kindNames = NodeTable.kindNames
        let phaseNames = NodeTable.phaseNames
        var exitCandidates: [Int32] = []
        var duplicate = false
        var textSpans: [Int32] = []

        /// Where the shown name and the message are in the document (`NodeTable.textSpans`).
        mutating func addTexts(shownName: (Int32, Int32), message: (Int32, Int32)) {
            textSpans.append(shownName.0)
            textSpans.append(shownName.1)
            textSpans.append(message.0)
            textSpans.append(message.1)
        }

        init(capacity: Int) {
            ids.reserveCapacity(capacity)
            kinds.reserveCapacity(capacity)
            phases.reserveCapacity(capacity)
            started.reserveCapacity(capacity)
            finished.reserveCapacity(capacity)
            boundaries.reserveCapacity(capacity)
            childStarts.reserveCapacity(capacity + 1)
            items.reserveCapacity(capacity)
            loops.reserveCapacity(capacity)
            nameLengths.reserveCapacity(capacity)
            templateRefs.reserveCapacity(capacity)
            templates.reserveCapacity(capacity)
            textSpans.reserveCapacity(4 * capacity)
            index.reserve(capacity)
        }

        /// A node's key; false when the map had it already.
        mutating func addKey(_ key: UnsafeBufferPointer<UInt8>, text: String) -> Bool {
            let (_, inserted) = index.insert(key)
            ids.append(text)
            return inserted
        }

        mutating func addName(_ shown: UnsafeBufferPointer<UInt8>) {
            // Characters: one a byte in ASCII, else counted as String counts them.
            nameLengths.append(Int32(shown.allSatisfy { $0 < 0x80 } ? shown.count : String(decoding: shown, as: UTF8.self).count))
            let item = NodeTable.itemIndex(shown)
            items.append(Int32(item))
            if item >= 0, let open = shown.firstIndex(of: UInt8(ascii: "(")) {
                loops.append(loopNames.insert(UnsafeBufferPointer(rebasing: shown[..<open])).0)
            } else {
                loops.append(-1)
            }
        }

        mutating func addTemplate(_ name: UnsafeBufferPointer<UInt8>?) {
            templates.append(name.map { templateNames.insert($0).0 } ?? -1)
        }

        mutating func addBoundary(_ id: UnsafeBufferPointer<UInt8>?) {
            guard let id, id.count > 0 else { return boundaries.append(-1) }
            boundaries.append(refs.insert(id).0)
        }

        /// The last boundary read in place, and its entry of `refs`: siblings follow one another and share it.
        var lastBoundary: (bytes: UnsafeBufferPointer<UInt8>, ref: Int32)?

        /// A boundaryID read in place in the document (its bytes stay there while the table is built).
        mutating func addBoundary(inDocument id: UnsafeBufferPointer<UInt8>) {
            if let last = lastBoundary, FastWorkflowDecoder.Scanner.same(last.bytes, id) { return boundaries.append(last.ref) }
            addBoundary(id)
            if let ref = boundaries.last, ref >= 0 { lastBoundary = (id, ref) }
        }

        mutating func addChild(_ id: UnsafeBufferPointer<UInt8>) {
            childPlaces.append(refs.insert(id).0)
        }

        mutating func endChildren() { childStarts.append(Int32(childPlaces.count)) }

        /// The node's full name (after its key).
        mutating func addFullName(_ name: UnsafeBufferPointer<UInt8>) {
            let suffix: StaticString = ".onExit"
            let n = suffix.utf8CodeUnitCount
            guard name.count >= n else { return }
            if FastWorkflowDecoder.Scanner.same(UnsafeBufferPointer(rebasing: name[(name.count - n)...]), suffix) {
                exitCandidates.append(Int32(ids.count - 1))
            }
        }

        /// A node already made, under the key `id`.
        mutating func addNode(id: String, node: NodeStatus) {
            func bytes(_ text: String?, _ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
                guard var text else { return body(nil) }
                text.withUTF8 { body($0) }
            }
            bytes(id) { if !addKey($0!, text: id) { duplicate = true } }
            bytes(node.type) { kinds.append(NodeTable.kind($0!)) }
            bytes(node.phase) { phases.append($0.map { NodeTable.phase($0) } ?? .none) }
            started.append(node.startedAt?.seconds ?? .nan)
            finished.append(node.finishedAt?.seconds ?? .nan)
            bytes(node.boundaryID) { addBoundary($0) }
            for child in node.children ?? [] { bytes(child) { addChild($0!) } }
            endChildren()
            bytes(node.shownName) { addName($0!) }
            bytes(node.name) { addFullName($0!) }
            bytes(node.templateName) { addTemplate($0) }
            templateRefs.append(node.templateRef != nil)
            addTexts(shownName: NodeTable.unknownText, message: NodeTable.unknownText)
        }

        /// Ids named by nodes → places (-2 for a boundary no node has, -1 for such a child).
        mutating func resolve() {
            guard refs.count > 0 || !boundaries.isEmpty else { return }
            var place = [Int32](repeating: -1, count: refs.count)
            for r in 0..<refs.count { place[r] = refs.withBytes(Int32(r)) { index.find($0) } ?? -1 }
            for i in boundaries.indices where boundaries[i] >= 0 {
                let p = place[Int(boundaries[i])]
                boundaries[i] = p >= 0 ? p : -2
            }
            for i in childPlaces.indices { childPlaces[i] = place[Int(childPlaces[i])] }
        }
    }

    /// `argo get`'s item index: the number between `(` and `:` in `name(3:value)`, or -1.
    public static func itemIndex(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        guard let open = name.firstIndex(of: UInt8(ascii: "(")), let colon = name.firstIndex(of: UInt8(ascii: ":")), open < colon
        else { return -1 }
        // As `Int(text)`: a sign, then digits; -1 when it is not a number or does not fit.
        var value = 0
        var i = open + 1
        let negative = i < colon && name[i] == UInt8(ascii: "-")
        if i < colon, name[i] == UInt8(ascii: "-") || name[i] == UInt8(ascii: "+") { i += 1 }
        guard i < colon else { return -1 }
        while i < colon {
            let c = name[i]
            guard c >= 48, c <= 57 else { return -1 }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(Int(c - 48)) : times.addingReportingOverflow(Int(c - 48))
            guard !o1, !o2 else { return -1 }
            value = sum
            i += 1
        }
        return value
    }
}

/// Byte strings kept one after another, each with a number (0, 1, …), found again by their bytes through an
/// open-addressing hash table. With `unique` (the default) the same bytes get the same number.
struct ByteSet: @unchecked Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var starts: [UInt32] = [0]
    private var slots: [Int32] = []
    private var hashes: [UInt32] = []
    let unique: Bool

    init(unique: Bool = true) { self.unique = unique }

    var count: Int { starts.count - 1 }

    mutating func reserve(_ n: Int) {
        starts.reserveCapacity(n + 1)
        bytes.reserveCapacity(n * 24)
        if unique { grow(to: n) }
    }

    @inline(__always) static func hash(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a, eight bytes at a time then byte by byte.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = 0
        let n = p.count
        if let base = p.baseAddress {
            while i + 8 <= n {
                h = (h ^ UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) &* 0x0000_0100_0000_01B3
                h ^= h >> 29
                i += 8
            }
            while i < n {
                h = (h ^ UInt64(base[i])) &* 0x0000_0100_0000_01B3
                i += 1
            }
        }
        return h ^ (h >> 32)
    }

    func withBytes<T>(_ n: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(starts[Int(n)])..<Int(starts[Int(n) + 1])]))
        }
    }

    func text(_ n: Int32) -> String { withBytes(n) { String(decoding: $0, as: UTF8.self) } }
    func all() -> [String] { (0..<count).map { text(Int32($0)) } }

    /// The number of `p`: an earlier one with the same bytes (unique), else a new one.
    @discardableResult
    mutating func insert(_ p: UnsafeBufferPointer<UInt8>) -> (Int32, inserted: Bool) {
        if !unique {
            append(p)
            return (Int32(count - 1), true)
        }
        if (count + 1) * 2 > slots.count { grow(to: count + 1) }
        let h = ByteSet.hash(p)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let n = slots[s]
            if n < 0 {
                append(p)
                slots[s] = Int32(count - 1)
                hashes.append(UInt32(truncatingIfNeeded: h))
                return (Int32(count - 1), true)
            }
            if hashes[Int(n)] == UInt32(truncatingIfNeeded: h) && equal(n, p) { return (n, false) }
            s = (s + 1) & mask
        }
    }

    func find(_ p: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !slots.isEmpty else { return nil }
        let h = ByteSet.hash(p)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let n = slots[s]
            if n < 0 { return nil }
            if hashes[Int(n)] == UInt32(truncatingIfNeeded: h) && equal(n, p) { return n }
            s = (s + 1) & mask
        }
    }

    private func equal(_ n: Int32, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(n)]), end = Int(starts[Int(n) + 1])
        guard end - start == p.count else { return false }
        if p.count == 0 { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, p.baseAddress!, p.count) == 0 }
    }

    private mutating func append(_ p: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: p)
        starts.append(UInt32(bytes.count))
    }

    private mutating func grow(to n: Int) {
        var size = 16
        while size < n * 2 { size <<= 1 }
        guard size > slots.count else { return }
        slots = [Int32](repeating: -1, count: size)
        let mask = size - 1
        for k in 0..<count {
            var s = Int(truncatingIfNeeded: UInt64(hashes[k])) & mask
            // Rehash from the kept 32 bits: the slot is found from the same bits a lookup uses.
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(k)
        }
    }
}
