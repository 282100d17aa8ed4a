import Foundation

/// A point in time as Kubernetes writes it (RFC 3339, `2026-11-28T12:00:00Z`), kept as seconds since 1970.
public struct Timestamp: Codable, Hashable, Comparable, Sendable {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    public init?(rfc3339 text: String) {
        guard let value = Timestamp.parse(text) else { return nil }
        seconds = value
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
        }
        seconds = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }

    /// The time in RFC 3339 with whole seconds, in UTC.
    public var rfc3339: String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` without Foundation's formatters (they are slow).
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// The same, on the text's UTF-8 bytes (the fast workflow decoder reads them in place).
    static func parse(utf8: UnsafeBufferPointer<UInt8>) -> Double? {
        guard utf8.count >= 19 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for i in start..<(start + length) {
                let c = utf8[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            month >= 1, month <= 12, day >= 1, day <= 31
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < utf8.count && utf8[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                fraction += Double(utf8[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < utf8.count {
            let sign = utf8[index]
            if sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                guard utf8.count >= index + 6, let oh = number(index + 1, 2), let om = number(index + 4, 2) else {
                    return nil
                }
                offset = (oh * 3600 + om * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
            }
        }
        // Days from civil date (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        let total = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Double(total) + fraction
    }
}
