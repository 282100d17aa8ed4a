import ArgoDemo
import Foundation
import XCTest

@testable import ArgoAPI

/// The demo server against Argo's API spec (../shared/argo-fixtures/swagger.json): every route argotop uses
/// answers, over HTTP through libcurl, with JSON whose every field is one the spec documents for that answer,
/// with the documented type.
final class DemoSpecTests: DemoServerTestCase {
    override var ordinaryWorkflows: Int { 12 }

    static let spec: SwaggerSpec? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/argo-fixtures/swagger.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return SwaggerSpec(data: data)
    }()

    func spec() throws -> SwaggerSpec { try XCTUnwrap(DemoSpecTests.spec, "swagger.json beside the repository") }

    func fetch(_ path: String, method: String = "GET", body: String? = nil) throws -> (Int, Any) {
        let done = expectation(description: path)
        let box = Box<Result<HTTPResponse, TransportFailure>>()
        client.transport.send(HTTPRequest(method: method, path: path, body: body)) { result in
            box.value = result
            done.fulfill()
        }
        wait(for: [done], timeout: 30)
        let response = try box.value!.get()
        return (response.status, try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]))
    }

    /// The first messages of a stream (newline-delimited JSON), taken for `seconds`.
    func streamMessages(_ path: String, seconds: Double = 1) throws -> [Any] {
        let bytes = Box<Data>()
        bytes.value = Data()
        let lock = NSLock()
        let handle = client.transport.stream(HTTPRequest(path: path), onPart: { part in
            if case .body(let data) = part { lock.withLock { bytes.value! += data } }
        }, completion: { _ in })
        Thread.sleep(forTimeInterval: seconds)
        handle.cancel()
        let text = lock.withLock { bytes.value! }
        return try text.split(separator: 10).map { try JSONSerialization.jsonObject(with: Data($0)) }
    }

    func assertConforms(_ value: Any, _ schema: [String: Any], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let problems = try spec().problems(value, schema: schema, at: what)
        XCTAssertEqual(problems, [], "\(what) departs from the spec", file: file, line: line)
    }

    func testListGetAndCronAnswersHaveTheDocumentedShapes() throws {
        let spec = try spec()
        let (status, list) = try fetch("/api/v1/workflows/argo?listOptions.limit=5")
        XCTAssertEqual(status, 200)
        try assertConforms(list, try spec.okSchema(path: "/api/v1/workflows/{namespace}"), "list")
        let items = try XCTUnwrap((list as? [String: Any])?["items"] as? [Any])
        XCTAssertEqual(items.count, 5)

        // Every workflow of the cluster, whole (nodes, outputs, synchronization, children of all kinds).
        // Every namespace's (DAGs, steps, fan-outs, container sets, HTTP steps, mutexes).
        let namespaces = Set(server.cluster.workflows.compactMap { $0["metadata"]?["namespace"]?.stringValue })
        XCTAssertEqual(namespaces, Set(["argo"] + DemoCluster.otherNamespaces))
        for workflow in server.cluster.workflows {
            let name = workflow["metadata"]?["name"]?.stringValue ?? "", ns = workflow["metadata"]?["namespace"]?.stringValue ?? ""
            let (status, workflow) = try fetch("/api/v1/workflows/\(ns)/\(name)")
            XCTAssertEqual(status, 200, name)
            try assertConforms(workflow, try spec.okSchema(path: "/api/v1/workflows/{namespace}/{name}"), name)
        }

        let (cronStatus, crons) = try fetch("/api/v1/cron-workflows/argo")
        XCTAssertEqual(cronStatus, 200)
        try assertConforms(crons, try spec.okSchema(path: "/api/v1/cron-workflows/{namespace}"), "cron list")
        XCTAssertFalse(((crons as? [String: Any])?["items"] as? [Any] ?? []).isEmpty)
    }

    func testAboutAnswersAndErrorsHaveTheDocumentedShapes() throws {
        let spec = try spec()
        for path in ["/api/v1/info", "/api/v1/version", "/api/v1/userinfo"] {
            let (status, body) = try fetch(path)
            XCTAssertEqual(status, 200, path)
            try assertConforms(body, try spec.okSchema(path: path), path)
        }
        let (status, error) = try fetch("/api/v1/workflows/argo/no-such-workflow")
        XCTAssertEqual(status, 404)
        try assertConforms(error, try spec.schema(ref: "#/definitions/grpc.gateway.runtime.Error"), "404")
        XCTAssertEqual((error as? [String: Any])?["code"] as? Int, 5)
    }

    func testStreamMessagesHaveTheDocumentedShapes() throws {
        let spec = try spec()
        let events = try streamMessages("/api/v1/workflow-events/argo")
        XCTAssertEqual(events.count, server.cluster.workflows(inNamespace: "argo").count, "one ADDED message a workflow")
        for event in events {
            try assertConforms(event, try spec.okSchema(path: "/api/v1/workflow-events/{namespace}"), "watch message")
        }
        // A failed step's pod (the log of a finished container ends by itself).
        let (_, whole) = try fetch("/api/v1/workflows/argo/db-auditing-x7k2p")
        let workflow = try JSONDecoder().decode(Workflow.self, from: JSONSerialization.data(withJSONObject: whole))
        let failed = try XCTUnwrap(workflow.status?.nodes?.values.first { $0.type == "Pod" && $0.phase == "Failed" })
        let pod = try XCTUnwrap(workflow.podName(of: failed))
        let logs = try streamMessages("/api/v1/workflows/argo/db-auditing-x7k2p/log?podName=\(pod)&logOptions.container=main")
        XCTAssertFalse(logs.isEmpty, "the workflow's pods have lines")
        for message in logs {
            try assertConforms(message, try spec.okSchema(path: "/api/v1/workflows/{namespace}/{name}/log"), "log message")
        }
    }

    func testArchiveTemplatesAndActionsHaveTheDocumentedShapes() throws {
        let spec = try spec()
        let (status, archive) = try fetch("/api/v1/archived-workflows?namespace=argo&listOptions.limit=5")
        XCTAssertEqual(status, 200)
        try assertConforms(archive, try spec.okSchema(path: "/api/v1/archived-workflows"), "archive")
        let items = try XCTUnwrap((archive as? [String: Any])?["items"] as? [[String: Any]])
        XCTAssertFalse(items.isEmpty)
        let uid = try XCTUnwrap((items[0]["metadata"] as? [String: Any])?["uid"] as? String)
        let (oneStatus, one) = try fetch("/api/v1/archived-workflows/\(uid)?namespace=argo")
        XCTAssertEqual(oneStatus, 200)
        try assertConforms(one, try spec.okSchema(path: "/api/v1/archived-workflows/{uid}"), "archived workflow")

        let (templatesStatus, templates) = try fetch("/api/v1/workflow-templates/argo")
        XCTAssertEqual(templatesStatus, 200)
        try assertConforms(templates, try spec.okSchema(path: "/api/v1/workflow-templates/{namespace}"), "templates")

        // An action answers with the workflow as it now is.
        let (retryStatus, retried) = try fetch(
            "/api/v1/workflows/argo/db-auditing-x7k2p/retry", method: "PUT", body: #"{"name":"db-auditing-x7k2p","namespace":"argo"}"#)
        XCTAssertEqual(retryStatus, 200)
        try assertConforms(retried, try spec.okSchema(path: "/api/v1/workflows/{namespace}/{name}/retry", method: "put"), "retry")
        XCTAssertEqual(((retried as? [String: Any])?["metadata"] as? [String: Any])?["name"] as? String, "db-auditing-x7k2p")
    }

    /// `fields` keeps what it names (and the ancestors on the way), or, with a leading `-`, leaves out what it
    /// names, as Argo's util/fields does; on lists it applies to the whole answer (`items.` prefixes).
    func testFieldsIncludeAndExcludeAsArgoDoes() throws {
        let (_, kept) = try fetch("/api/v1/workflows/argo/db-auditing-x7k2p?fields=metadata.name,status.phase")
        let object = try XCTUnwrap(kept as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["metadata", "status"])
        XCTAssertEqual(Set((object["metadata"] as? [String: Any] ?? [:]).keys), ["name"])
        XCTAssertEqual((object["status"] as? [String: Any])?.count, 1)
        XCTAssertEqual((object["status"] as? [String: Any])?["phase"] as? String, "Failed")

        let (_, whole) = try fetch("/api/v1/workflows/argo/db-auditing-x7k2p")
        let (_, lighter) = try fetch("/api/v1/workflows/argo/db-auditing-x7k2p?fields=-status.nodes")
        let full = try XCTUnwrap((whole as? [String: Any])?["status"] as? [String: Any])
        let trimmed = try XCTUnwrap((lighter as? [String: Any])?["status"] as? [String: Any])
        XCTAssertNotNil(full["nodes"])
        XCTAssertNil(trimmed["nodes"])
        XCTAssertEqual(Set(full.keys).subtracting(["nodes"]), Set(trimmed.keys), "only the nodes are left out")

        let (_, list) = try fetch("/api/v1/workflows/argo?listOptions.limit=3&fields=metadata.continue,items.metadata.name")
        let items = try XCTUnwrap((list as? [String: Any])?["items"] as? [[String: Any]])
        XCTAssertEqual(items.count, 3)
        for item in items {
            XCTAssertEqual(Set(item.keys), ["metadata"])
            XCTAssertEqual(Set((item["metadata"] as? [String: Any] ?? [:]).keys), ["name"])
        }
    }

    /// The checker agrees with Argo itself: the real Workflow objects from Argo's tests pass it.
    func testRealWorkflowsConform() throws {
        let spec = try spec()
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/argo-fixtures/real")
        // Objects the controller, the server and the CLI handled; the e2e test data are manifests as written by
        // hand, before the API server's validation (a label `argo-e2e: true`, arguments on templates).
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix("e2e-") }
        XCTAssertGreaterThan(files.count, 30)
        let schema = try spec.schema(ref: "#/definitions/io.argoproj.workflow.v1alpha1.Workflow")
        for file in files {
            let value = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(file)))
            XCTAssertEqual(spec.problems(value, schema: schema, at: file), [], file)
        }
    }

    /// The checker itself finds what departs: an unknown field, a wrong type, deep inside.
    func testTheCheckerCatchesDepartures() throws {
        let spec = try spec()
        let schema = try spec.okSchema(path: "/api/v1/workflows/{namespace}/{name}")
        let good: [String: Any] = ["metadata": ["name": "x", "labels": ["a": "b"]], "status": ["phase": "Running"]]
        XCTAssertEqual(spec.problems(good, schema: schema, at: "wf"), [])
        let unknown: [String: Any] = ["metadata": ["name": "x", "nickname": "y"]]
        XCTAssertEqual(spec.problems(unknown, schema: schema, at: "wf"), ["wf.metadata.nickname: not in the spec"])
        let wrongType: [String: Any] = ["status": ["nodes": ["n1": ["phase": 3]]]]
        XCTAssertEqual(spec.problems(wrongType, schema: schema, at: "wf"), ["wf.status.nodes.n1.phase: wants string, has 3"])
    }
}

/// Just enough of Swagger 2.0 to check an answer: `$ref`, objects with `properties` or `additionalProperties`,
/// arrays, and the scalar types (int64 may come as a number or, as grpc-gateway writes it, a string).
struct SwaggerSpec {
    let root: [String: Any]

    init?(data: Data) {
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        self.root = root
    }

    func schema(ref: String) throws -> [String: Any] {
        let name = String(ref.dropFirst("#/definitions/".count))
        return try XCTUnwrap((root["definitions"] as? [String: Any])?[name] as? [String: Any], "no definition \(name)")
    }

    /// The schema of a call's 200 answer.
    func okSchema(path: String, method: String = "get") throws -> [String: Any] {
        let paths = try XCTUnwrap(root["paths"] as? [String: Any])
        let get = try XCTUnwrap((paths[path] as? [String: Any])?[method] as? [String: Any], "no \(method) \(path)")
        let ok = try XCTUnwrap((get["responses"] as? [String: Any])?["200"] as? [String: Any])
        return try XCTUnwrap(ok["schema"] as? [String: Any])
    }

    /// JSONSerialization gives true and false as NSNumber of type `c` (char), numbers as `i`, `q` or `d`.
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    func problems(_ value: Any, schema: [String: Any], at path: String) -> [String] {
        var schema = schema
        var seen = 0
        var intOrString = false
        while let ref = schema["$ref"] as? String, seen < 20, let target = try? self.schema(ref: ref) {
            intOrString = intOrString || ref.hasSuffix(".IntOrString")
            schema = target
            seen += 1
        }
        func wrong(_ wanted: String) -> [String] { ["\(path): wants \(wanted), has \(value)"] }
        // Go writes a nil pointer and a zero time as null (`"finishedAt": null` while running).
        if value is NSNull { return [] }
        switch schema["type"] as? String {
        case "string":
            if value is String { return [] }
            // IntOrString (retry limits, deadlines, backoff factors) is written either way.
            if intOrString, let number = value as? NSNumber, !SwaggerSpec.isBoolean(number) { return [] }
            return wrong("string")
        case "integer", "number":
            if let number = value as? NSNumber, !SwaggerSpec.isBoolean(number) { return [] }
            if let text = value as? String, Double(text) != nil { return [] }
            return wrong("number")
        case "boolean":
            if let number = value as? NSNumber, SwaggerSpec.isBoolean(number) { return [] }
            return wrong("boolean")
        case "array":
            guard let array = value as? [Any] else { return wrong("array") }
            let items = schema["items"] as? [String: Any] ?? [:]
            return array.enumerated().flatMap { problems($1, schema: items, at: "\(path)[\($0)]") }
        default:
            guard let object = value as? [String: Any] else {
                // A schema with no type and no properties takes anything (JSON values, items).
                return schema["properties"] == nil && schema["additionalProperties"] == nil ? [] : wrong("object")
            }
            let properties = schema["properties"] as? [String: Any]
            let additional = schema["additionalProperties"] as? [String: Any]
            if properties == nil && additional == nil { return [] }
            return object.keys.sorted().flatMap { key -> [String] in
                if let property = properties?[key] as? [String: Any] {
                    return problems(object[key]!, schema: property, at: "\(path).\(key)")
                }
                if let additional { return problems(object[key]!, schema: additional, at: "\(path).\(key)") }
                return ["\(path).\(key): not in the spec"]
            }
        }
    }
}
