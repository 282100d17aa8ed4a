import ArgoAPI

/// The list filters Argo Server applies before paging: `listOptions.labelSelector` (Kubernetes label selector:
/// `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas),
/// `listOptions.fieldSelector` (`metadata.name` and `metadata.namespace` with `=`, `==`, `!=`) and
/// `createdAfter` (RFC 3339). Nil when a selector cannot be read (the server answers 400).
struct ListFilter {
    private var requirements: [(JSONValue) -> Bool] = []

    init?(query: [String: String]) {
        if let text = query["listOptions.labelSelector"], !text.isEmpty {
            for term in ListFilter.splitTerms(text) {
                guard let test = ListFilter.labelRequirement(term) else { return nil }
                requirements.append { wf in test(wf["metadata"]?["labels"]) }
            }
        }
        if let text = query["listOptions.fieldSelector"], !text.isEmpty {
            for term in text.split(separator: ",") {
                let negated = term.contains("!=")
                let parts = term.replacingOccurrences(of: "!=", with: "=").replacingOccurrences(of: "==", with: "=")
                    .split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, ["metadata.name", "metadata.namespace"].contains(parts[0]) else { return nil }
                let field = String(parts[0].dropFirst("metadata.".count))
                let value = parts[1]
                requirements.append { wf in (wf["metadata"]?[field]?.stringValue == value) != negated }
            }
        }
        if let text = query["createdAfter"], !text.isEmpty {
            guard let after = Timestamp(rfc3339: text)?.seconds else { return nil }
            requirements.append { wf in
                guard let created = wf["metadata"]?["creationTimestamp"]?.stringValue.flatMap(Timestamp.init(rfc3339:)) else { return false }
                return created.seconds > after
            }
        }
    }

    func accepts(_ workflow: JSONValue) -> Bool { requirements.allSatisfy { $0(workflow) } }

    /// Splits on commas outside parentheses.
    static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for c in text {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                terms.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        terms.append(current)
        return terms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func labelRequirement(_ term: String) -> ((JSONValue?) -> Bool)? {
        func value(_ labels: JSONValue?, _ key: String) -> String? { labels?[key]?.stringValue }
        func set(_ text: Substring) -> Set<String>? {
            let inner = text.trimmingCharacters(in: .whitespaces)
            guard inner.hasPrefix("("), inner.hasSuffix(")") else { return nil }
            return Set(inner.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        for (word, negated) in [(" notin ", true), (" in ", false)] {
            if let range = term.range(of: word) {
                let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty, let values = set(term[range.upperBound...]) else { return nil }
                return { labels in
                    guard let v = value(labels, key) else { return negated }
                    return values.contains(v) != negated
                }
            }
        }
        if let range = term.range(of: "!=") {
            let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let wanted = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
            return { labels in value(labels, key) != wanted }
        }
        if let range = term.range(of: "==") ?? term.range(of: "=") {
            let key = term[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let wanted = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { return nil }
            return { labels in value(labels, key) == wanted }
        }
        if term.hasPrefix("!") {
            let key = term.dropFirst().trimmingCharacters(in: .whitespaces)
            return { labels in value(labels, key) == nil }
        }
        guard !term.contains(where: { " ()".contains($0) }) else { return nil }
        return { labels in value(labels, term) != nil }
    }
}
