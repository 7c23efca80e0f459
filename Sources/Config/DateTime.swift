// TOML's four date/time value types and their RFC 3339 renderings. Parsing and range checks
// live in DateTimeParser.swift; these types only hold already-valid fields, in narrow integers
// so that a TOMLValue stays small (fields are read back as Int).

/// A calendar date without time zone, e.g. `1979-05-27`.
public struct LocalDate: Sendable, Hashable, CustomStringConvertible {
    private let storedYear: UInt16
    private let storedMonth: UInt8
    private let storedDay: UInt8

    /// 1...9999
    public var year: Int { Int(storedYear) }
    /// 1...12
    public var month: Int { Int(storedMonth) }
    /// 1...31, valid for the month and year
    public var day: Int { Int(storedDay) }

    init(year: Int, month: Int, day: Int) {
        storedYear = UInt16(clamping: year)
        storedMonth = UInt8(clamping: month)
        storedDay = UInt8(clamping: day)
    }

    /// `YYYY-MM-DD`.
    public var description: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }
}

/// A time of day without date or time zone, e.g. `07:32:00.999`.
///
/// Fractional seconds keep the number of digits written (up to nanoseconds; TOML asks for
/// truncation, not rounding, beyond what an implementation supports), so `.6` renders as `.6`
/// and `.600` as `.600`.
public struct LocalTime: Sendable, Hashable, CustomStringConvertible {
    private let storedHour: UInt8
    private let storedMinute: UInt8
    private let storedSecond: UInt8
    private let storedFractionDigits: UInt8
    private let storedNanosecond: UInt32

    /// 0...23
    public var hour: Int { Int(storedHour) }
    /// 0...59
    public var minute: Int { Int(storedMinute) }
    /// 0...60 (60 only for a leap second, which RFC 3339 allows)
    public var second: Int { Int(storedSecond) }
    /// The fractional second, in nanoseconds.
    public var nanosecond: Int { Int(storedNanosecond) }
    /// How many fraction digits were written, 0...9 (0: no fraction).
    public var fractionDigits: Int { Int(storedFractionDigits) }

    init(hour: Int, minute: Int, second: Int, nanosecond: Int, fractionDigits: Int) {
        storedHour = UInt8(clamping: hour)
        storedMinute = UInt8(clamping: minute)
        storedSecond = UInt8(clamping: second)
        storedNanosecond = UInt32(clamping: nanosecond)
        storedFractionDigits = UInt8(clamping: fractionDigits)
    }

    /// `HH:MM:SS` plus `.` and the fraction digits as written.
    public var description: String {
        var text = pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
        if fractionDigits > 0 {
            var scaled = nanosecond
            for _ in fractionDigits..<9 { scaled /= 10 }
            text += "." + pad(scaled, fractionDigits)
        }
        return text
    }
}

/// A date and time without time zone, e.g. `1979-05-27T07:32:00`.
public struct LocalDateTime: Sendable, Hashable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime

    /// RFC 3339 form with `T` between date and time, whatever separator was written.
    public var description: String { date.description + "T" + time.description }
}

/// A date and time with an offset from UTC, e.g. `1979-05-27T00:32:00-07:00`.
public struct OffsetDateTime: Sendable, Hashable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime
    private let storedOffset: Int16

    /// Offset from UTC in minutes, -1439...1439; `Z` and `-00:00` are both 0.
    public var offsetMinutes: Int { Int(storedOffset) }

    init(date: LocalDate, time: LocalTime, offsetMinutes: Int) {
        self.date = date
        self.time = time
        storedOffset = Int16(clamping: offsetMinutes)
    }

    /// RFC 3339 form: `T` separator and `Z` for a zero offset, else `±HH:MM`.
    public var description: String {
        var text = date.description + "T" + time.description
        if offsetMinutes == 0 { return text + "Z" }
        let magnitude = abs(offsetMinutes)
        text += offsetMinutes < 0 ? "-" : "+"
        return text + pad(magnitude / 60, 2) + ":" + pad(magnitude % 60, 2)
    }
}

/// Zero-padded decimal, without Foundation's String(format:).
private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
