// libFuzzer target: the stream framer fed arbitrary bytes in arbitrary splits, and PodLog.parse.
// Built only by `make fuzz` (swiftc -sanitize=fuzzer,address); not a SwiftPM target.
import ArgoAPI
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFramer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    // The whole input at once.
    var whole = StreamFramer()
    var wholeFrames = whole.feed(bytes)
    wholeFrames += whole.finish()
    // The same input split where the first byte says (1...16 bytes a piece, cycling), must frame the same.
    let step = bytes.isEmpty ? 1 : Int(bytes[0] % 16) + 1
    var split = StreamFramer()
    var splitFrames: [StreamFrame] = []
    var index = 0
    while index < bytes.count {
        let end = min(bytes.count, index + step + (index % 3))
        splitFrames += split.feed(bytes[index..<end])
        index = end
    }
    splitFrames += split.finish()
    if wholeFrames != splitFrames { fatalError("framing depends on how the bytes were split") }
    _ = PodLog.parse(Data(bytes))
    return 0
}
