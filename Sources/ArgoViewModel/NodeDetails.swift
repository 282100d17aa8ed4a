import ArgoAPI

/// One line of a step's details screen.
public struct DetailLine: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// `INPUTS`, `OUTPUTS`, …
        case section
        /// `key  value`
        case field
        /// A parameter whose value is a JSON object or array; `folded` says whether its lines follow.
        case json(folded: Bool, lineCount: Int)
        /// One line of a pretty-printed JSON value.
        case jsonLine
        case blank
    }

    public var kind: Kind
    public var key: String
    public var value: String
    /// For JSON values: the key that remembers whether the value is folded.
    public var foldKey: String?
    /// A phase to colour the value by (phase and message lines).
    public var phase: String?

    public init(_ kind: Kind, _ key: String = "", _ value: String = "", foldKey: String? = nil, phase: String? = nil) {
        self.kind = kind
        self.key = key
        self.value = value
        self.foldKey = foldKey
        self.phase = phase
    }

    /// Whether Space/Left/Right act on this line.
    public var isFoldable: Bool {
        if case .json = kind { return true }
        return false
    }
}

/// The details of one step: what it ran, where, how long, what it took in and what it gave back.
public enum NodeDetails {
    /// JSON values up to this many lines start unfolded.
    public static let unfoldedJSONLines = 12
    /// The screen column where values start.
    public static let valueColumn = 22

    /// The lines of a step's details; values longer than `width` columns continue on lines of their own.
    public static func lines(
        node: NodeStatus, workflow: Workflow, now: Double, jsonOpen: [String: Bool], width: Int = .max
    ) -> [DetailLine] {
        wrap(unwrappedLines(node: node, workflow: workflow, now: now, jsonOpen: jsonOpen), width: width)
    }

    static func unwrappedLines(node: NodeStatus, workflow: Workflow, now: Double, jsonOpen: [String: Bool]) -> [DetailLine] {
        var lines: [DetailLine] = []
        lines.append(DetailLine(.section, "STEP"))
        lines.append(DetailLine(.field, "phase", node.phase ?? "Unknown", phase: node.phase))
        lines.append(DetailLine(.field, "name", node.name))
        lines.append(DetailLine(.field, "id", node.id))
        lines.append(DetailLine(.field, "type", node.type))
        if let ref = node.templateRef {
            lines.append(DetailLine(.field, "templateRef", (ref.name ?? "") + "/" + (ref.template ?? "")))
        }
        if let template = node.templateName, !template.isEmpty { lines.append(DetailLine(.field, "template", template)) }
        if let pod = workflow.podName(of: node) { lines.append(DetailLine(.field, "pod", pod)) }
        if let host = node.hostNodeName, !host.isEmpty { lines.append(DetailLine(.field, "host node", host)) }
        if let started = node.startedAt { lines.append(DetailLine(.field, "started", started.rfc3339)) }
        if let finished = node.finishedAt { lines.append(DetailLine(.field, "finished", finished.rfc3339)) }
        let span = Format.span(started: node.startedAt, finished: node.finishedAt, now: now)
        if !span.isEmpty {
            lines.append(DetailLine(.field, "duration", span + (node.finishedAt == nil ? " (running)" : "")))
        }
        if let estimated = node.estimatedDuration, estimated > 0 {
            lines.append(DetailLine(.field, "estimated", Format.duration(Double(estimated))))
        }
        if let resources = node.resourcesDuration, !resources.isEmpty {
            let text = resources.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.duration(Double($0.value)))" }
            lines.append(DetailLine(.field, "resources", text.joined(separator: ", ")))
        }
        if let progress = node.progress { lines.append(DetailLine(.field, "progress", progress)) }
        if let exitCode = node.outputs?.exitCode { lines.append(DetailLine(.field, "exit code", exitCode, phase: exitCode == "0" ? nil : "Failed")) }
        if let waiting = node.synchronizationStatus?.waiting { lines.append(DetailLine(.field, "waiting for", waiting)) }
        if let message = node.message, !message.isEmpty { lines.append(DetailLine(.field, "message", message, phase: node.phase)) }
        if !node.unreadableParts.isEmpty {
            lines.append(DetailLine(.field, "unreadable", node.unreadableParts.joined(separator: ", ")
                + " (not as Argo writes them: left out)", phase: "Error"))
        }

        let inputs = node.inputs?.parameters ?? []
        let inputArtifacts = node.inputs?.artifacts ?? []
        if !inputs.isEmpty || !inputArtifacts.isEmpty {
            lines.append(DetailLine(.blank))
            lines.append(DetailLine(.section, "INPUTS"))
            parameters(inputs, scope: "in", jsonOpen: jsonOpen, into: &lines)
            artifacts(inputArtifacts, into: &lines)
        }
        let outputs = node.outputs
        lines.append(DetailLine(.blank))
        lines.append(DetailLine(.section, "OUTPUTS"))
        let before = lines.count
        parameters(outputs?.parameters ?? [], scope: "out", jsonOpen: jsonOpen, into: &lines)
        if let result = outputs?.result {
            parameters([Parameter(name: "result", value: result)], scope: "result", jsonOpen: jsonOpen, into: &lines)
        }
        artifacts(outputs?.artifacts ?? [], into: &lines)
        if lines.count == before { lines.append(DetailLine(.field, "", "(this step has no outputs)")) }
        return lines
    }

    static func parameters(_ parameters: [Parameter], scope: String, jsonOpen: [String: Bool], into lines: inout [DetailLine]) {
        for parameter in parameters {
            let value = parameter.value ?? ""
            if let json = PrettyJSON.lines(value), json.count > 1 {
                let key = scope + ":" + parameter.name
                let open = jsonOpen[key] ?? (json.count <= unfoldedJSONLines)
                lines.append(DetailLine(.json(folded: !open, lineCount: json.count), parameter.name,
                    open ? "" : oneLine(value), foldKey: key))
                if open { lines += json.map { DetailLine(.jsonLine, "", $0) } }
            } else {
                lines.append(DetailLine(.field, parameter.name, value))
            }
        }
    }

    static func artifacts(_ artifacts: [Artifact], into lines: inout [DetailLine]) {
        for artifact in artifacts {
            let location = [artifact.key, artifact.path.map { "path " + $0 }].compactMap { $0 }.joined(separator: "  ")
            lines.append(DetailLine(.field, "artifact " + artifact.name, location))
        }
    }

    /// Splits long field values into continuation lines (an empty key), at spaces where it can.
    static func wrap(_ lines: [DetailLine], width: Int) -> [DetailLine] {
        guard width < .max, width > 8 else { return lines }
        var out: [DetailLine] = []
        for line in lines {
            guard line.kind == .field || line.kind == .jsonLine, line.value.count > width else {
                out.append(line)
                continue
            }
            var rest = Substring(line.value)
            var first = true
            while !rest.isEmpty {
                var cut = rest.index(rest.startIndex, offsetBy: min(width, rest.count))
                if cut < rest.endIndex, let space = rest[..<cut].lastIndex(of: " "), rest.distance(from: rest.startIndex, to: space) > width / 2 {
                    cut = rest.index(after: space)
                }
                var piece = line
                piece.value = String(rest[..<cut])
                if !first { piece.key = "" }
                piece.kind = line.kind == .jsonLine ? .jsonLine : .field
                out.append(piece)
                rest = rest[cut...]
                first = false
            }
        }
        return out
    }

    /// A JSON value squeezed onto one line, for its folded row.
    public static func oneLine(_ value: String) -> String {
        var out = ""
        var lastWasSpace = false
        for c in value {
            let space = c.isWhitespace
            if space && lastWasSpace { continue }
            out.append(space ? " " : c)
            lastWasSpace = space
        }
        return out
    }
}
