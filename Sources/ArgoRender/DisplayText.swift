import ArgoViewModel

/// Text from the cluster made safe for a terminal, and measured in terminal columns.
public enum DisplayText {
    /// Replaces everything that could move the cursor or change the terminal with a visible placeholder:
    /// C0 controls become their Control Pictures (ESC shows as `␛`), DEL as `␡`, C1 controls and
    /// bidirectional overrides as `�`. Tabs become a space; newlines show as `␤` (one row stays one row).
    public static func sanitize(_ text: String) -> String {
        // Most text from the cluster is printable ASCII: nothing to do, found without decoding scalars.
        if isPrintableASCII(text) { return text }
        var needsWork = false
        for scalar in text.unicodeScalars where isUnsafe(scalar) {
            needsWork = true
            break
        }
        if !needsWork { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if !isUnsafe(scalar) {
                out.append(scalar)
            } else if v == 0x09 {
                out.append(" ")
            } else if v == 0x0A {
                out.append("\u{2424}")
            } else if v < 0x20 {
                out.append(Unicode.Scalar(0x2400 + v)!)
            } else if v == 0x7F {
                out.append("\u{2421}")
            } else {
                out.append("\u{FFFD}")
            }
        }
        return String(out)
    }

    /// Drops ANSI colour and style codes (`ESC [ … m`), which logs are full of; every other escape stays for
    /// `sanitize` to show as a placeholder.
    public static func withoutColourCodes(_ text: String) -> String {
        guard text.utf8.contains(0x1B) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i].value == 0x1B, i + 1 < scalars.count, scalars[i + 1] == "[" {
                var j = i + 2
                while j < scalars.count, (0x30...0x3F).contains(scalars[j].value) { j += 1 }
                if j < scalars.count, scalars[j] == "m" {
                    i = j + 1
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// Whether every byte is printable ASCII (0x20–0x7E): one column and one grapheme a byte, nothing unsafe.
    @inline(__always) static func isPrintableASCII(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.isPrintableASCII }
    }

    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || v == 0x7F { return true }
        if v >= 0x80 && v < 0xA0 { return true }
        // Bidirectional embeddings, overrides and isolates reorder what follows them.
        if (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        return false
    }

    /// Terminal columns of one grapheme: 0 for combining and zero-width marks, 2 for East Asian wide and
    /// emoji, 1 otherwise.
    public static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count > 1 && scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return width(of: first)
    }

    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x300 { return 1 }
        if isZeroWidth(v) { return 0 }
        if isWide(v) { return 2 }
        return 1
    }

    static func isZeroWidth(_ v: UInt32) -> Bool {
        (0x0300...0x036F).contains(v) || (0x0483...0x0489).contains(v) || (0x0591...0x05BD).contains(v)
            || (0x0610...0x061A).contains(v) || (0x064B...0x065F).contains(v) || (0x1AB0...0x1AFF).contains(v)
            || (0x1DC0...0x1DFF).contains(v) || (0x200B...0x200F).contains(v) || (0x20D0...0x20FF).contains(v)
            || (0xFE00...0xFE0F).contains(v) || (0xFE20...0xFE2F).contains(v) || v == 0xFEFF
            || (0xE0100...0xE01EF).contains(v)
    }

    static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v)
            || (0x1F900...0x1F9FF).contains(v) || (0x1F680...0x1F6FF).contains(v) || (0x20000...0x3FFFD).contains(v)
            || (0x2600...0x26FF).contains(v) && isEmojiPresentation(v)
    }

    static func isEmojiPresentation(_ v: UInt32) -> Bool {
        [0x2614, 0x2615, 0x2648, 0x2649, 0x264A, 0x264B, 0x264C, 0x264D, 0x264E, 0x264F, 0x2650, 0x2651, 0x2652,
         0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA,
         0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD].contains(v)
    }

    /// Columns taken by a whole string.
    public static func width(_ text: String) -> Int {
        if isPrintableASCII(text) { return text.utf8.count }
        var total = 0
        for c in text { total += width(of: c) }
        return total
    }

    /// Cuts text to at most `columns` columns, ending with `…` when something was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        if columns <= 0 { return "" }
        if width(text) <= columns { return text }
        var out = ""
        var used = 0
        for c in text {
            let w = width(of: c)
            if used + w > columns - 1 { break }
            out.append(c)
            used += w
        }
        return out + "…"
    }
}
