/// FNV-1a, 32 bits: Argo derives node ids and pod names from it.
public func fnv32a(_ text: String) -> UInt32 {
    var hash: UInt32 = 2_166_136_261
    for byte in text.utf8 {
        hash ^= UInt32(byte)
        hash = hash &* 16_777_619
    }
    return hash
}

/// Argo's pod names (workflow/util/pod_name.go `GeneratePodName`, and the UI's rule for inline templates).
public enum PodName {
    /// The workflow annotation that says which format the controller used: `v1` or `v2`.
    public static let formatAnnotation = "workflows.argoproj.io/pod-name-format"
    /// A prefix longer than this is cut to it: 253 (a Kubernetes name) - 10 (the hash) - 1 (the dash).
    public static let maxPrefixLength = 253 - 10 - 1

    /// The pod name of a node. `format` is the annotation's value: `v1` gives the node id; anything else
    /// (absent included) gives v2, `<wf>-<template>-<fnv32a(node name)>`.
    public static func generate(
        workflowName: String, nodeName: String, templateName: String?, nodeID: String, format: String?
    ) -> String {
        if format == "v1" { return nodeID }
        if nodeName == workflowName { return workflowName }
        var prefix = workflowName
        if !nodeName.contains(".inline"), let template = templateName, !template.isEmpty {
            prefix += "-" + template
        }
        if prefix.utf8.count > maxPrefixLength {
            prefix = String(decoding: Array(prefix.utf8.prefix(maxPrefixLength)), as: UTF8.self)
        }
        return "\(prefix)-\(fnv32a(nodeName))"
    }
}

public extension Workflow {
    /// The value of the pod-name-format annotation, if any.
    var podNameFormat: String? { metadata.annotations?[PodName.formatAnnotation] }

    /// The name of the pod that ran `node`, or nil when the node is not a Pod node (only those have pods).
    func podName(of node: NodeStatus) -> String? {
        guard node.type == "Pod" else { return nil }
        return PodName.generate(
            workflowName: name, nodeName: node.name, templateName: node.templateRef?.template ?? node.templateName,
            nodeID: node.id, format: podNameFormat)
    }
}
