/// A JSON document with object keys kept in order, so the demo server's answers are byte-for-byte stable.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first(where: { $0.0 == key })?.1
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Serializes compactly.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(pair.0, into: &out)
                out.append(UInt8(ascii: ":"))
                pair.1.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The `fields` parameter of Argo Server (util/fields/fields.go): comma-separated dotted paths, a leading
/// `-` turning them into exclusions; arrays are transparent; matching is by string prefix, as there.
public struct FieldCleaner: Sendable {
    public let exclude: Bool
    public let fields: Set<String>

    public init(_ spec: String) {
        var text = spec
        var exclude = false
        if text.hasPrefix("-") {
            exclude = true
            text.removeFirst()
        }
        self.exclude = exclude
        fields = text.isEmpty ? [] : Set(text.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }

    public func clean(_ value: JSONValue) -> JSONValue {
        if fields.isEmpty { return value }
        return clean(value, path: "")
    }

    private func clean(_ value: JSONValue, path: String) -> JSONValue {
        switch value {
        case .object(let pairs):
            var kept: [(String, JSONValue)] = []
            for (key, child) in pairs {
                let fieldPath = path.isEmpty ? key : path + "." + key
                let pathIn = fields.contains(fieldPath)
                let parentPathIn = pathIn || fields.contains(where: { $0.hasPrefix(fieldPath) })
                if exclude && !pathIn {
                    // Below a path no exclusion reaches, everything stays: keep the value as it is.
                    let below = fieldPath + "."
                    kept.append((key, fields.contains(where: { $0.hasPrefix(below) }) ? clean(child, path: fieldPath) : child))
                } else if !exclude && parentPathIn {
                    kept.append((key, pathIn ? child : clean(child, path: fieldPath)))
                }
            }
            return .object(kept)
        case .array(let items):
            return .array(items.map { clean($0, path: path) })
        default:
            return value
        }
    }
}
