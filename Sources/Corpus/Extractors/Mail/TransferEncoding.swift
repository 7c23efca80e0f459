// MIME content transfer encodings (RFC 2045 §6): base64 and quoted-printable, both lenient the way
// mail readers are — stray characters are skipped, a broken escape is kept literally.

public enum TransferEncoding {
    private static let base64Values: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "-"))] = 62 // base64url
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Decodes base64, ignoring whitespace and any character outside the alphabet.
    public static func base64(_ input: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in input {
            if c == UInt8(ascii: "=") { break }
            let v = base64Values[Int(c)]
            if v == 255 { continue }
            acc = (acc << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }

    /// Decodes quoted-printable; `header` turns "_" into a space (RFC 2047 Q encoding).
    public static func quotedPrintable(_ input: [UInt8], header: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let c = input[i]
            if c == UInt8(ascii: "=") {
                // Soft line break: "=" at the end of a line (CRLF or LF, trailing spaces allowed).
                var j = i + 1
                while j < input.count, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
                if j < input.count, input[j] == 0x0d || input[j] == 0x0a {
                    i = j + (input[j] == 0x0d && j + 1 < input.count && input[j + 1] == 0x0a ? 2 : 1)
                    continue
                }
                if j >= input.count { break }
                if i + 2 < input.count, let h = hexValue(input[i + 1]), let l = hexValue(input[i + 2]) {
                    out.append(h << 4 | l)
                    i += 3
                    continue
                }
                out.append(c)
                i += 1
                continue
            }
            out.append(header && c == UInt8(ascii: "_") ? 0x20 : c)
            i += 1
        }
        return out
    }
}

/// Bytes in a named charset to a String; unknown charsets fall back to our text detection.
public enum Charset {
    public static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch (charset ?? "").lowercased().replacing("_", with: "-") {
        case "utf-8", "utf8", "us-ascii", "ascii", "":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1", "latin-1", "iso8859-1", "l1":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "windows-1252", "cp1252", "iso-8859-15":
            return TextDecoding.windows1252(bytes)
        case "utf-16le": return TextDecoding.utf16(bytes[...], littleEndian: true)
        case "utf-16be", "utf-16": return TextDecoding.utf16(bytes[...], littleEndian: false)
        default:
            return (try? TextDecoding.decode(bytes, path: "")).map(\.text) ?? String(decoding: bytes, as: UTF8.self)
        }
    }
}
