/// How a cell looks; each front maps these to its own colours and attributes.
public enum Style: UInt8, Sendable {
    case normal, header, title, selected, dim, ok, failed, running, pending, skipped, warning, keyName, error
    /// The selection's marker in column 0.
    case marker
}

/// One terminal cell: a grapheme and its style. A wide grapheme occupies its cell and the next,
/// which holds `continuation`.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var style: Style
    public static let blank = Cell(text: " ", style: .normal)
    public static let continuation = Cell(text: "", style: .normal)

    public init(text: String, style: Style) {
        self.text = text
        self.style = style
    }
}

/// A screen's worth of cells. Screens are drawn into it; the fronts copy it to a terminal or to text.
public struct Canvas: Equatable, Sendable {
    public let cols: Int
    public let rows: Int
    public private(set) var cells: [Cell]

    public init(cols: Int, rows: Int) {
        self.cols = max(0, cols)
        self.rows = max(0, rows)
        cells = Array(repeating: .blank, count: self.cols * self.rows)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * cols + x] }

    /// The text of each ASCII byte as a one-character string (small strings: no storage to allocate or free).
    static let ascii: [String] = (0..<128).map { String(UnicodeScalar(UInt8($0))) }

    /// Writes sanitized text at (x, y), clipped at `limit` columns (default: the right edge). Returns the
    /// column after the last one written. A wide grapheme that would cross the limit is replaced by padding.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, limit: Int? = nil) -> Int {
        guard y >= 0, y < rows else { return x }
        let end = min(cols, limit ?? cols)
        var column = x
        if DisplayText.isPrintableASCII(text) {
            // A cell a byte, each byte's one-character text made once.
            for byte in text.utf8 {
                guard column < end else { break }
                if column >= 0 { cells[y * cols + column] = Cell(text: Canvas.ascii[Int(byte)], style: style) }
                column += 1
            }
            return column
        }
        for character in DisplayText.sanitize(text) {
            let width = DisplayText.width(of: character)
            if width == 0 {
                // Combining marks join the previous cell.
                if column > 0 && column <= end && column - 1 >= x {
                    cells[y * cols + column - 1].text.append(character)
                }
                continue
            }
            if column + width > end {
                while column < end {
                    if column >= 0 { cells[y * cols + column] = Cell(text: " ", style: style) }
                    column += 1
                }
                break
            }
            if column >= 0 {
                cells[y * cols + column] = Cell(text: String(character), style: style)
                if width == 2 { cells[y * cols + column + 1] = .continuation }
            }
            column += width
        }
        return column
    }

    /// Paints a style over a span of a row without changing its text (the selection bar).
    public mutating func fill(y: Int, from x: Int = 0, to end: Int? = nil, style: Style) {
        guard y >= 0, y < rows else { return }
        for column in max(0, x)..<min(cols, end ?? cols) {
            cells[y * cols + column].style = style
        }
    }

    /// A row's first field within `range`: from its first cell that is neither blank nor dim (a tree's guides)
    /// to the last cell before a gap of two blanks (or the range's end), trailing blanks left out; nil when
    /// the range holds no such cell.
    public func firstField(y: Int, within range: Range<Int>) -> Range<Int>? {
        guard y >= 0, y < rows else { return nil }
        let range = max(0, range.lowerBound)..<min(cols, range.upperBound)
        func blank(_ x: Int) -> Bool { cells[y * cols + x].text == " " }
        guard let start = range.first(where: { !blank($0) && cells[y * cols + $0].style != .dim }) else { return nil }
        var end = start + 1
        var x = start + 1
        while x < range.upperBound {
            if blank(x) {
                if x + 1 >= range.upperBound || blank(x + 1) { break }
            } else {
                end = x + 1
            }
            x += 1
        }
        return start..<end
    }

    /// The screen as plain text: one line a row, trailing spaces trimmed.
    public var lines: [String] {
        (0..<rows).map { y in
            var line = ""
            for x in 0..<cols { line += cells[y * cols + x].text }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }
}
