// Reads RFC 3339 dates and times as TOML 1.0 restricts them (seconds required, `T`, `t` or a
// space between date and time) and checks every field's range, including leap years.

enum DateTimeParser {
    typealias Problem = ConfigError.DateTimeProblem

    /// `DDDD-`: how every date starts, and no number can.
    static func startsLikeDate(_ t: ArraySlice<UInt8>) -> Bool {
        let s = t.startIndex
        return t.count >= 5 && (s..<s + 4).allSatisfy { isDigit(t[$0]) } && t[s + 4] == UInt8(ascii: "-")
    }

    /// `DD:`: how every local time starts.
    static func startsLikeTime(_ t: ArraySlice<UInt8>) -> Bool {
        let s = t.startIndex
        return t.count >= 3 && isDigit(t[s]) && isDigit(t[s + 1]) && t[s + 2] == UInt8(ascii: ":")
    }

    /// One date, time or date-time token.
    static func parse(_ token: ArraySlice<UInt8>) throws(Rejected<Problem>) -> TOMLValue {
        let t = Array(token)
        var i = 0
        if startsLikeTime(token) {
            let time = try parseTime(t, &i)
            guard i == t.count else { throw Rejected(.malformed) }
            return .localTime(time)
        }
        let date = try parseDate(t, &i)
        if i == t.count { return .localDate(date) }
        guard t[i] == UInt8(ascii: "T") || t[i] == UInt8(ascii: "t") || t[i] == 0x20 else { throw Rejected(.malformed) }
        i += 1
        let time = try parseTime(t, &i)
        if i == t.count { return .localDateTime(LocalDateTime(date: date, time: time)) }
        let offset = try parseOffset(t, &i)
        guard i == t.count else { throw Rejected(.malformed) }
        return .offsetDateTime(OffsetDateTime(date: date, time: time, offsetMinutes: offset))
    }

    /// `YYYY-MM-DD`, a real calendar day.
    private static func parseDate(_ t: [UInt8], _ i: inout Int) throws(Rejected<Problem>) -> LocalDate {
        let year = try digits(t, &i, 4)
        try expect(t, &i, "-")
        let month = try digits(t, &i, 2)
        try expect(t, &i, "-")
        let day = try digits(t, &i, 2)
        guard (1...12).contains(month) else { throw Rejected(.month) }
        guard day >= 1, day <= daysIn(month: month, year: year) else { throw Rejected(.day) }
        return LocalDate(year: year, month: month, day: day)
    }

    /// `HH:MM:SS` with an optional `.fraction` of any length (kept to nanoseconds, truncated).
    private static func parseTime(_ t: [UInt8], _ i: inout Int) throws(Rejected<Problem>) -> LocalTime {
        let hour = try digits(t, &i, 2)
        try expect(t, &i, ":")
        let minute = try digits(t, &i, 2)
        try expect(t, &i, ":")
        let second = try digits(t, &i, 2)
        var nanosecond = 0
        var fractionDigits = 0
        if i < t.count, t[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < t.count, isDigit(t[i]) {
                if fractionDigits < 9 {
                    nanosecond = nanosecond * 10 + Int(t[i] - UInt8(ascii: "0"))
                    fractionDigits += 1
                }
                i += 1
            }
            guard i > start else { throw Rejected(.malformed) }
            for _ in fractionDigits..<9 { nanosecond *= 10 }
        }
        guard hour <= 23 else { throw Rejected(.hour) }
        guard minute <= 59 else { throw Rejected(.minute) }
        guard second <= 60 else { throw Rejected(.second) } // 60: RFC 3339 leap second
        return LocalTime(hour: hour, minute: minute, second: second,
                         nanosecond: nanosecond, fractionDigits: fractionDigits)
    }

    /// `Z`, `z` or `±HH:MM`, as minutes east of UTC.
    private static func parseOffset(_ t: [UInt8], _ i: inout Int) throws(Rejected<Problem>) -> Int {
        let sign = t[i]
        i += 1
        if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") { return 0 }
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { throw Rejected(.malformed) }
        let hours = try digits(t, &i, 2)
        try expect(t, &i, ":")
        let minutes = try digits(t, &i, 2)
        guard hours <= 23, minutes <= 59 else { throw Rejected(.offset) }
        let total = hours * 60 + minutes
        return sign == UInt8(ascii: "-") ? -total : total
    }

    /// Exactly `count` decimal digits.
    private static func digits(_ t: [UInt8], _ i: inout Int, _ count: Int) throws(Rejected<Problem>) -> Int {
        guard i + count <= t.count else { throw Rejected(.malformed) }
        var value = 0
        for k in i..<i + count {
            guard isDigit(t[k]) else { throw Rejected(.malformed) }
            value = value * 10 + Int(t[k] - UInt8(ascii: "0"))
        }
        i += count
        return value
    }

    private static func expect(_ t: [UInt8], _ i: inout Int, _ c: Unicode.Scalar) throws(Rejected<Problem>) {
        guard i < t.count, t[i] == UInt8(ascii: c) else { throw Rejected(.malformed) }
        i += 1
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}
