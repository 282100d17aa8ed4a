import Foundation

/// What can be done to a workflow (ARGO-API.md "actions"): each is a `PUT /api/v1/workflows/{ns}/{name}/{verb}`.
public enum WorkflowAction: String, Sendable, CaseIterable, Equatable {
    case retry, resubmit, stop, terminate, suspend, resume

    /// How a sentence names it.
    public var verb: String { rawValue }
}

/// One action request: the workflow, and for a step-level action the node it applies to.
public struct ActionRequest: Sendable, Equatable {
    public var action: WorkflowAction
    public var namespace: String
    public var workflow: String
    /// Retry from this step (with `restartSuccessful`), stop or resume only this node.
    public var nodeID: String?

    public init(action: WorkflowAction, namespace: String, workflow: String, nodeID: String? = nil) {
        self.action = action
        self.namespace = namespace
        self.workflow = workflow
        self.nodeID = nodeID
    }

    /// The request body, as Argo Server's swagger names the fields (`WorkflowRetryRequest`, …).
    public var body: String {
        var fields: [(String, String)] = [("name", Self.quote(workflow)), ("namespace", Self.quote(namespace))]
        switch action {
        case .retry:
            if let nodeID {
                fields.append(("restartSuccessful", "true"))
                fields.append(("nodeFieldSelector", Self.quote("id=" + nodeID)))
            }
        case .resubmit:
            fields.append(("memoized", "false"))
        case .stop, .resume:
            if let nodeID { fields.append(("nodeFieldSelector", Self.quote("id=" + nodeID))) }
        case .terminate, .suspend:
            break
        }
        return "{" + fields.map { Self.quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    public var path: String {
        "/api/v1/workflows/\(Endpoints.escapePath(namespace))/\(Endpoints.escapePath(workflow))/\(action.rawValue)"
    }

    static func quote(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// A WorkflowTemplate, as much as `:tmpl` shows.
public struct WorkflowTemplate: Decodable, Sendable, Hashable {
    public struct Spec: Decodable, Sendable, Hashable { public var entrypoint: String? }
    public var metadata: ObjectMeta
    public var spec: Spec?
    public var name: String { metadata.name }
}

public struct WorkflowTemplateList: Decodable, Sendable {
    public var items: [WorkflowTemplate]?
}

/// Why a call was not sent at all.
public let actionsNeedArgoServer =
    "actions need Argo Server (--server or ARGO_SERVER): the Kubernetes API has no retry, stop or resume"

extension ArgoClient {
    /// Sends an action once: never retried (a retry of a retry is not what the user asked for).
    public func perform(_ request: ActionRequest, handler: @escaping @Sendable (CallEvent<Workflow>) -> Void) {
        guard !kube else {
            handler(.done(.failure(.http(status: 501, message: actionsNeedArgoServer, namespace: request.namespace)), bytes: 0))
            return
        }
        let server = settings.displayServer
        let http = HTTPRequest(method: "PUT", path: request.path, body: request.body)
        transport.send(http) { result in
            let (outcome, bytes) = ArgoClient.interpret(result, as: Workflow.self, server: server, namespace: request.namespace)
            handler(.done(outcome, bytes: bytes))
        }
    }

    /// A page of archived workflows (summaries without nodes): `GET /api/v1/archived-workflows`.
    public func listArchivedWorkflows(
        namespace: String, limit: Int, continueToken: String?, labelSelector: String? = nil,
        handler: @escaping @Sendable (CallEvent<WorkflowList>) -> Void
    ) {
        guard !kube else {
            handler(.done(.failure(.http(status: 501, message: "no archive through the Kubernetes API (it is Argo Server's)", namespace: namespace)), bytes: 0))
            return
        }
        var query = [("listOptions.limit", String(limit)), ("namespace", namespace)]
        if let labelSelector, !labelSelector.isEmpty { query.append(("listOptions.labelSelector", labelSelector)) }
        if let continueToken, !continueToken.isEmpty { query.append(("listOptions.continue", continueToken)) }
        let path = "/api/v1/archived-workflows" + Endpoints.queryString(query)
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: 0, decode: { ArgoClient.decodeJSON($0, as: WorkflowList.self) }, handler: handler)
    }

    /// One archived workflow, whole: `GET /api/v1/archived-workflows/{uid}?namespace=`.
    public func getArchivedWorkflow(namespace: String, uid: String, handler: @escaping @Sendable (CallEvent<Workflow>) -> Void) {
        let path = "/api/v1/archived-workflows/\(Endpoints.escapePath(uid))" + Endpoints.queryString([("namespace", namespace)])
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: 0, decode: { response in
            ArgoClient.decodeJSON(response, as: Workflow.self).flatMap { $0.expandingCompressedNodes() }
        }, handler: handler)
    }

    /// The namespace's WorkflowTemplates.
    public func listWorkflowTemplates(namespace: String, handler: @escaping @Sendable (CallEvent<WorkflowTemplateList>) -> Void) {
        let path = kube
            ? KubePaths.group + "/namespaces/\(Endpoints.escapePath(namespace))/workflowtemplates"
            : "/api/v1/workflow-templates/\(Endpoints.escapePath(namespace))"
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: 0, decode: { ArgoClient.decodeJSON($0, as: WorkflowTemplateList.self) }, handler: handler)
    }
}
