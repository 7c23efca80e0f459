// Compares two tagged-JSON documents by meaning, the way toml-test's own comparator does:
// floats numerically (nan equals nan), datetimes after normalising separators, case and
// fractional-second padding, everything else exactly.
import Foundation

public enum TaggedJSONComparison {
    /// nil when equal, else where and how they differ.
    public static func difference(_ actual: Any, _ expected: Any, path: String = "") -> String? {
        if let e = expected as? [String: Any] {
            guard let a = actual as? [String: Any] else { return "\(display(path)): expected a table/tagged value, got \(actual)" }
            if let type = e["type"] as? String, let value = e["value"] as? String, e.count == 2 {
                return scalarDifference(a, type: type, value: value, path: path)
            }
            let missing = Set(e.keys).subtracting(a.keys).sorted()
            let extra = Set(a.keys).subtracting(e.keys).sorted()
            if !missing.isEmpty || !extra.isEmpty {
                return "\(display(path)): missing keys \(missing), unexpected keys \(extra)"
            }
            for key in e.keys.sorted() {
                if let d = difference(a[key] as Any, e[key] as Any, path: path + "." + key) { return d }
            }
            return nil
        }
        if let e = expected as? [Any] {
            guard let a = actual as? [Any] else { return "\(display(path)): expected an array, got \(actual)" }
            guard a.count == e.count else { return "\(display(path)): expected \(e.count) elements, got \(a.count)" }
            for i in e.indices {
                if let d = difference(a[i], e[i], path: path + "[\(i)]") { return d }
            }
            return nil
        }
        return "\(display(path)): unexpected JSON in the expected file: \(expected)"
    }

    private static func scalarDifference(_ a: [String: Any], type: String, value: String, path: String) -> String? {
        guard let aType = a["type"] as? String, let aValue = a["value"] as? String, a.count == 2 else {
            return "\(display(path)): expected \(type) \(value), got \(a)"
        }
        guard aType == type else { return "\(display(path)): expected type \(type), got \(aType) (\(aValue))" }
        let same: Bool
        switch type {
        case "float":
            let (x, y) = (float(aValue), float(value))
            same = x == y || (x?.isNaN == true && y?.isNaN == true)
        case "integer":
            same = Int64(aValue) != nil && Int64(aValue) == Int64(value)
        case "datetime", "datetime-local", "date-local", "time-local":
            same = normalizedDateTime(aValue) == normalizedDateTime(value)
        default:
            same = aValue == value
        }
        return same ? nil : "\(display(path)): expected \(type) \(debug(value)), got \(debug(aValue))"
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: return Double(text)
        }
    }

    /// Upper-case, `T` separator, fraction without trailing zeros, and `Z` for a zero offset.
    static func normalizedDateTime(_ text: String) -> String {
        var s = text.uppercased()
        if s.count > 10, s[s.index(s.startIndex, offsetBy: 10)] == " " {
            s.replaceSubrange(s.index(s.startIndex, offsetBy: 10)...s.index(s.startIndex, offsetBy: 10), with: "T")
        }
        if s.hasSuffix("+00:00") || s.hasSuffix("-00:00") { s = String(s.dropLast(6)) + "Z" }
        guard let dot = s.firstIndex(of: ".") else { return s }
        let fracEnd = s[s.index(after: dot)...].firstIndex { !$0.isNumber } ?? s.endIndex
        var fraction = String(s[s.index(after: dot)..<fracEnd])
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return String(s[..<dot]) + (fraction.isEmpty ? "" : "." + fraction) + String(s[fracEnd...])
    }

    private static func display(_ path: String) -> String { path.isEmpty ? "<root>" : String(path.dropFirst()) }

    private static func debug(_ s: String) -> String { String(reflecting: s) }
}
