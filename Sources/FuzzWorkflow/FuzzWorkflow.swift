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
    for node in workflow.nodes.values { _ = (node.inputs, node.outputs, node.resourcesDuration) }
    let tree = NodeTree(workflowName: workflow.metadata.name, nodes: workflow.nodes)
    _ = tree.rows(folding: FoldState(), glyphs: .unicode)
    return 0
}
