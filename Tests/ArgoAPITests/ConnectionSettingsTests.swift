import XCTest

@testable import ArgoAPI

final class ConnectionSettingsTests: XCTestCase {
    func resolve(_ flags: ConnectionSettings.Flags, _ env: [String: String]) throws -> ConnectionSettings {
        try ConnectionSettings.resolve(flags: flags, environment: env)
    }

    func resolve(_ env: [String: String]) throws -> ConnectionSettings {
        try ConnectionSettings.resolve(flags: .init(), environment: env)
    }

    func testServerFlagWinsOverEnvironment() throws {
        var flags = ConnectionSettings.Flags()
        flags.server = "http://127.0.0.1:2746/"
        let s = try resolve(flags, ["ARGO_SERVER": "argo.example.com:443"])
        XCTAssertEqual(s.baseURL, "http://127.0.0.1:2746")
    }

    func testArgoServerIsHostPortWithTLSUnlessSecureFalse() throws {
        XCTAssertEqual(try resolve(["ARGO_SERVER": "argo.example.com:2746"]).baseURL, "https://argo.example.com:2746")
        XCTAssertEqual(try resolve(["ARGO_SERVER": "localhost:2746", "ARGO_SECURE": "false"]).baseURL, "http://localhost:2746")
        XCTAssertEqual(
            try resolve(["ARGO_SERVER": "proxy:443", "ARGO_BASE_HREF": "argo/"]).baseURL, "https://proxy:443/argo")
    }

    func testTokenWithOrWithoutBearerPrefix() throws {
        XCTAssertEqual(try resolve(["ARGO_SERVER": "h:1", "ARGO_TOKEN": "abc"]).authorization, "Bearer abc")
        XCTAssertEqual(try resolve(["ARGO_SERVER": "h:1", "ARGO_TOKEN": "Bearer abc"]).authorization, "Bearer abc")
        var flags = ConnectionSettings.Flags()
        flags.token = "xyz"
        XCTAssertEqual(try resolve(flags, ["ARGO_SERVER": "h:1", "ARGO_TOKEN": "abc"]).authorization, "Bearer xyz")
        XCTAssertNil(try resolve(["ARGO_SERVER": "h:1"]).authorization)
    }

    func testNamespaceOrder() throws {
        XCTAssertEqual(try resolve(["ARGO_SERVER": "h:1"]).namespace, "default")
        XCTAssertEqual(try resolve(["ARGO_SERVER": "h:1", "ARGO_NAMESPACE": "argo"]).namespace, "argo")
        var flags = ConnectionSettings.Flags()
        flags.namespace = "team"
        XCTAssertEqual(try resolve(flags, ["ARGO_SERVER": "h:1", "ARGO_NAMESPACE": "argo"]).namespace, "team")
        flags.allNamespaces = true
        XCTAssertEqual(try resolve(flags, ["ARGO_SERVER": "h:1"]).namespace, "")
    }

    func testInsecureOnlyWhenAsked() throws {
        XCTAssertFalse(try resolve(["ARGO_SERVER": "h:1"]).insecureSkipVerify)
        XCTAssertTrue(try resolve(["ARGO_SERVER": "h:1", "ARGO_INSECURE_SKIP_VERIFY": "true"]).insecureSkipVerify)
    }

    func testNoServerIsAClearError() {
        XCTAssertThrowsError(try resolve([:])) { error in
            XCTAssertTrue("\(error)".contains("--server"))
        }
        var flags = ConnectionSettings.Flags()
        flags.server = "127.0.0.1:2746"
        XCTAssertThrowsError(try resolve(flags, [:]))
    }

    func testDisplayServerHidesCredentials() throws {
        var flags = ConnectionSettings.Flags()
        flags.server = "https://user:secret@argo.example.com"
        XCTAssertEqual(try resolve(flags, [:]).displayServer, "https://argo.example.com")
    }

    func testTimestamps() {
        XCTAssertEqual(Timestamp(rfc3339: "1970-01-01T00:00:00Z")?.seconds, 0)
        XCTAssertEqual(Timestamp(rfc3339: "2026-11-28T12:00:00Z")?.seconds, 1_795_867_200)
        XCTAssertEqual(Timestamp(rfc3339: "2026-11-28T13:00:00+01:00")?.seconds, 1_795_867_200)
        XCTAssertEqual(Timestamp(rfc3339: "2020-06-02T16:04:21.5Z")?.seconds, 1_591_113_861.5)
        XCTAssertNil(Timestamp(rfc3339: "yesterday"))
        XCTAssertEqual(Timestamp(seconds: 1_795_867_200).rfc3339, "2026-11-28T12:00:00Z")
    }

    func testListQueryNeverAsksForNodes() {
        let path = Endpoints.listWorkflows(namespace: "argo", limit: 50, continueToken: "100")
        XCTAssertTrue(path.hasPrefix("/api/v1/workflows/argo?"))
        XCTAssertTrue(path.contains("listOptions.limit=50"))
        XCTAssertTrue(path.contains("listOptions.continue=100"))
        XCTAssertFalse(path.contains("nodes"))
        XCTAssertFalse(path.contains("fields=-"), "the list names what it wants instead of excluding")
    }
}

final class HTTP1SettingTests: XCTestCase {
    func testARGO_HTTP1AsksForHTTP11Only() throws {
        let on = try ConnectionSettings.resolve(flags: .init(), environment: ["ARGO_SERVER": "argo:2746", "ARGO_HTTP1": "true"])
        XCTAssertTrue(on.http1Only)
        let off = try ConnectionSettings.resolve(flags: .init(), environment: ["ARGO_SERVER": "argo:2746"])
        XCTAssertFalse(off.http1Only)
    }
}
