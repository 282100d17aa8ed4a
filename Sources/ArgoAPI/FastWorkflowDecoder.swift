import CJSONScan
import Foundation

/// Reads a Workflow's JSON several times faster than `JSONDecoder`: `status.nodes`, the part that grows with the
/// workflow, is scanned byte by byte straight into `NodeStatus` values (unknown keys skipped without being
/// materialised); everything else (metadata, spec, the rest of status: small) goes through `JSONDecoder` with
/// the nodes left out. Anything the scanner is not sure about (a malformed or truncated document, a number
/// where text belongs, duplicate keys, escapes it cannot read) makes it step aside: the whole document then goes
/// through `JSONDecoder`, so the result and the errors are always those of the Codable decoder.
public enum FastWorkflowDecoder {
    /// The workflow in `data`, as `JSONDecoder().decode(Workflow.self, from: data)` reads it.
    public static func decode(_ data: Data) throws -> Workflow {
        if let workflow = try? fast(data) { return workflow }
        return try JSONDecoder().decode(Workflow.self, from: data)
    }

    /// `status.nodes` alone (a `[String: NodeStatus]` document, as `status.compressedNodes` inflates to).
    public static func decodeNodes(_ data: Data) throws -> NodeMap {
        let table: NodeTable? = try? data.withUnsafeBytes { raw in
            var scanner = Scanner(raw)
            scanner.skipSpace()
            let table = try scanner.nodeTable(data)
            scanner.skipSpace()
            guard scanner.atEnd else { throw Unsupported() }
            return table
        }
        if let table { return NodeMap(table: table) }
        return NodeMap(try JSONDecoder().decode([String: NodeStatus].self, from: data))
    }

    struct Unsupported: Error {}

    /// Where a `JSONDecoder` error of a workflow lies when it lies in a node's inputs, outputs or
    /// resourcesDuration: the parts the fast decoder reads when the node is asked for (and names as unreadable
    /// there, instead of failing the whole workflow).
    public static func unreadablePart(of error: Error) -> (node: String, part: String)? {
        let path: [CodingKey]
        switch error as? DecodingError {
        case .keyNotFound(_, let c)?, .typeMismatch(_, let c)?, .valueNotFound(_, let c)?, .dataCorrupted(let c)?: path = c.codingPath
        default: return nil
        }
        let keys = path.map(\.stringValue)
        guard let n = keys.firstIndex(of: "nodes"), n + 2 < keys.count, ["inputs", "outputs", "resourcesDuration"].contains(keys[n + 2])
        else { return nil }
        return (keys[n + 1], keys[n + 2])
    }

    /// The fast path: throws `Unsupported` (or a decoding error of the rest) whenever it is not sure.
    static func fast(_ data: Data) throws -> Workflow {
        // Where the value of status.nodes starts and ends, and the nodes read from it.
        let (range, nodes): (Range<Int>?, NodeTable?) = try data.withUnsafeBytes { raw in
            var scanner = Scanner(raw)
            scanner.skipSpace()
            var found: (Range<Int>, NodeTable?)?
            var statuses = 0
            try scanner.object { key, scanner in
                guard key == "status" else { return try scanner.skipValue() }
                statuses += 1
                guard statuses == 1 else { throw Unsupported() }
                guard scanner.peek() == UInt8(ascii: "{") else { throw Unsupported() }
                try scanner.object { key, scanner in
                    guard key == "nodes" else { return try scanner.skipValue() }
                    guard found == nil else { throw Unsupported() }
                    let start = scanner.index
                    if scanner.literal("null") {
                        found = (start..<scanner.index, nil)
                    } else {
                        let nodes = try scanner.nodeTable(data)
                        found = (start..<scanner.index, nodes)
                    }
                }
            }
            scanner.skipSpace()
            guard scanner.atEnd else { throw Unsupported() }
            return (found?.0, found?.1)
        }
        guard let range else { return try JSONDecoder().decode(Workflow.self, from: data) }
        // The rest: the same document with `null` for the nodes.
        var rest = Data(capacity: data.count - range.count + 4)
        rest.append(data[data.startIndex..<(data.startIndex + range.lowerBound)])
        rest.append(contentsOf: "null".utf8)
        rest.append(data[(data.startIndex + range.upperBound)...])
        var workflow = try JSONDecoder().decode(Workflow.self, from: rest)
        guard workflow.status != nil else { throw Unsupported() }
        workflow.status?.nodes = nodes.map(NodeMap.init(table:))
        return workflow
    }

    // MARK: The scanner

    struct Scanner {
        let base: UnsafePointer<UInt8>
        let count: Int
        var index = 0
        init(_ raw: UnsafeRawBufferPointer) {
            if let start = raw.baseAddress, raw.count > 0 {
                base = start.assumingMemoryBound(to: UInt8.self)
                count = raw.count
            } else {
                base = UnsafePointer(bitPattern: 1)!
                count = 0
            }
        }

        var atEnd: Bool { index >= count }

        @inline(__always) func peek() -> UInt8? { index < count ? base[index] : nil }

        @inline(__always) mutating func skipSpace() {
            while index < count {
                let c = base[index]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                index += 1
            }
        }

        @inline(__always) mutating func expect(_ c: UInt8) throws {
            skipSpace()
            guard index < count, base[index] == c else { throw Unsupported() }
            index += 1
        }

        /// Consumes `word` (after white space) when it comes next.
        @inline(__always) mutating func literal(_ word: StaticString) -> Bool {
            skipSpace()
            // Most values are not the word: its first byte tells at once.
            let n = word.utf8CodeUnitCount, w = word.utf8Start
            guard index + n <= count, base[index] == w[0] else { return false }
            for i in 1..<n where base[index + i] != w[i] { return false }
            index += n
            return true
        }

        /// Text from the bytes `rawString` gave (checked UTF-8 there).
        @inline(__always) static func text(_ bytes: UnsafeBufferPointer<UInt8>) throws -> String {
            String(decoding: bytes, as: UTF8.self)
        }

        /// The bytes of a string without escapes, in place; nil when it has escapes (then `index` is unchanged).
        @inline(__always) mutating func rawString() throws -> UnsafeBufferPointer<UInt8>? {
            try expect(UInt8(ascii: "\""))
            let start = index
            var wide = false
            while true {
                skipPlain()
                guard index < count else { throw Unsupported() }
                let c = base[index]
                if c == UInt8(ascii: "\"") {
                    index += 1
                    let bytes = UnsafeBufferPointer(start: base + start, count: index - 1 - start)
                    // Bytes past ASCII: checked as UTF-8, as JSONDecoder does (keys that are only compared, too).
                    if wide, String(validating: bytes, as: UTF8.self) == nil { throw Unsupported() }
                    return bytes
                }
                if c >= 0x80 {
                    wide = true
                    index += 1
                    continue
                }
                if c == UInt8(ascii: "\\") {
                    index = start - 1
                    return nil
                }
                guard c >= 0x20 else { throw Unsupported() }
                index += 1
            }
        }

        /// Moves past the bytes of a string that need no look: printable ASCII other than `"` and `\`, eight at a
        /// time while eight remain (then `index` is at the first byte that needs one, or within the last seven).
        @inline(__always) mutating func skipPlain() {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self).littleEndian
                // A byte flags (its high bit) when it is `"` or `\` (zero after the xor), below 0x20, or past ASCII.
                // Borrows only run upwards, so the lowest flag is always a true one.
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let flags = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word) | word
                let special = flags & high
                if special != 0 {
                    index += special.trailingZeroBitCount / 8
                    return
                }
                index += 8
            }
            while index < count {
                let c = base[index]
                guard c >= 0x20, c < 0x80, c != UInt8(ascii: "\""), c != UInt8(ascii: "\\") else { return }
                index += 1
            }
        }

        /// A string value, escapes read, UTF-8 checked.
        mutating func string() throws -> String {
            if let bytes = try rawString() { return try Scanner.text(bytes) }
            return try escapedString()
        }

        mutating func escapedString() throws -> String {
            try expect(UInt8(ascii: "\""))
            var bytes: [UInt8] = []
            while index < count {
                let c = base[index]
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: bytes, as: UTF8.self) else { throw Unsupported() }
                    return text
                case UInt8(ascii: "\\"):
                    guard index < count else { throw Unsupported() }
                    let e = base[index]
                    index += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                    case UInt8(ascii: "b"): bytes.append(0x08)
                    case UInt8(ascii: "f"): bytes.append(0x0C)
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if scalar >= 0xD800 && scalar < 0xDC00 {
                            guard index + 2 <= count, base[index] == UInt8(ascii: "\\"), base[index + 1] == UInt8(ascii: "u") else {
                                throw Unsupported()
                            }
                            index += 2
                            let low = try hex4()
                            guard low >= 0xDC00 && low < 0xE000 else { throw Unsupported() }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw Unsupported() }
                        bytes.append(contentsOf: UTF8.encode(u)!)
                    default: throw Unsupported()
                    }
                default:
                    guard c >= 0x20 else { throw Unsupported() }
                    bytes.append(c)
                }
            }
            throw Unsupported()
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= count else { throw Unsupported() }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = base[index]
                index += 1
                let digit: UInt8
                switch c {
                case 48...57: digit = c - 48
                case 65...70: digit = c - 55
                case 97...102: digit = c - 87
                default: throw Unsupported()
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }

        /// `null` gives nil; anything else must be a string.
        mutating func optionalString() throws -> String? {
            if literal("null") { return nil }
            return try string()
        }

        /// An integer written plainly (`-?[0-9]{1,18}`), as `JSONDecoder` reads an `Int`; else Unsupported.
        mutating func int() throws -> Int {
            skipSpace()
            var negative = false
            if index < count, base[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            var value = 0
            var digits = 0
            while index < count, base[index] >= 48, base[index] <= 57 {
                value = value * 10 + Int(base[index] - 48)
                digits += 1
                index += 1
            }
            guard digits > 0, digits <= 18, !(digits > 1 && base[index - digits] == 48) else { throw Unsupported() }
            if index < count {
                let c = base[index]
                guard c != UInt8(ascii: "."), c != UInt8(ascii: "e"), c != UInt8(ascii: "E") else { throw Unsupported() }
            }
            return negative ? -value : value
        }

        mutating func optionalInt() throws -> Int? {
            if literal("null") { return nil }
            return try int()
        }

        mutating func optionalBool() throws -> Bool? {
            if literal("null") { return nil }
            if literal("true") { return true }
            if literal("false") { return false }
            throw Unsupported()
        }

        /// The members of an object, each key handed over as a string with its value still to read.
        mutating func object(_ member: (String, inout Scanner) throws -> Void) throws {
            try rawObject { key, scanner in
                try member(try Scanner.text(key), &scanner)
            }
        }

        /// The same with keys as bytes in place (keys with escapes: Unsupported).
        @inline(__always) mutating func rawObject(_ member: (UnsafeBufferPointer<UInt8>, inout Scanner) throws -> Void) throws {
            guard try openObject() else { return }
            repeat {
                let key = try memberKey()
                try member(key, &self)
            } while try nextMember()
        }

        /// The elements of an array.
        mutating func array(_ element: (inout Scanner) throws -> Void) throws {
            try expect(UInt8(ascii: "["))
            skipSpace()
            if index < count, base[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipSpace()
                try element(&self)
                skipSpace()
                guard index < count else { throw Unsupported() }
                let c = base[index]
                index += 1
                if c == UInt8(ascii: "]") { return }
                guard c == UInt8(ascii: ",") else { throw Unsupported() }
            }
        }

        /// Passes over any value, checking its grammar, without building it: one loop over the bytes with a stack
        /// of the containers open (no call per member), nesting at most 200 deep.
        mutating func skipValue() throws {
            let limit = 200
            try withUnsafeTemporaryAllocation(of: Bool.self, capacity: limit) { isObject in
                var open = 0
                while true {
                    // A value.
                    skipSpace()
                    guard index < count else { throw Unsupported() }
                    switch base[index] {
                    case UInt8(ascii: "\""): try skipString()
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        let object = base[index] == UInt8(ascii: "{")
                        index += 1
                        skipSpace()
                        guard index < count else { throw Unsupported() }
                        if base[index] == (object ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                            index += 1
                        } else {
                            guard open + 1 < limit else { throw Unsupported() }
                            isObject[open] = object
                            open += 1
                            if object { try skipKey() }
                            continue
                        }
                    case UInt8(ascii: "t"): guard literal("true") else { throw Unsupported() }
                    case UInt8(ascii: "f"): guard literal("false") else { throw Unsupported() }
                    case UInt8(ascii: "n"): guard literal("null") else { throw Unsupported() }
                    default: try skipNumber()
                    }
                    // After a value: the containers it closes, then the next member or element.
                    while true {
                        if open == 0 { return }
                        skipSpace()
                        guard index < count else { throw Unsupported() }
                        let c = base[index]
                        index += 1
                        if c == UInt8(ascii: ",") {
                            if isObject[open - 1] { try skipKey() }
                            break
                        }
                        guard c == (isObject[open - 1] ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { throw Unsupported() }
                        open -= 1
                    }
                }
            }
        }

        /// A key of a skipped object and its colon.
        @inline(__always) mutating func skipKey() throws {
            skipSpace()
            guard index < count, base[index] == UInt8(ascii: "\"") else { throw Unsupported() }
            try skipString()
            try expect(UInt8(ascii: ":"))
        }

        @inline(__always) mutating func skipString() throws {
            index += 1
            let start = index
            var wide = false
            while true {
                skipPlain()
                guard index < count else { throw Unsupported() }
                let c = base[index]
                index += 1
                if c == UInt8(ascii: "\"") {
                    // Bytes past ASCII: the same UTF-8 check as a string that is read.
                    if wide, String(validating: UnsafeBufferPointer(start: base + start, count: index - 1 - start), as: UTF8.self) == nil {
                        throw Unsupported()
                    }
                    return
                }
                if c >= 0x80 {
                    wide = true
                    continue
                }
                if c == UInt8(ascii: "\\") {
                    guard index < count else { throw Unsupported() }
                    if base[index] == UInt8(ascii: "u") {
                        index += 1
                        _ = try hex4()
                    } else {
                        switch base[index] {
                        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                            index += 1
                        default: throw Unsupported()
                        }
                    }
                } else if c < 0x20 {
                    throw Unsupported()
                }
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
        mutating func skipNumber() throws {
            func digits(_ s: inout Scanner) -> Int {
                let start = s.index
                while s.index < s.count, s.base[s.index] >= 48, s.base[s.index] <= 57 { s.index += 1 }
                return s.index - start
            }
            if index < count, base[index] == UInt8(ascii: "-") { index += 1 }
            let first = index < count ? base[index] : 0
            let n = digits(&self)
            guard n > 0, !(first == UInt8(ascii: "0") && n > 1) else { throw Unsupported() }
            if index < count, base[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw Unsupported() }
            }
            if index < count, base[index] == UInt8(ascii: "e") || base[index] == UInt8(ascii: "E") {
                index += 1
                if index < count, base[index] == UInt8(ascii: "+") || base[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw Unsupported() }
            }
        }

        /// The bytes of the next value, whatever it is (for the parts handed to `JSONDecoder`).
        mutating func rawValue() throws -> Data {
            skipSpace()
            let start = index
            try skipValue()
            return Data(bytes: base + start, count: index - start)
        }

        // MARK: Argo's types

        /// `status.nodes` into a table: each node checked as `node(key:keyText:)` reads it (so that reading it later
        /// cannot fail), its columns filled, its bytes kept in `document` to be read when it is asked for.
        mutating func nodeTable(_ document: Data) throws -> NodeTable {
            // A node takes 300 bytes or more: room for them all, the pages never written cost nothing.
            let capacity = (count - index) / 300 + 16
            var b = NodeTable.Builder(capacity: capacity)
            var spans: [Range<Int>] = []
            spans.reserveCapacity(capacity)
            // The children's spans of a node read by `cjs_scan_node`: room that grows when a node needs more.
            var room = 256
            var children = UnsafeMutablePointer<cjs_span>.allocate(capacity: room)
            defer { children.deallocate() }
            var record = cjs_node()
            if try openObject() {
                repeat {
                    let key = try memberKey()
                    // Duplicate ids: leave them to JSONDecoder.
                    guard b.addKey(key, text: try Scanner.text(key)) else { throw Unsupported() }
                    let start = index
                    // The C reader takes the nodes it is sure of; the rest are read here (and decided) by nodeRow.
                    var status = cjs_scan_node(base, Int64(count), Int64(index), &record, children, Int64(room))
                    while status == Int32(CJS_MORE_ROOM) {
                        children.deallocate()
                        room *= 4
                        children = UnsafeMutablePointer<cjs_span>.allocate(capacity: room)
                        status = cjs_scan_node(base, Int64(count), Int64(index), &record, children, Int64(room))
                    }
                    if status == Int32(CJS_READ) {
                        try row(record, children: children, &b)
                        index = Int(record.end)
                    } else {
                        try nodeRow(&b)
                    }
                    spans.append(start..<index)
                } while try nextMember()
            }
            return NodeTable(b, source: .document(document, spans: spans))
        }

        /// The bytes of a span of the document; nil for an absent or null member.
        @inline(__always) func bytes(_ span: cjs_span) -> UnsafeBufferPointer<UInt8>? {
            span.length < 0 ? nil : UnsafeBufferPointer(start: base + Int(span.start), count: Int(span.length))
        }

        /// Where bytes of the document are in it (for `NodeTable.textSpans`).
        @inline(__always) func span(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int32, Int32) {
            (Int32(truncatingIfNeeded: base.distance(to: bytes.baseAddress!)), Int32(truncatingIfNeeded: bytes.count))
        }

        /// A node `cjs_scan_node` read, into the table's columns as `nodeRow` fills them.
        @inline(__always) mutating func row(_ r: cjs_node, children: UnsafeMutablePointer<cjs_span>, _ b: inout NodeTable.Builder) throws {
            guard let name = bytes(r.name), let type = bytes(r.type) else { throw Unsupported() }
            for i in 0..<Int(r.children) { b.addChild(bytes(children[i])!) }
            endRow(&b, name: .bytes(name), kind: NodeTable.kind(type, in: b.kindNames),
                phase: bytes(r.phase).map { NodeTable.phase($0, in: b.phaseNames) } ?? .none,
                started: try bytes(r.startedAt).map { try timestamp(bytes: $0) } ?? .nan,
                finished: try bytes(r.finishedAt).map { try timestamp(bytes: $0) } ?? .nan,
                boundary: bytes(r.boundaryID).map(Text.bytes), displayName: bytes(r.displayName).map(Text.bytes),
                template: bytes(r.templateName).map(Text.bytes), message: bytes(r.message).map(span) ?? NodeTable.noText,
                templateRef: r.templateRef != 0)
        }

        /// The columns of a node whose members are read (its children added already): how both readers end.
        @inline(__always) func endRow(
            _ b: inout NodeTable.Builder, name: Text, kind: NodeTable.Kind, phase: NodeTable.Phase, started: Double,
            finished: Double, boundary: Text?, displayName: Text?, template: Text?, message: (Int32, Int32), templateRef: Bool
        ) {
            b.kinds.append(kind)
            b.phases.append(phase)
            b.started.append(started)
            b.finished.append(finished)
            switch boundary {
            case .bytes(let bytes)?: b.addBoundary(inDocument: bytes)
            case let text?: text.with { b.addBoundary($0) }
            case nil: b.addBoundary(nil)
            }
            b.endChildren()
            let shown = displayName ?? name
            shown.with { b.addName($0) }
            if case .bytes(let bytes) = shown { b.addTexts(shownName: span(bytes), message: message) } else {
                b.addTexts(shownName: NodeTable.unknownText, message: message)
            }
            name.with { b.addFullName($0) }
            if let template { template.with { b.addTemplate($0) } } else { b.addTemplate(nil) }
            b.templateRefs.append(templateRef)
        }

        /// A string's bytes in place, or its text when it has escapes.
        enum Text {
            case bytes(UnsafeBufferPointer<UInt8>)
            case text(String)

            func with<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
                switch self {
                case .bytes(let bytes): return body(bytes)
                case .text(var text): return text.withUTF8(body)
                }
            }
        }

        @inline(__always) mutating func text() throws -> Text {
            if let bytes = try rawString() { return .bytes(bytes) }
            return .text(try escapedString())
        }

        @inline(__always) mutating func optionalText() throws -> Text? {
            if literal("null") { return nil }
            return try text()
        }

        /// The keys of a node `NodeStatus` decodes, by their number in `node(key:keyText:)` and `nodeRow` (and
        /// their bit there); then a key both skip but every node has.
        static let nodeKeys: [StaticString] = ["id", "name", "type", "phase", "podIP", "inputs", "message", "outputs",
            "progress", "children", "nodeFlag", "startedAt", "boundaryID", "finishedAt", "displayName", "templateRef",
            "templateName", "hostNodeName", "outboundNodes", "estimatedDuration", "resourcesDuration",
            "synchronizationStatus", "templateScope"]

        /// The number of a key in `nodeKeys`, or -1.
        @inline(__always) static func nodeKey(_ key: UnsafeBufferPointer<UInt8>) -> Int {
            for (i, word) in nodeKeys.enumerated() where same(key, word) { return i }
            return -1
        }

        /// The bit of a key in a node's keys seen so far: a key `NodeStatus` decodes, seen twice, leaves the
        /// document to JSONDecoder; other keys (templateScope, unknown ones) are only skipped and have none.
        @inline(__always) static func keyBit(_ k: Int) -> UInt32 { k >= 0 && k < 22 ? 1 << UInt32(k) : 0 }

        /// `"key":` as up to three little-endian words and their masks (keys are at most 21 bytes).
        struct KeyPattern {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            var masks: (UInt64, UInt64, UInt64) = (0, 0, 0)
            var length = 0

            init(_ key: StaticString) {
                let bytes = [UInt8(ascii: "\"")] + Array(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
                    + [UInt8(ascii: "\""), UInt8(ascii: ":")]
                precondition(bytes.count <= 24)
                length = bytes.count
                var w: [UInt64] = [0, 0, 0], m: [UInt64] = [0, 0, 0]
                for (i, byte) in bytes.enumerated() {
                    w[i / 8] |= UInt64(byte) << UInt64(8 * (i % 8))
                    m[i / 8] |= 0xFF << UInt64(8 * (i % 8))
                }
                words = (w[0], w[1], w[2])
                masks = (m[0], m[1], m[2])
            }
        }

        static let nodeKeyPatterns = nodeKeys.map(KeyPattern.init)

        /// Consumes `"key":` (and the space after it) when it comes next; nothing otherwise. Compared a word at a
        /// time where 24 bytes remain, else a byte at a time.
        @inline(__always) mutating func expectKey(_ k: Int, in patterns: [KeyPattern]) -> Bool {
            let p = patterns[k]
            if index &+ 24 <= count {
                let raw = UnsafeRawPointer(base + index)
                guard raw.loadUnaligned(as: UInt64.self) & p.masks.0 == p.words.0 else { return false }
                if p.length > 8 {
                    guard raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & p.masks.1 == p.words.1 else { return false }
                    if p.length > 16 {
                        guard raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self) & p.masks.2 == p.words.2 else { return false }
                    }
                }
            } else {
                guard index &+ p.length <= count else { return false }
                let word = Scanner.nodeKeys[k], n = word.utf8CodeUnitCount, w = word.utf8Start
                guard base[index] == UInt8(ascii: "\""), base[index &+ n &+ 1] == UInt8(ascii: "\""),
                    base[index &+ n &+ 2] == UInt8(ascii: ":")
                else { return false }
                for i in 0..<n where base[index &+ 1 &+ i] != w[i] { return false }
            }
            index &+= p.length
            skipSpace()
            return true
        }

        /// One node into the table's columns: the checks of `node(key:keyText:)`, key by key, with only the
        /// columns made; but inputs, outputs and resourcesDuration, the bulk of a node that the tree never needs,
        /// are only checked to be JSON (`NodeTable` reads them, leniently, when the node is asked for).
        mutating func nodeRow(_ b: inout NodeTable.Builder) throws {
            var name: Text?, displayName: Text?, boundary: Text?, template: Text?
            var message = NodeTable.noText
            var kind: NodeTable.Kind?
            var phase = NodeTable.Phase.none
            var started = Double.nan, finished = Double.nan
            var hasID = false
            var hasTemplateRef = false
            var seen: UInt32 = 0
            if try openObject() {
                var position = 0
                repeat {
                    // The key the last node had here, if it is next; else the key read and looked up.
                    let expected = position < b.keyOrder.count ? Int(b.keyOrder[position]) : -1
                    let k = expected >= 0 && expectKey(expected, in: b.keyPatterns) ? expected : Scanner.nodeKey(try memberKey())
                    if position < b.keyOrder.count { b.keyOrder[position] = Int8(k) }
                    position += 1
                    let bit = Scanner.keyBit(k)
                    switch k {
                    case 0:  // id
                        try checkString()
                        hasID = true
                    case 1:  // name
                        name = try text()
                    case 2:  // type
                        kind = try text().with { NodeTable.kind($0, in: b.kindNames) }
                    case 3:  // phase
                        phase = try optionalText()?.with { NodeTable.phase($0, in: b.phaseNames) } ?? .none
                    case 4:  // podIP
                        try checkOptionalString()
                    case 5:  // inputs
                        try skipValue()
                    case 6:  // message
                        if !literal("null") {
                            if let raw = try rawString() { message = span(raw) } else {
                                _ = try escapedString()
                                message = NodeTable.unknownText
                            }
                        }
                    case 7:  // outputs
                        try skipValue()
                    case 8:  // progress
                        try checkOptionalString()
                    case 9:  // children
                        if !literal("null") {
                            try array { s in try s.text().with { b.addChild($0) } }
                        }
                    case 10:  // nodeFlag
                        _ = try nodeFlag()
                    case 11:  // startedAt
                        started = try timestamp()?.seconds ?? .nan
                    case 12:  // boundaryID
                        boundary = try optionalText()
                    case 13:  // finishedAt
                        finished = try timestamp()?.seconds ?? .nan
                    case 14:  // displayName
                        displayName = try optionalText()
                    case 15:  // templateRef
                        hasTemplateRef = try templateRef() != nil
                    case 16:  // templateName
                        template = try optionalText()
                    case 17:  // hostNodeName
                        try checkOptionalString()
                    case 18:  // outboundNodes
                        if !literal("null") { try array { try $0.checkString() } }
                    case 19:  // estimatedDuration
                        _ = try optionalInt()
                    case 20:  // resourcesDuration
                        try skipValue()
                    case 21:  // synchronizationStatus
                        _ = try synchronizationStatus()
                    default:
                        try skipValue()
                    }
                    guard seen & bit == 0 else { throw Unsupported() }
                    seen |= bit
                } while try nextMember()
            }
            guard hasID, let name, let kind else { throw Unsupported() }
            endRow(&b, name: name, kind: kind, phase: phase, started: started, finished: finished, boundary: boundary,
                displayName: displayName, template: template, message: message, templateRef: hasTemplateRef)
        }

        /// The last boundaryID read, as bytes of the document and as text: siblings share it.
        var lastBoundary: (bytes: UnsafeBufferPointer<UInt8>, text: String)?

        /// A string equal to `bytes` of the document when they are, else read: the same text shares one
        /// storage instead of one copy per node.
        @inline(__always) mutating func string(sameAs bytes: UnsafeBufferPointer<UInt8>, _ text: String) throws -> String {
            guard let raw = try rawString() else { return try escapedString() }
            if Scanner.same(raw, bytes) { return text }
            return try Scanner.text(raw)
        }

        mutating func boundaryID() throws -> String? {
            if literal("null") { return nil }
            guard let raw = try rawString() else { return try escapedString() }
            if let last = lastBoundary, Scanner.same(raw, last.bytes) { return last.text }
            let text = try Scanner.text(raw)
            lastBoundary = (raw, text)
            return text
        }

        static let templateRefKeys: [StaticString] = ["name", "template"]
        static let nodeFlagKeys: [StaticString] = ["hooked", "retried"]
        static let synchronizationKeys: [StaticString] = ["waiting"]
        static let inputKeys: [StaticString] = ["parameters", "artifacts"]
        static let outputKeys: [StaticString] = ["parameters", "artifacts", "exitCode", "result"]

        /// The members of an object whose keys are among `keys`, each read by `read` with the key's index (a key
        /// seen twice leaves the document to JSONDecoder); other members are skipped unread.
        @inline(__always) mutating func members(_ keys: [StaticString], _ read: (Int, inout Scanner) throws -> Void) throws {
            var seen: UInt32 = 0
            try rawObject { key, s in
                for i in keys.indices where Scanner.same(key, keys[i]) {
                    try Scanner.once(&seen, 1 << UInt32(i))
                    return try read(i, &s)
                }
                try s.skipValue()
            }
        }

        /// A key seen twice: leave the document to JSONDecoder.
        @inline(__always) static func once(_ seen: inout UInt32, _ bit: UInt32) throws {
            guard seen & bit == 0 else { throw Unsupported() }
            seen |= bit
        }

        /// Whether a key is a word: compared byte by byte in place (keys are short: a call to memcmp costs more).
        @inline(__always) static func same(_ key: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard key.count == n else { return false }
            let a = key.baseAddress!, b = word.utf8Start
            for i in 0..<n where a[i] != b[i] { return false }
            return true
        }

        /// Two runs of bytes of the document with the same content.
        @inline(__always) static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
            a.count == b.count && memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
        }

        /// The date (its first ten bytes, `2026-11-28`) of the last timestamp read as `…THH:MM:SSZ`, and when
        /// that day began: a workflow's times share a few days, and the time of day is then all there is to read.
        var lastDay: (date: UInt64, rest: UInt16, start: Int)?

        mutating func timestamp() throws -> Timestamp? {
            if literal("null") { return nil }
            if let bytes = try rawString() { return Timestamp(seconds: try timestamp(bytes: bytes)) }
            guard let seconds = Timestamp.parse(try escapedString()) else { throw Unsupported() }
            return Timestamp(seconds: seconds)
        }

        /// The seconds of a timestamp's text without escapes (Unsupported when it is not one).
        @inline(__always) mutating func timestamp(bytes: UnsafeBufferPointer<UInt8>) throws -> Double {
            if let seconds = Scanner.sameDay(bytes, lastDay) { return Double(seconds) }
            guard let seconds = Timestamp.parse(utf8: bytes) else { throw Unsupported() }
            if bytes.count == 20, let time = Scanner.timeOfDay(bytes) {
                let raw = UnsafeRawPointer(bytes.baseAddress!)
                lastDay = (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self), Int(seconds) - time)
            }
            return seconds
        }

        /// `HH:MM:SS` of `YYYY-MM-DDTHH:MM:SSZ` in seconds; nil for any other form.
        @inline(__always) static func timeOfDay(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
            guard b.count == 20, b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
                b[19] == UInt8(ascii: "Z")
            else { return nil }
            @inline(__always) func two(_ at: Int) -> Int? {
                let hi = b[at] &- 48, lo = b[at + 1] &- 48
                return hi < 10 && lo < 10 ? Int(hi) * 10 + Int(lo) : nil
            }
            guard let h = two(11), let m = two(14), let s = two(17) else { return nil }
            return h * 3600 + m * 60 + s
        }

        /// The seconds of a `…THH:MM:SSZ` timestamp on the day `last` read; nil when it is another day or form
        /// (then `Timestamp.parse` reads it, and checks it).
        @inline(__always) static func sameDay(_ b: UnsafeBufferPointer<UInt8>, _ last: (date: UInt64, rest: UInt16, start: Int)?) -> Int? {
            guard let last, b.count == 20 else { return nil }
            let raw = UnsafeRawPointer(b.baseAddress!)
            guard raw.loadUnaligned(as: UInt64.self) == last.date, raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self) == last.rest,
                let time = timeOfDay(b)
            else { return nil }
            return last.start + time
        }

        mutating func stringArray() throws -> [String]? {
            if literal("null") { return nil }
            var list: [String] = []
            try array { scanner in list.append(try scanner.string()) }
            return list
        }

        /// Opens an object: true when it has members (the first key is next), false when it was `{}`.
        @inline(__always) mutating func openObject() throws -> Bool {
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if index < count, base[index] == UInt8(ascii: "}") {
                index += 1
                return false
            }
            return true
        }

        /// A member's key and its colon (keys with escapes: Unsupported); its value is next. Keys are short and
        /// plain: read a byte at a time, anything else read by `rawString`.
        @inline(__always) mutating func memberKey() throws -> UnsafeBufferPointer<UInt8> {
            skipSpace()
            guard index < count, base[index] == UInt8(ascii: "\"") else { throw Unsupported() }
            let start = index + 1
            var i = start
            while i < count {
                let c = base[i]
                if c == UInt8(ascii: "\"") { break }
                if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return try slowMemberKey() }
                i += 1
            }
            guard i < count else { throw Unsupported() }
            index = i + 1
            if index < count && base[index] == UInt8(ascii: ":") { index += 1 } else { try expect(UInt8(ascii: ":")) }
            skipSpace()
            return UnsafeBufferPointer(start: base + start, count: i - start)
        }

        mutating func slowMemberKey() throws -> UnsafeBufferPointer<UInt8> {
            guard let key = try rawString() else { throw Unsupported() }
            try expect(UInt8(ascii: ":"))
            skipSpace()
            return key
        }

        /// After a member's value: true when another member follows, false at the object's end.
        @inline(__always) mutating func nextMember() throws -> Bool {
            skipSpace()
            guard index < count else { throw Unsupported() }
            let c = base[index]
            index += 1
            if c == UInt8(ascii: ",") { return true }
            guard c == UInt8(ascii: "}") else { throw Unsupported() }
            return false
        }

        /// One node, with the keys of `NodeStatus`'s synthesized Codable. A plain loop over the members into
        /// locals, the node's box made once at the end: no closure captures, no copy-on-write checks per field.
        /// - Parameter tolerant: inputs, outputs or resourcesDuration that cannot be read are left out and named in
        /// `unreadableParts` (the rest of the node is still read).
        mutating func node(key mapKey: UnsafeBufferPointer<UInt8>, keyText: String, tolerant: Bool = false) throws -> NodeStatus {
            let f = NodeStatus.Storage()
            var id: String?, name: String?, type: String?
            var seen: UInt32 = 0
            if try openObject() {
                repeat {
                    let k = Scanner.nodeKey(try memberKey())
                    let bit = Scanner.keyBit(k)
                    switch k {
                    case 0:  // id
                        id = try string(sameAs: mapKey, keyText)
                    case 1:  // name
                        name = try string()
                    case 2:  // type
                        type = try string()
                    case 3:  // phase
                        f.phase = try optionalString()
                    case 4:  // podIP
                        f.podIP = try optionalString()
                    case 5:  // inputs
                        f.inputs = try part("inputs", of: f, tolerant: tolerant) { try $0.inputs() }
                    case 6:  // message
                        f.message = try optionalString()
                    case 7:  // outputs
                        f.outputs = try part("outputs", of: f, tolerant: tolerant) { try $0.outputs() }
                    case 8:  // progress
                        f.progress = try optionalString()
                    case 9:  // children
                        f.children = try stringArray()
                    case 10:  // nodeFlag
                        f.nodeFlag = try nodeFlag()
                    case 11:  // startedAt
                        f.startedAt = try timestamp()
                    case 12:  // boundaryID
                        f.boundaryID = try boundaryID()
                    case 13:  // finishedAt
                        f.finishedAt = try timestamp()
                    case 14:  // displayName
                        f.displayName = try optionalString()
                    case 15:  // templateRef
                        f.templateRef = try templateRef()
                    case 16:  // templateName
                        f.templateName = try optionalString()
                    case 17:  // hostNodeName
                        f.hostNodeName = try optionalString()
                    case 18:  // outboundNodes
                        f.outboundNodes = try stringArray()
                    case 19:  // estimatedDuration
                        f.estimatedDuration = try optionalInt()
                    case 20:  // resourcesDuration
                        f.resourcesDuration = try part("resourcesDuration", of: f, tolerant: tolerant) { try $0.intMap() }
                    case 21:  // synchronizationStatus
                        f.synchronizationStatus = try synchronizationStatus()
                    default:
                        // Other keys are skipped; keys with escapes never get here (rawString gives nil).
                        try skipValue()
                    }
                    guard seen & bit == 0 else { throw Unsupported() }
                    seen |= bit
                } while try nextMember()
            }
            guard let id, let name, let type else { throw Unsupported() }
            f.id = id
            f.name = name
            f.type = type
            return NodeStatus(storage: f)
        }

        /// A part of a node it can do without, read; when `tolerant`, one the scanner cannot read is read by
        /// JSONDecoder (its lenient values), and one neither can read is skipped and named.
        @inline(__always) mutating func part<T: Decodable>(_ name: String, of f: NodeStatus.Storage, tolerant: Bool, _ read: (inout Scanner) throws -> T?) throws -> T? {
            guard tolerant else { return try read(&self) }
            let start = index
            do {
                return try read(&self)
            } catch {
                index = start
                try skipValue()
                if let value = try? JSONDecoder().decode(T?.self, from: Data(bytes: base + start, count: index - start)) { return value }
                f.unreadableParts = (f.unreadableParts ?? []) + [name]
                return nil
            }
        }

        mutating func intMap() throws -> [String: Int]? {
            if literal("null") { return nil }
            var map: [String: Int] = [:]
            var members = 0
            try object { key, s in
                map[key] = try s.int()
                members += 1
            }
            guard map.count == members else { throw Unsupported() }
            return map
        }

        mutating func templateRef() throws -> TemplateRef? {
            if literal("null") { return nil }
            var ref = TemplateRef()
            try members(Scanner.templateRefKeys) { i, s in
                if i == 0 { ref.name = try s.optionalString() } else { ref.template = try s.optionalString() }
            }
            return ref
        }

        mutating func nodeFlag() throws -> NodeFlag? {
            if literal("null") { return nil }
            var flag = NodeFlag()
            try members(Scanner.nodeFlagKeys) { i, s in
                if i == 0 { flag.hooked = try s.optionalBool() } else { flag.retried = try s.optionalBool() }
            }
            return flag
        }

        mutating func synchronizationStatus() throws -> SynchronizationStatus? {
            if literal("null") { return nil }
            var status = SynchronizationStatus()
            try members(Scanner.synchronizationKeys) { _, s in status.waiting = try s.optionalString() }
            return status
        }

        /// `Parameter`'s decoder: `name` text; `value` text, or a number as text; anything else nil.
        mutating func parameters() throws -> [Parameter]? {
            if literal("null") { return nil }
            var list: [Parameter] = []
            try array { s in
                var name: String?
                var value: String?
                var seen: UInt32 = 0
                try s.rawObject { key, s in
                    if Scanner.same(key, "name") {
                        guard name == nil else { throw Unsupported() }
                        name = try s.string()
                    } else if Scanner.same(key, "value") {
                        try Scanner.once(&seen, 1)
                        // Numbers, booleans and objects take Parameter's lenient path: leave them to JSONDecoder.
                        value = try s.optionalString()
                    } else {
                        try s.skipValue()
                    }
                }
                guard let name else { throw Unsupported() }
                list.append(Parameter(name: name, value: value))
            }
            return list
        }

        /// Artifacts are rare and varied: `JSONDecoder` reads them.
        mutating func artifacts() throws -> [Artifact]? {
            if literal("null") { return nil }
            let bytes = try rawValue()
            return try JSONDecoder().decode([Artifact].self, from: bytes)
        }

        // MARK: Checked, not read

        mutating func checkString() throws {
            if try rawString() == nil { _ = try escapedString() }
        }

        mutating func checkOptionalString() throws {
            if !literal("null") { try checkString() }
        }

        mutating func inputs() throws -> Inputs? {
            if literal("null") { return nil }
            var inputs = Inputs()
            try members(Scanner.inputKeys) { i, s in
                if i == 0 { inputs.parameters = try s.parameters() } else { inputs.artifacts = try s.artifacts() }
            }
            return inputs
        }

        mutating func outputs() throws -> Outputs? {
            if literal("null") { return nil }
            var outputs = Outputs()
            try members(Scanner.outputKeys) { i, s in
                switch i {
                case 0: outputs.parameters = try s.parameters()
                case 1: outputs.artifacts = try s.artifacts()
                case 2: outputs.exitCode = try s.optionalString()
                default: outputs.result = try s.optionalString()
                }
            }
            return outputs
        }
    }
}
