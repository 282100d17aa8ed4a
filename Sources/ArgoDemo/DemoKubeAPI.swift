import ArgoAPI
import Foundation

/// The demo server's Kubernetes-API face: workflows as custom resources under
/// `/apis/argoproj.io/v1alpha1/…` (Kubernetes paging, selectors, `watch=1`, whole objects, big node maps
/// compressed into `status.compressedNodes` as the controller stores them) and pod logs as plain text under
/// `/api/v1/namespaces/{ns}/pods/{pod}/log`. Each request is translated into the Argo Server request that
/// gives the same data; the answer is then put the Kubernetes way.
extension DemoServer {
    /// Node maps with more entries than this are served compressed (the controller compresses when the
    /// object passes its size limit).
    static let compressNodesAbove = 1000

    struct KubeTarget {
        enum Kind { case list, get, watch, log, namespaces }
        var kind: Kind
        /// The Argo Server request that gives the same data.
        var argoTarget: String
    }

    /// Reads a Kubernetes API path; nil for any other path.
    func kubeTarget(_ target: String) -> KubeTarget? {
        let (path, query) = DemoServer.split(target)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func encode(_ items: [(String, String)]) -> String { Endpoints.queryString(items.filter { !$0.1.isEmpty }) }
        let listKeys = [("limit", "listOptions.limit"), ("continue", "listOptions.continue"), ("labelSelector", "listOptions.labelSelector"),
            ("fieldSelector", "listOptions.fieldSelector"), ("resourceVersion", "listOptions.resourceVersion")]
        let listQuery = listKeys.compactMap { k, a in query[k].map { (a, $0) } }
        if segments.count >= 5, segments[1] == "apis", segments[2] == "argoproj.io", segments[3] == "v1alpha1" {
            var ns = ""
            var rest = Array(segments.dropFirst(4))
            if rest.first == "namespaces", rest.count >= 3 {
                ns = rest[1]
                rest = Array(rest.dropFirst(2))
            }
            if rest == ["cronworkflows"] { return KubeTarget(kind: .list, argoTarget: "/api/v1/cron-workflows/\(ns)") }
            if rest == ["workflowtemplates"] { return KubeTarget(kind: .list, argoTarget: "/api/v1/workflow-templates/\(ns)") }
            guard rest.first == "workflows" else { return nil }
            if rest.count == 1 {
                if query["watch"] == "1" || query["watch"] == "true" {
                    return KubeTarget(kind: .watch, argoTarget: "/api/v1/workflow-events/\(ns)" + encode(listQuery))
                }
                return KubeTarget(kind: .list, argoTarget: "/api/v1/workflows/\(ns)" + encode(listQuery))
            }
            if rest.count == 2 { return KubeTarget(kind: .get, argoTarget: "/api/v1/workflows/\(ns)/\(rest[1])") }
            return nil
        }
        if segments.count == 4, segments[1] == "api", segments[2] == "v1", segments[3] == "namespaces" {
            return KubeTarget(kind: .namespaces, argoTarget: path)
        }
        if segments.count == 7, segments[1] == "api", segments[2] == "v1", segments[3] == "namespaces", segments[5] == "pods" {
            return nil  // /api/v1/namespaces/{ns}/pods/{pod}: not served
        }
        if segments.count == 8, segments[1] == "api", segments[2] == "v1", segments[3] == "namespaces", segments[5] == "pods",
            segments[7] == "log"
        {
            let ns = segments[4], pod = segments[6]
            let workflow = cluster.workflowName(ofPod: pod, namespace: ns) ?? "-"
            var items = [("podName", pod)]
            let logKeys = [("container", "logOptions.container"), ("follow", "logOptions.follow"), ("tailLines", "logOptions.tailLines"),
                ("sinceTime", "logOptions.sinceTime"), ("timestamps", "logOptions.timestamps")]
            items += logKeys.compactMap { k, a in query[k].map { (a, $0) } }
            return KubeTarget(kind: .log, argoTarget: "/api/v1/workflows/\(ns)/\(workflow)/log" + encode(items))
        }
        return nil
    }

    /// An Argo error answer put the Kubernetes way: a `Status` object.
    func kubeStatus(_ response: Response) -> Response {
        guard !(200..<300).contains(response.status) else { return response }
        let message = (try? JSONDecoder().decode(ServerErrorBody.self, from: Data(response.body)))?.message ?? "error"
        let status = JSONValue.object([
            ("kind", .string("Status")), ("apiVersion", .string("v1")), ("status", .string("Failure")),
            ("message", .string(message)), ("reason", .string(response.status == 404 ? "NotFound" : response.status == 410 ? "Expired" : "InternalError")),
            ("code", .int(response.status)),
        ])
        return Response(status: response.status, body: status.serialized())
    }

    /// A workflow whose node map is big, with `status.nodes` replaced by `status.compressedNodes`.
    static func compressingNodes(_ workflow: JSONValue) -> JSONValue {
        // Offloaded node status lives in Argo Server's database: the object the Kubernetes API holds has no nodes.
        if workflow["status"]?["offloadNodeStatusVersion"] != nil { return workflow.removing(["status", "nodes"]) }
        guard case .object(var fields) = workflow, let s = fields.firstIndex(where: { $0.0 == "status" }),
            case .object(var status) = fields[s].1, let n = status.firstIndex(where: { $0.0 == "nodes" }),
            case .object(let nodes) = status[n].1, nodes.count > compressNodesAbove,
            let zipped = Gzip.deflate(Data(status[n].1.serialized()))
        else { return workflow }
        status[n] = ("compressedNodes", .string(zipped.base64EncodedString()))
        fields[s].1 = .object(status)
        return .object(fields)
    }
}

extension DemoCluster {
    /// The workflow a pod belongs to (by the pod names its nodes give), in a namespace.
    func workflowName(ofPod pod: String, namespace: String) -> String? {
        for wf in workflows(inNamespace: namespace) {
            guard let name = wf["metadata"]?["name"]?.stringValue, pod.hasPrefix(name) else { continue }
            if gonePod(pod)?.workflow == name { return name }
            guard case .object(let nodes)? = wf["status"]?["nodes"] else { continue }
            if nodes.contains(where: { WorkflowBuilder.podName(workflow: wf, node: $0.1) == pod }) { return name }
        }
        return nil
    }
}

extension DemoServer {
    /// `GET /api/v1/namespaces`: the namespaces of the demo cluster's workflows.
    func namespaceList() -> Response {
        let names = Set(cluster.workflows.compactMap { $0["metadata"]?["namespace"]?.stringValue }).sorted()
        return json(.object([
            ("kind", .string("NamespaceList")), ("apiVersion", .string("v1")), ("metadata", .object([])),
            ("items", .array(names.map { .object([("metadata", .object([("name", .string($0))]))]) })),
        ]))
    }
}
