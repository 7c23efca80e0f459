// Typed configuration on top of TOML: a table of keys (name, type, bounds, default, meaning), a
// checker that turns a TOML table into checked values with compiler-style diagnostics, and the
// "did you mean" helper. nerved.toml and every pipeline stage's parameters use it.

/// A parameter's type with its bounds; the parse phase checks values against it.
public enum ParameterType: Sendable, Equatable {
    case string
    case integer(ClosedRange<Int>)
    case float(ClosedRange<Double>)
    case boolean
    case strings
    /// An array of numbers, each within the range.
    case floats(ClosedRange<Double>)
    case choice([String])

    public var name: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .strings: return "array of strings"
        case .floats: return "array of numbers"
        case let .choice(options): return "one of " + options.map { "'\($0)'" }.joined(separator: ", ")
        }
    }
}

/// A checked parameter value.
public enum ParameterValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case strings([String])
    case floats([Double])
}

public struct ParameterSpec: Sendable {
    public let name: String
    public let type: ParameterType
    /// nil means required.
    public let defaultValue: ParameterValue?
    public let summary: String

    public init(_ name: String, _ type: ParameterType, default defaultValue: ParameterValue?, _ summary: String) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var severity: Severity
    public var file: String
    public var location: SourceLocation?
    public var message: String
    public var notes: [String]

    public init(_ severity: Severity, file: String, at location: SourceLocation?, _ message: String, notes: [String] = []) {
        self.severity = severity
        self.file = file
        self.location = location
        self.message = message
        self.notes = notes
    }

    /// `file:line:col: error: message` plus one `note:` line per note.
    public var description: String {
        let loc = location.map { ":\($0.line):\($0.column)" } ?? ""
        var s = "\(file)\(loc): \(severity.rawValue): \(message)"
        for n in notes { s += "\n\(file)\(loc): note: \(n)" }
        return s
    }
}

public enum Suggest {
    /// The candidate closest to `word` by edit distance, when the distance is below 4 and smaller
    /// than the word itself (so short typos get help and unrelated words do not).
    public static func closest(_ word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            if d < 4 && d < max(word.count, 2), d < (best?.1 ?? Int.max) { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance over characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    /// "did you mean 'x'?" or nil.
    public static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        closest(word, among: candidates).map { "did you mean '\($0)'?" }
    }
}

/// Checks a TOML table against a key table, collecting every problem.
public enum Schema {
    /// Values for every key in `keys` (defaults filled in) and the diagnostics found; unknown keys
    /// are errors with a suggestion. `what` names the file's role in messages ("etc/nerved.toml").
    public static func check(_ table: TOMLTable, _ keys: [ParameterSpec], file: String, what: String,
                             ignoring: [String] = []) -> ([String: ParameterValue], [Diagnostic]) {
        var d: [Diagnostic] = []
        var out: [String: ParameterValue] = [:]
        let names = keys.map(\.name)
        for e in table.entries where !ignoring.contains(e.key) {
            guard let spec = keys.first(where: { $0.name == e.key }) else {
                var notes = Suggest.didYouMean(e.key, among: names + ignoring).map { [$0] } ?? []
                notes.append("keys of \(what): " + names.joined(separator: ", "))
                d.append(Diagnostic(.error, file: file, at: e.keyLocation, "unknown key '\(e.key)'", notes: notes))
                continue
            }
            if let v = ParameterCheck.value(e.node, spec, file: file, &d) { out[spec.name] = v }
        }
        for spec in keys where out[spec.name] == nil {
            if let def = spec.defaultValue { out[spec.name] = def }
            else if table[spec.name] == nil {
                d.append(Diagnostic(.error, file: file, at: table.location, "missing key '\(spec.name)' (\(spec.type.name)): \(spec.summary)"))
            }
        }
        return (out, d)
    }
}

/// A parameter value as written, before checking: from a TOML file (with locations) or from JSON
/// (a stage plan sent to a worker, without). One checker reads both, so a bad value gets the same
/// diagnostic wherever it comes from.
public struct RawParameter: Sendable {
    public indirect enum Value: Sendable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([RawParameter])
        /// Anything else (a table, a datetime, JSON null...): only its type name matters.
        case other(typeName: String)
    }

    public var value: Value
    public var location: SourceLocation?

    public init(_ value: Value, at location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }

    public init(_ node: TOMLNode) {
        location = node.location
        switch node.value {
        case let .string(s): value = .string(s)
        case let .integer(n): value = .integer(n)
        case let .float(x): value = .float(x)
        case let .boolean(b): value = .boolean(b)
        case let .array(items): value = .array(items.map(RawParameter.init))
        default: value = .other(typeName: node.value.typeName)
        }
    }

    public var typeName: String {
        switch value {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .array: return "array"
        case let .other(name): return name
        }
    }
}

public enum ParameterCheck {
    /// The checked value of `node` for `spec`, or nil after appending a diagnostic.
    public static func value(_ node: TOMLNode, _ spec: ParameterSpec, file: String, _ d: inout [Diagnostic]) -> ParameterValue? {
        value(RawParameter(node), spec, file: file, &d)
    }

    /// The checked value of `raw` for `spec` (type and bounds), or nil after appending a diagnostic.
    public static func value(_ raw: RawParameter, _ spec: ParameterSpec, file: String, _ d: inout [Diagnostic]) -> ParameterValue? {
        func error(_ at: SourceLocation?, _ message: String, notes: [String] = []) {
            d.append(Diagnostic(.error, file: file, at: at, message, notes: notes))
        }
        func wrong() -> ParameterValue? {
            error(raw.location, "parameter '\(spec.name)' must be \(article(spec.type.name)), found \(raw.typeName)")
            return nil
        }
        func number(_ r: RawParameter) -> Double? {
            switch r.value {
            case let .float(f): return f
            case let .integer(n): return Double(n)
            default: return nil
            }
        }
        switch spec.type {
        case .string:
            guard case let .string(s) = raw.value else { return wrong() }
            return .string(s)
        case let .integer(range):
            let n: Int64
            switch raw.value {
            case let .integer(i): n = i
            // JSON has one number type: a whole float is the integer it spells.
            case let .float(f) where raw.location == nil && f.rounded() == f && abs(f) < 9e15: n = Int64(f)
            default: return wrong()
            }
            guard let i = Int(exactly: n), range.contains(i) else {
                error(raw.location, "parameter '\(spec.name)' must be in \(range.lowerBound)...\(range.upperBound), found \(n)")
                return nil
            }
            return .integer(i)
        case let .float(range):
            guard let x = number(raw) else { return wrong() }
            guard range.contains(x) else {
                error(raw.location, "parameter '\(spec.name)' must be in \(range.lowerBound)...\(range.upperBound), found \(x)")
                return nil
            }
            return .float(x)
        case .boolean:
            guard case let .boolean(b) = raw.value else { return wrong() }
            return .boolean(b)
        case .strings:
            guard case let .array(items) = raw.value else { return wrong() }
            var out: [String] = []
            for it in items {
                guard case let .string(s) = it.value else {
                    error(it.location ?? raw.location, "parameter '\(spec.name)' must be an array of strings, found an element of type \(it.typeName)")
                    return nil
                }
                out.append(s)
            }
            return .strings(out)
        case let .floats(range):
            guard case let .array(items) = raw.value else { return wrong() }
            var out: [Double] = []
            for it in items {
                guard let x = number(it) else {
                    error(it.location ?? raw.location, "parameter '\(spec.name)' must be an array of numbers, found an element of type \(it.typeName)")
                    return nil
                }
                guard range.contains(x) else {
                    error(it.location ?? raw.location, "elements of parameter '\(spec.name)' must be in \(range.lowerBound)...\(range.upperBound), found \(x)")
                    return nil
                }
                out.append(x)
            }
            return .floats(out)
        case let .choice(options):
            guard case let .string(s) = raw.value else { return wrong() }
            guard options.contains(s) else {
                var notes = Suggest.didYouMean(s, among: options).map { [$0] } ?? []
                notes.append("accepted values: " + options.joined(separator: ", "))
                error(raw.location, "unknown value '\(s)' for parameter '\(spec.name)'", notes: notes)
                return nil
            }
            return .string(s)
        }
    }

    public static func article(_ s: String) -> String {
        if s.hasPrefix("one of") || s.hasPrefix("array") { return s.hasPrefix("array") ? "an " + s : s }
        return (s.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + s
    }
}

extension TOMLValue {
    /// The TOML type name, for messages.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .boolean: return "boolean"
        case .offsetDateTime, .localDateTime: return "datetime"
        case .localDate: return "date"
        case .localTime: return "time"
        case .array: return "array"
        case .table: return "table"
        }
    }
}
