// libFuzzer target: arbitrary bytes read as a kubeconfig, then every context resolved (exec plugins turned off,
// inline certificates written to a private directory that is emptied after each input).
// Built only by `make fuzz` (swiftc -sanitize=fuzzer,address); not a SwiftPM target.
import ArgoAPI
import ArgoKube
import Foundation

private let secrets = KubeSecretFiles(parent: "/tmp")
private let cache = KubeCredentialCache()

/// Where `needle` occurs in `haystack`, counted without overlaps.
private func occurrences(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int {
    guard !needle.isEmpty, haystack.count >= needle.count else { return 0 }
    var count = 0
    var i = 0
    while i + needle.count <= haystack.count {
        if haystack[i] == needle[0] && zip(needle.indices, needle).allSatisfy({ haystack[i + $0.0] == $0.1 }) {
            count += 1
            i += needle.count
        } else {
            i += 1
        }
    }
    return count
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeconfig(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let data = Data(bytes: start, count: count)
    defer { secrets.removeAll() }
    var config: KubeConfig
    do {
        config = try KubeConfig.parse(data: data, file: "/nonexistent/fuzz/kubeconfig")
    } catch {
        _ = "\(error)"
        return 0
    }
    config.allowExec = false
    config.secretFiles = secrets
    config.credentialCache = cache
    config.environment = [:]
    _ = "\(config)"

    // A long token that the input holds exactly once, and that no other field holds (YAML escapes can spell the
    // same text in other bytes), can only reach a text through the token field: it must not.
    var others: [String] = Array(config.clusters.keys) + Array(config.users.keys) + Array(config.contexts.keys)
    for cluster in config.clusters.values {
        others += [cluster.server, cluster.certificateAuthority, cluster.certificateAuthorityData].compactMap { $0 }
    }
    for context in config.contexts.values { others += [context.cluster, context.user, context.namespace ?? ""] }
    for user in config.users.values {
        others += [user.tokenFile, user.clientCertificate, user.clientCertificateData, user.clientKey, user.clientKeyData,
                   user.username, user.password, user.authProvider].compactMap { $0 }
        if let exec = user.exec { others += [exec.apiVersion, exec.command, exec.installHint ?? ""] + exec.args }
    }
    let secretsToHide = config.users.values.compactMap { $0.token }.filter { token in
        token.utf8.count >= 16 && occurrences(of: Array(token.utf8), in: bytes) == 1
            && !others.contains { $0.contains(token) }
    }
    func check(_ text: String) {
        for secret in secretsToHide where text.contains(secret) { fatalError("a token shows in: \(text)") }
    }
    check("\(config)")

    for name in [nil] + config.contextNames.map(Optional.some) {
        for namespace in [nil, "argo"] {
            do {
                let endpoint = try config.resolve(context: name, namespaceOverride: namespace)
                if endpoint.server.hasSuffix("/") { fatalError("server keeps a trailing slash") }
                if !(endpoint.server.hasPrefix("https://") || endpoint.server.hasPrefix("http://")) {
                    fatalError("server is not http(s)")
                }
                if let namespace, endpoint.namespace != namespace { fatalError("namespace override ignored") }
                if (endpoint.clientCertFile == nil) != (endpoint.clientKeyFile == nil) {
                    fatalError("a client certificate without its key")
                }
                let settings = endpoint.connectionSettings()
                if settings.api != .kubernetes || settings.baseURL != endpoint.server { fatalError("settings differ") }
                check("\(endpoint)")
                check(String(reflecting: endpoint))
            } catch {
                check("\(error)")
            }
        }
    }
    return 0
}
