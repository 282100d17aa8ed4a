import Foundation

/// A Kubernetes label selector, as Argo Server and the API server read `labelSelector`: terms joined by commas,
/// each `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (has the label) or `!k` (has not).
public struct LabelSelector: Sendable, Equatable {
    enum Term: Sendable, Equatable {
        case equals(String, String), notEquals(String, String)
        case within(String, Set<String>), notWithin(String, Set<String>)
        case exists(String), missing(String)
    }

    let terms: [Term]

    /// Nil when a term cannot be read (a server answers 400).
    public init?(_ text: String) {
        var terms: [Term] = []
        for term in LabelSelector.splitTerms(text) {
            guard let parsed = LabelSelector.term(term) else { return nil }
            terms.append(parsed)
        }
        self.terms = terms
    }

    public func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .within(let key, let values): return labels[key].map(values.contains) ?? false
            case .notWithin(let key, let values): return !(labels[key].map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .missing(let key): return labels[key] == nil
            }
        }
    }

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

    static func term(_ term: String) -> Term? {
        func trimmed(_ text: Substring) -> String { text.trimmingCharacters(in: .whitespaces) }
        for (word, negated) in [(" notin ", true), (" in ", false)] {
            if let range = term.range(of: word) {
                let key = trimmed(term[..<range.lowerBound])
                let inner = trimmed(term[range.upperBound...])
                guard !key.isEmpty, inner.hasPrefix("("), inner.hasSuffix(")") else { return nil }
                let values = Set(inner.dropFirst().dropLast().split(separator: ",").map(trimmed))
                return negated ? .notWithin(key, values) : .within(key, values)
            }
        }
        if let range = term.range(of: "!=") {
            return .notEquals(trimmed(term[..<range.lowerBound]), trimmed(term[range.upperBound...]))
        }
        if let range = term.range(of: "==") ?? term.range(of: "=") {
            let key = trimmed(term[..<range.lowerBound])
            guard !key.isEmpty else { return nil }
            return .equals(key, trimmed(term[range.upperBound...]))
        }
        if term.hasPrefix("!") { return .missing(trimmed(term.dropFirst())) }
        guard !term.contains(where: { " ()".contains($0) }) else { return nil }
        return .exists(term)
    }
}
