import Foundation

/// Re-indents a JSON object or array for reading, keeping its key order (Foundation's printer sorts or
/// shuffles keys, and the order a step wrote is part of what it means).
public enum PrettyJSON {
    /// The lines of `text` indented by two spaces a level, or nil when it is not a JSON object or array.
    public static func lines(_ text: String) -> [String]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = trimmed.first, first == "{" || first == "[",
            (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) != nil
        else { return nil }
        let chars = Array(trimmed)
        var lines: [String] = []
        var current = ""
        var depth = 0
        var inString = false
        var escaped = false
        var i = 0
        func pad(_ level: Int) -> String { String(repeating: "  ", count: max(0, level)) }
        func nextSignificant(after index: Int) -> Int {
            var j = index + 1
            while j < chars.count, chars[j].isWhitespace { j += 1 }
            return j
        }
        while i < chars.count {
            let c = chars[i]
            if inString {
                current.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                i += 1
                continue
            }
            switch c {
            case "\"":
                inString = true
                current.append(c)
            case "{", "[":
                let j = nextSignificant(after: i)
                if j < chars.count, chars[j] == (c == "{" ? "}" : "]") {
                    current += c == "{" ? "{}" : "[]"
                    i = j
                } else {
                    current.append(c)
                    lines.append(current)
                    depth += 1
                    current = pad(depth)
                }
            case "}", "]":
                if !current.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(current) }
                depth -= 1
                current = pad(depth) + String(c)
            case ",":
                current.append(",")
                lines.append(current)
                current = pad(depth)
            case ":":
                current += ": "
            default:
                if !c.isWhitespace { current.append(c) }
            }
            i += 1
        }
        if !current.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(current) }
        return lines
    }
}
