import ArgoAPI
import Foundation
import XCTest

@testable import ArgoKube

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }
}

final class KubeConfigTests: XCTestCase {
    var dir = ""
    var secrets: KubeSecretFiles!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "kubeconfig-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        secrets = KubeSecretFiles(parent: dir)
    }

    override func tearDownWithError() throws {
        secrets.removeAll()
        try? FileManager.default.removeItem(atPath: dir)
    }

    // MARK: - Helpers

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws -> String {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(chmod(path, mode_t(mode)), 0)
        return path
    }

    func load(_ paths: String...) throws -> KubeConfig {
        var config = try KubeConfig.load(paths: paths)
        config.secretFiles = secrets
        config.credentialCache = KubeCredentialCache()
        config.environment = ["PATH": "/usr/bin:/bin"]
        return config
    }

    func error(_ body: () throws -> Any) -> KubeConfigError? {
        do {
            _ = try body()
            XCTFail("expected an error")
            return nil
        } catch let error as KubeConfigError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func mode(_ path: String) -> Int {
        var info = stat()
        XCTAssertEqual(stat(path, &info), 0, path)
        return Int(info.st_mode & 0o777)
    }

    func b64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// A kubeconfig with one context per cluster/user pair.
    func simple(server: String = "https://k8s.example.com:6443", user: String = "token: abc", namespace: String? = nil)
        -> String
    {
        """
        apiVersion: v1
        kind: Config
        current-context: main
        clusters:
        - name: c
          cluster:
            server: \(server)
        users:
        - name: u
          user:
            \(user)
        contexts:
        - name: main
          context:
            cluster: c
            user: u
        \(namespace.map { "    namespace: \($0)" } ?? "")
        """
    }

    // MARK: - Reading and merging

    /// Yams takes exponential time on an alias of a nested anchor used as a key: the read gives up in words
    /// instead of hanging.
    func testAYAMLThatTakesTooLongToParseIsRefusedInTime() throws {
        var yaml = "l0: &l0 [x, x]\n"
        for level in 1...8 { yaml += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 6).joined(separator: ", ") + "]\n" }
        yaml += "? *l8\n: boom\n"
        let saved = KubeConfig.parseSeconds
        KubeConfig.parseSeconds = 0.2
        defer { KubeConfig.parseSeconds = saved }
        let started = Date()
        XCTAssertThrowsError(try KubeConfig.parse(data: Data(yaml.utf8), file: "bomb.yaml")) { error in
            XCTAssertTrue("\(error)".contains("takes more than"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        // A real kubeconfig is far below the limit.
        XCTAssertNoThrow(try KubeConfig.parse(data: Data("apiVersion: v1\nkind: Config\nclusters: []\n".utf8), file: "ok.yaml"))
    }

    func testMergeFirstFileWinsForNamesAndCurrentContext() throws {
        let a = try write(
            "a.yaml",
            """
            current-context: ctx-a
            clusters:
            - name: shared
              cluster: {server: "https://a.example.com"}
            users:
            - name: ua
              user: {token: ta}
            contexts:
            - name: ctx-a
              context: {cluster: shared, user: ua}
            - name: both
              context: {cluster: shared, user: ua, namespace: from-a}
            """)
        let b = try write(
            "b.yaml",
            """
            current-context: ctx-b
            clusters:
            - name: shared
              cluster: {server: "https://b.example.com"}
            - name: only-b
              cluster: {server: "https://only-b.example.com"}
            users:
            - name: ua
              user: {token: tb}
            contexts:
            - name: ctx-b
              context: {cluster: only-b, user: ua}
            - name: both
              context: {cluster: only-b, user: ua, namespace: from-b}
            """)
        let ab = try load(a, b)
        XCTAssertEqual(ab.currentContext, "ctx-a")
        XCTAssertEqual(ab.clusters["shared"]?.server, "https://a.example.com")
        XCTAssertEqual(ab.clusters["only-b"]?.server, "https://only-b.example.com")
        XCTAssertEqual(ab.users["ua"]?.token, "ta")
        XCTAssertEqual(ab.contexts["both"]?.namespace, "from-a")
        XCTAssertEqual(ab.contextNames, ["both", "ctx-a", "ctx-b"])
        XCTAssertEqual(ab.files, [a, b])
        // A context from the second file resolves with names the first file won.
        let fromB = try ab.resolve(context: "ctx-b", namespaceOverride: nil)
        XCTAssertEqual(fromB.server, "https://only-b.example.com")
        XCTAssertEqual(fromB.authorization, "Bearer ta")

        let ba = try load(b, a)
        XCTAssertEqual(ba.currentContext, "ctx-b")
        XCTAssertEqual(ba.clusters["shared"]?.server, "https://b.example.com")
        XCTAssertEqual(ba.contexts["both"]?.namespace, "from-b")
    }

    func testCurrentContextFromTheFirstFileThatSetsIt() throws {
        let none = try write("none.yaml", "clusters: []\nusers: null\ncontexts:\n")
        let some = try write("some.yaml", simple())
        XCTAssertEqual(try load(none, some).currentContext, "main")
        XCTAssertNil(try load(none).currentContext)
    }

    func testMissingFilesAreSkippedButNoneAtAllIsAnError() throws {
        let real = try write("config", simple())
        let config = try load(dir + "/missing-1", real, dir + "/missing-2")
        XCTAssertEqual(config.files, [real])
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).server, "https://k8s.example.com:6443")

        let err = error { try KubeConfig.load(paths: [dir + "/nope"]) }
        XCTAssertEqual(err, .noKubeconfig(paths: [dir + "/nope"]))
        XCTAssertEqual(err?.description, "no kubeconfig: \(dir)/nope does not exist")
    }

    func testWhichFilesFlagThenKubeconfigListThenHome() {
        XCTAssertEqual(
            KubeConfig.paths(kubeconfigFlag: "/x/flag", environment: ["KUBECONFIG": "/a:/b", "HOME": "/h"]), ["/x/flag"])
        XCTAssertEqual(
            KubeConfig.paths(kubeconfigFlag: nil, environment: ["KUBECONFIG": "/a::/b:/a", "HOME": "/h"]), ["/a", "/b"])
        XCTAssertEqual(KubeConfig.paths(kubeconfigFlag: "", environment: ["KUBECONFIG": "", "HOME": "/h/"]), ["/h/.kube/config"])
        XCTAssertEqual(KubeConfig.paths(kubeconfigFlag: nil, environment: ["HOME": "/home/me"]), ["/home/me/.kube/config"])
    }

    func testLoadFromFlagAndEnvironment() throws {
        let one = try write("one.yaml", simple(server: "https://one"))
        let two = try write("two.yaml", simple(server: "https://two"))
        let env = ["KUBECONFIG": "\(dir)/missing:\(two):\(one)", "HOME": dir]
        XCTAssertEqual(try KubeConfig.load(kubeconfigFlag: nil, environment: env).clusters["c"]?.server, "https://two")
        XCTAssertEqual(try KubeConfig.load(kubeconfigFlag: one, environment: env).clusters["c"]?.server, "https://one")
        XCTAssertEqual(
            error { try KubeConfig.load(kubeconfigFlag: dir + "/gone", environment: env) },
            .noKubeconfig(paths: [dir + "/gone"]))
        try write(".kube/config", simple(server: "https://home"))
        XCTAssertEqual(
            try KubeConfig.load(kubeconfigFlag: nil, environment: ["HOME": dir]).clusters["c"]?.server, "https://home")
    }

    func testUnknownKeysAreIgnored() throws {
        let path = try write(
            "config",
            """
            apiVersion: v1
            kind: Config
            preferences: {colors: true}
            extensions: [{name: x, extension: {a: 1}}]
            current-context: main
            clusters:
            - name: c
              cluster:
                server: https://k8s.example.com/
                proxy-url: http://proxy:3128
                tls-server-name: k8s
                extensions: [{name: y}]
            - cluster: {server: https://nameless}
            users:
            - name: u
              user:
                token: abc
                something-new: {deep: [1, 2]}
            contexts:
            - name: main
              context: {cluster: c, user: u, extensions: []}
            """)
        let endpoint = try load(path).resolve(context: nil, namespaceOverride: nil)
        XCTAssertEqual(endpoint.server, "https://k8s.example.com")
        XCTAssertEqual(endpoint.authorization, "Bearer abc")
    }

    func testInvalidYAMLNamesTheFileButNotItsContent() throws {
        let path = try write(
            "broken.yaml",
            """
            users:
            - name: u
              user:
                token: SUPERSECRETVALUE
               bad: [unclosed
            """)
        let err = error { try KubeConfig.load(paths: [path]) }
        guard case .invalidYAML(let file, let line, _, let problem)? = err else {
            return XCTFail("expected invalidYAML, got \(String(describing: err))")
        }
        XCTAssertEqual(file, path)
        XCTAssertNotNil(line)
        XCTAssertFalse(problem.isEmpty)
        let text = err?.description ?? ""
        XCTAssertTrue(text.contains(path), text)
        XCTAssertTrue(text.contains("not valid YAML"), text)
        XCTAssertFalse(text.contains("SUPERSECRETVALUE"), text)
        XCTAssertFalse(text.contains("unclosed"), text)

        // Tabs for indentation, a second document, bytes that are not UTF-8: all told, none quoted.
        let tabs = try write("tabs.yaml", "users:\n\t- name: SECRET1\n")
        XCTAssertFalse(error { try KubeConfig.load(paths: [tabs]) }?.description.contains("SECRET1") ?? true)
        let binary = dir + "/binary"
        try Data([0xff, 0xfe, 0x00, 0x41]).write(to: URL(fileURLWithPath: binary))
        XCTAssertEqual(error { try KubeConfig.load(paths: [binary]) }, .unreadable(file: binary, reason: "not UTF-8 text"))
    }

    func testShapesThatAreNotAKubeconfig() throws {
        let scalar = try write("scalar.yaml", "just text")
        XCTAssertEqual(
            error { try KubeConfig.load(paths: [scalar]) },
            .notAKubeconfig(file: scalar, reason: "the top level is not a mapping"))
        let clustersMap = try write("map.yaml", "clusters:\n  c: {server: x}\n")
        XCTAssertEqual(
            error { try KubeConfig.load(paths: [clustersMap]) },
            .notAKubeconfig(file: clustersMap, reason: "clusters is not a list"))
        let empty = try write("empty.yaml", "")
        XCTAssertEqual(try KubeConfig.load(paths: [empty]).contexts.count, 0)
        let directory = dir + "/adir"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        XCTAssertEqual(
            error { try KubeConfig.load(paths: [directory]) }, .unreadable(file: directory, reason: "not a regular file"))
    }

    // MARK: - Contexts

    func testContextSelectionAndErrorsInWords() throws {
        let path = try write(
            "config",
            """
            current-context: prod
            clusters:
            - {name: pc, cluster: {server: "https://prod"}}
            - {name: sc, cluster: {server: "https://staging"}}
            users:
            - {name: pu, user: {token: p}}
            contexts:
            - {name: prod, context: {cluster: pc, user: pu}}
            - {name: staging, context: {cluster: sc, user: pu}}
            - {name: ghost-cluster, context: {cluster: gone, user: pu}}
            - {name: ghost-user, context: {cluster: pc, user: nobody}}
            - {name: no-cluster, context: {user: pu}}
            - {name: anonymous, context: {cluster: sc}}
            """)
        let config = try load(path)
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).server, "https://prod")
        XCTAssertEqual(try config.resolve(context: "", namespaceOverride: nil).context, "prod")
        let staging = try config.resolve(context: "staging", namespaceOverride: nil)
        XCTAssertEqual(staging.server, "https://staging")
        XCTAssertEqual(staging.context, "staging")
        XCTAssertEqual(staging.cluster, "sc")
        XCTAssertEqual(staging.user, "pu")
        let anonymous = try config.resolve(context: "anonymous", namespaceOverride: nil)
        XCTAssertEqual(anonymous.credential, .none)
        XCTAssertNil(anonymous.authorization)

        let unknown = error { try config.resolve(context: "dev", namespaceOverride: nil) }
        XCTAssertEqual(
            unknown,
            .unknownContext("dev", known: ["anonymous", "ghost-cluster", "ghost-user", "no-cluster", "prod", "staging"]))
        XCTAssertEqual(
            unknown?.description,
            "no context named \"dev\" in the kubeconfig (known contexts: anonymous, ghost-cluster, ghost-user, "
                + "no-cluster, prod, staging)")
        let cluster = error { try config.resolve(context: "ghost-cluster", namespaceOverride: nil) }
        XCTAssertEqual(cluster, .missingCluster(context: "ghost-cluster", cluster: "gone"))
        XCTAssertEqual(
            cluster?.description, "context \"ghost-cluster\" names cluster \"gone\", which the kubeconfig does not define")
        let user = error { try config.resolve(context: "ghost-user", namespaceOverride: nil) }
        XCTAssertEqual(user, .missingUser(context: "ghost-user", user: "nobody"))
        XCTAssertEqual(user?.description, "context \"ghost-user\" names user \"nobody\", which the kubeconfig does not define")
        XCTAssertEqual(
            error { try config.resolve(context: "no-cluster", namespaceOverride: nil) },
            .missingCluster(context: "no-cluster", cluster: ""))

        var noCurrent = config
        noCurrent.currentContext = nil
        let none = error { try noCurrent.resolve(context: nil, namespaceOverride: nil) }
        XCTAssertEqual(
            none, .noCurrentContext(known: ["anonymous", "ghost-cluster", "ghost-user", "no-cluster", "prod", "staging"]))
        XCTAssertTrue(none?.description.contains("--context") ?? false)
        XCTAssertEqual(
            error { try KubeConfig().resolve(context: nil, namespaceOverride: nil) }?.description,
            "the kubeconfig sets no current-context: choose one with --context NAME (it defines no contexts)")
    }

    func testNamespaceFromContextDefaultOrOverride() throws {
        let with = try load(try write("with.yaml", simple(namespace: "argo")))
        XCTAssertEqual(try with.resolve(context: nil, namespaceOverride: nil).namespace, "argo")
        XCTAssertEqual(try with.resolve(context: nil, namespaceOverride: "team").namespace, "team")
        XCTAssertEqual(try with.resolve(context: nil, namespaceOverride: "").namespace, "")
        let without = try load(try write("without.yaml", simple()))
        XCTAssertEqual(try without.resolve(context: nil, namespaceOverride: nil).namespace, "default")
        XCTAssertEqual(try without.resolve(context: nil, namespaceOverride: "x").namespace, "x")
    }

    func testServerURLs() throws {
        func server(_ text: String) throws -> String {
            try load(try write("s.yaml", simple(server: text))).resolve(context: nil, namespaceOverride: nil).server
        }
        XCTAssertEqual(try server("https://k8s.example.com:6443///"), "https://k8s.example.com:6443")
        XCTAssertEqual(try server("http://127.0.0.1:8080/prefix/"), "http://127.0.0.1:8080/prefix")
        XCTAssertEqual(try server("localhost:6443"), "https://localhost:6443")
        XCTAssertEqual(
            error { try server("ftp://files") }, .invalidCluster(cluster: "c", reason: "its server is not an http or https URL"))
        XCTAssertEqual(error { try server("\"\"") }, .invalidCluster(cluster: "c", reason: "it has no server"))
        XCTAssertEqual(error { try server("https://") }, .invalidCluster(cluster: "c", reason: "its server URL has no host"))
    }

    // MARK: - TLS material

    func testRelativeCertificateAuthorityPathStartsFromTheKubeconfigDirectory() throws {
        let ca = try write("clusters/certs/ca.pem", "-----BEGIN CERTIFICATE-----\n")
        let config = try write(
            "clusters/config",
            """
            current-context: main
            clusters:
            - name: c
              cluster: {server: "https://k8s", certificate-authority: certs/ca.pem, insecure-skip-tls-verify: true}
            contexts: [{name: main, context: {cluster: c}}]
            """)
        let endpoint = try load(config).resolve(context: nil, namespaceOverride: nil)
        XCTAssertEqual(endpoint.caFile, ca)
        XCTAssertTrue(endpoint.insecureSkipTLSVerify)

        // The same file read through a relative KUBECONFIG entry still resolves against its own directory.
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        let relative = try KubeConfig.load(paths: ["clusters/config"])
        XCTAssertEqual(try relative.resolve(context: nil, namespaceOverride: nil).caFile, ca)

        // A CA file that is not there is told before any connection is tried.
        let missing = try write(
            "other/config",
            """
            current-context: main
            clusters: [{name: c, cluster: {server: "https://k8s", certificate-authority: ca.pem}}]
            contexts: [{name: main, context: {cluster: c}}]
            """)
        XCTAssertEqual(
            error { try load(missing).resolve(context: nil, namespaceOverride: nil) },
            .invalidCluster(cluster: "c", reason: "certificate-authority \(dir)/other/ca.pem does not exist or cannot be read"))
    }

    func testClientCertificateAndKeyPaths() throws {
        let cert = try write("pki/client.crt", "CERT")
        let key = try write("pki/client.key", "KEY", mode: 0o600)
        let path = try write(
            "config",
            simple(user: "{client-certificate: pki/client.crt, client-key: \(key)}"))
        let endpoint = try load(path).resolve(context: nil, namespaceOverride: nil)
        XCTAssertEqual(endpoint.clientCertFile, cert)
        XCTAssertEqual(endpoint.clientKeyFile, key)
        XCTAssertNil(endpoint.authorization)

        let onlyCert = try write("only.yaml", simple(user: "{client-certificate: pki/client.crt}"))
        XCTAssertEqual(
            error { try load(onlyCert).resolve(context: nil, namespaceOverride: nil) },
            .invalidUser(user: "u", reason: "client-certificate is set without client-key"))
    }

    func testDataFieldsGoToPrivateFilesThatRoundTrip() throws {
        let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB-ca\n-----END CERTIFICATE-----\n"
        let certPEM = "-----BEGIN CERTIFICATE-----\nMIIB-client\n-----END CERTIFICATE-----\n"
        let keyPEM = "-----BEGIN EC PRIVATE KEY-----\nMHcC-key\n-----END EC PRIVATE KEY-----\n"
        let path = try write(
            "config",
            """
            current-context: main
            clusters:
            - name: c
              cluster:
                server: https://k8s
                certificate-authority-data: \(b64(caPEM))
                certificate-authority: /ignored/when/data/is/given.pem
            users:
            - name: u
              user:
                client-certificate-data: \(b64(certPEM))
                client-key-data: \(b64(keyPEM))
            contexts: [{name: main, context: {cluster: c, user: u}}]
            """)
        let config = try load(path)
        let endpoint = try config.resolve(context: nil, namespaceOverride: nil)
        let files = [(endpoint.caFile, caPEM), (endpoint.clientCertFile, certPEM), (endpoint.clientKeyFile, keyPEM)]
        for (file, pem) in files {
            guard let file else { return XCTFail("a *-data field gave no file") }
            XCTAssertTrue(file.hasPrefix(dir + "/argotop-kube-"), file)
            XCTAssertEqual(mode(file), 0o600, file)
            XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), pem)
        }
        XCTAssertEqual(Set(files.map { $0.0 }).count, 3)
        let directory = try XCTUnwrap(secrets.directory)
        XCTAssertEqual(mode(directory), 0o700)

        // Resolving again reuses the files; removeAll deletes them.
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil), endpoint)
        secrets.removeAll()
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory))

        // Base64 wrapped over lines is fine; garbage is told without being quoted.
        let wrapped = b64(caPEM).enumerated().map { $0.offset % 20 == 19 ? "\($0.element)\n      " : "\($0.element)" }
            .joined()
        let wrappedPath = try write(
            "wrapped.yaml",
            simple().replacingOccurrences(
                of: "server: https://k8s.example.com:6443",
                with: "server: https://k8s.example.com:6443\n    certificate-authority-data: \(wrapped)"))
        let ca = try XCTUnwrap(try load(wrappedPath).resolve(context: nil, namespaceOverride: nil).caFile)
        XCTAssertEqual(try String(contentsOfFile: ca, encoding: .utf8), caPEM)
        let bad = try write("bad.yaml", simple(user: "{client-certificate-data: '!!not*base64', client-key-data: 'SECRETKEY%%'}"))
        let err = error { try load(bad).resolve(context: nil, namespaceOverride: nil) }
        XCTAssertEqual(err, .invalidUser(user: "u", reason: "client-certificate-data is not valid base64"))
        XCTAssertFalse(err?.description.contains("not*base64") ?? true)
    }

    // MARK: - Credentials

    func testTokenFileIsReadAndTrimmed() throws {
        try write("secrets/token", "  file-token-123\n")
        let path = try write("config", simple(user: "{tokenFile: secrets/token}"))
        XCTAssertEqual(try load(path).resolve(context: nil, namespaceOverride: nil).authorization, "Bearer file-token-123")

        // `token` wins over `tokenFile`.
        let both = try write("both.yaml", simple(user: "{token: inline, tokenFile: secrets/token}"))
        XCTAssertEqual(try load(both).resolve(context: nil, namespaceOverride: nil).authorization, "Bearer inline")

        let missing = try write("missing.yaml", simple(user: "{tokenFile: secrets/absent}"))
        XCTAssertEqual(
            error { try load(missing).resolve(context: nil, namespaceOverride: nil) },
            .invalidUser(user: "u", reason: "cannot read tokenFile \(dir)/secrets/absent: no such file"))
        try write("secrets/blank", "\n\n")
        let blank = try write("blank.yaml", simple(user: "{tokenFile: secrets/blank}"))
        XCTAssertEqual(
            error { try load(blank).resolve(context: nil, namespaceOverride: nil) },
            .invalidUser(user: "u", reason: "tokenFile \(dir)/secrets/blank is empty"))
        let device = try write("device.yaml", simple(user: "{tokenFile: /dev/zero}"))
        XCTAssertEqual(
            error { try load(device).resolve(context: nil, namespaceOverride: nil) },
            .invalidUser(user: "u", reason: "cannot read tokenFile /dev/zero: not a regular file"))
    }

    func testBasicAuth() throws {
        let path = try write("config", simple(user: "{username: alice, password: 's3cret:x'}"))
        let endpoint = try load(path).resolve(context: nil, namespaceOverride: nil)
        XCTAssertEqual(endpoint.credential, .basic(username: "alice", password: "s3cret:x"))
        XCTAssertEqual(endpoint.authorization, "Basic " + b64("alice:s3cret:x"))
        XCTAssertEqual(endpoint.connectionSettings().authorization, "Basic YWxpY2U6czNjcmV0Ong=")
    }

    func testAuthProviderIsToldAsUnsupported() throws {
        let path = try write("config", simple(user: "{auth-provider: {name: gcp, config: {access-token: x}}}"))
        let err = error { try load(path).resolve(context: nil, namespaceOverride: nil) }
        XCTAssertEqual(
            err,
            .invalidUser(
                user: "u", reason: "the auth-provider gcp is not supported; use an exec credential plugin (as kubectl now does)"))
    }

    func testConnectionSettingsForTheKubernetesAPI() throws {
        let key = try write("k.pem", "KEY", mode: 0o600)
        let cert = try write("c.pem", "CERT")
        let path = try write(
            "config",
            """
            current-context: main
            clusters:
            - name: c
              cluster: {server: "https://k8s.example.com:6443/", certificate-authority-data: \(b64("CA")), insecure-skip-tls-verify: yes}
            users:
            - name: u
              user: {token: tok, client-certificate: c.pem, client-key: k.pem}
            contexts: [{name: main, context: {cluster: c, user: u, namespace: argo}}]
            """)
        let endpoint = try load(path).resolve(context: nil, namespaceOverride: nil)
        let settings = endpoint.connectionSettings(extraHeaders: ["X-Trace: 1"])
        XCTAssertEqual(settings.api, .kubernetes)
        XCTAssertEqual(settings.baseURL, "https://k8s.example.com:6443")
        XCTAssertEqual(settings.authorization, "Bearer tok")
        XCTAssertEqual(settings.namespace, "argo")
        XCTAssertTrue(settings.insecureSkipVerify)
        XCTAssertEqual(settings.caFile, endpoint.caFile)
        XCTAssertNotNil(settings.caFile)
        XCTAssertEqual(settings.clientCertFile, cert)
        XCTAssertEqual(settings.clientKeyFile, key)
        XCTAssertEqual(settings.extraHeaders, ["X-Trace: 1"])
        XCTAssertEqual(KubeEndpoint(context: "x", cluster: "c", user: "", server: "http://s", namespace: "n")
            .connectionSettings().authorization, nil)
    }

    // MARK: - Exec plugins

    /// Writes a plugin script and a kubeconfig whose user runs it.
    func execConfig(script: String, apiVersion: String = "client.authentication.k8s.io/v1", command: String? = nil)
        throws -> String
    {
        try write("bin/plugin", "#!/bin/sh\n" + script, mode: 0o755)
        return try write(
            "config",
            """
            current-context: main
            clusters: [{name: c, cluster: {server: "https://k8s"}}]
            users:
            - name: u
              user:
                exec:
                  apiVersion: \(apiVersion)
                  command: \(command ?? "bin/plugin")
                  args: [first-arg]
                  env:
                  - {name: COUNT_FILE, value: "\(dir)/runs"}
                  - {name: PLUGIN_ENV, value: from-env}
                  installHint: install it with brew
            contexts: [{name: main, context: {cluster: c, user: u}}]
            """)
    }

    func runs() -> Int {
        ((try? String(contentsOfFile: dir + "/runs", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func testExecPluginRunsOnceAndItsCredentialIsCachedUntilItExpires() throws {
        let path = try execConfig(
            script: """
                echo run >> "$COUNT_FILE"
                case "$KUBERNETES_EXEC_INFO" in *'"interactive":false'*) ;; *) exit 9 ;; esac
                cat <<EOF
                {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
                 "status":{"token":"tok-$1-$PLUGIN_ENV-$(wc -l < "$COUNT_FILE" | tr -d ' ')","expirationTimestamp":"2030-01-01T00:00:00Z"}}
                EOF
                """)
        let expiry = try XCTUnwrap(ISO8601DateFormatter().date(from: "2030-01-01T00:00:00Z"))
        let clock = TestClock(expiry.addingTimeInterval(-3600))
        var config = try load(path)
        config.credentialCache = KubeCredentialCache(now: { clock.now })

        let first = try config.resolve(context: nil, namespaceOverride: nil)
        XCTAssertEqual(first.authorization, "Bearer tok-first-arg-from-env-1")
        XCTAssertEqual(first.credentialExpiry, expiry)
        XCTAssertEqual(runs(), 1)

        clock.now = expiry.addingTimeInterval(-1)
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).authorization, "Bearer tok-first-arg-from-env-1")
        XCTAssertEqual(runs(), 1)
        XCTAssertEqual(config.credentialCache.count, 1)

        clock.now = expiry.addingTimeInterval(1)
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).authorization, "Bearer tok-first-arg-from-env-2")
        XCTAssertEqual(runs(), 2)

        // Forgetting (after a 401) runs it again at once.
        clock.now = expiry.addingTimeInterval(-3600)
        config.credentialCache.removeAll()
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).authorization, "Bearer tok-first-arg-from-env-3")
        XCTAssertEqual(runs(), 3)
    }

    func testExecPluginWithoutExpiryIsKeptAndV1beta1Works() throws {
        let path = try execConfig(
            script: """
                echo run >> "$COUNT_FILE"
                echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"forever"}}'
                """,
            apiVersion: "client.authentication.k8s.io/v1beta1")
        let config = try load(path)
        for _ in 0..<3 {
            XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).authorization, "Bearer forever")
        }
        XCTAssertEqual(runs(), 1)
    }

    func testExecPluginClientCertificateGoesToPrivateFiles() throws {
        let path = try execConfig(
            script: """
                printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\\nEXEC\\n-----END CERTIFICATE-----\\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\\nEXECKEY\\n-----END PRIVATE KEY-----\\n","expirationTimestamp":"2030-01-01T00:00:00.123456Z"}}'
                """)
        let endpoint = try load(path).resolve(context: nil, namespaceOverride: nil)
        XCTAssertNil(endpoint.authorization)
        let cert = try XCTUnwrap(endpoint.clientCertFile)
        let key = try XCTUnwrap(endpoint.clientKeyFile)
        XCTAssertEqual(try String(contentsOfFile: cert, encoding: .utf8), "-----BEGIN CERTIFICATE-----\nEXEC\n-----END CERTIFICATE-----\n")
        XCTAssertEqual(try String(contentsOfFile: key, encoding: .utf8), "-----BEGIN PRIVATE KEY-----\nEXECKEY\n-----END PRIVATE KEY-----\n")
        XCTAssertEqual(mode(cert), 0o600)
        XCTAssertEqual(mode(key), 0o600)
        XCTAssertEqual(endpoint.credentialExpiry?.timeIntervalSince1970 ?? 0, 1_893_456_000.123, accuracy: 0.01)
    }

    func testFailingExecPluginIsToldWithStatusAndFirstStderrLine() throws {
        let path = try execConfig(
            script: """
                echo '{"status":{"token":"LEAKED-TOKEN"}}'
                echo '' >&2
                echo '  error: the SSO session has expired  ' >&2
                echo 'second line not shown' >&2
                exit 3
                """)
        let err = error { try load(path).resolve(context: nil, namespaceOverride: nil) }
        XCTAssertEqual(
            err,
            .execFailed(user: "u", command: "bin/plugin", reason: "failed with exit status 3: error: the SSO session has expired"))
        XCTAssertEqual(
            err?.description,
            "user \"u\": exec plugin bin/plugin failed with exit status 3: error: the SSO session has expired")
        XCTAssertFalse(err?.description.contains("LEAKED-TOKEN") ?? true)
        XCTAssertFalse(err?.description.contains("second line") ?? true)
        XCTAssertFalse(err?.description.contains("first-arg") ?? true, "args may carry secrets")
    }

    func testExecPluginOutputThatIsNotACredential() throws {
        func failure(_ stdout: String, apiVersion: String = "client.authentication.k8s.io/v1") throws -> KubeConfigError? {
            let path = try execConfig(script: "cat <<'EOF'\n\(stdout)\nEOF\n", apiVersion: apiVersion)
            return error { try load(path).resolve(context: nil, namespaceOverride: nil) }
        }
        func reason(_ error: KubeConfigError?) -> String {
            if case .execFailed(_, _, let reason)? = error { return reason }
            return "not execFailed: \(String(describing: error))"
        }
        XCTAssertEqual(
            reason(try failure("token=LEAKED-TOKEN")),
            "printed something that is not a JSON object (an ExecCredential was expected)")
        XCTAssertEqual(reason(try failure(#"{"kind":"Secret","status":{"token":"LEAKED"}}"#)), "printed JSON whose kind is not ExecCredential")
        XCTAssertEqual(
            reason(try failure(#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"LEAKED"}}"#)),
            "answered with apiVersion \"client.authentication.k8s.io/v1beta1\", but the kubeconfig asks for client.authentication.k8s.io/v1")
        XCTAssertEqual(
            reason(try failure(#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{}}"#)),
            "returned neither a token nor a client certificate")
        XCTAssertEqual(
            reason(try failure(#"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"LEAKED","expirationTimestamp":"tomorrow"}}"#)),
            "returned an expirationTimestamp that is not an RFC 3339 time")
        XCTAssertEqual(
            try failure("{}", apiVersion: "client.authentication.k8s.io/v1alpha1"),
            .invalidUser(
                user: "u",
                reason: "its exec plugin asks for apiVersion \"client.authentication.k8s.io/v1alpha1\"; supported: "
                    + "client.authentication.k8s.io/v1, client.authentication.k8s.io/v1beta1"))
    }

    func testExecPluginNotFoundTimeoutAndDisabled() throws {
        let missing = try execConfig(script: "exit 0", command: "argotop-no-such-plugin")
        XCTAssertEqual(
            error { try load(missing).resolve(context: nil, namespaceOverride: nil) },
            .execFailed(user: "u", command: "argotop-no-such-plugin", reason: "was not found in PATH\ninstall it with brew"))

        let slow = try execConfig(script: "exec sleep 5")
        var config = try load(slow)
        config.execTimeout = 0.3
        let started = Date()
        XCTAssertEqual(
            error { try config.resolve(context: nil, namespaceOverride: nil) },
            .execFailed(user: "u", command: "bin/plugin", reason: "did not finish within 0.3 s and was stopped"))
        XCTAssertLessThan(Date().timeIntervalSince(started), 4)

        config.allowExec = false
        XCTAssertEqual(
            error { try config.resolve(context: nil, namespaceOverride: nil) },
            .execDisabled(user: "u", command: "bin/plugin"))
        XCTAssertEqual(runs(), 0)
    }

    func testExecPluginFoundInPATH() throws {
        let path = try execConfig(
            script: #"echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-path"}}'"#,
            command: "plugin")
        var config = try load(path)
        config.environment = ["PATH": "/nonexistent:\(dir)/bin"]
        XCTAssertEqual(try config.resolve(context: nil, namespaceOverride: nil).authorization, "Bearer from-path")
    }

    // MARK: - Secrets never shown

    func testNoTokenOrPasswordInAnyErrorOrDescription() throws {
        let token = "tok-SENSITIVE-4f9a"
        let password = "pw-SENSITIVE-77b1"
        let keyPEM = "KEY-SENSITIVE-c0de"
        try write("bin/leaky", "#!/bin/sh\necho '\(token)'\necho 'fatal: login required' >&2\nexit 1\n", mode: 0o755)
        try write("bin/shaky", "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"v9\",\"status\":{\"token\":\"\(token)\"}}'\n", mode: 0o755)
        let path = try write(
            "config",
            """
            current-context: good
            clusters:
            - {name: c, cluster: {server: "https://k8s"}}
            - {name: badca, cluster: {server: "https://k8s", certificate-authority-data: "\(token)!"}}
            users:
            - {name: tok, user: {token: \(token), client-key-data: \(b64(keyPEM)), client-certificate-data: \(b64("C"))}}
            - {name: basic, user: {username: me, password: \(password)}}
            - {name: halfkey, user: {token: \(token), client-key-data: \(b64(keyPEM))}}
            - {name: leaky, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: bin/leaky, args: ["--token=\(token)"]}}}
            - {name: shaky, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: bin/shaky}}}
            contexts:
            - {name: good, context: {cluster: c, user: tok}}
            - {name: basic, context: {cluster: c, user: basic}}
            - {name: badca, context: {cluster: badca, user: tok}}
            - {name: halfkey, context: {cluster: c, user: halfkey}}
            - {name: leaky, context: {cluster: c, user: leaky}}
            - {name: shaky, context: {cluster: c, user: shaky}}
            - {name: nouser, context: {cluster: c, user: gone}}
            """)
        let config = try load(path)
        var texts: [String] = []
        let good = try config.resolve(context: nil, namespaceOverride: nil)
        let basic = try config.resolve(context: "basic", namespaceOverride: nil)
        XCTAssertEqual(good.authorization, "Bearer \(token)")
        XCTAssertEqual(basic.authorization, "Basic " + b64("me:\(password)"))
        for endpoint in [good, basic] {
            texts += ["\(endpoint)", String(reflecting: endpoint), "\(endpoint.credential)", String(reflecting: endpoint.credential)]
            var dumped = ""
            dump(endpoint, to: &dumped)
            texts.append(dumped)
            let settings = endpoint.connectionSettings(extraHeaders: ["X-Api-Key: \(password)"])
            XCTAssertNotNil(settings.authorization)
            texts += ["\(settings)", String(reflecting: settings), "\([settings])"]
            dumped = ""
            dump(settings, to: &dumped)
            texts.append(dumped)
        }
        texts += ["\(config)", String(reflecting: config), "\(config.users)", String(reflecting: config.users["tok"]!)]
        var dumped = ""
        dump(config, to: &dumped)
        texts.append(dumped)
        dumped = ""
        dump(config.users, to: &dumped)
        texts.append(dumped)
        let credential = ExecCredential(token: token, clientKeyData: keyPEM)
        texts += ["\(credential)", String(reflecting: credential)]

        var errors: [KubeConfigError] = []
        for context in ["badca", "halfkey", "leaky", "shaky", "nouser", "elsewhere"] {
            if let err = error({ try config.resolve(context: context, namespaceOverride: nil) }) { errors.append(err) }
        }
        XCTAssertEqual(errors.count, 6)
        // A kubeconfig whose broken YAML sits right next to the token.
        let broken = try write("broken.yaml", "users:\n- name: u\n  user: {token: \(token)\n  password: [\(password)")
        if let err = error({ try KubeConfig.load(paths: [broken]) }) { errors.append(err) }
        XCTAssertEqual(errors.count, 7)
        texts += errors.map { "\($0)" } + errors.map { $0.localizedDescription } + errors.map { String(reflecting: $0) }

        for text in texts {
            XCTAssertFalse(text.contains(token), text)
            XCTAssertFalse(text.contains(password), text)
            XCTAssertFalse(text.contains(keyPEM), text)
        }
        XCTAssertTrue(errors.contains { "\($0)".hasSuffix("failed with exit status 1: fatal: login required") })
    }
}
