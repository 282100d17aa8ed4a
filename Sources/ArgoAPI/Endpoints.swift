/// Paths and query strings of the Argo Server API (see ARGO-API.md).
public enum Endpoints {
    /// What the workflow list asks for: everything a row shows, never `status.nodes`.
    public static let listFields = [
        "metadata.continue", "metadata.resourceVersion",
        "items.metadata.uid", "items.metadata.name", "items.metadata.namespace",
        "items.metadata.creationTimestamp", "items.metadata.labels", "items.metadata.ownerReferences",
        "items.status.phase", "items.status.message", "items.status.startedAt", "items.status.finishedAt",
        "items.status.estimatedDuration", "items.status.progress", "items.status.synchronization", "items.spec.suspend",
        "items.spec.ttlStrategy", "items.spec.podGC", "items.status.offloadNodeStatusVersion",
    ].joined(separator: ",")

    /// What opening a workflow leaves out: parts argotop never shows and that can be most of the bytes.
    public static let getExclusions = [
        "-status.storedTemplates", "status.storedWorkflowTemplateSpec", "metadata.managedFields",
    ].joined(separator: ",")

    /// - Parameter nameContains: a part of the name (`metadata.name` with `nameFilter=Contains`).
    public static func listWorkflows(
        namespace: String, limit: Int, continueToken: String?, labelSelector: String? = nil, nameContains: String? = nil
    ) -> String {
        var query = [("listOptions.limit", String(limit)), ("fields", listFields)]
        if let labelSelector, !labelSelector.isEmpty { query.append(("listOptions.labelSelector", labelSelector)) }
        if let nameContains, !nameContains.isEmpty {
            query += [("listOptions.fieldSelector", "metadata.name=" + nameContains), ("nameFilter", "Contains")]
        }
        if let token = continueToken, !token.isEmpty { query.append(("listOptions.continue", token)) }
        return "/api/v1/workflows/\(escapePath(namespace))" + queryString(query)
    }

    /// The workflows created after `createdAfter` (RFC 3339), without nodes: the candidates for a workflow's
    /// children. Pages of `limit`.
    public static func listCreatedAfter(namespace: String, createdAfter: String, limit: Int, continueToken: String?) -> String {
        var query = [("listOptions.limit", String(limit)), ("createdAfter", createdAfter), ("fields", listFields)]
        if let token = continueToken, !token.isEmpty { query.append(("listOptions.continue", token)) }
        return "/api/v1/workflows/\(escapePath(namespace))" + queryString(query)
    }

    public static func getWorkflow(namespace: String, name: String) -> String {
        "/api/v1/workflows/\(escapePath(namespace))/\(escapePath(name))" + queryString([("fields", getExclusions)])
    }

    /// The log of one container of a pod of a workflow (not followed: the server answers and ends).
    public static func podLog(
        namespace: String, name: String, podName: String, container: String = "main", tailLines: Int? = nil,
        timestamps: Bool = false
    ) -> String {
        var query = [("podName", podName), ("logOptions.container", container)]
        if let tailLines { query.append(("logOptions.tailLines", String(max(0, tailLines)))) }
        query.append(("logOptions.timestamps", timestamps ? "true" : "false"))
        return "/api/v1/workflows/\(escapePath(namespace))/\(escapePath(name))/log" + queryString(query)
    }

    /// The log of one container, followed or not, with the options a stream needs: `sinceTime` (RFC 3339,
    /// lines at or after it) resumes a broken stream.
    public static func podLog(
        namespace: String, name: String, podName: String, container: String = "main", follow: Bool, tailLines: Int?,
        sinceTime: String?, timestamps: Bool
    ) -> String {
        var query = [("podName", podName), ("logOptions.container", container)]
        if follow { query.append(("logOptions.follow", "true")) }
        if let tailLines { query.append(("logOptions.tailLines", String(max(0, tailLines)))) }
        if let sinceTime, !sinceTime.isEmpty { query.append(("logOptions.sinceTime", sinceTime)) }
        query.append(("logOptions.timestamps", timestamps ? "true" : "false"))
        return "/api/v1/workflows/\(escapePath(namespace))/\(escapePath(name))/log" + queryString(query)
    }

    /// `GET /api/v1/workflow-events/{ns}`: changes to workflows after `resourceVersion`, one message each.
    /// `fields` applies to the envelope (`result.type`, `result.object.…`).
    public static func watchWorkflows(namespace: String, resourceVersion: String?, fieldSelector: String?, fields: String?) -> String {
        var query: [(String, String)] = []
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("listOptions.resourceVersion", resourceVersion)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("listOptions.fieldSelector", fieldSelector)) }
        if let fields, !fields.isEmpty { query.append(("fields", fields)) }
        return "/api/v1/workflow-events/\(escapePath(namespace))" + queryString(query)
    }

    /// The watch's `fields` for the rows of the list: each `items.X` of `listFields` becomes `result.object.X`
    /// (the list's own `metadata.…` are dropped), plus `result.type` and the object's resourceVersion, which
    /// a watch needs to resume.
    public static func watchFields(from listFields: String = Endpoints.listFields) -> String {
        var paths = ["result.type", "result.object.metadata.resourceVersion"]
        for path in listFields.split(separator: ",").map(String.init) where path.hasPrefix("items.") {
            let watched = "result.object." + path.dropFirst("items.".count)
            if !paths.contains(watched) { paths.append(watched) }
        }
        return paths.joined(separator: ",")
    }

    /// Argo Server's artifact download (server/artifacts/artifact_server.go `GetArtifactFile`):
    /// `/artifact-files/{ns}/workflows/{name}/{nodeId}/outputs/{artifactName}`.
    public static func artifactFile(namespace: String, workflow: String, nodeID: String, artifactName: String, direction: String = "outputs") -> String {
        "/artifact-files/\(escapePath(namespace))/workflows/\(escapePath(workflow))/\(escapePath(nodeID))/\(direction)/\(escapePath(artifactName))"
    }

    public static func queryString(_ items: [(String, String)]) -> String {
        if items.isEmpty { return "" }
        return "?" + items.map { escapeQuery($0.0) + "=" + escapeQuery($0.1) }.joined(separator: "&")
    }

    static func escapePath(_ text: String) -> String { percentEncode(text, keeping: "-._~") }
    static func escapeQuery(_ text: String) -> String { percentEncode(text, keeping: "-._~,") }

    static func percentEncode(_ text: String, keeping safe: String) -> String {
        var out = ""
        let safeBytes = Set(safe.utf8)
        for byte in text.utf8 {
            let isAlnum = (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
            if isAlnum || safeBytes.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    /// Pads on the left to `width` characters (`7` → `07`).
    public func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// The same reads through the Kubernetes API, where workflows are custom resources: Kubernetes paging
/// (`limit`/`continue`), label and field selectors, `watch=1` streams, and pod logs as plain text. There is no
/// `fields`: objects come whole.
public enum KubePaths {
    static let group = "/apis/argoproj.io/v1alpha1"

    static func workflows(_ namespace: String) -> String {
        namespace.isEmpty ? group + "/workflows" : group + "/namespaces/\(Endpoints.escapePath(namespace))/workflows"
    }

    public static func listWorkflows(namespace: String, limit: Int, continueToken: String?, labelSelector: String? = nil) -> String {
        var query = [("limit", String(limit))]
        if let token = continueToken, !token.isEmpty { query.append(("continue", token)) }
        if let labelSelector, !labelSelector.isEmpty { query.append(("labelSelector", labelSelector)) }
        return workflows(namespace) + Endpoints.queryString(query)
    }

    public static func getWorkflow(namespace: String, name: String) -> String {
        workflows(namespace) + "/" + Endpoints.escapePath(name)
    }

    /// `watch=1` from a resourceVersion; one `{"type","object"}` a line.
    public static func watchWorkflows(namespace: String, resourceVersion: String?, fieldSelector: String?) -> String {
        var query = [("watch", "1")]
        if let resourceVersion, !resourceVersion.isEmpty { query.append(("resourceVersion", resourceVersion)) }
        if let fieldSelector, !fieldSelector.isEmpty { query.append(("fieldSelector", fieldSelector)) }
        return workflows(namespace) + Endpoints.queryString(query)
    }

    /// A container's log, one plain line each (a timestamp in front when asked).
    public static func podLog(
        namespace: String, podName: String, container: String, follow: Bool, tailLines: Int?, sinceTime: String?,
        timestamps: Bool
    ) -> String {
        var query = [("container", container)]
        if follow { query.append(("follow", "true")) }
        if let tailLines { query.append(("tailLines", String(max(0, tailLines)))) }
        if let sinceTime, !sinceTime.isEmpty { query.append(("sinceTime", sinceTime)) }
        if timestamps { query.append(("timestamps", "true")) }
        return "/api/v1/namespaces/\(Endpoints.escapePath(namespace))/pods/\(Endpoints.escapePath(podName))/log" + Endpoints.queryString(query)
    }
}
