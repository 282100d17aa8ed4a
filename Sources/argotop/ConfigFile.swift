import ArgoAPI
import ArgoKube
import ArgoViewModel
import Foundation
import Yams

/// `~/.config/argotop/config.yaml` (`$XDG_CONFIG_HOME/argotop/config.yaml` when set): defaults under the
/// flags and the environment, over the kubeconfig.
///
/// ```yaml
/// server: https://argo.example.com      # Argo Server (else the kubeconfig's Kubernetes API)
/// kubeconfig: ~/.kube/prod.yaml          # after --kubeconfig and KUBECONFIG
/// context: prod                          # after --context
/// namespace: argo                        # after -n and ARGO_NAMESPACE, over the context's
/// theme: mono                            # default, mono (no colour) or ascii (no colour, plain characters)
/// logLines: 200000
/// refresh: {seconds: 2, secondsPerMB: 3} # how often an open workflow's nodes may be read again
/// keys: {nextFailed: x, logs: L}         # an action's keys, by the names ? shows
/// ```
struct ConfigFile {
    var server: String?
    var kubeconfig: String?
    var context: String?
    var namespace: String?
    var ascii: Bool?
    /// `theme`: default (colour, Unicode), mono (no colour), ascii (no colour, plain characters).
    var theme: String?
    var logLines: Int?
    var refreshSeconds: Double?
    var refreshSecondsPerMB: Double?
    var keys: [(action: String, keys: [Key])] = []
    var path: String

    static func path(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg + "/argotop/config.yaml" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/argotop/config.yaml"
    }

    /// The file, or nil when there is none; a file that cannot be read is an error in words.
    static func load(environment: [String: String]) throws -> ConfigFile? {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20,
            let text = String(data: data, encoding: .utf8)
        else { throw UsageError("the config file \(path) cannot be read (or is over 1 MiB)") }
        let parsed: Node?
        do { parsed = try KubeConfig.composeBounded(text, file: path) } catch {
            throw UsageError("the config file \(path) is not valid YAML: \(error)")
        }
        guard let root = parsed else { return ConfigFile(path: path) }
        guard let top = root.mapping else { throw UsageError("the config file \(path) is not a mapping of settings") }
        var config = ConfigFile(path: path)
        let home = environment["HOME"] ?? NSHomeDirectory()
        func string(_ node: Node) throws -> String {
            guard let text = node.scalar?.string else { throw UsageError("\(path): a setting wants text") }
            return text.hasPrefix("~/") ? home + text.dropFirst(1) : text
        }
        for (key, value) in top {
            switch key.scalar?.string ?? "" {
            case "server": config.server = try string(value)
            case "kubeconfig": config.kubeconfig = try string(value)
            case "context": config.context = try string(value)
            case "namespace": config.namespace = try string(value)
            case "ascii": config.ascii = value.bool
            case "theme":
                let theme = try string(value)
                guard ["default", "mono", "ascii"].contains(theme) else {
                    throw UsageError("\(path): theme is default, mono or ascii, not \(theme)")
                }
                config.theme = theme
            case "logLines":
                guard let n = value.int, n > 0 else { throw UsageError("\(path): logLines wants a positive number") }
                config.logLines = n
            case "refresh":
                guard let refresh = value.mapping else { throw UsageError("\(path): refresh wants {seconds, secondsPerMB}") }
                for (k, v) in refresh {
                    guard let number = v.float, number >= 0 else { throw UsageError("\(path): refresh.\(k.scalar?.string ?? "") wants a number") }
                    switch k.scalar?.string ?? "" {
                    case "seconds": config.refreshSeconds = number
                    case "secondsPerMB": config.refreshSecondsPerMB = number
                    default: throw UsageError("\(path): refresh has seconds and secondsPerMB, not \(k.scalar?.string ?? "?")")
                    }
                }
            case "keys":
                guard let keys = value.mapping else { throw UsageError("\(path): keys wants action: key pairs") }
                for (k, v) in keys {
                    let action = k.scalar?.string ?? ""
                    guard Action(rawValue: action) != nil else {
                        throw UsageError("\(path): no action \(action) (actions: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    let words = try (v.sequence.map { try $0.map(string) } ?? [try string(v)])
                    let parsed = try words.flatMap { word -> [Key] in
                        do { return try Key.parseScript(word.count == 1 || word.hasPrefix("<") ? word : "<\(word)>") } catch {
                            throw UsageError("\(path): keys.\(action): \(error)")
                        }
                    }
                    config.keys.append((action, parsed))
                }
            case let other:
                throw UsageError("\(path): unknown setting \(other) (settings: server, kubeconfig, context, namespace, theme, ascii, logLines, refresh, keys)")
            }
        }
        return config
    }
}
