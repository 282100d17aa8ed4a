// libFuzzer target: the terminal text sanitizer and drawing arbitrary text into a Canvas.
// Built only by `make fuzz` (swiftc -sanitize=fuzzer,address); not a SwiftPM target.
import ArgoRender
import Foundation

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let columns = count == 0 ? 0 : Int(bytes[0] % 40)
    let text = String(decoding: bytes, as: UTF8.self)
    let clean = DisplayText.sanitize(text)
    if clean.unicodeScalars.contains(where: isControl) { fatalError("sanitize left a control character") }
    _ = DisplayText.withoutColourCodes(text)
    _ = DisplayText.width(text)
    if DisplayText.width(DisplayText.truncate(text, to: columns)) > columns { fatalError("truncate exceeded the width") }
    // truncate keeps what it is given (callers sanitize first, as Screens.swift does), so cut sanitized text.
    let cut = DisplayText.truncate(clean, to: columns)
    if cut.unicodeScalars.contains(where: isControl) { fatalError("truncate left a control character") }
    if DisplayText.width(cut) > columns { fatalError("truncate exceeded \(columns) columns") }
    var canvas = Canvas(cols: columns, rows: 3)
    _ = canvas.put(text, x: Int(count % 7) - 2, y: 1, limit: columns / 2)
    for cell in canvas.cells where cell.text.unicodeScalars.contains(where: isControl) {
        fatalError("canvas holds a control character")
    }
    return 0
}
