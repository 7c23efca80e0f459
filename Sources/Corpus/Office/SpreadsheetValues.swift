// Spreadsheet values shared by XLSX and ODS: A1-style cell references, sheet names as formulas
// quote them, date serials to ISO 8601 (1900 and 1904 systems), and number formats that mean dates.

enum CellReference {
    /// The largest column and row Excel and LibreOffice address (XFD, 1048576); references past
    /// them are treated as malformed.
    static let maxColumn = 16_384
    static let maxRow = 1_048_576

    /// "B3" → (column 2, row 3), both 1-based; nil when malformed. "$B$3" is accepted.
    static func parse(_ ref: String) -> (column: Int, row: Int)? {
        var column = 0, row = 0, digits = false
        for b in ref.utf8 {
            switch b {
            case UInt8(ascii: "$"): continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where !digits:
                column = column * 26 + Int(b - 64)
            case UInt8(ascii: "a")...UInt8(ascii: "z") where !digits:
                column = column * 26 + Int(b - 96)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits = true
                row = row * 10 + Int(b - 48)
            default:
                return nil
            }
            if column > maxColumn || row > maxRow { return nil }
        }
        return column > 0 && row > 0 ? (column, row) : nil
    }

    /// 1 → "A", 27 → "AA".
    static func columnName(_ column: Int) -> String {
        var n = max(column, 1), out: [UInt8] = []
        while n > 0 {
            let r = (n - 1) % 26
            out.append(UInt8(65 + r))
            n = (n - 1) / 26
        }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    /// "sheet Budget!A2:D2", quoting the name as a formula would ('Q1 Budget'!A2:D2).
    static func locator(sheet: String, row: Int, first: Int, last: Int) -> String {
        let range = first == last ? "\(columnName(first))\(row)" : "\(columnName(first))\(row):\(columnName(last))\(row)"
        return "sheet \(quoted(sheet))!\(range)"
    }

    /// A sheet name as written in a reference: quoted unless it is a plain identifier.
    static func quoted(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." }
            && !("0"..."9").contains(name.unicodeScalars.first ?? "0")
        return plain ? name : "'" + name.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}

/// What a number format displays a serial number as.
enum DateStyle: Equatable {
    case date, time, dateTime
}

enum SpreadsheetDates {
    /// Built-in number formats (ECMA-376 Part 1, 18.8.30) that show dates or times. 27-36 and
    /// 50-58 are the East Asian locale date formats.
    static func builtIn(_ id: Int) -> DateStyle? {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: return .date
        case 18...21, 32, 33, 45...47: return .time
        case 22: return .dateTime
        default: return nil
        }
    }

    /// Whether a custom format code shows a date or time: quoted text, escaped characters and
    /// bracketed parts ([Red], [$-409]) are ignored, except elapsed-time brackets ([h], [mm]).
    /// Only the first section (positive numbers) counts.
    static func style(ofFormatCode code: String) -> DateStyle? {
        var date = false, time = false, month = false
        var inQuote = false, escaped = false, inBracket = false
        var bracket = ""
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket {
                if ch == "]" {
                    inBracket = false
                    if !bracket.isEmpty, bracket.allSatisfy({ "hms".contains($0) }) { time = true }
                    bracket = ""
                } else {
                    bracket.append(ch)
                }
                continue
            }
            switch ch {
            case "\"": inQuote = true
            case "\\", "_", "*": escaped = true // "_x" pads by x's width, "*x" repeats x
            case "[": inBracket = true
            case ";": return result(date: date || (month && !time), time: time)
            case "y", "d": date = true
            case "h", "s": time = true
            case "m": month = true
            default: continue
            }
        }
        return result(date: date || (month && !time), time: time)
    }

    private static func result(date: Bool, time: Bool) -> DateStyle? {
        switch (date, time) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        default: return nil
        }
    }

    /// A serial number shown with `style`, in ISO 8601 form; nil when it is no plausible date
    /// (negative, past 9999-12-31) or a time-only value of a day or more (a duration).
    /// In the 1900 system serial 1 is 1900-01-01 and serial 60 the 29 February 1900 that Lotus
    /// 1-2-3 invented and Excel kept (18.17.4.1); in the 1904 system serial 0 is 1904-01-01.
    static func iso(serial: Double, style: DateStyle, date1904: Bool) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 { days += 1; seconds -= 86_400 }
        let time = padded(seconds / 3600, 2) + ":" + padded(seconds / 60 % 60, 2) + ":" + padded(seconds % 60, 2)
        if style == .time {
            return days == 0 ? time : nil
        }
        let day: String
        if date1904 {
            day = civil(daysSince1970: days - 24_107)
        } else if days == 60 {
            day = "1900-02-29"
        } else {
            // 25_569 = serial of 1970-01-01; before the phantom leap day serials run one ahead.
            day = civil(daysSince1970: days - (days < 60 ? 25_568 : 25_569))
        }
        return style == .date ? day : day + " " + time
    }

    /// The proleptic Gregorian date `days` after 1970-01-01, as YYYY-MM-DD (era arithmetic over
    /// 400-year cycles of 146,097 days).
    static func civil(daysSince1970 days: Int) -> String {
        let z = days + 719_468 // days since 0000-03-01
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153 // month from March = 0
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yearOfEra + era * 400 + (m <= 2 ? 1 : 0)
        return padded(y, 4) + "-" + padded(m, 2) + "-" + padded(d, 2)
    }
}

/// `n` in decimal, zero-padded to `width` digits.
func padded(_ n: Int, _ width: Int) -> String {
    let s = "\(n)"
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
