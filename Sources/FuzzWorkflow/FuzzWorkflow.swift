// libFuzzer target: a Workflow decoded from arbitrary JSON bytes by the fast decoder (checked against
// JSONDecoder: the same workflow, or both fail, or JSONDecoder fails only on parts the fast decoder names as
// unreadable in their nodes), then its node tree built and drawn.
// Built only by `make fuzz` (swiftc -sanitize=fuzzer,address); not a SwiftPM target.
import ArgoAPI
import ArgoViewModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflow(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let fast = try? FastWorkflowDecoder.decode(data)
    let decoded = Result { try JSONDecoder().decode(Workflow.self, from: data) }
    let reference = try? decoded.get()
    // The one allowed difference: JSONDecoder fails in a node's inputs, outputs or resourcesDuration (which the
    // fast decoder reads when the node is asked for), and that node names the part as unreadable.
    var unreadable = false
    if case .failure(let error) = decoded, let (id, part) = FastWorkflowDecoder.unreadablePart(of: error) {
        unreadable = fast?.nodes[id]?.unreadableParts.contains(part) == true
    }
    if fast != reference && !unreadable { fatalError("FastWorkflowDecoder and JSONDecoder read these bytes differently") }
    guard let workflow = fast else { return 0 }
    // The decoder's columns (filled by the C reader or by the Swift one) say what a table built from
    // JSONDecoder's nodes says, node by node.
    if let reference, fast == reference {
        let ours = workflow.nodes.table, theirs = reference.nodes.table
        for id in ours.ids where ours.columns(of: id) != theirs.columns(of: id) {
            fatalError("the columns of node \(id) differ: \(ours.columns(of: id)) vs \(theirs.columns(of: id))")
        }
        // The shown name and message kept as spans of the document are the node's (or nothing is kept).
        for (place, id) in ours.ids.enumerated() {
            let node = reference.nodes[id]
            let name = ours.withBytes(of: .shownName, at: place) { $0.map { String(decoding: $0, as: UTF8.self) } }
            let message = ours.withBytes(of: .message, at: place) { $0.map { String(decoding: $0, as: UTF8.self) } }
            if let name, name != node?.shownName { fatalError("node \(id): shown name \(String(describing: name))") }
            if let message, message != node?.message { fatalError("node \(id): message \(String(describing: message))") }
        }
    }
    for node in workflow.nodes.values { _ = (node.inputs, node.outputs, node.resourcesDuration) }
    let tree = NodeTree(workflowName: workflow.metadata.name, nodes: workflow.nodes)
    _ = tree.rows(folding: FoldState(), glyphs: .unicode)
    return 0
}

