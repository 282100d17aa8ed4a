import ArgoAPI
import Foundation

/// One line of a log view.
public struct LogLine: Equatable, Sendable {
    public var content: String
    /// RFC 3339 time the server stamped the line with, if it did.
    public var timestamp: String?
    /// The source it came from (index into `LogViewState.sources`); -1 for a heading line.
    public var source: Int

    public init(content: String, timestamp: String? = nil, source: Int) {
        self.content = content
        self.timestamp = timestamp
        self.source = source
    }

    public var isHeading: Bool { source < 0 }
}

/// What happened on one log stream, as the runtime reports it.
public enum LogStreamUpdate: Sendable {
    case lines([LogLine], bytes: Int)
    case keepAlive
    case reconnecting(String)
    case resumed
    case ended
    case failed(APIError)
}

/// One pod (and container) a log view reads.
public struct LogSource: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        case waiting, loading, streaming, reconnecting(String), ended, failed(String), gone
    }

    public var nodeID: String
    public var podName: String
    /// The workflow the pod belongs to, when it is not the open one (a step of an unfolded child).
    public var workflow: String?
    /// Short name shown before each line of a merged view.
    public var label: String
    public var container = "main"
    public var follow: Bool
    public var state = State.waiting
    /// The node keeps its log as an artifact (`main-logs`), for when the pod is gone.
    public var archivedLog: Bool
    /// Lines received from this source.
    public var received = 0
}

/// The log view: one step, the steps under a row merged by time, or every failed step one after another.
public struct LogViewState: Sendable {
    public enum Arrangement: Sendable { case single, merged, sequential }

    /// Distinguishes this view's streams from those of a view that was closed.
    public var id: Int
    public var title: String
    public var arrangement: Arrangement
    public var sources: [LogSource]
    public private(set) var lines: [LogLine] = []
    /// Lines dropped from the front to keep memory bounded.
    public private(set) var dropped = 0
    /// For the sequential arrangement: where each source's block ends in `lines`.
    var blockEnds: [Int] = []
    public var maxLines: Int
    public var follow = true
    public var wrap = false
    public var showTimestamps = false
    public var query: String?
    /// `&`: show only the lines that match the query.
    public var onlyMatches = false
    /// The first line on screen (an index among the visible lines), when not following.
    public var top = 0
    /// With `&`: the indices of the lines shown.
    public private(set) var filtered: [Int]?
    /// The line the last `n`/`N` went to, for highlighting.
    public var matchLine: Int?
    public var bytes = 0

    init(id: Int, title: String, arrangement: Arrangement, sources: [LogSource], maxLines: Int) {
        self.id = id
        self.title = title
        self.arrangement = arrangement
        self.sources = sources
        self.maxLines = max(100, maxLines)
        // The failed steps read from the first one down; a single log or a merge starts at its newest lines.
        follow = arrangement != .sequential
        if arrangement == .sequential {
            for (index, source) in sources.enumerated() {
                lines.append(LogLine(content: source.label, source: -1 - index))
                blockEnds.append(lines.count)
            }
        }
    }

    /// Adds a batch of lines from one source where the arrangement puts them.
    mutating func add(_ batch: [LogLine], from source: Int) {
        guard !batch.isEmpty else { return }
        switch arrangement {
        case .single:
            lines += batch
        case .sequential:
            guard blockEnds.indices.contains(source) else { return }
            let at = blockEnds[source]
            lines.insert(contentsOf: batch, at: at)
            for i in source..<blockEnds.count { blockEnds[i] += batch.count }
        case .merged:
            // Both sides are in time order (RFC 3339 sorts as text): one merge pass.
            let sorted = batch.sorted { ($0.timestamp ?? "") < ($1.timestamp ?? "") }
            if let last = lines.last?.timestamp, let first = sorted.first?.timestamp, last <= first {
                lines += sorted
            } else {
                var merged: [LogLine] = []
                merged.reserveCapacity(lines.count + sorted.count)
                var i = 0
                var j = 0
                while i < lines.count || j < sorted.count {
                    if j >= sorted.count || (i < lines.count && (lines[i].timestamp ?? "") <= (sorted[j].timestamp ?? "")) {
                        merged.append(lines[i])
                        i += 1
                    } else {
                        merged.append(sorted[j])
                        j += 1
                    }
                }
                lines = merged
            }
        }
        trim()
        if onlyMatches { refilter() }
    }

    /// Keeps the newest `maxLines` lines, dropping a tenth more at a time so that trimming stays cheap.
    mutating func trim() {
        guard lines.count > maxLines else { return }
        let excess = lines.count - maxLines + maxLines / 10
        lines.removeFirst(excess)
        dropped += excess
        blockEnds = blockEnds.map { max(0, $0 - excess) }
        top = max(0, top - excess)
        if let m = matchLine { matchLine = m >= excess ? m - excess : nil }
    }

    /// How many lines are on view: all, or with `&` only those matching the query (headings stay).
    public var visibleCount: Int { filtered?.count ?? lines.count }

    /// The line at a position among those on view.
    public func line(at position: Int) -> LogLine { lines[filtered?[position] ?? position] }

    public func lineIndex(at position: Int) -> Int { filtered?[position] ?? position }

    /// Recomputes the `&` filter after the lines, the query or the toggle changed.
    mutating func refilter() {
        guard onlyMatches, let query, !query.isEmpty else {
            filtered = nil
            return
        }
        filtered = lines.indices.filter { lines[$0].isHeading || matches(lines[$0], query) }
    }

    public func matches(_ line: LogLine, _ query: String) -> Bool {
        line.content.range(of: query, options: .caseInsensitive) != nil
    }

    /// The indices of lines matching the query, in order.
    public func matchingLines() -> [Int] {
        guard let query, !query.isEmpty else { return [] }
        return lines.indices.filter { !lines[$0].isHeading && matches(lines[$0], query) }
    }

    public var isRunning: Bool {
        sources.contains { source in
            switch source.state {
            case .waiting, .loading, .streaming, .reconnecting: return true
            default: return false
            }
        }
    }
}

