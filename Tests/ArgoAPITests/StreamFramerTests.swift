import Foundation
import XCTest

@testable import ArgoAPI

/// The incremental framing of streams, without a server: whatever the split of the bytes, the same messages.
final class StreamFramerTests: XCTestCase {
    /// Feeds `text` cut at `cuts` (or a byte at a time) and finishes.
    func frames(_ text: String, cuts: [Int]? = nil) -> [StreamFrame] {
        let bytes = Array(text.utf8)
        var framer = StreamFramer()
        var out: [StreamFrame] = []
        let points = cuts ?? Array(1..<max(1, bytes.count))
        var start = 0
        for point in points + [bytes.count] where point >= start {
            out += framer.feed(bytes[start..<point])
            start = point
        }
        return out + framer.finish()
    }

    func messages(_ frames: [StreamFrame]) -> [String] {
        frames.compactMap { if case .message(let data, _) = $0 { return String(decoding: data, as: UTF8.self) } else { return nil } }
    }

    func keepAlives(_ frames: [StreamFrame]) -> Int {
        frames.filter { if case .keepAlive = $0 { return true } else { return false } }.count
    }

    func bytes(_ frames: [StreamFrame]) -> Int {
        frames.reduce(0) {
            switch $1 {
            case .message(_, let n), .keepAlive(let n): return $0 + n
            }
        }
    }

    static let ndjson = #"{"result":{"content":"first é","podName":"p"}}"# + "\n" + #"{"result":{"content":"second"}}"# + "\r\n"
        + #"{"result":{"content":"third, no newline"}}"#
    static let sse = ": keep-alive\r\n\r\ndata: {\"result\":{\"content\":\"a\",\"podName\":\"p\"}}\r\n\r\n:\n\n"
        + "event: message\nid: 7\ndata: {\"result\":\ndata: {\"content\":\"b\"}}\n\n"
        + "data:{\"result\":{\"content\":\"c ü\"}}\n\n"

    func testEveryByteBoundaryGivesTheSameMessagesInBothFramings() {
        for text in [StreamFramerTests.ndjson, StreamFramerTests.sse] {
            let whole = frames(text, cuts: [])
            XCTAssertEqual(frames(text), whole, "a byte at a time")
            let count = text.utf8.count
            for cut in 1..<count {
                XCTAssertEqual(frames(text, cuts: [cut]), whole, "cut at \(cut)")
            }
            for cut in stride(from: 1, to: count, by: 7) {
                XCTAssertEqual(frames(text, cuts: [cut, min(count, cut + 3), min(count, cut + 11)]), whole, "cuts at \(cut)…")
            }
            XCTAssertEqual(bytes(whole), count, "every byte counts towards a frame")
        }
    }

    func testLinesOfJSONAndCRLF() {
        let out = frames(StreamFramerTests.ndjson)
        XCTAssertEqual(messages(out), [
            #"{"result":{"content":"first é","podName":"p"}}"#, #"{"result":{"content":"second"}}"#,
            #"{"result":{"content":"third, no newline"}}"#,
        ])
        XCTAssertEqual(keepAlives(out), 0)
    }

    func testServerSentEventsKeepAlivesAndMultiLineData() {
        let out = frames(StreamFramerTests.sse)
        XCTAssertEqual(keepAlives(out), 2)
        XCTAssertEqual(messages(out), [
            #"{"result":{"content":"a","podName":"p"}}"#, "{\"result\":\n{\"content\":\"b\"}}", #"{"result":{"content":"c ü"}}"#,
        ])
        // The keep-alive comes out as soon as its line is complete, before the event after it is.
        var framer = StreamFramer()
        XCTAssertEqual(framer.feed(Array(":\ndata: {\"result\":{}}\n".utf8)), [.keepAlive(bytes: 2)])
        XCTAssertEqual(framer.feed(Array("\n".utf8)), [.message(Data(#"{"result":{}}"#.utf8), bytes: 21)])
        XCTAssertEqual(framer.pendingBytes, 0)
        XCTAssertEqual(framer.feed(Array("data: {\"res".utf8)), [])
        XCTAssertEqual(framer.pendingBytes, 11)
    }

    func testAnErrorInMidStreamBecomesTheError() {
        let text = "data: {\"result\":{\"content\":\"a\"}}\n\ndata: {\"error\":{\"grpc_code\":10,\"http_code\":410,\"message\":\"too old resource version: 5 (9)\",\"http_status\":\"Gone\"}}\n\n"
        let out = messages(frames(text))
        XCTAssertEqual(out.count, 2)
        let first = StreamEnvelope.decode(Data(out[0].utf8), as: PodLog.Entry.self, namespace: "argo", number: 1)
        XCTAssertEqual(try first.get()?.content, "a")
        guard case .failure(.http(410, let message, "argo")) = StreamEnvelope.decode(Data(out[1].utf8), as: PodLog.Entry.self, namespace: "argo", number: 2) else {
            return XCTFail("expected the stream's 410")
        }
        XCTAssertEqual(message, "too old resource version: 5 (9)")
        guard case .failure(.malformed(let detail)) = StreamEnvelope.decode(Data("<html>".utf8), as: PodLog.Entry.self, namespace: "", number: 3) else {
            return XCTFail("expected malformed")
        }
        XCTAssertTrue(detail.contains("3") && detail.contains("not JSON"), detail)
    }

    func testPodLogParseUsesTheSameFraming() throws {
        XCTAssertEqual(try PodLog.parse(Data(StreamFramerTests.sse.utf8)).get().lines, ["a", "b", "c ü"])
        XCTAssertEqual(try PodLog.parse(Data(StreamFramerTests.ndjson.utf8)).get().lines, ["first é", "second", "third, no newline"])
    }

    func testPreciseTimesCompareToTheNanosecond() throws {
        let a = try XCTUnwrap(PreciseTime(rfc3339: "2026-11-28T12:00:01.000000001Z"))
        let b = try XCTUnwrap(PreciseTime(rfc3339: "2026-11-28T12:00:01.000000002Z"))
        let whole = try XCTUnwrap(PreciseTime(rfc3339: "2026-11-28T12:00:01Z"))
        let half = try XCTUnwrap(PreciseTime(rfc3339: "2026-11-28T12:00:01.5Z"))
        XCTAssertLessThan(a, b)
        XCTAssertLessThan(whole, a)
        XCTAssertLessThan(b, half)
        XCTAssertEqual(PreciseTime(rfc3339: "2026-11-28T13:00:01.5+01:00"), half)
        XCTAssertNil(PreciseTime(rfc3339: "yesterday"))
    }

    func testTimestampsAreSplitOff() {
        XCTAssertEqual(LogEntry.split("2026-11-28T12:00:01.25Z hello world", podName: "p"),
            LogEntry(content: "hello world", podName: "p", timestamp: "2026-11-28T12:00:01.25Z"))
        XCTAssertEqual(LogEntry.split("2026-11-28T12:00:01Z ", podName: "p"), LogEntry(content: "", podName: "p", timestamp: "2026-11-28T12:00:01Z"))
        XCTAssertEqual(LogEntry.split("no time here", podName: "p"), LogEntry(content: "no time here", podName: "p"))
    }

    /// Resuming at an instant several lines share: those already delivered are dropped, the others kept.
    func testResumingDropsOnlyWhatWasDelivered() {
        let resume = LogResume()
        func e(_ t: String, _ text: String) -> LogEntry { LogEntry(content: text, podName: "p", timestamp: "2026-11-28T12:00:0\(t)Z") }
        XCTAssertNil(resume.resumePoint())
        XCTAssertEqual(resume.accept([e("1", "a"), e("2", "b"), e("2", "c")]).map(\.content), ["a", "b", "c"])
        XCTAssertEqual(resume.resumePoint(), "2026-11-28T12:00:02Z")
        // The server resends from 12:00:02 (and a coarse server from the whole second before).
        XCTAssertEqual(resume.accept([e("1", "a"), e("2", "b"), e("2", "c"), e("2", "d"), e("3", "e")]).map(\.content), ["d", "e"])
        XCTAssertEqual(resume.resumePoint(), "2026-11-28T12:00:03Z")
        XCTAssertEqual(resume.accept([e("3", "e")]).map(\.content), [])
        XCTAssertEqual(resume.accept([e("3", "f"), e("4", "g")]).map(\.content), ["f", "g"])
    }

    func testWatchFieldsFromTheListFields() {
        let fields = Endpoints.watchFields(from: Endpoints.listFields)
        let paths = fields.split(separator: ",").map(String.init)
        XCTAssertEqual(paths.first, "result.type")
        XCTAssertTrue(paths.contains("result.object.metadata.resourceVersion"))
        XCTAssertTrue(paths.contains("result.object.status.phase"))
        XCTAssertTrue(paths.contains("result.object.metadata.name"))
        XCTAssertFalse(paths.contains { $0.contains("items") || $0.contains("continue") || $0.contains("nodes") })
        XCTAssertEqual(ArgoClient.watchFieldsWithEssentials("result.object.metadata.name"),
            "result.type,result.object.metadata.resourceVersion,result.object.metadata.name")
        XCTAssertEqual(ArgoClient.watchFieldsWithEssentials("-result.object.status.nodes"), "-result.object.status.nodes")
        XCTAssertEqual(
            Endpoints.watchWorkflows(namespace: "argo", resourceVersion: "12", fieldSelector: "metadata.namespace=argo,metadata.name=x", fields: nil),
            "/api/v1/workflow-events/argo?listOptions.resourceVersion=12&listOptions.fieldSelector=metadata.namespace%3Dargo,metadata.name%3Dx")
        XCTAssertEqual(Endpoints.artifactFile(namespace: "argo", workflow: "wf", nodeID: "wf-1", artifactName: "main-logs"),
            "/artifact-files/argo/workflows/wf/wf-1/outputs/main-logs")
    }
}
