// Serialises JSON compactly on one line (the wire frame format) or indented for people.
extension JSON {
    /// Compact, single-line JSON; never contains a raw newline, so it is a valid wire frame.
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, indent: nil, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Indented JSON (two spaces) for `--json` output meant to be read.
    public func pretty() -> String {
        var out: [UInt8] = []
        write(into: &out, indent: 2, level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact serialisation to a byte buffer (no intermediate String).
    public func write(into out: inout [UInt8]) {
        write(into: &out, indent: nil, level: 0)
    }

    private func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0a)
        out.append(contentsOf: repeatElement(0x20, count: indent * level))
    }

    private func write(into out: inout [UInt8], indent: Int?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: Array("null".utf8))
        case let .bool(b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case let .int(n): out.append(contentsOf: Array(String(n).utf8))
        case let .double(d):
            // JSON has no NaN or infinity; null is the conventional stand-in.
            if !d.isFinite { out.append(contentsOf: Array("null".utf8)) }
            else if d == d.rounded(), abs(d) < 1e15 { out.append(contentsOf: Array(String(Int64(d)).utf8)) }
            else { out.append(contentsOf: Array("\(d)".utf8)) }
        case let .string(s): JSON.writeString(s, into: &out)
        case let .array(a):
            out.append(UInt8(ascii: "["))
            for (k, v) in a.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent, level + 1)
                v.write(into: &out, indent: indent, level: level + 1)
            }
            if !a.isEmpty { newline(&out, indent, level) }
            out.append(UInt8(ascii: "]"))
        case let .object(o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, v) in o {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(&out, indent, level + 1)
                JSON.writeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(0x20) }
                v.write(into: &out, indent: indent, level: level + 1)
            }
            if o.count > 0 { newline(&out, indent, level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal with the escapes RFC 8259 requires (and U+2028/9 left as is).
    public static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for c in s.utf8 {
            switch c {
            case 0x22: out.append(0x5c); out.append(0x22)
            case 0x5c: out.append(0x5c); out.append(0x5c)
            case 0x0a: out.append(0x5c); out.append(UInt8(ascii: "n"))
            case 0x0d: out.append(0x5c); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5c); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: [0x5c, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(0x22)
    }
}
