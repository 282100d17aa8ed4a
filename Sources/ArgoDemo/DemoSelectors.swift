import ArgoAPI

/// The list filters Argo Server applies before paging: `listOptions.labelSelector` (Kubernetes label selector:
/// `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas),
/// `listOptions.fieldSelector` (`metadata.name` and `metadata.namespace` with `=`, `==`, `!=`; `nameFilter`
/// Exact, Contains or Prefix for the name) and
/// `createdAfter` (RFC 3339). Nil when a selector cannot be read (the server answers 400).
struct ListFilter {
    private var requirements: [(JSONValue) -> Bool] = []

    init?(query: [String: String]) {
        if let text = query["listOptions.labelSelector"], !text.isEmpty {
            guard let selector = LabelSelector(text) else { return nil }
            requirements.append { wf in
                guard case .object(let pairs)? = wf["metadata"]?["labels"] else { return selector.matches([:]) }
                return selector.matches(Dictionary(pairs.compactMap { key, value in value.stringValue.map { (key, $0) } }) { a, _ in a })
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
                // `nameFilter` (Exact, Contains, Prefix) says how the name term matches.
                let how = field == "name" ? query["nameFilter"] ?? "Exact" : "Exact"
                guard ["Exact", "Contains", "Prefix"].contains(how) else { return nil }
                requirements.append { wf in
                    let actual = wf["metadata"]?[field]?.stringValue ?? ""
                    let hit = how == "Contains" ? actual.contains(value) : how == "Prefix" ? actual.hasPrefix(value) : actual == value
                    return hit != negated
                }
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
}
