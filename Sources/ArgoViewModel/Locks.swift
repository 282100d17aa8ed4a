import ArgoAPI

/// A workflow by namespace and name.
public struct WorkflowRef: Hashable, Comparable, Sendable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public init(_ workflow: Workflow) {
        self.init(namespace: workflow.namespace, name: workflow.name)
    }

    public static func < (a: WorkflowRef, b: WorkflowRef) -> Bool {
        a.namespace != b.namespace ? a.namespace < b.namespace : a.name < b.name
    }
}

/// The name of a semaphore or mutex as the controller writes it:
/// `<ns>/ConfigMap/<configmap>/<key>`, `<ns>/Mutex/<name>` or `<ns>/Database/<key>`.
public struct LockKey: Hashable, Sendable {
    public enum Store: Hashable, Sendable { case configMap, database }

    public enum Kind: Hashable, Sendable {
        case semaphore(Store)
        case mutex
        /// A key of no known form; `name` holds it whole.
        case unknown
    }

    /// The key exactly as the controller wrote it.
    public var raw: String
    public var namespace: String?
    public var kind: Kind
    /// The ConfigMap's name, the mutex's name or the database key.
    public var name: String
    /// The key inside the ConfigMap (ConfigMap semaphores only).
    public var key: String?

    /// Reads a key; anything that is not one of the three forms is kept whole with kind `unknown`.
    public init(_ raw: String) {
        self.raw = raw
        namespace = nil
        kind = .unknown
        name = raw
        key = nil
        let parts = raw.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty else { return }
        let rest = parts[2]
        // Objects written before Argo 3 spell the kind in lower case (`argo/mutex/welcome`).
        switch parts[1].lowercased() {
        case "configmap":
            kind = .semaphore(.configMap)
            if let slash = rest.firstIndex(of: "/") {
                name = String(rest[..<slash])
                let inner = rest[rest.index(after: slash)...]
                key = inner.isEmpty ? nil : String(inner)
            } else {
                name = String(rest)
            }
        case "mutex":
            kind = .mutex
            name = String(rest)
        case "database":
            kind = .semaphore(.database)
            name = String(rest)
        default:
            return
        }
        namespace = String(parts[0])
    }

    /// What the screens show: the key as written.
    public var display: String { raw }
}

/// What a `Waiting for … lock` message says about the lock.
public struct LockWaitMessage: Hashable, Sendable {
    public var key: LockKey
    /// The Database form's own key (`sem/<ns>/<key>` or `mtx/<ns>/<name>`).
    public var databaseKey: String?
    public var limit: Int?
    /// Slots available; the ConfigMap and Mutex forms say it, the Database form lets it be worked out.
    public var free: Int?
    /// Slots taken; the Database form says it, the ConfigMap and Mutex forms let it be worked out.
    public var held: Int?

    /// Whether the lock is a mutex: by its key, or by a Database key of the `mtx/` form.
    public var isMutex: Bool { key.kind == .mutex || (databaseKey?.hasPrefix("mtx/") ?? false) }

    public init(key: LockKey, databaseKey: String? = nil, limit: Int? = nil, free: Int? = nil, held: Int? = nil) {
        self.key = key
        self.databaseKey = databaseKey
        self.limit = limit
        self.free = free
        self.held = held
    }

    /// Reads `Waiting for <lockKey> lock. Lock status: <free>/<limit>` or
    /// `Waiting for <name> lock (<dbKey>). Lock status: <held>/<limit>`, also inside other text;
    /// nil when the text says neither. Numbers that are missing or too large to read are nil.
    public static func parse(_ text: String) -> LockWaitMessage? {
        guard let intro = text.firstRange(of: "Waiting for ") else { return nil }
        let rest = text[intro.upperBound...]
        var from = rest.startIndex
        while let hit = rest[from...].firstRange(of: " lock") {
            from = hit.upperBound
            let keyText = rest[rest.startIndex..<hit.lowerBound]
            // Lock keys hold a slash and no space: anything else is prose that happens to say "lock".
            guard keyText.contains("/"), !keyText.contains(where: { $0.isWhitespace }) else { return nil }
            var after = rest[hit.upperBound...]
            var message = LockWaitMessage(key: LockKey(String(keyText)))
            var firstIsHeld = false
            if after.hasPrefix(" (") {
                after = after.dropFirst(2)
                guard let close = after.firstIndex(of: ")") else { continue }
                let databaseKey = after[..<close]
                guard !databaseKey.isEmpty, !databaseKey.contains(where: { $0.isWhitespace }) else { continue }
                message.databaseKey = String(databaseKey)
                after = after[after.index(after: close)...]
                firstIsHeld = true
            }
            guard after.hasPrefix(".") else { continue }
            after = after.dropFirst().drop(while: { $0 == " " })
            if after.hasPrefix("Lock status:") {
                after = after.dropFirst("Lock status:".count).drop(while: { $0 == " " })
                let (first, slashAndRest) = leadingNumber(after)
                if slashAndRest.hasPrefix("/") {
                    let (second, _) = leadingNumber(slashAndRest.dropFirst())
                    message.limit = second
                    if firstIsHeld { message.held = first } else { message.free = first }
                    if let first, let second, first <= second {
                        if firstIsHeld { message.free = second - first } else { message.held = second - first }
                    }
                }
            }
            return message
        }
        return nil
    }

    /// The decimal number at the start of `text` (nil when there is none or it does not fit an Int) and what follows it.
    static func leadingNumber(_ text: Substring) -> (Int?, Substring) {
        let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
        return (Int(digits), text[digits.endIndex...])
    }
}

/// Who holds a lock, read from a holder key: `ns/wf`, `ns/wf/nodeId`, or in older objects
/// `wf/nodeId`, a bare workflow name or a bare node id.
public struct LockHolder: Hashable, Sendable {
    public var namespace: String?
    public var workflow: String?
    public var nodeID: String?
    /// The holder key as written.
    public var raw: String

    public init(namespace: String? = nil, workflow: String? = nil, nodeID: String? = nil, raw: String) {
        self.namespace = namespace
        self.workflow = workflow
        self.nodeID = nodeID
        self.raw = raw
    }

    /// Reads a holder key. `owner` is the workflow whose `holding` list the key comes from: a bare key
    /// there names that workflow or one of its nodes. `knownWorkflows` tells bare workflow names
    /// that look like node ids (a cron run `nightly-1700000000`) from node ids.
    public init(parsing raw: String, owner: WorkflowRef? = nil, knownWorkflows: Set<String> = []) {
        self.init(raw: raw)
        let parts = raw.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
        switch parts.count {
        case 0, 1:
            readBare(raw, owner: owner, knownWorkflows: knownWorkflows)
        case 2:
            let (first, second) = (parts[0], parts[1])
            if !first.isEmpty, second == first || (second.hasPrefix(first + "-") && Self.looksLikeNodeID(second)) {
                // The older `wf/nodeId` form of a waiting entry.
                workflow = first
                nodeID = second
            } else {
                namespace = nonEmpty(first)
                workflow = nonEmpty(second)
            }
        default:
            namespace = nonEmpty(parts[0])
            workflow = nonEmpty(parts[1])
            nodeID = nonEmpty(parts[2...].joined(separator: "/"))
        }
    }

    private mutating func readBare(_ bare: String, owner: WorkflowRef?, knownWorkflows: Set<String>) {
        guard !bare.isEmpty else { return }
        if bare == owner?.name || knownWorkflows.contains(bare) {
            workflow = bare
        } else if Self.looksLikeNodeID(bare) {
            nodeID = bare
            if let owner, bare.hasPrefix(owner.name + "-") {
                workflow = owner.name
            } else if let dash = bare.lastIndex(of: "-"), knownWorkflows.contains(String(bare[..<dash])) {
                workflow = String(bare[..<dash])
            }
        } else {
            workflow = bare
        }
    }

    /// Whether `text` has the shape of a node id: `<workflow name>-<digits>`.
    static func looksLikeNodeID(_ text: String) -> Bool {
        guard let dash = text.lastIndex(of: "-"), dash > text.startIndex else { return false }
        let digits = text[text.index(after: dash)...]
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// What the screens show: the workflow's name, or the node id when the workflow is unknown.
    public var display: String { workflow ?? nodeID ?? raw }

    /// Whether two keys name the same holder; a part one of them leaves out matches anything.
    func isSame(as other: LockHolder) -> Bool {
        guard nodeID == other.nodeID else { return false }
        func fits(_ a: String?, _ b: String?) -> Bool { a == nil || b == nil || a == b }
        if nodeID == nil {
            guard let workflow else { return other.workflow == nil && raw == other.raw }
            return workflow == other.workflow && fits(namespace, other.namespace)
        }
        return fits(workflow, other.workflow) && fits(namespace, other.namespace)
    }

    /// This holder with the parts it leaves out taken from `other`, which names the same holder.
    func completed(by other: LockHolder) -> LockHolder {
        var out = namespace == nil && other.namespace != nil ? other : self
        out.namespace = out.namespace ?? namespace
        out.workflow = out.workflow ?? workflow ?? other.workflow
        return out
    }

}

/// A workflow or a step waiting for a lock, with its place in the queue.
public struct LockWaiter: Hashable, Sendable {
    public var workflow: WorkflowRef
    /// The waiting node (the lock sits on its template); nil when the whole workflow waits (the lock sits in its spec).
    public var nodeID: String?
    /// The node's display name, or the workflow's name.
    public var name: String
    /// What the queue is ordered by: the node's start, else the workflow's creation.
    public var since: Timestamp?
    /// 1-based place in the queue.
    public var position: Int
    /// How many wait in the queue.
    public var total: Int

    public init(workflow: WorkflowRef, nodeID: String?, name: String, since: Timestamp?, position: Int = 0, total: Int = 0) {
        self.workflow = workflow
        self.nodeID = nodeID
        self.name = name
        self.since = since
        self.position = position
        self.total = total
    }
}

/// One lock as the objects seen so far describe it.
public struct LockEntry: Hashable, Sendable {
    public var key: LockKey
    public var isMutex: Bool
    /// The largest limit any waiting message reports; 1 for a mutex; nil when unknown.
    public var limit: Int?
    /// De-duplicated, sorted by workflow and node.
    public var holders: [LockHolder]
    /// In queue order: `position` counts from 1.
    public var waiters: [LockWaiter]
}

/// A waiter's place in one lock's queue.
public struct LockWait: Hashable, Sendable {
    public var lock: LockEntry
    public var waiter: LockWaiter
}

/// Every lock the given workflows hold or wait for: holders, waiters in queue order, limits.
///
/// Holders come from `status.synchronization` (`holding`, and `waiting`, whose entries list the lock's
/// current holders). Waiters are Pending nodes whose `synchronizationStatus.waiting` (or, in older
/// objects, message) names the lock, and Pending workflows whose message or `waiting` entry names it
/// while none of their known nodes does. A workflow that runs while some of its steps wait shows
/// those steps only once its nodes are known.
public struct LockBook: Hashable, Sendable {
    /// Sorted by key.
    public private(set) var locks: [LockEntry]
    private var lockIndex: [String: Int]
    private var places: [WaiterID: [Place]]

    private struct WaiterID: Hashable {
        var workflow: WorkflowRef
        var nodeID: String?
    }

    /// A holder as a waiter would be named; a nil namespace stands for any.
    private struct Slot: Hashable {
        var namespace: String?
        var workflow: String
        var nodeID: String?
    }

    private struct Place: Hashable {
        var lock: Int
        var waiter: Int
    }

    private struct Candidate {
        var waiter: LockWaiter
        /// The full node name (or the workflow name), the second sort key.
        var sortName: String
        var itemIndex: Int
    }

    private struct Draft {
        var key: LockKey
        var isMutex = false
        var limit: Int?
        var holders: [LockHolder] = []
        var candidates: [Candidate] = []

        mutating func note(_ message: LockWaitMessage) {
            if message.isMutex { isMutex = true }
            if let seen = message.limit { limit = max(limit ?? seen, seen) }
        }
    }

    /// Builds the book from list items (maybe without nodes) and the nodes of the workflows that were opened.
    public init(workflows: [Workflow], nodes openedNodes: [WorkflowRef: NodeMap] = [:]) {
        var latest: [WorkflowRef: Workflow] = [:]
        var nodesOf: [WorkflowRef: NodeMap] = openedNodes
        for workflow in workflows {
            let ref = WorkflowRef(workflow)
            latest[ref] = workflow
            if openedNodes[ref] == nil, !workflow.nodes.isEmpty { nodesOf[ref] = workflow.nodes }
        }
        let knownNames = Set(latest.keys.map(\.name))
        var drafts: [String: Draft] = [:]
        func withDraft(_ raw: String?, _ change: (inout Draft) -> Void) {
            guard let raw, !raw.isEmpty else { return }
            change(&drafts[raw, default: Draft(key: LockKey(raw))])
        }

        for ref in latest.keys.sorted() {
            guard let workflow = latest[ref] else { continue }
            let sync = workflow.status?.synchronization
            func holder(_ raw: String, ownedHere: Bool) -> LockHolder {
                LockHolder(parsing: raw, owner: ownedHere ? ref : nil, knownWorkflows: knownNames)
            }
            var waitingKeys: Set<String> = []
            for entry in sync?.semaphore?.holding ?? [] {
                withDraft(entry.semaphore) { $0.holders += (entry.holders ?? []).map { holder($0, ownedHere: true) } }
            }
            for entry in sync?.semaphore?.waiting ?? [] {
                withDraft(entry.semaphore) { $0.holders += (entry.holders ?? []).map { holder($0, ownedHere: false) } }
                if let key = entry.semaphore { waitingKeys.insert(key) }
            }
            for entry in sync?.mutex?.holding ?? [] {
                withDraft(entry.mutex) { draft in
                    draft.isMutex = true
                    if let raw = entry.holder { draft.holders.append(holder(raw, ownedHere: true)) }
                }
            }
            for entry in sync?.mutex?.waiting ?? [] {
                withDraft(entry.mutex) { draft in
                    draft.isMutex = true
                    if let raw = entry.holder { draft.holders.append(holder(raw, ownedHere: false)) }
                }
                if let key = entry.mutex { waitingKeys.insert(key) }
            }

            let created = workflow.metadata.creationTimestamp
            var nodeWaitKeys: Set<String> = []
            for node in (nodesOf[ref] ?? [:]).values(inPhase: "Pending") {
                let message = node.message.flatMap(LockWaitMessage.parse)
                guard let key = node.synchronizationStatus?.waiting.flatMap({ $0.isEmpty ? nil : $0 }) ?? message?.key.raw
                else { continue }
                nodeWaitKeys.insert(key)
                let name = node.shownName
                let waiter = LockWaiter(workflow: ref, nodeID: node.id, name: name, since: node.startedAt ?? created)
                let candidate = Candidate(waiter: waiter, sortName: node.name, itemIndex: TreeBuilder.itemIndex(name))
                withDraft(key) { draft in
                    if let message, message.key.raw == key { draft.note(message) }
                    draft.candidates.append(candidate)
                }
            }

            guard workflow.phase == "Pending" else { continue }
            var workflowKeys = waitingKeys
            if let message = workflow.status?.message.flatMap(LockWaitMessage.parse) {
                workflowKeys.insert(message.key.raw)
                withDraft(message.key.raw) { $0.note(message) }
            }
            // A lock its own nodes wait for sits on their template, not in the workflow's spec.
            workflowKeys.subtract(nodeWaitKeys)
            let waiter = LockWaiter(workflow: ref, nodeID: nil, name: ref.name, since: created)
            for key in workflowKeys {
                withDraft(key) { $0.candidates.append(Candidate(waiter: waiter, sortName: ref.name, itemIndex: -1)) }
            }
        }

        // A workflow that has ended released its locks, whatever a waiter's stale entry still says.
        let ended = Set(latest.values.filter { ["Succeeded", "Failed", "Error"].contains($0.phase) }.map(WorkflowRef.init))
        locks = drafts.keys.sorted().compactMap { drafts[$0].map { Self.entry($0, ended: ended) } }
        lockIndex = [:]
        places = [:]
        for (lockNumber, lock) in locks.enumerated() {
            lockIndex[lock.key.raw] = lockNumber
            for (waiterNumber, waiter) in lock.waiters.enumerated() {
                places[WaiterID(workflow: waiter.workflow, nodeID: waiter.nodeID), default: []]
                    .append(Place(lock: lockNumber, waiter: waiterNumber))
            }
        }
    }

    private static func entry(_ draft: Draft, ended: Set<WorkflowRef>) -> LockEntry {
        let holders = merged(draft.holders).filter { holder in
            guard let name = holder.workflow else { return true }
            return !ended.contains { $0.name == name && (holder.namespace == nil || holder.namespace == $0.namespace) }
        }
        let held = Set(holders.compactMap { holder in
            holder.workflow.map { Slot(namespace: holder.namespace, workflow: $0, nodeID: holder.nodeID) }
        })
        // Each workflow is read once and each of its nodes once, so no waiter comes twice; a stale status
        // can show a holder as waiting too: it holds.
        var candidates = draft.candidates.filter { candidate in
            let waiter = candidate.waiter
            let slot = Slot(namespace: waiter.workflow.namespace, workflow: waiter.workflow.name, nodeID: waiter.nodeID)
            var anyNamespace = slot
            anyNamespace.namespace = nil
            return !held.contains(slot) && !held.contains(anyNamespace)
        }
        candidates.sort(by: queuedBefore)
        let waiters = candidates.enumerated().map { offset, candidate in
            var waiter = candidate.waiter
            waiter.position = offset + 1
            waiter.total = candidates.count
            return waiter
        }
        let isMutex = draft.isMutex || draft.key.kind == .mutex
        return LockEntry(
            key: draft.key, isMutex: isMutex, limit: draft.limit ?? (isMutex ? 1 : nil), holders: holders, waiters: waiters)
    }

    /// Queue order: the time it started waiting (unknown times last), then name (loop items by their index).
    private static func queuedBefore(_ a: Candidate, _ b: Candidate) -> Bool {
        let ta = a.waiter.since?.seconds ?? .infinity
        let tb = b.waiter.since?.seconds ?? .infinity
        if ta != tb { return ta < tb }
        if a.itemIndex >= 0, b.itemIndex >= 0, a.itemIndex != b.itemIndex { return a.itemIndex < b.itemIndex }
        if a.sortName != b.sortName { return a.sortName < b.sortName }
        if a.waiter.workflow != b.waiter.workflow { return a.waiter.workflow < b.waiter.workflow }
        return (a.waiter.nodeID ?? "") < (b.waiter.nodeID ?? "")
    }

    /// Holders named more than once (in `holding` and in `waiting`, in full and in the older bare form) once each.
    static func merged(_ holders: [LockHolder]) -> [LockHolder] {
        var out: [LockHolder] = []
        var buckets: [String: [Int]] = [:]
        for holder in holders where !holder.raw.isEmpty {
            let bucket = holder.nodeID.map { "n:" + $0 } ?? holder.workflow.map { "w:" + $0 } ?? "r:" + holder.raw
            if let index = buckets[bucket]?.first(where: { out[$0].isSame(as: holder) }) {
                out[index] = out[index].completed(by: holder)
            } else {
                buckets[bucket, default: []].append(out.count)
                out.append(holder)
            }
        }
        func order(_ holder: LockHolder) -> (String, String, String, String) {
            (holder.workflow ?? "", holder.nodeID ?? "", holder.namespace ?? "", holder.raw)
        }
        return out.sorted { order($0) < order($1) }
    }

    /// The lock with this key, if any object mentioned it.
    public func lock(_ key: String) -> LockEntry? {
        lockIndex[key].map { locks[$0] }
    }

    /// The queues the workflow (`nodeID` nil) or one of its nodes waits in.
    public func waits(of workflow: WorkflowRef, nodeID: String? = nil) -> [LockWait] {
        (places[WaiterID(workflow: workflow, nodeID: nodeID)] ?? []).map {
            LockWait(lock: locks[$0.lock], waiter: locks[$0.lock].waiters[$0.waiter])
        }
    }

    /// Why the workflow (`nodeID` nil) or its node is pending, in plain words; nil when it waits for no lock.
    public func explanation(for workflow: WorkflowRef, nodeID: String? = nil) -> String? {
        let sentences = waits(of: workflow, nodeID: nodeID).map { Self.sentence(lock: $0.lock, waiter: $0.waiter) }
        return sentences.isEmpty ? nil : sentences.joined(separator: "; ")
    }

    /// `waiting for semaphore <key> (limit N): held by a, b, c and 2 more, 12th of 33 in queue`.
    /// - Parameter holderName: a better name for a holder when the caller knows one (a step's display name).
    public static func sentence(lock: LockEntry, waiter: LockWaiter, holderName: ((LockHolder) -> String?)? = nil) -> String {
        var text = "waiting for " + (lock.isMutex ? "mutex " : "semaphore ") + lock.key.display
        if !lock.isMutex, let limit = lock.limit { text += " (limit \(limit))" }
        var names: [String] = []
        var seen: Set<String> = []
        for holder in lock.holders {
            let name = holderName?(holder) ?? holder.display
            if seen.insert(name).inserted { names.append(name) }
        }
        if names.isEmpty {
            text += ": holder unknown"
        } else {
            text += ": held by " + names.prefix(3).joined(separator: ", ")
            if names.count > 3 { text += " and \(names.count - 3) more" }
        }
        return text + ", \(Format.ordinal(waiter.position)) of \(waiter.total) in queue"
    }
}
