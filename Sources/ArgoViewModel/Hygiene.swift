import ArgoAPI

/// A lesson of running Argo in production that a workflow breaks, with a one-line hint.
public struct HygieneFlag: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case manyPods = "more than 1,000 pods"
        case nearSizeLimit = "near the 1 MiB limit"
        case offloaded = "node status offloaded"
        case compressed = "node status compressed"
        case retriesGrew = "retries grew the object"
        case noTTL = "no ttlStrategy"
        case noPodGC = "no podGC"
    }

    public var kind: Kind
    /// What it is for this workflow, short (`1,184 pods`).
    public var detail: String
    /// What to do about it, one line.
    public var hint: String

    public static func hint(_ kind: Kind) -> String {
        switch kind {
        case .manyPods: return "consider a workflow of workflows: one object holds every pod's node"
        case .nearSizeLimit: return "etcd refuses objects over 1 MiB: fewer nodes or outputs, or a workflow of workflows"
        case .offloaded: return "the nodes live in Argo's database: only Argo Server can show them; the object is too big"
        case .compressed: return "the controller compressed the nodes to fit under 1 MiB: close to the limit"
        case .retriesGrew: return "each attempt keeps its nodes: lower retryStrategy.limit or retry a smaller template"
        case .noTTL: return "kept until someone deletes it (unless the controller sets a default): set spec.ttlStrategy"
        case .noPodGC: return "its pods stay after it ends (unless the controller sets a default): set spec.podGC.strategy"
        }
    }
}

/// The hygiene checks: from a list row (spec and status without nodes), and more once a workflow is read whole.
public enum Hygiene {
    /// Objects from this size on are near the 1 MiB limit.
    public static let nearLimitBytes = 768 * 1024
    public static let manyPodsLimit = 1_000
    /// Extra attempts kept in the object from which retries count as having grown it.
    public static let retryAttemptsLimit = 2

    /// The flags a workflow raises. `objectBytes`: the size it had when read whole (the fetched bytes, an
    /// estimate from below: the read leaves out parts argotop never shows).
    public static func flags(of wf: Workflow, objectBytes: Int? = nil) -> [HygieneFlag] {
        var flags: [HygieneFlag] = []
        func add(_ kind: HygieneFlag.Kind, _ detail: String) { flags.append(HygieneFlag(kind: kind, detail: detail, hint: HygieneFlag.hint(kind))) }
        let pods = podCount(wf)
        if pods > manyPodsLimit { add(.manyPods, Format.count(pods) + " pods") }
        if let objectBytes, objectBytes >= nearLimitBytes { add(.nearSizeLimit, "≥ " + mebibytes(objectBytes)) }
        if let version = wf.status?.offloadNodeStatusVersion, !version.isEmpty { add(.offloaded, "offloaded") }
        if wf.status?.nodesWereCompressed == true || !(wf.status?.compressedNodes ?? "").isEmpty { add(.compressed, "compressed") }
        let extra = extraAttempts(wf)
        if extra >= retryAttemptsLimit { add(.retriesGrew, Format.count(extra) + " extra attempts") }
        if wf.spec?.ttlStrategy == nil { add(.noTTL, "no ttlStrategy") }
        if wf.spec?.podGC == nil { add(.noPodGC, "no podGC") }
        return flags
    }

    /// Pods: from the nodes when they are known, else the total of `progress` (`N/M` counts pods).
    static func podCount(_ wf: Workflow) -> Int {
        let nodes = wf.nodes
        if !nodes.isEmpty { return nodes.count(of: .pod) }
        guard let progress = wf.status?.progress, let slash = progress.firstIndex(of: "/") else { return 0 }
        return Int(progress[progress.index(after: slash)...]) ?? 0
    }

    /// Attempts of Retry nodes beyond the first, each of which the object keeps.
    static func extraAttempts(_ wf: Workflow) -> Int {
        let t = wf.nodes.table
        return t.kinds.indices.reduce(0) { $0 + (t.kinds[$1] == .retry ? max(0, t.children(of: $1).count - 1) : 0) }
    }

    static func mebibytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }

    /// A row's flags in a few words: the first one's detail, then how many more.
    public static func short(_ flags: [HygieneFlag]) -> String {
        guard let first = flags.first else { return "" }
        return first.detail + (flags.count > 1 ? " +\(flags.count - 1)" : "")
    }

    /// The label Argo Server puts on workflows that come from the archive (the UI's `isArchivedWorkflow`).
    public static let archivingStatusLabel = "workflows.argoproj.io/workflow-archiving-status"

    /// Whether a listed workflow came from the archive.
    public static func isArchived(_ wf: Workflow) -> Bool {
        wf.metadata.labels?[archivingStatusLabel] == "Persisted"
    }
}
