import ArgoAPI

/// The list's `/` filter: the prompt opens with the filter in force; Enter applies what was typed (the list
/// is read again with the server's selectors), an empty filter or `Esc` in the list clears it.
extension AppModel {
    func openListFilter() -> [Effect] {
        prompt = listQuery?.text ?? ""
        promptKind = .filter
        return []
    }

    func applyListFilter(_ text: String) -> [Effect] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let next: ListQuery?
        if trimmed.isEmpty {
            next = nil
        } else {
            switch ListQuery.parse(trimmed) {
            case .failure(let why):
                notice = why.message
                return []
            case .success(let query): next = query
            }
        }
        guard next != listQuery else { return [] }
        listQuery = next
        restartList()
        notice = next.map { "filter: \($0.text)  (Esc clears)" } ?? "filter cleared"
        return requestListPage()
    }
}
