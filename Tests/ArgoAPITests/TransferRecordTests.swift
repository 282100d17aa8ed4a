import XCTest

@testable import ArgoAPI

/// The `--debug` line: endpoints named by path, query keys without values, fixed key order.
final class TransferRecordTests: XCTestCase {
    func testEndpointNamesFollowThePath() {
        let cases = [
            ("/api/v1/workflows/argo", "list"), ("/api/v1/workflows/", "list"), ("/api/v1/workflows/argo/wf-1", "get"),
            ("/api/v1/workflows/argo/wf-1/log", "log"), ("/api/v1/workflow-events/argo", "watch"),
            ("/artifact-files/argo/workflows/wf-1/node/outputs/main-logs", "artifact"),
            ("/api/v1/workflows/argo/wf-1/retry", "other"), ("/api/v1/info", "other"),
        ]
        for (path, endpoint) in cases { XCTAssertEqual(TransferRecord.endpoint(ofPath: path), endpoint, path) }
    }

    func testQueryKeepsOnlyItsKeys() {
        let (path, keys) = TransferRecord.split("/api/v1/workflows/argo?listOptions.limit=50&fields=a%2Cb&listOptions.continue=s3cr3t&flag")
        XCTAssertEqual(path, "/api/v1/workflows/argo")
        XCTAssertEqual(keys, ["listOptions.limit", "fields", "listOptions.continue", "flag"])
    }

    func testJSONLineHasTheFieldsInOrderAndNullsForWhatIsMissing() {
        let record = TransferRecord(
            time: 1_795_867_200.25, method: "GET", basePath: "/argo", requestPath: "/api/v1/workflows/argo/wf-1?fields=x",
            status: nil, error: "tls untrusted: \"quoted\"\n", connection: "new", timeToHeadersMs: 0, totalMs: 12.345, bytes: 0)
        XCTAssertEqual(
            record.jsonLine,
            #"{"time":"2026-11-28T12:00:00.250Z","endpoint":"get","method":"GET","path":"/argo/api/v1/workflows/argo/wf-1","query_keys":["fields"],"status":null,"error":"tls untrusted: \"quoted\"\n","connection":"new","time_to_headers_ms":0.0,"total_ms":12.3,"bytes":0}"#)
    }

    func testBasePathOfTheServerURL() {
        XCTAssertEqual(CurlTransport.path(of: "https://user:pw@argo.example.com:2746/argo/"), "/argo")
        XCTAssertEqual(CurlTransport.path(of: "http://127.0.0.1:2746"), "")
    }
}
