import ArgoAPI

/// Short human forms of times and counts, as the screens print them.
public enum Format {
    /// `42s`, `5m03s`, `2h05m`, `3d4h`.
    public static func duration(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + String(s % 60).leftPadded(to: 2) + "s" }
        if s < 86400 { return "\(s / 3600)h" + String((s % 3600) / 60).leftPadded(to: 2) + "m" }
        return "\(s / 86400)d\((s % 86400) / 3600)h"
    }

    /// `42s`, `5m`, `2h`, `3d`: how long ago.
    public static func age(_ seconds: Double) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// Duration of something that started and maybe finished; running things count up to `now`.
    public static func span(started: Timestamp?, finished: Timestamp?, now: Double) -> String {
        guard let started else { return "" }
        return duration((finished?.seconds ?? now) - started.seconds)
    }

    /// `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, `101st`, `111th`.
    public static func ordinal(_ n: Int) -> String {
        let lastTwo = (n % 100).magnitude
        let suffix: String
        if (11...13).contains(lastTwo) {
            suffix = "th"
        } else {
            switch lastTwo % 10 {
            case 1: suffix = "st"
            case 2: suffix = "nd"
            case 3: suffix = "rd"
            default: suffix = "th"
            }
        }
        return "\(n)" + suffix
    }

    /// `1,250`.
    public static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether every byte is printable ASCII (0x20–0x7E): one character and one terminal column a byte, nothing
    /// to escape. Eight bytes at a time.
    @inlinable public var isPrintableASCII: Bool {
        var i = 0
        if let base = baseAddress {
            // A byte below 0x20 or from 0x7F up sets its high bit in `flags`.
            let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= count {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if ((w &- ones &* 0x20) | (w &+ ones &* 0x01) | w) & high != 0 { return false }
                i += 8
            }
        }
        while i < count {
            if self[i] < 0x20 || self[i] > 0x7E { return false }
            i += 1
        }
        return true
    }
}
