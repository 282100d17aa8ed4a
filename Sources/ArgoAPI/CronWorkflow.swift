import Foundation

/// A CronWorkflow, as much of it as argotop reads (ARGO-API.md "CronWorkflows").
public struct CronWorkflow: Decodable, Sendable, Hashable {
    public struct Spec: Decodable, Sendable, Hashable {
        /// The cron expressions (v4 sends a list; older servers one `schedule`, folded in here).
        public var schedules: [String]
        public var timezone: String?
        public var suspend: Bool
        public var concurrencyPolicy: String?

        enum CodingKeys: String, CodingKey { case schedules, schedule, timezone, suspend, concurrencyPolicy }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            var all = (try? c.decodeIfPresent([String].self, forKey: .schedules)) ?? []
            if let one = try? c.decodeIfPresent(String.self, forKey: .schedule), !one.isEmpty, !all.contains(one) { all.insert(one, at: 0) }
            schedules = all
            timezone = try? c.decodeIfPresent(String.self, forKey: .timezone)
            suspend = (try? c.decodeIfPresent(Bool.self, forKey: .suspend)) ?? false
            concurrencyPolicy = try? c.decodeIfPresent(String.self, forKey: .concurrencyPolicy)
        }
    }

    public struct Status: Decodable, Sendable, Hashable {
        public var lastScheduledTime: Timestamp?
        /// Names of the runs going on now.
        public var active: [String]
        /// Lifetime counters, not recent history.
        public var succeeded: Int?
        public var failed: Int?
        public var phase: String?

        enum CodingKeys: String, CodingKey { case lastScheduledTime, active, succeeded, failed, phase }
        struct Reference: Decodable { var name: String? }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            lastScheduledTime = try? c.decodeIfPresent(Timestamp.self, forKey: .lastScheduledTime)
            active = ((try? c.decodeIfPresent([Reference].self, forKey: .active)) ?? nil)?.compactMap(\.name) ?? []
            succeeded = try? c.decodeIfPresent(Int.self, forKey: .succeeded)
            failed = try? c.decodeIfPresent(Int.self, forKey: .failed)
            phase = try? c.decodeIfPresent(String.self, forKey: .phase)
        }
    }

    public var metadata: ObjectMeta
    public var spec: Spec?
    public var status: Status?
    public var name: String { metadata.name }
}

public struct CronWorkflowList: Decodable, Sendable {
    public var items: [CronWorkflow]?
    public var metadata: ListMeta?
}

extension ArgoClient {
    /// The namespace's CronWorkflows: `GET /api/v1/cron-workflows/{ns}` from Argo Server,
    /// `/apis/argoproj.io/v1alpha1/namespaces/{ns}/cronworkflows` from the Kubernetes API.
    public func listCronWorkflows(namespace: String, handler: @escaping @Sendable (CallEvent<CronWorkflowList>) -> Void) {
        let path = kube
            ? (namespace.isEmpty ? KubePaths.group + "/cronworkflows" : KubePaths.group + "/namespaces/\(Endpoints.escapePath(namespace))/cronworkflows")
            : "/api/v1/cron-workflows/\(Endpoints.escapePath(namespace))"
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: 0, decode: { ArgoClient.decodeJSON($0, as: CronWorkflowList.self) }, handler: handler)
    }
}
