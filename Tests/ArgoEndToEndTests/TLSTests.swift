import ArgoDemo
import Foundation
import XCTest

/// TLS through the real binary in headless mode against a real TLS server on loopback: a small Python proxy
/// (standard library `ssl`) with certificates made by the `openssl` CLI, forwarding plain bytes to the demo
/// server in this process. Each failure must be told in words that say what is wrong and what to do.
final class TLSTests: XCTestCase {
    /// Certificates, keys and the proxy script, made once for the class.
    static var directory: String?
    static var demo: DemoServer?
    var proxy: Process?

    /// The first rows of the demo list: seen when the connection works.
    static let listRow = "weekly-report-q8m2z"

    override func setUpWithError() throws {
        if TLSTests.directory == nil {
            let directory = NSTemporaryDirectory() + "argotop-tls-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            TLSTests.directory = directory
            try TLSTests.makeCertificates(in: directory)
            try TLSTests.proxyScript.write(toFile: directory + "/proxy.py", atomically: true, encoding: .utf8)
        }
        if TLSTests.demo == nil {
            let server = DemoServer(cluster: DemoCluster(ordinary: 5))
            try server.start(port: 0)
            TLSTests.demo = server
        }
    }

    override func tearDown() {
        if let proxy, proxy.isRunning {
            proxy.terminate()
            proxy.waitUntilExit()
        }
        proxy = nil
    }

    override class func tearDown() {
        demo?.stop()
        demo = nil
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        directory = nil
    }

    // MARK: fixtures

    /// Runs a command to its end and fails with its standard error when it does not succeed.
    static func run(_ arguments: [String], in directory: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = directory + "/command.err"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        defer { try? errorHandle.close() }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw NSError(domain: "TLSTests", code: Int(process.terminationStatus), userInfo: [
                NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed: \(text)"
            ])
        }
    }

    /// A test CA; server certificates for 127.0.0.1 (good, expired in 2020) and for another name; a
    /// client certificate. EC keys: quick to make.
    static func makeCertificates(in directory: String) throws {
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(["openssl", "req", "-x509"] + newKey + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=argotop test CA"], in: directory)
        func request(_ name: String, extensions: String) throws {
            try run(["openssl", "req"] + newKey + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: directory)
            try extensions.write(toFile: directory + "/\(name).ext", atomically: true, encoding: .utf8)
        }
        func sign(_ name: String) throws {
            try run(["openssl", "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"], in: directory)
        }
        try request("server", extensions: "subjectAltName=IP:127.0.0.1\n")
        try sign("server")
        try request("wronghost", extensions: "subjectAltName=DNS:argo.example.com\n")
        try sign("wronghost")
        try request("client", extensions: "extendedKeyUsage=clientAuth\n")
        try sign("client")
        // OpenSSL 3.0's `x509 -req` cannot set dates in the past; `openssl ca` can.
        try request("expired", extensions: "subjectAltName=IP:127.0.0.1\n")
        try """
            [ca]
            default_ca = test_ca
            [test_ca]
            database = index.txt
            new_certs_dir = .
            serial = serial
            default_md = sha256
            policy = any
            unique_subject = no
            [any]
            commonName = supplied

            """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
        try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
        try run(["openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-in", "expired.csr",
                 "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-extfile", "expired.ext",
                 "-notext"], in: directory)
    }

    /// A TLS-terminating proxy: `proxy.py CERT KEY UPSTREAM_PORT PORT_FILE [CLIENT_CA]` listens on a free
    /// loopback port (written to PORT_FILE), requires a client certificate signed by CLIENT_CA when given,
    /// and forwards the plain bytes to the upstream port.
    static let proxyScript = #"""
        import os, socket, ssl, sys, threading

        cert, key, upstream, port_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
        client_ca = sys.argv[5] if len(sys.argv) > 5 else None

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        if client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(client_ca)

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        with open(port_file + ".tmp", "w") as f:
            f.write(str(listener.getsockname()[1]))
        os.rename(port_file + ".tmp", port_file)

        def pump(source, target):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for s in (source, target):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        def serve(raw):
            # A second descriptor keeps the connection open when a failed handshake closes the first.
            keeper = raw.dup()
            try:
                tls = context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError) as error:
                sys.stderr.write("handshake failed: %s\n" % error)
                # The alert is sent. Closing with the client's request unread would send a reset, which
                # can overtake the alert: read until the client closes first.
                try:
                    keeper.settimeout(2)
                    while keeper.recv(65536):
                        pass
                except OSError:
                    pass
                keeper.close()
                return
            keeper.close()
            try:
                plain = socket.create_connection(("127.0.0.1", upstream))
            except OSError:
                tls.close()
                return
            threading.Thread(target=pump, args=(plain, tls), daemon=True).start()
            pump(tls, plain)

        while True:
            connection, _ = listener.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """#

    /// Starts the proxy with the named certificate (`server`, `expired`, `wronghost`) and returns its URL.
    func startProxy(certificate name: String, requireClientCertificate: Bool = false) throws -> String {
        let directory = try XCTUnwrap(TLSTests.directory)
        let demoPort = try XCTUnwrap(TLSTests.demo?.url.split(separator: ":").last.map(String.init))
        let portFile = directory + "/port-\(UUID().uuidString)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", directory + "/proxy.py", "\(directory)/\(name).pem", "\(directory)/\(name).key", demoPort, portFile]
            + (requireClientCertificate ? [directory + "/ca.pem"] : [])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        proxy = process
        let deadline = Date(timeIntervalSinceNow: 10)
        while !FileManager.default.fileExists(atPath: portFile) {
            guard process.isRunning, Date() < deadline else {
                XCTFail("the TLS proxy did not start")
                throw NSError(domain: "TLSTests", code: 1)
            }
            usleep(20_000)
        }
        let port = try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return "https://127.0.0.1:\(port)"
    }

    struct Run {
        var screen: String
        var state: [String: Any]
        var error: String { state["error"] as? String ?? "" }
        /// The screen as one line: the status line is cut at the width, not wrapped.
        var flatScreen: String { screen.replacingOccurrences(of: "\n", with: " ") }
    }

    /// `argotop --server URL -n argo --headless` with TLS flags naming files of the fixture directory.
    func argotop(_ server: String, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let directory = try XCTUnwrap(TLSTests.directory)
        let stateFile = directory + "/state-\(UUID().uuidString).json"
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ARGO_") }
        environment["ARGOTOP_STALL_SECONDS"] = "3"
        let arguments = ["--server", server, "-n", "argo", "--headless", "--size", "120x40", "--keys", "", "--state-file", stateFile]
            + extra.map { $0.hasSuffix(".pem") || $0.hasSuffix(".key") ? directory + "/" + $0 : $0 }
        let output = try Harness.run(Harness.binary, arguments, environment: environment, timeout: 20)
        XCTAssertEqual(output.status, 0, output.stderr, file: file, line: line)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateFile))) as? [String: Any] ?? [:]
        return Run(screen: output.stdout, state: state)
    }

    func assertSays(_ r: Run, onScreen: [String], inState: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
        for words in onScreen + inState {
            XCTAssertTrue(r.error.contains(words), "state error lacks \"\(words)\": \(r.error)", file: file, line: line)
        }
        for words in onScreen {
            XCTAssertTrue(r.flatScreen.contains(words), "screen lacks \"\(words)\":\n\(r.screen)", file: file, line: line)
        }
        XCTAssertFalse(r.screen.contains(TLSTests.listRow), "the list shows although TLS failed:\n\(r.screen)", file: file, line: line)
    }

    func assertListShows(_ r: Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.screen.contains(TLSTests.listRow), r.screen, file: file, line: line)
        XCTAssertTrue(r.state["error"] is NSNull, r.error, file: file, line: line)
    }

    // MARK: server certificates

    func testUnknownCAIsNotTrustedAndSaysToGiveTheCAFile() throws {
        let r = try argotop(try startProxy(certificate: "server"))
        assertSays(r, onScreen: ["certificate not trusted", "--ca-file"], inState: [
            "give --ca-file with the cluster's CA, or --insecure-skip-verify to skip checking (not recommended)"
        ])
    }

    func testCAFileMakesTheListShow() throws {
        let r = try argotop(try startProxy(certificate: "server"), ["--ca-file", "ca.pem"])
        assertListShows(r)
        XCTAssertFalse(r.screen.contains("TLS NOT VERIFIED"), r.screen)
    }

    func testExpiredCertificateSaysExpired() throws {
        let r = try argotop(try startProxy(certificate: "expired"), ["--ca-file", "ca.pem"])
        assertSays(r, onScreen: ["certificate expired"], inState: ["needs a new one"])
        XCTAssertFalse(r.error.contains("not trusted"), r.error)
    }

    func testWrongHostNameSaysTheNameDoesNotMatch() throws {
        let r = try argotop(try startProxy(certificate: "wronghost"), ["--ca-file", "ca.pem"])
        assertSays(r, onScreen: ["certificate host name does not match"], inState: ["--insecure-skip-verify"])
        XCTAssertFalse(r.error.contains("expired") || r.error.contains("not trusted"), r.error)
    }

    func testInsecureSkipVerifyShowsTheListWithAWarningInTheTopLine() throws {
        let r = try argotop(try startProxy(certificate: "server"), ["--insecure-skip-verify"])
        assertListShows(r)
        let top = r.screen.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        XCTAssertTrue(top.contains("TLS NOT VERIFIED"), top)
    }

    // MARK: client certificates

    func testServerAskingForAClientCertificateSaysSo() throws {
        let r = try argotop(try startProxy(certificate: "server", requireClientCertificate: true), ["--ca-file", "ca.pem"])
        assertSays(r, onScreen: ["client certificate required"], inState: ["give --client-cert and --client-key"])
    }

    func testClientCertificateMakesTheListShow() throws {
        let r = try argotop(
            try startProxy(certificate: "server", requireClientCertificate: true),
            ["--ca-file", "ca.pem", "--client-cert", "client.pem", "--client-key", "client.key"])
        assertListShows(r)
    }

    func testUnreadableCAFileIsAUsageError() throws {
        let output = try Harness.run(Harness.binary, ["--server", "https://127.0.0.1:1", "--ca-file", "/nonexistent/ca.pem", "--headless"])
        XCTAssertEqual(output.status, 2)
        XCTAssertTrue(output.stderr.contains("--ca-file: cannot read /nonexistent/ca.pem"), output.stderr)
    }
}

/// `--debug FILE` through the real binary.
final class DebugLogTests: XCTestCase {
    func testDebugFileHasOneJSONLinePerTransferWithoutSecretsOrQueries() throws {
        let file = NSTemporaryDirectory() + "argotop-debug-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: file) }
        // Open the first workflow of the list: a list, then a get (and watches, which end at quit).
        let run = try Harness.headless(size: "120x40", keys: "<Enter>", extra: ["--debug", file, "--token", "s3cr3t-value"])
        XCTAssertEqual(run.state["view"] as? String, "workflow", run.screen)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertFalse(text.contains("s3cr3t"), "the token leaked into the debug file")
        XCTAssertFalse(text.contains("Bearer"), "an Authorization header leaked into the debug file")
        XCTAssertFalse(text.contains("?"), "a query leaked into the debug file")
        XCTAssertTrue(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertGreaterThanOrEqual(lines.count, 2)
        var endpoints: [String] = []
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
            XCTAssertEqual(
                Set(object.keys),
                ["time", "endpoint", "method", "path", "query_keys", "status", "error", "connection", "time_to_headers_ms", "total_ms", "bytes"],
                String(line))
            let time = try XCTUnwrap(object["time"] as? String)
            XCTAssertNotNil(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"#, options: .regularExpression), time)
            XCTAssertTrue(["list", "get", "watch", "log", "artifact", "other"].contains(object["endpoint"] as? String ?? ""), String(line))
            XCTAssertEqual(object["method"] as? String, "GET")
            XCTAssertTrue((object["path"] as? String ?? "").hasPrefix("/api/v1/"), String(line))
            XCTAssertNotNil(object["query_keys"] as? [String], String(line))
            XCTAssertTrue(object["status"] is NSNull || object["status"] is Int, String(line))
            XCTAssertTrue(object["error"] is NSNull || object["error"] is String, String(line))
            XCTAssertTrue(["new", "reused"].contains(object["connection"] as? String ?? ""), String(line))
            for key in ["time_to_headers_ms", "total_ms"] {
                let value = try XCTUnwrap((object[key] as? Double) ?? (object[key] as? Int).map(Double.init), "\(key) in \(line)")
                XCTAssertGreaterThanOrEqual(value, 0)
            }
            XCTAssertNotNil(object["bytes"] as? Int, String(line))
            endpoints.append(object["endpoint"] as? String ?? "")
        }
        let list = try XCTUnwrap(lines.first { $0.contains(#""endpoint":"list""#) })
        XCTAssertTrue(list.contains(#""status":200"#), String(list))
        XCTAssertTrue(list.contains(#""query_keys":["listOptions.limit","fields"]"#), String(list))
        XCTAssertTrue(list.contains(#""connection":"new""#), String(list))
        let get = try XCTUnwrap(lines.first { $0.contains(#""endpoint":"get""#) }, "no get line in:\n\(text)")
        XCTAssertTrue(get.contains(#""path":"/api/v1/workflows/argo/weekly-report-q8m2z""#), String(get))
        XCTAssertTrue(endpoints.contains("watch"), "streams get a line when they end: \(endpoints)")
    }
}

/// `--version` through the real binary.
final class VersionTests: XCTestCase {
    func testVersionPrintsTheVersionAndExits() throws {
        let output = try Harness.run(Harness.binary, ["--version"])
        XCTAssertEqual(output.status, 0)
        XCTAssertNotNil(output.stdout.range(of: #"^argotop \d+\.\d+\.\d+(-[a-z0-9.]+)?\n$"#, options: .regularExpression), output.stdout)
        let help = try Harness.run(Harness.binary, ["--help"])
        for flag in ["--version", "--debug <file>", "--ca-file <path>", "--client-cert <path>", "--client-key <path>"] {
            XCTAssertTrue(help.stdout.contains(flag), "usage lacks \(flag)")
        }
    }
}
