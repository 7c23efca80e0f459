// Renders a parsed document in toml-test's "tagged JSON" encoding, the output of
// `nerve debug toml` and the form the conformance suite compares against.

/// The toml-test tagged-JSON encoding of `table`: every scalar becomes
/// `{"type": "<type>", "value": "<text>"}` with type one of string, integer, float, bool,
/// datetime, datetime-local, date-local, time-local; tables become objects (keys in document
/// order) and arrays become arrays. Floats use the shortest text that reads back to the same
/// Double, and `inf`, `-inf`, `nan`. Two-space indentation, one entry per line, trailing newline.
public func taggedJSON(_ table: TOMLTable) -> String {
    var out = ""
    writeTable(table, indent: "", into: &out)
    out += "\n"
    return out
}

private func writeTable(_ table: TOMLTable, indent: String, into out: inout String) {
    guard !table.isEmpty else {
        out += "{}"
        return
    }
    let inner = indent + "  "
    out += "{\n"
    for (i, entry) in table.entries.enumerated() {
        out += inner
        writeString(entry.key, into: &out)
        out += ": "
        writeValue(entry.node.value, indent: inner, into: &out)
        out += i + 1 < table.count ? ",\n" : "\n"
    }
    out += indent + "}"
}

private func writeValue(_ value: TOMLValue, indent: String, into out: inout String) {
    switch value {
    case .table(let table):
        writeTable(table, indent: indent, into: &out)
    case .array(let elements):
        guard !elements.isEmpty else {
            out += "[]"
            return
        }
        let inner = indent + "  "
        out += "[\n"
        for (i, element) in elements.enumerated() {
            out += inner
            writeValue(element.value, indent: inner, into: &out)
            out += i + 1 < elements.count ? ",\n" : "\n"
        }
        out += indent + "]"
    case .string(let s): writeScalar("string", s, into: &out)
    case .integer(let n): writeScalar("integer", String(n), into: &out)
    case .float(let x): writeScalar("float", floatText(x), into: &out)
    case .boolean(let b): writeScalar("bool", b ? "true" : "false", into: &out)
    case .offsetDateTime(let d): writeScalar("datetime", d.description, into: &out)
    case .localDateTime(let d): writeScalar("datetime-local", d.description, into: &out)
    case .localDate(let d): writeScalar("date-local", d.description, into: &out)
    case .localTime(let t): writeScalar("time-local", t.description, into: &out)
    }
}

/// Swift's description is the shortest round-tripping form; toml-test spells the specials
/// `inf`/`-inf`/`nan` and has no signed NaN.
private func floatText(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    return x.description
}

private func writeScalar(_ type: String, _ text: String, into out: inout String) {
    out += "{\"type\": \"" + type + "\", \"value\": "
    writeString(text, into: &out)
    out += "}"
}

/// A JSON string literal: quotes, backslashes and all controls below U+0020 escaped.
private func writeString(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default:
            out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}
