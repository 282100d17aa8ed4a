/// Kubernetes object metadata, as much of it as argotop reads.
public struct ObjectMeta: Codable, Hashable, Sendable {
    public var name: String
    public var namespace: String?
    public var uid: String?
    /// The object's version in the cluster (opaque; a watch resumes after it).
    public var resourceVersion: String?
    public var creationTimestamp: Timestamp?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?

    public init(name: String, namespace: String? = nil, creationTimestamp: Timestamp? = nil) {
        self.name = name
        self.namespace = namespace
        self.creationTimestamp = creationTimestamp
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace)
        uid = try c.decodeIfPresent(String.self, forKey: .uid)
        resourceVersion = try? c.decodeIfPresent(String.self, forKey: .resourceVersion)
        creationTimestamp = try c.decodeIfPresent(Timestamp.self, forKey: .creationTimestamp)
        // Hand-written objects carry unquoted numbers and booleans as label values; read them as text.
        labels = try c.decodeIfPresent([String: LenientString].self, forKey: .labels)?.mapValues { $0.value }
        annotations = try c.decodeIfPresent([String: LenientString].self, forKey: .annotations)?.mapValues { $0.value }
        ownerReferences = try c.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences)
    }
}

/// A string that also accepts a JSON number or boolean, as text.
public struct LenientString: Codable, Hashable, Sendable {
    public var value: String

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            value = text
        } else if let flag = try? c.decode(Bool.self) {
            value = flag ? "true" : "false"
        } else if let number = try? c.decode(Double.self) {
            value = number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        } else if c.decodeNil() {
            value = ""
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected text")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

public struct OwnerReference: Codable, Hashable, Sendable {
    public var kind: String?
    public var name: String?
    public var uid: String?
}

public struct TemplateRef: Codable, Hashable, Sendable {
    public var name: String?
    public var template: String?
}

public struct Parameter: Codable, Hashable, Sendable {
    public var name: String
    public var value: String?

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        // Values are strings in the API, but hand-written objects sometimes carry numbers.
        if let text = try? c.decodeIfPresent(String.self, forKey: .value) {
            value = text
        } else if let number = try? c.decodeIfPresent(Double.self, forKey: .value) {
            value = number == number.rounded() ? String(Int(number)) : String(number)
        } else {
            value = nil
        }
    }

    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}

public struct Inputs: Codable, Hashable, Sendable {
    public var parameters: [Parameter]?
    public var artifacts: [Artifact]?
}

public struct Outputs: Codable, Hashable, Sendable {
    public var parameters: [Parameter]?
    public var artifacts: [Artifact]?
    public var exitCode: String?
    public var result: String?
}

/// An input or output artifact: its name and where the repository keeps it.
public struct Artifact: Codable, Hashable, Sendable {
    public var name: String
    public var path: String?
    /// The key, blob, URL or repository that locates the artifact, whichever its repository uses.
    public var key: String?

    enum CodingKeys: String, CodingKey { case name, path, s3, gcs, oss, azure, hdfs, http, artifactory, git, raw }
    struct Location: Codable, Hashable { var key: String?; var blob: String?; var path: String?; var url: String?; var repo: String? }

    public init(name: String, path: String? = nil, key: String? = nil) {
        self.name = name
        self.path = path
        self.key = key
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = (try? c.decodeIfPresent(String.self, forKey: .name)) ?? ""
        path = try? c.decodeIfPresent(String.self, forKey: .path)
        key = nil
        for repository in [CodingKeys.s3, .gcs, .oss, .azure, .hdfs, .http, .artifactory, .git] {
            if let location = try? c.decodeIfPresent(Location.self, forKey: repository) {
                key = location.key ?? location.blob ?? location.path ?? location.url ?? location.repo
                if key != nil { break }
            }
        }
        if key == nil, c.contains(.raw) { key = "(raw)" }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(path, forKey: .path)
        if let key { try c.encode(Location(key: key), forKey: .s3) }
    }
}

/// Flags the controller sets on a node: whether it runs a hook or is a retry attempt.
public struct NodeFlag: Codable, Hashable, Sendable {
    public var hooked: Bool?
    public var retried: Bool?
}

public struct SynchronizationStatus: Codable, Hashable, Sendable {
    public var waiting: String?
}

/// One entry of `status.nodes`.
///
/// A value type whose fields live in one shared box, copied on write: a workflow has tens of thousands of nodes,
/// and looking one up in `status.nodes`, sorting or passing it around then costs one reference count instead
/// of one per field. Codable, Hashable and the properties are those of a plain struct with these fields.
public struct NodeStatus: Codable, Hashable, Sendable {
    /// The fields every node has (or most do) live in the box itself; the rare ones in `Rare`, made only for
    /// the nodes that have one. A box is about 250 bytes; the fast decoder makes one only for a node asked for
    /// (see `NodeMap`).
    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline var id: String = ""
        @usableFromInline var name: String = ""
        @usableFromInline var displayName: String? = nil
        @usableFromInline var type: String = ""
        @usableFromInline var templateName: String? = nil
        @usableFromInline var phase: String? = nil
        @usableFromInline var boundaryID: String? = nil
        @usableFromInline var message: String? = nil
        @usableFromInline var startedAt: Timestamp? = nil
        @usableFromInline var finishedAt: Timestamp? = nil
        @usableFromInline var progress: String? = nil
        @usableFromInline var children: [String]? = nil
        @usableFromInline var hostNodeName: String? = nil
        @usableFromInline var rare: Rare? = nil

        /// The fields few nodes have, or that only the Codable path fills: a box made when one is first set.
        @usableFromInline struct RareFields {
            @usableFromInline var templateRef: TemplateRef? = nil
            @usableFromInline var outboundNodes: [String]? = nil
            @usableFromInline var inputs: Inputs? = nil
            @usableFromInline var outputs: Outputs? = nil
            @usableFromInline var synchronizationStatus: SynchronizationStatus? = nil
            @usableFromInline var estimatedDuration: Int? = nil
            @usableFromInline var resourcesDuration: [String: Int]? = nil
            @usableFromInline var nodeFlag: NodeFlag? = nil
            @usableFromInline var podIP: String? = nil
            /// Parts of the node the fast path could not read (not part of the object: see `unreadableParts`).
            @usableFromInline var unreadableParts: [String]? = nil
        }

        @usableFromInline final class Rare: @unchecked Sendable {
            @usableFromInline var fields: RareFields
            init(_ fields: RareFields = RareFields()) { self.fields = fields }
        }

        /// Sets a rare field, making the box only for a value.
        private func setRare<T>(_ field: WritableKeyPath<RareFields, T?>, _ value: T?) {
            guard value != nil || rare != nil else { return }
            if rare == nil { rare = Rare() }
            rare!.fields[keyPath: field] = value
        }

        @usableFromInline var templateRef: TemplateRef? {
            get { rare?.fields.templateRef }
            set { setRare(\.templateRef, newValue) }
        }
        @usableFromInline var outboundNodes: [String]? {
            get { rare?.fields.outboundNodes }
            set { setRare(\.outboundNodes, newValue) }
        }
        @usableFromInline var synchronizationStatus: SynchronizationStatus? {
            get { rare?.fields.synchronizationStatus }
            set { setRare(\.synchronizationStatus, newValue) }
        }
        @usableFromInline var estimatedDuration: Int? {
            get { rare?.fields.estimatedDuration }
            set { setRare(\.estimatedDuration, newValue) }
        }
        @usableFromInline var nodeFlag: NodeFlag? {
            get { rare?.fields.nodeFlag }
            set { setRare(\.nodeFlag, newValue) }
        }
        @usableFromInline var podIP: String? {
            get { rare?.fields.podIP }
            set { setRare(\.podIP, newValue) }
        }
        @usableFromInline var unreadableParts: [String]? {
            get { rare?.fields.unreadableParts }
            set { setRare(\.unreadableParts, newValue) }
        }

        @usableFromInline var inputs: Inputs? {
            get { rare?.fields.inputs }
            set { setRare(\.inputs, newValue) }
        }
        @usableFromInline var outputs: Outputs? {
            get { rare?.fields.outputs }
            set { setRare(\.outputs, newValue) }
        }
        @usableFromInline var resourcesDuration: [String: Int]? {
            get { rare?.fields.resourcesDuration }
            set { setRare(\.resourcesDuration, newValue) }
        }

        init() {}

        func copy() -> Storage {
            let c = Storage()
            c.id = id
            c.name = name
            c.displayName = displayName
            c.type = type
            c.templateName = templateName
            c.phase = phase
            c.boundaryID = boundaryID
            c.message = message
            c.startedAt = startedAt
            c.finishedAt = finishedAt
            c.progress = progress
            c.children = children
            c.hostNodeName = hostNodeName
            c.rare = rare.map { Rare($0.fields) }
            return c
        }
    }

    @usableFromInline var storage: Storage

    /// The box, unshared before a change.
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            return storage
        }
    }

    public var id: String {
        @inlinable get { storage.id }
        set { unique.id = newValue }
    }
    public var name: String {
        @inlinable get { storage.name }
        set { unique.name = newValue }
    }
    public var displayName: String? {
        @inlinable get { storage.displayName }
        set { unique.displayName = newValue }
    }
    public var type: String {
        @inlinable get { storage.type }
        set { unique.type = newValue }
    }
    public var templateName: String? {
        @inlinable get { storage.templateName }
        set { unique.templateName = newValue }
    }
    public var templateRef: TemplateRef? {
        @inlinable get { storage.templateRef }
        set { unique.templateRef = newValue }
    }
    public var phase: String? {
        @inlinable get { storage.phase }
        set { unique.phase = newValue }
    }
    public var boundaryID: String? {
        @inlinable get { storage.boundaryID }
        set { unique.boundaryID = newValue }
    }
    public var message: String? {
        @inlinable get { storage.message }
        set { unique.message = newValue }
    }
    public var startedAt: Timestamp? {
        @inlinable get { storage.startedAt }
        set { unique.startedAt = newValue }
    }
    public var finishedAt: Timestamp? {
        @inlinable get { storage.finishedAt }
        set { unique.finishedAt = newValue }
    }
    public var progress: String? {
        @inlinable get { storage.progress }
        set { unique.progress = newValue }
    }
    public var children: [String]? {
        @inlinable get { storage.children }
        set { unique.children = newValue }
    }
    public var outboundNodes: [String]? {
        @inlinable get { storage.outboundNodes }
        set { unique.outboundNodes = newValue }
    }
    public var hostNodeName: String? {
        @inlinable get { storage.hostNodeName }
        set { unique.hostNodeName = newValue }
    }
    public var inputs: Inputs? {
        @inlinable get { storage.inputs }
        set { unique.inputs = newValue }
    }
    public var outputs: Outputs? {
        @inlinable get { storage.outputs }
        set { unique.outputs = newValue }
    }
    public var synchronizationStatus: SynchronizationStatus? {
        @inlinable get { storage.synchronizationStatus }
        set { unique.synchronizationStatus = newValue }
    }
    public var estimatedDuration: Int? {
        @inlinable get { storage.estimatedDuration }
        set { unique.estimatedDuration = newValue }
    }
    /// CPU and memory seconds, by resource name.
    public var resourcesDuration: [String: Int]? {
        @inlinable get { storage.resourcesDuration }
        set { unique.resourcesDuration = newValue }
    }
    public var nodeFlag: NodeFlag? {
        @inlinable get { storage.nodeFlag }
        set { unique.nodeFlag = newValue }
    }
    public var podIP: String? {
        @inlinable get { storage.podIP }
        set { unique.podIP = newValue }
    }

    /// Inputs, outputs or resourcesDuration that were in the object but could not be read (neither as Argo
    /// writes them nor as `JSONDecoder` reads them): the node is shown without them, and says so.
    public var unreadableParts: [String] { storage.unreadableParts ?? [] }

    init(storage: Storage) { self.storage = storage }

    public init(id: String, name: String, displayName: String? = nil, type: String, phase: String? = nil) {
        storage = Storage()
        storage.id = id
        storage.name = name
        storage.displayName = displayName
        storage.type = type
        storage.phase = phase
    }

    /// The name `argo get` shows: the display name, or the full name when there is none.
    @inlinable public var shownName: String { storage.displayName ?? storage.name }

    enum CodingKeys: String, CodingKey {
        case id, name, displayName, type, templateName, templateRef, phase, boundaryID, message, startedAt, finishedAt, progress, children, outboundNodes, hostNodeName, inputs, outputs, synchronizationStatus, estimatedDuration, resourcesDuration, nodeFlag, podIP
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        storage = Storage()
        storage.id = try c.decode(String.self, forKey: .id)
        storage.name = try c.decode(String.self, forKey: .name)
        storage.displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        storage.type = try c.decode(String.self, forKey: .type)
        storage.templateName = try c.decodeIfPresent(String.self, forKey: .templateName)
        storage.templateRef = try c.decodeIfPresent(TemplateRef.self, forKey: .templateRef)
        storage.phase = try c.decodeIfPresent(String.self, forKey: .phase)
        storage.boundaryID = try c.decodeIfPresent(String.self, forKey: .boundaryID)
        storage.message = try c.decodeIfPresent(String.self, forKey: .message)
        storage.startedAt = try c.decodeIfPresent(Timestamp.self, forKey: .startedAt)
        storage.finishedAt = try c.decodeIfPresent(Timestamp.self, forKey: .finishedAt)
        storage.progress = try c.decodeIfPresent(String.self, forKey: .progress)
        storage.children = try c.decodeIfPresent([String].self, forKey: .children)
        storage.outboundNodes = try c.decodeIfPresent([String].self, forKey: .outboundNodes)
        storage.hostNodeName = try c.decodeIfPresent(String.self, forKey: .hostNodeName)
        storage.inputs = try c.decodeIfPresent(Inputs.self, forKey: .inputs)
        storage.outputs = try c.decodeIfPresent(Outputs.self, forKey: .outputs)
        storage.synchronizationStatus = try c.decodeIfPresent(SynchronizationStatus.self, forKey: .synchronizationStatus)
        storage.estimatedDuration = try c.decodeIfPresent(Int.self, forKey: .estimatedDuration)
        storage.resourcesDuration = try c.decodeIfPresent([String: Int].self, forKey: .resourcesDuration)
        storage.nodeFlag = try c.decodeIfPresent(NodeFlag.self, forKey: .nodeFlag)
        storage.podIP = try c.decodeIfPresent(String.self, forKey: .podIP)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(displayName, forKey: .displayName)
        try c.encode(type, forKey: .type)
        try c.encodeIfPresent(templateName, forKey: .templateName)
        try c.encodeIfPresent(templateRef, forKey: .templateRef)
        try c.encodeIfPresent(phase, forKey: .phase)
        try c.encodeIfPresent(boundaryID, forKey: .boundaryID)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encodeIfPresent(startedAt, forKey: .startedAt)
        try c.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try c.encodeIfPresent(progress, forKey: .progress)
        try c.encodeIfPresent(children, forKey: .children)
        try c.encodeIfPresent(outboundNodes, forKey: .outboundNodes)
        try c.encodeIfPresent(hostNodeName, forKey: .hostNodeName)
        try c.encodeIfPresent(inputs, forKey: .inputs)
        try c.encodeIfPresent(outputs, forKey: .outputs)
        try c.encodeIfPresent(synchronizationStatus, forKey: .synchronizationStatus)
        try c.encodeIfPresent(estimatedDuration, forKey: .estimatedDuration)
        try c.encodeIfPresent(resourcesDuration, forKey: .resourcesDuration)
        try c.encodeIfPresent(nodeFlag, forKey: .nodeFlag)
        try c.encodeIfPresent(podIP, forKey: .podIP)
    }

    public static func == (a: NodeStatus, b: NodeStatus) -> Bool {
        if a.storage === b.storage { return true }
        let x = a.storage, y = b.storage
        return x.id == y.id
            && x.name == y.name
            && x.displayName == y.displayName
            && x.type == y.type
            && x.templateName == y.templateName
            && x.templateRef == y.templateRef
            && x.phase == y.phase
            && x.boundaryID == y.boundaryID
            && x.message == y.message
            && x.startedAt == y.startedAt
            && x.finishedAt == y.finishedAt
            && x.progress == y.progress
            && x.children == y.children
            && x.outboundNodes == y.outboundNodes
            && x.hostNodeName == y.hostNodeName
            && x.inputs == y.inputs
            && x.outputs == y.outputs
            && x.synchronizationStatus == y.synchronizationStatus
            && x.estimatedDuration == y.estimatedDuration
            && x.resourcesDuration == y.resourcesDuration
            && x.nodeFlag == y.nodeFlag
            && x.podIP == y.podIP
            && x.unreadableParts == y.unreadableParts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.id)
        hasher.combine(storage.name)
        hasher.combine(storage.displayName)
        hasher.combine(storage.type)
        hasher.combine(storage.templateName)
        hasher.combine(storage.templateRef)
        hasher.combine(storage.phase)
        hasher.combine(storage.boundaryID)
        hasher.combine(storage.message)
        hasher.combine(storage.startedAt)
        hasher.combine(storage.finishedAt)
        hasher.combine(storage.progress)
        hasher.combine(storage.children)
        hasher.combine(storage.outboundNodes)
        hasher.combine(storage.hostNodeName)
        hasher.combine(storage.inputs)
        hasher.combine(storage.outputs)
        hasher.combine(storage.synchronizationStatus)
        hasher.combine(storage.estimatedDuration)
        hasher.combine(storage.resourcesDuration)
        hasher.combine(storage.nodeFlag)
        hasher.combine(storage.podIP)
    }
}

public struct WorkflowStatus: Codable, Hashable, Sendable {
    public var phase: String?
    public var message: String?
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var estimatedDuration: Int?
    public var progress: String?
    public var nodes: NodeMap?
    public var compressedNodes: String?
    public var offloadNodeStatusVersion: String?
    /// The workflow's own outputs (its exported global parameters).
    public var outputs: Outputs?
    /// The semaphores and mutexes the workflow (or one of its nodes) holds or waits for.
    public var synchronization: WorkflowSynchronizationStatus?
    /// The nodes arrived as `compressedNodes` and were inflated here (not part of the object).
    public var nodesWereCompressed = false

    enum CodingKeys: String, CodingKey {
        case phase, message, startedAt, finishedAt, estimatedDuration, progress, nodes, compressedNodes
        case offloadNodeStatusVersion, outputs, synchronization
    }
}

/// `status.synchronization`: the locks a workflow holds and the ones it waits for.
///
/// Read leniently: a missing or malformed part is nil, never a reason to drop the workflow.
public struct WorkflowSynchronizationStatus: Codable, Hashable, Sendable {
    public var semaphore: SemaphoreStatus?
    public var mutex: MutexStatus?

    enum CodingKeys: String, CodingKey { case semaphore, mutex }

    public init(semaphore: SemaphoreStatus? = nil, mutex: MutexStatus? = nil) {
        self.semaphore = semaphore
        self.mutex = mutex
    }

    public init(from decoder: Decoder) throws {
        let c = try? decoder.container(keyedBy: CodingKeys.self)
        semaphore = (try? c?.decodeIfPresent(SemaphoreStatus.self, forKey: .semaphore)) ?? nil
        mutex = (try? c?.decodeIfPresent(MutexStatus.self, forKey: .mutex)) ?? nil
    }
}

/// `status.synchronization.semaphore`.
public struct SemaphoreStatus: Codable, Hashable, Sendable {
    /// The semaphores this workflow holds, each with the holder keys that are this workflow's.
    public var holding: [SemaphoreHolding]?
    /// The semaphores this workflow waits for; each entry's `holders` are the lock's current holders, not waiters.
    public var waiting: [SemaphoreHolding]?

    enum CodingKeys: String, CodingKey { case holding, waiting }

    public init(holding: [SemaphoreHolding]? = nil, waiting: [SemaphoreHolding]? = nil) {
        self.holding = holding
        self.waiting = waiting
    }

    public init(from decoder: Decoder) throws {
        let c = try? decoder.container(keyedBy: CodingKeys.self)
        holding = (try? c?.decodeIfPresent([SemaphoreHolding].self, forKey: .holding)) ?? nil
        waiting = (try? c?.decodeIfPresent([SemaphoreHolding].self, forKey: .waiting)) ?? nil
    }
}

/// One entry of `semaphore.holding` or `semaphore.waiting`: a lock key and holder keys (`ns/wf[/nodeId]`).
public struct SemaphoreHolding: Codable, Hashable, Sendable {
    public var semaphore: String?
    public var holders: [String]?

    enum CodingKeys: String, CodingKey { case semaphore, holders }

    public init(semaphore: String?, holders: [String]?) {
        self.semaphore = semaphore
        self.holders = holders
    }

    public init(from decoder: Decoder) throws {
        let c = try? decoder.container(keyedBy: CodingKeys.self)
        semaphore = (try? c?.decodeIfPresent(LenientString.self, forKey: .semaphore))??.value
        // A null holder is skipped rather than failing the whole list.
        holders = (try? c?.decodeIfPresent([LenientString?].self, forKey: .holders))??.compactMap { $0?.value }
    }
}

/// `status.synchronization.mutex`.
public struct MutexStatus: Codable, Hashable, Sendable {
    /// The mutexes this workflow holds.
    public var holding: [MutexHolding]?
    /// The mutexes this workflow waits for; each entry's `holder` is the mutex's current holder.
    public var waiting: [MutexHolding]?

    enum CodingKeys: String, CodingKey { case holding, waiting }

    public init(holding: [MutexHolding]? = nil, waiting: [MutexHolding]? = nil) {
        self.holding = holding
        self.waiting = waiting
    }

    public init(from decoder: Decoder) throws {
        let c = try? decoder.container(keyedBy: CodingKeys.self)
        holding = (try? c?.decodeIfPresent([MutexHolding].self, forKey: .holding)) ?? nil
        waiting = (try? c?.decodeIfPresent([MutexHolding].self, forKey: .waiting)) ?? nil
    }
}

/// One entry of `mutex.holding` or `mutex.waiting`: a lock key and one holder key.
public struct MutexHolding: Codable, Hashable, Sendable {
    public var mutex: String?
    public var holder: String?

    enum CodingKeys: String, CodingKey { case mutex, holder }

    public init(mutex: String?, holder: String?) {
        self.mutex = mutex
        self.holder = holder
    }

    public init(from decoder: Decoder) throws {
        let c = try? decoder.container(keyedBy: CodingKeys.self)
        mutex = (try? c?.decodeIfPresent(LenientString.self, forKey: .mutex))??.value
        holder = (try? c?.decodeIfPresent(LenientString.self, forKey: .holder))??.value
    }
}

public struct WorkflowSpec: Codable, Hashable, Sendable {
    public var entrypoint: String?
    public var suspend: Bool?
    /// `spec.ttlStrategy`: when a finished workflow is deleted (nil: kept until someone deletes it).
    public var ttlStrategy: TTLStrategy?
    /// `spec.podGC`: when its pods are deleted (nil: kept).
    public var podGC: PodGC?
    /// The templates, as much of them as argotop reads: which containers a step's pod has beside `main`.
    public var templates: [Template]?
}

public struct TTLStrategy: Codable, Hashable, Sendable {
    public var secondsAfterCompletion: Int?
    public var secondsAfterSuccess: Int?
    public var secondsAfterFailure: Int?
}

public struct PodGC: Codable, Hashable, Sendable {
    public var strategy: String?
}

public struct Template: Codable, Hashable, Sendable {
    public struct Container: Codable, Hashable, Sendable { public var name: String? }
    public var name: String?
    public var sidecars: [Container]?
    public var initContainers: [Container]?
}

/// A Workflow object. In lists it arrives without `status.nodes` (argotop asks for them only when one is opened).
public struct Workflow: Codable, Hashable, Sendable {
    public var metadata: ObjectMeta
    public var spec: WorkflowSpec?
    public var status: WorkflowStatus?

    public init(metadata: ObjectMeta, spec: WorkflowSpec? = nil, status: WorkflowStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public var name: String { metadata.name }
    public var namespace: String { metadata.namespace ?? "" }
    public var phase: String { status?.phase ?? "" }
    public var nodes: NodeMap { status?.nodes ?? NodeMap() }
}

public struct ListMeta: Codable, Hashable, Sendable {
    public var `continue`: String?
    public var resourceVersion: String?
}

/// `GET /api/v1/workflows/{ns}`: `items` may be `null`.
public struct WorkflowList: Codable, Hashable, Sendable {
    public var metadata: ListMeta?
    public var items: [Workflow]?
}

/// The body of an error answer: `{"code": N, "message": "…"}`.
public struct ServerErrorBody: Codable, Hashable, Sendable {
    public var code: Int?
    public var message: String?
    public var error: String?
}
