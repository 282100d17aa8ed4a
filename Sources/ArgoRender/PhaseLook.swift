import ArgoAPI
import ArgoViewModel

extension String {
    func padded(to columns: Int) -> String {
        let w = DisplayText.width(self)
        return w >= columns ? self : self + String(repeating: " ", count: columns - w)
    }
}

/// The icon and style of a phase (the icons of `argo get`; plain characters under `--ascii`).
public struct PhaseLook: Equatable, Sendable {
    public var icon: String
    public var style: Style

    /// Waiting on a semaphore or mutex.
    public static func queued(ascii: Bool) -> PhaseLook { PhaseLook(icon: ascii ? "q" : "⧗", style: .warning) }

    public static func of(phase: String?, type: String? = nil, ascii: Bool) -> PhaseLook {
        if type == "Suspend" && phase == "Running" { return PhaseLook(icon: ascii ? "|" : "ǁ", style: .running) }
        switch phase ?? "" {
        case "Succeeded": return PhaseLook(icon: ascii ? "+" : "✔", style: .ok)
        case "Failed": return PhaseLook(icon: ascii ? "X" : "✖", style: .failed)
        case "Error": return PhaseLook(icon: ascii ? "!" : "⚠", style: .failed)
        case "Running": return PhaseLook(icon: ascii ? "*" : "●", style: .running)
        case "Skipped": return PhaseLook(icon: ascii ? "o" : "○", style: .skipped)
        case "Omitted": return PhaseLook(icon: "-", style: .skipped)
        default: return PhaseLook(icon: ascii ? "." : "◷", style: .pending)
        }
    }
}
