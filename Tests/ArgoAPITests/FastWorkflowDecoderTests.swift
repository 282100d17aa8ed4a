import ArgoDemo
import CJSONScan
import Foundation
import Synchronization
import XCTest

@testable import ArgoAPI

/// The fast workflow decoder gives what `JSONDecoder` gives: on every real fixture (through its own path, not
/// by stepping aside), on the demo's workflows, on odd but valid documents, and on broken ones (an error, never
/// a crash nor a different workflow).
final class FastWorkflowDecoderTests: XCTestCase {
    static var fixtureDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/argo-fixtures/real")
    }

    static func fixtureData() throws -> [(String, Data)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { ($0, try Data(contentsOf: fixtureDirectory.appendingPathComponent($0))) }
    }

    /// Both decoders on the same bytes: the same workflow, or both fail.
    func assertSameOutcome(_ data: Data, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let reference = Result { try JSONDecoder().decode(Workflow.self, from: data) }
        let fast = Result { try FastWorkflowDecoder.decode(data) }
        switch (reference, fast) {
        case (.success(let a), .success(let b)):
            XCTAssertEqual(a, b, label, file: file, line: line)
        case (.failure, .failure):
            break
        case (.success, .failure(let error)):
            XCTFail("\(label): JSONDecoder reads it, the fast decoder fails: \(error)", file: file, line: line)
        case (.failure(let error), .success(let b)):
            // Allowed for one case only: what JSONDecoder could not read is a node's inputs, outputs or
            // resourcesDuration, which the fast decoder reads when the node is asked for; that node then says so.
            if let (id, part) = FastWorkflowDecoder.unreadablePart(of: error), let node = b.nodes[id], node.unreadableParts.contains(part) {
                return
            }
            XCTFail("\(label): JSONDecoder fails (\(error)), the fast decoder reads it", file: file, line: line)
        }
    }

    /// Nodes asked for from several threads at once (the runtime decodes off the main thread, the model reads
    /// there): each is read once and every thread gets the same node.
    func testNodesReadFromManyThreads() throws {
        let cluster = DemoCluster(ordinary: 0)
        let data = Data(try XCTUnwrap(cluster.workflow(named: "db-fleet-audit-9h3kq")).serialized())
        let nodes = try FastWorkflowDecoder.fast(data).nodes
        let reference = try JSONDecoder().decode(Workflow.self, from: data).nodes.dictionary
        let ids = nodes.keys
        let mismatches = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for (i, id) in ids.enumerated() where i % 2 == worker % 2 {
                if nodes[id] != reference[id] { mismatches.withLock { $0 += 1 } }
            }
        }
        XCTAssertEqual(mismatches.withLock { $0 }, 0)
        XCTAssertEqual(nodes.table.nodesRead, ids.count, "each node read once")
    }

    /// Times on one day are read from the day's start plus the time of day: days that alternate, a day
    /// boundary, a fraction, an offset and a broken time of day read as JSONDecoder reads them.
    func testTimesAcrossDays() throws {
        let times = ["2026-11-28T23:59:59Z", "2026-11-29T00:00:00Z", "2026-11-28T10:00:00Z", "2026-11-29T10:00:01Z",
            "2026-11-29T10:00:01.5Z", "2026-11-29T10:00:01+02:00", "2026-11-29T10:00:02Z", "2024-02-29T12:00:00Z",
            "2026-11-29T1a:00:02Z", "2026-11-29T10:00:03Z"]
        var nodes: [String] = []
        for (i, time) in times.enumerated() {
            nodes.append(#""n\#(i)":{"id":"n\#(i)","name":"w.n\#(i)","type":"Pod","startedAt":"\#(time)","finishedAt":"\#(times[(i + 3) % times.count])"}"#)
        }
        let good = nodes.enumerated().filter { !times[$0.offset].contains("1a") && !times[($0.offset + 3) % times.count].contains("1a") }
        for list in [good.map(\.element), nodes] {
            let doc = #"{"metadata":{"name":"w"},"status":{"nodes":{"# + list.joined(separator: ",") + "}}}"
            assertSameOutcome(Data(doc.utf8), "times \(list.count)")
        }
        let doc = #"{"metadata":{"name":"w"},"status":{"nodes":{"# + good.map(\.element).joined(separator: ",") + "}}}"
        let wf = try FastWorkflowDecoder.decode(Data(doc.utf8))
        XCTAssertEqual(wf.nodes["n1"]?.startedAt?.seconds, wf.nodes["n0"]!.startedAt!.seconds + 1)
    }

    /// A node's outputs not as Argo writes them (a parameter without a name): JSONDecoder gives up on the whole
    /// workflow; the fast decoder reads the tree, and the node when asked for reads without its outputs and
    /// names them as unreadable. A parameter whose value is a number reads as JSONDecoder reads it (lenient).
    func testANodesUnreadableOutputsCostOnlyThem() throws {
        let doc = #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"DAG","phase":"Failed"},"#
            + #""s":{"id":"s","name":"w.s","displayName":"s","type":"Pod","phase":"Failed","boundaryID":"w","#
            + #""inputs":{"parameters":[{"name":"n","value":7}]},"outputs":{"parameters":[{"value":"x"}],"exitCode":"1"},"#
            + #""message":"boom","children":[]}}}}"#
        let data = Data(doc.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Workflow.self, from: data))
        let wf = try FastWorkflowDecoder.decode(data)
        XCTAssertEqual(wf.nodes.count, 2)
        XCTAssertEqual(wf.nodes.table.phase(try XCTUnwrap(wf.nodes.table.place(of: "s"))), "Failed")
        let node = try XCTUnwrap(wf.nodes["s"])
        XCTAssertEqual(node.unreadableParts, ["outputs"])
        XCTAssertNil(node.outputs)
        XCTAssertEqual(node.inputs?.parameters?.first?.value, "7")
        XCTAssertEqual(node.message, "boom")
        XCTAssertEqual(wf.nodes["w"]?.unreadableParts, [])
        assertSameOutcome(data, "unreadable outputs")
        // Not JSON inside the outputs: the whole document fails, as with JSONDecoder.
        assertSameOutcome(Data(doc.replacingOccurrences(of: #"[{"value":"x"}]"#, with: "[{\"value\":x}]").utf8), "not JSON")
        XCTAssertThrowsError(try FastWorkflowDecoder.decode(Data(doc.replacingOccurrences(of: #"[{"value":"x"}]"#, with: "[{\"value\":x}]").utf8)))
    }

    func testEveryRealFixtureTakesTheFastPathAndMatches() throws {
        let fixtures = try Self.fixtureData()
        XCTAssertGreaterThanOrEqual(fixtures.count, 30)
        for (name, data) in fixtures {
            let reference = try JSONDecoder().decode(Workflow.self, from: data)
            let fast: Workflow
            do {
                fast = try FastWorkflowDecoder.fast(data)
            } catch {
                XCTFail("\(name): the fast path stepped aside (\(error))")
                continue
            }
            XCTAssertFalse(fast.nodes.isEmpty, name)
            XCTAssertEqual(fast, reference, name)
            for (id, node) in reference.nodes where fast.nodes[id] != node {
                XCTFail("\(name): node \(id) differs:\n\(node)\n\(String(describing: fast.nodes[id]))")
            }
        }
    }

    /// The columns the decoder fills (through the C reader or the Swift one) say, node by node, what a table built
    /// from JSONDecoder's nodes says; on the real fixtures, which have templateRefs, retries, locks, escapes.
    func testColumnsOfRealFixturesMatch() throws {
        var nodes = 0
        for (name, data) in try Self.fixtureData() {
            let fast = try FastWorkflowDecoder.fast(data).nodes.table
            let reference = try JSONDecoder().decode(Workflow.self, from: data).nodes.table
            XCTAssertEqual(fast.count, reference.count, name)
            for id in fast.ids {
                XCTAssertEqual(fast.columns(of: id), reference.columns(of: id), "\(name): \(id)")
                nodes += 1
            }
        }
        XCTAssertGreaterThan(nodes, 250)
    }

    func testDemoWorkflowsMatch() throws {
        let cluster = DemoCluster(ordinary: 20)
        var documents = cluster.workflows.map { $0.serialized() }
        documents.append(DemoCluster.loopingDAG(name: "audit-x1", namespace: "argo", items: 40, failing: [3, 17], erroring: [5], now: DemoCluster.frozenNow).serialized())
        for (i, bytes) in documents.enumerated() {
            let data = Data(bytes)
            let reference = try JSONDecoder().decode(Workflow.self, from: data)
            if !reference.nodes.isEmpty {
                XCTAssertEqual(try FastWorkflowDecoder.fast(data), reference, "demo workflow \(i) \(reference.name)")
            }
            assertSameOutcome(data, "demo workflow \(i)")
        }
    }

    func testOddButValidDocuments() throws {
        let documents = [
            // Escapes in names and messages (a surrogate pair, \/, control characters), nulls, unknown nested keys.
            #"{"metadata":{"name":"w"},"status":{"phase":"Running","nodes":{"w":{"id":"w","name":"w","displayName":"a\"b\\c\/d\u00e9\ud83d\ude00","type":"DAG","phase":null,"message":"line\nnext\ttab","extra":{"deep":[1,2.5e3,-0.5,true,false,null,{"x":"\u0041"}]},"children":["w-1"],"startedAt":"2026-11-28T12:00:00Z","finishedAt":null},"w-1":{"id":"w-1","name":"w.a(0:x)","type":"Pod","boundaryID":"w","startedAt":"2026-11-28T12:00:01.250+01:00","estimatedDuration":12,"resourcesDuration":{"cpu":3,"memory":-4},"nodeFlag":{"retried":true},"templateRef":{"name":"t","template":"u","clusterScope":true},"synchronizationStatus":{"waiting":"ns/Mutex/m"},"inputs":{"parameters":[{"name":"p","value":"v"},{"name":"q"},{"name":"r","value":null}],"artifacts":[{"name":"a","s3":{"key":"k"}}]},"outputs":{"exitCode":"0","result":"ok","parameters":[]}}}}}"#,
            // A number as a parameter value (JSONDecoder's lenient path).
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","outputs":{"parameters":[{"name":"n","value":42}]}}}}}"#,
            // Duplicate keys, a key with an escape, an empty node map, null nodes, white space everywhere.
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","phase":"A","phase":"B"}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","ph\u0061se":"A"}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":null}}"#,
            " \n{ \"metadata\" : { \"name\" : \"w\" } , \"status\" : { \"nodes\" : { \"w\" : { \"id\" : \"w\" , \"name\" : \"w\" , \"type\" : \"Pod\" , \"children\" : [ ] } } } } \n",
            // Compressed nodes and no nodes at all.
            #"{"metadata":{"name":"w"},"status":{"phase":"Succeeded","compressedNodes":"H4sI"}}"#,
            #"{"metadata":{"name":"w","labels":{"n":1}},"spec":{"entrypoint":"main"}}"#,
        ]
        for (i, text) in documents.enumerated() { assertSameOutcome(Data(text.utf8), "document \(i)") }
        let first = try FastWorkflowDecoder.decode(Data(documents[0].utf8))
        XCTAssertEqual(first.nodes["w"]?.displayName, "a\"b\\c/dé😀")
        XCTAssertEqual(first.nodes["w-1"]?.inputs?.artifacts?.first?.key, "k")
    }

    func testBrokenDocumentsFailLikeJSONDecoder() throws {
        let documents = [
            "", "{", "[]", "null", #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod"}}}}x"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w"}}}}"#,  // no type
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":3}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","estimatedDuration":1.5}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","startedAt":"yesterday"}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","x":[1,}}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","x":01}}}}"#,
            #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w\ud800","type":"Pod"}}}}"#,
            "{\"metadata\":{\"name\":\"w\"},\"status\":{\"nodes\":{\"w\":{\"id\":\"w\",\"name\":\"a\u{01}\",\"type\":\"Pod\"}}}}",
        ]
        for (i, text) in documents.enumerated() { assertSameOutcome(Data(text.utf8), "broken document \(i)") }
        XCTAssertThrowsError(try FastWorkflowDecoder.decode(Data(documents[5].utf8)))
        // Invalid UTF-8 inside a name.
        var bytes = Array(#"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w?","type":"Pod"}}}}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "?"))!] = 0xC3
        assertSameOutcome(Data(bytes), "invalid UTF-8")
    }

    /// Cut and scrambled real documents: the two decoders agree on every one (and nothing crashes).
    func testTruncatedAndScrambledFixtures() throws {
        var random = SeededRandom(seed: 7)
        let alphabet = Array(#"{}[]":,0123456789-.eEtruefalsn \u\\"#.utf8) + [0x00, 0xFF, 0x0A]
        for (name, data) in try Self.fixtureData().prefix(12) {
            let bytes = [UInt8](data)
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
                assertSameOutcome(Data(bytes[..<cut]), "\(name) cut at \(cut)")
            }
            for _ in 0..<150 {
                var copy = bytes
                var changes: [String] = []
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = Int.random(in: 0..<copy.count, using: &random)
                    copy[at] = alphabet.randomElement(using: &random)!
                    let context = String(decoding: copy[max(0, at - 30)..<min(copy.count, at + 30)], as: UTF8.self)
                    changes.append("at \(at): …\(context)…")
                }
                assertSameOutcome(Data(copy), "\(name) scrambled \(changes)")
            }
        }
    }

    /// NodeStatus keeps its fields in a shared box: copies still behave as values, unread inputs and outputs too.
    func testNodeStatusIsAValue() throws {
        let text = #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","inputs":{"parameters":[{"name":"p","value":"v"}]},"outputs":{"exitCode":"3"}}}}}"#
        let original = try FastWorkflowDecoder.decode(Data(text.utf8)).nodes["w"]!
        XCTAssertEqual(original.inputs?.parameters?.first?.value, "v")
        var copy = original
        copy.phase = "Failed"
        copy.inputs?.parameters?[0].value = "changed"
        copy.outputs = nil
        XCTAssertNil(original.phase)
        XCTAssertEqual(original.inputs?.parameters?.first?.value, "v")
        XCTAssertEqual(original.outputs?.exitCode, "3")
        XCTAssertEqual(copy.inputs?.parameters?.first?.value, "changed")
        XCTAssertNil(copy.outputs)
        XCTAssertNotEqual(copy, original)
        copy.phase = nil
        copy.inputs?.parameters?[0].value = "v"
        copy.outputs = original.outputs
        XCTAssertEqual(copy, original)
        XCTAssertEqual(copy.hashValue, original.hashValue)
        // Encoded and read again (Codable), it is the same node.
        XCTAssertEqual(try JSONDecoder().decode(NodeStatus.self, from: JSONEncoder().encode(original)), original)
    }

    func testCompressedNodesReadTheSame() throws {
        let (_, data) = try Self.fixtureData().first { $0.0.contains("nestedDAG") } ?? Self.fixtureData()[0]
        let workflow = try JSONDecoder().decode(Workflow.self, from: data)
        let nodesJSON = try JSONEncoder().encode(workflow.nodes)
        XCTAssertEqual(try FastWorkflowDecoder.decodeNodes(nodesJSON).dictionary, try JSONDecoder().decode([String: NodeStatus].self, from: nodesJSON))
        XCTAssertThrowsError(try FastWorkflowDecoder.decodeNodes(Data("{\"a\":".utf8)))
    }

    /// The rare fields (kept in a box of their own, made when first set) are values too: a copy's change never
    /// reaches the original, and a field set back to nil is nil.
    func testRareFieldsAreValues() throws {
        let text = #"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod","podIP":"10.0.0.1","templateRef":{"name":"t","template":"main"},"outboundNodes":["a"],"estimatedDuration":7,"nodeFlag":{"retried":true},"synchronizationStatus":{"waiting":"ns/Mutex/m"}},"x":{"id":"x","name":"x","type":"Pod"}}}}"#
        let nodes = try FastWorkflowDecoder.decode(Data(text.utf8)).nodes
        XCTAssertEqual(nodes, try JSONDecoder().decode(Workflow.self, from: Data(text.utf8)).nodes)
        let original = nodes["w"]!
        XCTAssertEqual(original.podIP, "10.0.0.1")
        XCTAssertEqual(original.templateRef?.template, "main")
        XCTAssertEqual(original.outboundNodes, ["a"])
        XCTAssertEqual(original.estimatedDuration, 7)
        XCTAssertEqual(original.nodeFlag?.retried, true)
        XCTAssertEqual(original.synchronizationStatus?.waiting, "ns/Mutex/m")
        var copy = original
        copy.podIP = nil
        copy.templateRef?.template = "other"
        copy.outboundNodes?.append("b")
        copy.estimatedDuration = nil
        XCTAssertEqual(original.podIP, "10.0.0.1")
        XCTAssertEqual(original.templateRef?.template, "main")
        XCTAssertEqual(original.outboundNodes, ["a"])
        XCTAssertEqual(original.estimatedDuration, 7)
        XCTAssertNil(copy.podIP)
        XCTAssertNil(copy.estimatedDuration)
        XCTAssertEqual(copy.templateRef?.template, "other")
        XCTAssertEqual(copy.outboundNodes, ["a", "b"])
        // A node without rare fields reads nil for them all, and takes one when set.
        var plain = nodes["x"]!
        XCTAssertNil(plain.podIP)
        XCTAssertNil(plain.templateRef)
        XCTAssertNil(plain.synchronizationStatus)
        plain.synchronizationStatus = SynchronizationStatus(waiting: "q")
        XCTAssertEqual(plain.synchronizationStatus?.waiting, "q")
        XCTAssertNil(nodes["x"]!.synchronizationStatus)
    }

    /// Nodes read after the bytes the caller decoded are gone read the same: the table keeps its own reference.
    func testUnreadPartsOutliveTheDocument() throws {
        let (name, data) = try Self.fixtureData().first { $0.0.contains("nestedDAG") } ?? Self.fixtureData()[0]
        let reference = try JSONDecoder().decode(Workflow.self, from: data)
        var fast: Workflow?
        do {
            // Bytes that live only in this scope.
            let bytes = Data([UInt8](data))
            fast = try FastWorkflowDecoder.fast(bytes)
        }
        let nodes = try XCTUnwrap(fast, name).nodes
        XCTAssertTrue(reference.nodes.values.contains { $0.outputs != nil }, name)
        for (id, node) in reference.nodes {
            XCTAssertEqual(nodes[id]?.outputs, node.outputs, id)
            XCTAssertEqual(nodes[id]?.inputs, node.inputs, id)
            XCTAssertEqual(nodes[id]?.resourcesDuration, node.resourcesDuration, id)
        }
    }

    /// Decoding reads the columns of every node and makes no node: a node is read from its bytes when it is
    /// asked for, once, and reads as JSONDecoder reads it; the columns say what the nodes say.
    func testNodesAreReadWhenAskedFor() throws {
        let cluster = DemoCluster(ordinary: 0)
        let json = try XCTUnwrap(cluster.workflow(named: "db-fleet-audit-9h3kq"))
        let data = Data(json.serialized())
        let nodes = try FastWorkflowDecoder.fast(data).nodes
        let reference = try JSONDecoder().decode(Workflow.self, from: data).nodes.dictionary
        XCTAssertGreaterThan(nodes.count, 1000)
        XCTAssertEqual(nodes.count, reference.count)
        XCTAssertEqual(nodes.table.nodesRead, 0, "decoding made no node")
        let id = try XCTUnwrap(nodes.keys.dropFirst(nodes.count / 2).first)
        XCTAssertEqual(nodes[id], reference[id])
        XCTAssertEqual(nodes[id], reference[id])
        XCTAssertEqual(nodes.table.nodesRead, 1, "one node asked for twice is read once")
        XCTAssertNil(nodes["no-such-node"])
        // The columns against the nodes JSONDecoder made.
        let t = nodes.table
        for (place, id) in t.ids.enumerated() {
            let node = try XCTUnwrap(reference[id])
            XCTAssertEqual(t.phase(place), node.phase, id)
            let kinds: [String: NodeTable.Kind] = ["Pod": .pod, "DAG": .dag, "Steps": .steps, "StepGroup": .stepGroup,
                "Retry": .retry, "Skipped": .skipped, "Suspend": .suspend, "HTTP": .http, "Plugin": .plugin,
                "TaskGroup": .taskGroup, "Container": .container]
            XCTAssertEqual(t.kinds[place], kinds[node.type] ?? .other, id)
            XCTAssertEqual(t.templateName(place), node.templateName, id)
            XCTAssertEqual(t.started[place].isNaN ? nil : t.started[place], node.startedAt?.seconds, id)
            XCTAssertEqual(t.finished[place].isNaN ? nil : t.finished[place], node.finishedAt?.seconds, id)
            // `argo get`'s item index: Int of the text between the first `(` and the first `:`.
            let shown = node.shownName
            var item = -1
            if let open = shown.firstIndex(of: "("), let colon = shown.firstIndex(of: ":"), open < colon {
                item = Int(shown[shown.index(after: open)..<colon]) ?? -1
            }
            XCTAssertEqual(Int(t.items[place]), item, id)
            XCTAssertEqual(t.children(of: place).map { $0 < 0 ? "?" : t.ids[Int($0)] }, (node.children ?? []).map { reference[$0] == nil ? "?" : $0 }, id)
            // The shown name and message as spans of the document: all at hand here (no escapes), and the node's.
            XCTAssertEqual(t.withBytes(of: .shownName, at: place) { $0.map { String(decoding: $0, as: UTF8.self) } }, .some(node.shownName), id)
            XCTAssertEqual(t.withBytes(of: .message, at: place) { $0.map { String(decoding: $0, as: UTF8.self) } }, .some(node.message), id)
            let boundary = t.boundaries[place]
            switch node.boundaryID {
            case nil, "": XCTAssertEqual(boundary, -1, id)
            case let b?: XCTAssertEqual(boundary < 0 ? nil : t.ids[Int(boundary)], reference[b] == nil ? nil : b, id)
            }
        }
        XCTAssertEqual(t.nodesRead, 1, "the columns are read without making nodes")
    }

    /// Strings are scanned eight bytes at a time: a byte that needs a look (quote, backslash, control, past
    /// ASCII, broken UTF-8) at every place of a word, in a read value and in a skipped one, reads as JSONDecoder
    /// reads it (or fails as it does).
    func testEveryPlaceOfAWordInAString() throws {
        // Escaped quote, escaped backslash, \n and \u00e9 escapes; é and → raw; tab and 0x1F raw (not allowed);
        // 0xFF and a lone 0xC3 (broken UTF-8).
        let specials: [[UInt8]] = [[0x5C, 0x22], [0x5C, 0x5C], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39],
            Array("é".utf8), Array("→".utf8), [0x09], [0x1F], [0xFF], [0xC3]]
        var checked = 0
        for special in specials {
            // Past two of the C reader's 16-byte blocks; a text it reads (displayName), one it checks (message),
            // one it skips (templateScope).
            for before in 0..<34 {
                let text = [UInt8](repeating: UInt8(ascii: "a"), count: before) + special + Array("tail-of-it".utf8)
                for key in ["displayName", "message", "templateScope"] {
                    var doc = Array(#"{"metadata":{"name":"w"},"status":{"nodes":{"w":{"id":"w","name":"w","type":"Pod",""#.utf8)
                    doc += Array(key.utf8) + Array(#"":""#.utf8) + text + Array(#""}}}}"#.utf8)
                    assertSameOutcome(Data(doc), "\(key) with \(special) after \(before) bytes")
                    // The valid ones are read by the fast path itself, not handed back to JSONDecoder.
                    if specials.firstIndex(of: special)! < 6 {
                        XCTAssertEqual(try? FastWorkflowDecoder.fast(Data(doc)), try JSONDecoder().decode(Workflow.self, from: Data(doc)))
                    }
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 1020)
    }

    /// The C reader (`cjs_scan_node`) takes the plain nodes itself, cut where the Swift reader cuts them, and hands
    /// back every node it is not sure of; a node with more children than the room given asks for more.
    func testTheCReaderTakesPlainNodesAndHandsBackTheRest() throws {
        func scan(_ text: String, room: Int = 64) -> (status: Int32, node: cjs_node, children: [String], texts: [String?]) {
            let bytes = Array(text.utf8)
            var node = cjs_node()
            var spans = [cjs_span](repeating: cjs_span(), count: room)
            let status = cjs_scan_node(bytes, Int64(bytes.count), 0, &node, &spans, Int64(room))
            func string(_ s: cjs_span) -> String? {
                s.length < 0 ? nil : String(decoding: bytes[Int(s.start)..<Int(s.start + s.length)], as: UTF8.self)
            }
            let children = status == Int32(CJS_READ) ? spans.prefix(Int(node.children)).map { string($0)! } : []
            let texts = [node.name, node.displayName, node.type, node.phase, node.boundaryID, node.templateName, node.startedAt, node.finishedAt].map(string)
            return (status, node, children, texts)
        }
        // Every node of the 1,503-node demo workflow: read here, ending where the table's span ends, its texts those
        // of JSONDecoder's node.
        let json = try XCTUnwrap(DemoCluster(ordinary: 0).workflow(named: "db-fleet-audit-9h3kq"))
        let data = Data(json.serialized())
        let table = try FastWorkflowDecoder.fast(data).nodes.table
        let reference = try JSONDecoder().decode(Workflow.self, from: data).nodes.dictionary
        guard case .document(let document, let spans) = table.source else { return XCTFail("not read from the document") }
        let bytes = [UInt8](document)
        var read = 0
        for (place, span) in spans.enumerated() {
            var node = cjs_node()
            var children = [cjs_span](repeating: cjs_span(), count: 4096)
            guard cjs_scan_node(bytes, Int64(bytes.count), Int64(span.lowerBound), &node, &children, 4096) == Int32(CJS_READ) else { continue }
            read += 1
            XCTAssertEqual(Int(node.end), span.upperBound)
            let expected = try XCTUnwrap(reference[table.ids[place]])
            let name = String(decoding: bytes[Int(node.name.start)..<Int(node.name.start + node.name.length)], as: UTF8.self)
            XCTAssertEqual(name, expected.name)
            XCTAssertEqual(Int(node.children), expected.children?.count ?? 0)
        }
        // Every node but those with bytes past ASCII (list-databases prints `…`), whose UTF-8 Swift checks.
        let ascii = spans.filter { bytes[$0].allSatisfy { $0 < 0x80 } }.count
        XCTAssertGreaterThan(ascii, 1500)
        XCTAssertEqual(read, ascii)
        // The real fixtures' nodes (templateRefs, retries, locks): read here but for those with escapes in what the
        // tree reads or bytes past ASCII.
        var fixtureNodes = 0, fixtureRead = 0
        for (_, data) in try Self.fixtureData() {
            let t = try FastWorkflowDecoder.fast(data).nodes.table
            guard case .document(let document, let spans) = t.source else { continue }
            let bytes = [UInt8](document)
            for span in spans {
                var node = cjs_node()
                var children = [cjs_span](repeating: cjs_span(), count: 4096)
                fixtureNodes += 1
                if cjs_scan_node(bytes, Int64(bytes.count), Int64(span.lowerBound), &node, &children, 4096) == Int32(CJS_READ) {
                    XCTAssertEqual(Int(node.end), span.upperBound)
                    fixtureRead += 1
                }
            }
        }
        print("fixtures: \(fixtureRead) of \(fixtureNodes) nodes read by the C reader")
        XCTAssertGreaterThan(fixtureRead * 10, fixtureNodes * 9)
        // One node, its spans.
        let plain = #" { "id":"w-1", "name":"w.a(0:x)","displayName":null,"type":"Pod","phase":"Failed","boundaryID":"w","templateName":"t","startedAt":"2026-11-28T12:00:00Z","finishedAt":null,"templateScope":"local/w","message":"m \"quoted\"","outputs":{"parameters":[{"name":"p","value":"[\"a\",1.5e3,true,null]"}],"exitCode":"1"},"children":["w-2", "w-3"] } , "#
        let result = scan(plain)
        XCTAssertEqual(result.status, Int32(CJS_ELSEWHERE), "an escape in a message: the Swift reader reads it")
        let unquoted = plain.replacingOccurrences(of: #"m \"quoted\""#, with: "m")
        let r = scan(unquoted)
        XCTAssertEqual(r.status, Int32(CJS_READ))
        XCTAssertEqual(r.texts, ["w.a(0:x)", nil, "Pod", "Failed", "w", "t", "2026-11-28T12:00:00Z", nil])
        XCTAssertEqual(r.children, ["w-2", "w-3"])
        XCTAssertEqual(Int(r.node.end), unquoted.utf8.count - 3, "it ends after the node's brace")
        XCTAssertEqual(scan(unquoted, room: 1).status, Int32(CJS_MORE_ROOM))
        // What it hands back: keys it leaves to Swift, escapes in texts, bytes past ASCII, a key twice, bad grammar,
        // a missing id, name or type.
        // The rare keys, as Argo writes them and in their odd but valid forms.
        let rare = [
            #""templateRef":{"name":"t","template":"u","clusterScope":true}"#, #""templateRef":{}"#,
            #""nodeFlag":{"retried":true,"hooked":null,"x":[1]}"#, #""nodeFlag":null"#,
            #""synchronizationStatus":{"waiting":"ns/Mutex/m"}"#, #""synchronizationStatus":{"waiting":null}"#,
            #""outboundNodes":["b","c"]"#, #""outboundNodes":[ ]"#, #""estimatedDuration":-12"#, #""estimatedDuration":0"#,
            #""estimatedDuration" : null"#, #""templateRef":null"#,
        ]
        for member in rare {
            let r = scan(#"{"id":"a","name":"a","type":"Pod","# + member + "}")
            XCTAssertEqual(r.status, Int32(CJS_READ), member)
            XCTAssertEqual(r.node.templateRef, member.hasPrefix(#""templateRef":{"#) ? 1 : 0, member)
        }
        let handedBack = [
            #"{"id":"a","name":"a","type":"Pod","templateRef":{"name":"t\u0041"}}"#,
            #"{"id":"a","name":"a","type":"Pod","templateRef":{"name":"t","name":"u"}}"#,
            #"{"id":"a","name":"a","type":"Pod","templateRef":{"name":1}}"#,
            #"{"id":"a","name":"a","type":"Pod","templateRef":[]}"#,
            #"{"id":"a","name":"a","type":"Pod","nodeFlag":{"retried":"yes"}}"#,
            #"{"id":"a","name":"a","type":"Pod","synchronizationStatus":{"waiting":3}}"#,
            #"{"id":"a","name":"a","type":"Pod","outboundNodes":[null]}"#,
            #"{"id":"a","name":"a","type":"Pod","estimatedDuration":1.5}"#,
            #"{"id":"a","name":"a","type":"Pod","estimatedDuration":01}"#,
            #"{"id":"a","name":"a","type":"Pod","estimatedDuration":1e3}"#,
            #"{"id":"a","name":"a","type":"Pod","estimatedDuration":1234567890123456789}"#,
            #"{"id":"a","name":"a","type":"Pod","estimatedDuration":3,"estimatedDuration":3}"#,
            #"{"id":"a","name":"a\u0041","type":"Pod"}"#,
            #"{"id":"a","name":"é","type":"Pod"}"#,
            #"{"id":"a","name":"a","type":"Pod","outputs":{"result":"é"}}"#,
            #"{"id":"a","name":"a","type":"Pod","phase":"A","phase":"B"}"#,
            #"{"id":"a","name":"a","type":"Pod","outputs":{"x":[1,]}}"#,
            #"{"id":"a","name":"a","type":"Pod","outputs":{"x":01}}"#,
            #"{"id":"a","name":"a","type":"Pod","outputs":{"x":"\q"}}"#,
            #"{"id":"a","name":"a","type":"Pod","children":[1]}"#,
            #"{"name":"a","type":"Pod"}"#, #"{"id":"a","type":"Pod"}"#, #"{"id":"a","name":"a"}"#, #"{"id":"a","name":"a","type":null}"#,
            #"{"id":"a","name":"a","type":"Pod""#, "{}", "[]",
        ]
        for text in handedBack { XCTAssertEqual(scan(text).status, Int32(CJS_ELSEWHERE), text) }
        // Keys it skips, any value, twice too (only the keys NodeStatus reads may not come twice).
        XCTAssertEqual(scan(#"{"id":"a","name":"a","type":"Pod","x":{"y":[{},[],"\u00e9\n",-0.5E+2,false]},"x":1}"#).status, Int32(CJS_READ))
    }
}
