// libFuzzer target: a Workflow decoded from arbitrary JSON bytes by the fast decoder (checked against
// JSONDecoder: the same workflow, or both fail), then its node tree built and drawn.
// Built only by `make fuzz` (swiftc -sanitize=fuzzer,address); not a SwiftPM target.
import ArgoAPI
import ArgoViewModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflow(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let fast = try? FastWorkflowDecoder.decode(data)
    let reference = try? JSONDecoder().decode(Workflow.self, from: data)
    if fast != reference { fatalError("FastWorkflowDecoder and JSONDecoder read these bytes differently") }
    guard let workflow = fast else { return 0 }
    for node in workflow.nodes.values { _ = (node.inputs, node.outputs, node.resourcesDuration) }
    let tree = NodeTree(workflowName: workflow.metadata.name, nodes: workflow.nodes)
    _ = tree.rows(folding: FoldState(), glyphs: .unicode)
    return 0
}
