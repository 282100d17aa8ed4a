// libFuzzer target: a Workflow decoded from arbitrary JSON bytes, then its node tree built and drawn.
// Built only by `make fuzz` (swiftc -sanitize=fuzzer,address); not a SwiftPM target.
import ArgoAPI
import ArgoViewModel
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkflow(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let workflow = try? JSONDecoder().decode(Workflow.self, from: data) else { return 0 }
    let tree = NodeTree(workflowName: workflow.metadata.name, nodes: workflow.nodes)
    _ = tree.rows(folding: FoldState(), glyphs: .unicode)
    return 0
}
