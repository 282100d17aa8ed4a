import Foundation

/// Why a kubeconfig could not be read or a context not resolved, in words for the user.
/// Names files, contexts, clusters, users and commands; never a token, a password, key material or file content.
public enum KubeConfigError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// None of the kubeconfig files exists.
    case noKubeconfig(paths: [String])
    /// A file exists but could not be read (permissions, not a regular file, too large, not UTF-8).
    case unreadable(file: String, reason: String)
    /// The file is not valid YAML; line and column start at 1; `problem` is the YAML parser's own wording.
    case invalidYAML(file: String, line: Int?, column: Int?, problem: String)
    /// Valid YAML, but not shaped like a kubeconfig (for instance `clusters` is not a list).
    case notAKubeconfig(file: String, reason: String)
    case noCurrentContext(known: [String])
    case unknownContext(String, known: [String])
    case missingCluster(context: String, cluster: String)
    case missingUser(context: String, user: String)
    case invalidCluster(cluster: String, reason: String)
    case invalidUser(user: String, reason: String)
    /// The user's credentials come from an exec plugin, and running plugins is turned off.
    case execDisabled(user: String, command: String)
    /// The exec plugin could not be started, failed, timed out or printed something that is not an ExecCredential.
    case execFailed(user: String, command: String, reason: String)

    public var description: String {
        switch self {
        case .noKubeconfig(let paths):
            if paths.count == 1 { return "no kubeconfig: \(paths[0]) does not exist" }
            return "no kubeconfig: none of \(paths.joined(separator: ", ")) exists"
        case .unreadable(let file, let reason):
            return "cannot read kubeconfig \(file): \(reason)"
        case .invalidYAML(let file, let line, let column, let problem):
            var at = ""
            if let line { at = " at line \(line)" + (column.map { ", column \($0)" } ?? "") }
            return "kubeconfig \(file) is not valid YAML\(at): \(problem)"
        case .notAKubeconfig(let file, let reason):
            return "kubeconfig \(file) is not a kubeconfig: \(reason)"
        case .noCurrentContext(let known):
            return "the kubeconfig sets no current-context: choose one with --context NAME (\(Self.list(known)))"
        case .unknownContext(let name, let known):
            return "no context named \"\(name)\" in the kubeconfig (\(Self.list(known)))"
        case .missingCluster(let context, let cluster):
            if cluster.isEmpty { return "context \"\(context)\" names no cluster" }
            return "context \"\(context)\" names cluster \"\(cluster)\", which the kubeconfig does not define"
        case .missingUser(let context, let user):
            return "context \"\(context)\" names user \"\(user)\", which the kubeconfig does not define"
        case .invalidCluster(let cluster, let reason):
            return "cluster \"\(cluster)\": \(reason)"
        case .invalidUser(let user, let reason):
            return "user \"\(user)\": \(reason)"
        case .execDisabled(let user, let command):
            return "user \"\(user)\": the credentials come from the exec plugin \(command), and exec plugins are turned off"
        case .execFailed(let user, let command, let reason):
            return "user \"\(user)\": exec plugin \(command) \(reason)"
        }
    }

    public var errorDescription: String? { description }

    private static func list(_ known: [String]) -> String {
        if known.isEmpty { return "it defines no contexts" }
        return "known contexts: " + known.joined(separator: ", ")
    }
}
