// The module's one error type. Cases carry data only; every English word a user reads is in
// `message`, so diagnostics can be reworded (or matched in tests) in one place.

/// Why a TOML document (or, later, a configuration decoded from it) was rejected.
public enum ConfigError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The bytes at `byteOffset` are not well-formed UTF-8 (overlong, surrogate, truncated...).
    case invalidUTF8(byteOffset: Int, location: SourceLocation)
    /// The grammar wanted `expected` where `found` was written.
    case unexpected(found: Found, expected: Expected, location: SourceLocation)
    /// A control character (other than tab) outside a place that allows it; a bare CR is one.
    case controlCharacter(value: UInt32, location: SourceLocation)
    /// A backslash escape TOML 1.0 does not define, e.g. `\x41`, `\e` or `\ ` (as written).
    case invalidEscape(sequence: String, location: SourceLocation)
    /// A `\u`/`\U` escape naming a surrogate or a value above U+10FFFF.
    case invalidUnicodeEscape(value: UInt32, location: SourceLocation)
    /// A string whose closing quote never came; the location is its opening quote.
    case unterminatedString(location: SourceLocation)
    /// An integer or float that breaks TOML's number rules.
    case invalidNumber(text: String, problem: NumberProblem, location: SourceLocation)
    /// A date, time or date-time that is malformed or out of range (Feb 30, hour 24...).
    case invalidDateTime(text: String, problem: DateTimeProblem, location: SourceLocation)
    /// `key` is assigned twice in the same table.
    case duplicateKey(key: String, location: SourceLocation, previous: SourceLocation)
    /// A `[header]` names a table that an earlier header already defined.
    case tableRedefined(key: String, location: SourceLocation, previous: SourceLocation)
    /// A header or dotted key tries to add to `key`, which `existing` makes closed to additions.
    case cannotExtend(key: String, existing: Definition, location: SourceLocation, previous: SourceLocation)
    /// Arrays, inline tables and key paths nest deeper than `limit` levels.
    case nestingTooDeep(limit: Int, location: SourceLocation)

    /// What the parser saw instead of what it wanted.
    public enum Found: Sendable, Hashable {
        case endOfInput
        case endOfLine
        case character(Unicode.Scalar)
        /// A run of letters that is no keyword, e.g. `tru`.
        case word(String)
    }

    /// What the grammar allowed at that point.
    public enum Expected: Sendable, Hashable {
        case value
        case key
        case equals
        case endOfLine
        case commaOrArrayEnd
        case commaOrInlineTableEnd
        case headerEnd
        case arrayTableEnd
    }

    /// How a number is malformed.
    public enum NumberProblem: Sendable, Hashable {
        case leadingZero
        case misplacedUnderscore
        case missingDigits
        case outOfRange
        case floatOverflow
        case malformed
    }

    /// Which part of a date or time is wrong.
    public enum DateTimeProblem: Sendable, Hashable {
        case malformed
        case month
        case day
        case hour
        case minute
        case second
        case offset
    }

    /// What a key already holds, for `cannotExtend`.
    public enum Definition: Sendable, Hashable {
        case value
        case array
        case inlineTable
        case arrayOfTables
        case table
        case dottedTable
    }

    /// Where the problem is, when it is in a document.
    public var location: SourceLocation? {
        switch self {
        case .invalidUTF8(_, let l), .unexpected(_, _, let l), .controlCharacter(_, let l),
             .invalidEscape(_, let l), .invalidUnicodeEscape(_, let l), .unterminatedString(let l),
             .invalidNumber(_, _, let l), .invalidDateTime(_, _, let l), .duplicateKey(_, let l, _),
             .tableRedefined(_, let l, _), .cannotExtend(_, _, let l, _), .nestingTooDeep(_, let l):
            return l
        }
    }

    /// The diagnostic text without the location, e.g. `expected '=' after a key, found 'x'`.
    public var message: String {
        switch self {
        case .invalidUTF8(let offset, _):
            return "invalid UTF-8 at byte offset \(offset)"
        case .unexpected(let found, let expected, _):
            return "expected \(expected.text), found \(found.text)"
        case .controlCharacter(let value, _):
            let name = value == 0x0D ? "carriage return without line feed" : "control character \(hex(value))"
            return "\(name) is not allowed here"
        case .invalidEscape(let sequence, _):
            return "invalid escape sequence '\(sequence)'; TOML 1.0 allows \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX"
        case .invalidUnicodeEscape(let value, _):
            return "escape \(hex(value)) is not a Unicode scalar value (surrogate or above U+10FFFF)"
        case .unterminatedString:
            return "unterminated string: no closing quote"
        case .invalidNumber(let text, let problem, _):
            return "invalid number '\(text)': \(problem.text)"
        case .invalidDateTime(let text, let problem, _):
            return "invalid date/time '\(text)': \(problem.text)"
        case .duplicateKey(let key, _, let previous):
            return "duplicate key '\(key)' (first defined at \(previous))"
        case .tableRedefined(let key, _, let previous):
            return "table [\(key)] is defined twice (first at \(previous))"
        case .cannotExtend(let key, let existing, _, let previous):
            return "cannot add to '\(key)': it is \(existing.text) (at \(previous))"
        case .nestingTooDeep(let limit, _):
            return "nesting deeper than \(limit) levels"
        }
    }

    /// `line:col: message`; callers prefix the file path.
    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}

extension ConfigError.Found {
    var text: String {
        switch self {
        case .endOfInput: return "end of input"
        case .endOfLine: return "end of line"
        case .word(let word): return "'\(word)'"
        case .character(let c):
            return c.value < 0x20 || c.value == 0x7F ? hex(c.value) : "'\(Character(c))'"
        }
    }
}

extension ConfigError.Expected {
    var text: String {
        switch self {
        case .value: return "a value (string, number, boolean, date/time, array or inline table)"
        case .key: return "a key"
        case .equals: return "'=' after a key"
        case .endOfLine: return "end of line"
        case .commaOrArrayEnd: return "',' or ']' in array"
        case .commaOrInlineTableEnd: return "',' or '}' in inline table (which must fit on one line)"
        case .headerEnd: return "']' to close the table header"
        case .arrayTableEnd: return "']]' to close the array-of-tables header"
        }
    }
}

extension ConfigError.NumberProblem {
    var text: String {
        switch self {
        case .leadingZero: return "leading zeros are not allowed"
        case .misplacedUnderscore: return "an underscore must sit between two digits"
        case .missingDigits: return "digits are missing"
        case .outOfRange: return "out of range for a 64-bit signed integer"
        case .floatOverflow: return "too large for a 64-bit float"
        case .malformed: return "not a valid integer or float"
        }
    }
}

extension ConfigError.DateTimeProblem {
    var text: String {
        switch self {
        case .malformed: return "expected YYYY-MM-DD, HH:MM:SS[.frac] or YYYY-MM-DDTHH:MM:SS[.frac][Z|±HH:MM]"
        case .month: return "month must be 01 to 12"
        case .day: return "day does not exist in that month"
        case .hour: return "hour must be 00 to 23"
        case .minute: return "minute must be 00 to 59"
        case .second: return "second must be 00 to 60"
        case .offset: return "offset must be Z or ±HH:MM with HH 00 to 23 and MM 00 to 59"
        }
    }
}

extension ConfigError.Definition {
    var text: String {
        switch self {
        case .value: return "a value"
        case .array: return "a static array"
        case .inlineTable: return "an inline table, which is closed once written"
        case .arrayOfTables: return "an array of tables"
        case .table: return "a table defined by a header"
        case .dottedTable: return "a table defined by dotted keys"
        }
    }
}

private func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
