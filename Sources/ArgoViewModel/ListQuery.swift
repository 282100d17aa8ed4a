import ArgoAPI
import Foundation

/// The list's `/` filter, as typed: words the name must contain, `phase:` (`failed` takes Failed and Error),
/// `tmpl:` (the WorkflowTemplate a run came from) and `label:k=v` (any label selector term). The server does
/// the work where it can (a label selector for phases, template and labels; Argo Server also takes the first
/// name word as `nameFilter=Contains`), and every row and watch event is checked here as well, so the list
/// stays right as workflows change phase.
public struct ListQuery: Equatable, Sendable {
    public let text: String
    public private(set) var nameWords: [String] = []
    public private(set) var phases: [String] = []
    public private(set) var template: String?
    public private(set) var labelTerms: [String] = []
    /// The template and label terms, checked here; phases are checked on the status (the phase label can lag).
    private var selector: LabelSelector?
    /// `nameWords` in lower case, for `accepts` (run on every row at every change).
    private var loweredWords: [String] = []

    static let phaseNames: [String: [String]] = [
        "failed": ["Failed", "Error"], "error": ["Error"], "running": ["Running"], "pending": ["Pending"],
        "succeeded": ["Succeeded"], "ok": ["Succeeded"],
    ]
    public static let templateLabel = "workflows.argoproj.io/workflow-template"
    public static let help = "words in the name, phase:failed|running|pending|succeeded, tmpl:NAME, label:k=v"

    /// The query, or why it cannot be read.
    public static func parse(_ text: String) -> Result<ListQuery, ListQueryError> {
        var query = ListQuery(text: text.trimmingCharacters(in: .whitespaces))
        for word in query.text.split(separator: " ").map(String.init) {
            let lower = word.lowercased()
            if let value = ListQuery.value(of: lower, keys: ["phase:", "p:"]) {
                for name in value.split(separator: ",").map(String.init) {
                    guard let phases = ListQuery.phaseNames[name] else {
                        return .failure(ListQueryError("unknown phase “\(name)”: failed, error, running, pending or succeeded"))
                    }
                    query.phases += phases.filter { !query.phases.contains($0) }
                }
            } else if let value = ListQuery.value(of: word, keys: ["tmpl:", "template:", "t:"]) {
                guard !value.isEmpty else { return .failure(ListQueryError("tmpl: wants a WorkflowTemplate name")) }
                query.template = value
            } else if let value = ListQuery.value(of: word, keys: ["label:", "l:"]) {
                guard LabelSelector(value) != nil, !value.isEmpty else {
                    return .failure(ListQueryError("cannot read the label term “\(value)”: k=v, k!=v or k"))
                }
                query.labelTerms.append(value)
            } else {
                query.nameWords.append(word)
            }
        }
        query.selector = query.checkedTerms.isEmpty ? nil : LabelSelector(query.checkedTerms.joined(separator: ","))
        query.loweredWords = query.nameWords.map { $0.lowercased() }
        return .success(query)
    }

    private static func value(of word: String, keys: [String]) -> String? {
        for key in keys where word.lowercased().hasPrefix(key) { return String(word.dropFirst(key.count)) }
        return nil
    }

    /// The template and label terms (the phases are checked on the status).
    private var checkedTerms: [String] { (template.map { ["\(ListQuery.templateLabel)=\($0)"] } ?? []) + labelTerms }

    /// What the server is asked to select by (nil: nothing).
    public var labelSelector: String? {
        let phase = phases.isEmpty ? [] : ["workflows.argoproj.io/phase in (\(phases.joined(separator: ",")))"]
        let terms = phase + checkedTerms
        return terms.isEmpty ? nil : terms.joined(separator: ",")
    }

    /// The name word Argo Server is asked to match (`nameFilter=Contains`); the others are checked here.
    public var serverNameWord: String? { nameWords.first }

    public func accepts(_ workflow: Workflow) -> Bool {
        let name = workflow.name.lowercased()
        guard loweredWords.allSatisfy({ name.contains($0) }) else { return false }
        if !phases.isEmpty && !phases.contains(workflow.phase) { return false }
        return selector?.matches(workflow.metadata.labels ?? [:]) ?? true
    }
}

public struct ListQueryError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
