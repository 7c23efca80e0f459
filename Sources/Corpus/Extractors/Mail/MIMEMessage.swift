// A MIME message (RFC 5322 + RFC 2045/2046): unfolded headers with RFC 2047 encoded words decoded,
// and the body split into parts recursively (multipart/*, message/rfc822), each part's content
// decoded from its transfer encoding. Depth and part count are bounded against hostile mail.

public struct MIMEPart: Sendable {
    public var headers: [(name: String, value: String)]
    /// The decoded body bytes (leaf parts only).
    public var body: [UInt8]
    public var parts: [MIMEPart]

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// "text/plain" etc., lowercased; text/plain when absent (RFC 2045 §5.2).
    public var contentType: String {
        (header("Content-Type")?.split(separator: ";").first.map { $0.trimmingCharacters().lowercased() }) ?? "text/plain"
    }

    public func parameter(_ header: String, _ name: String) -> String? {
        guard let v = self.header(header) else { return nil }
        for p in v.split(separator: ";").dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters().lowercased() == name else { continue }
            var value = kv[1].trimmingCharacters()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    public var isAttachment: Bool {
        header("Content-Disposition")?.lowercased().hasPrefix("attachment") == true
    }
}

public enum MIMEParser {
    static let maxDepth = 16
    static let maxParts = 1000

    public static func parse(_ bytes: [UInt8]) -> MIMEPart {
        var budget = maxParts
        return parse(bytes[...], depth: 0, budget: &budget)
    }

    static func parse(_ bytes: ArraySlice<UInt8>, depth: Int, budget: inout Int) -> MIMEPart {
        let (headers, bodyStart) = parseHeaders(bytes)
        let body = bytes[bodyStart...]
        var part = MIMEPart(headers: headers, body: [], parts: [])
        budget -= 1
        let type = part.contentType
        if depth < maxDepth, budget > 0, type.hasPrefix("multipart/"), let boundary = part.parameter("Content-Type", "boundary"), !boundary.isEmpty {
            for piece in split(body, boundary: Array(("--" + boundary).utf8)) where budget > 0 {
                part.parts.append(parse(piece, depth: depth + 1, budget: &budget))
            }
            return part
        }
        if depth < maxDepth, budget > 0, type == "message/rfc822" {
            part.parts.append(parse(body, depth: depth + 1, budget: &budget))
            return part
        }
        switch part.header("Content-Transfer-Encoding")?.trimmingCharacters().lowercased() {
        case "base64": part.body = TransferEncoding.base64(body)
        case "quoted-printable": part.body = TransferEncoding.quotedPrintable(Array(body))
        default: part.body = Array(body)
        }
        return part
    }

    /// Headers up to the first empty line; continuation lines (leading whitespace) are unfolded.
    static func parseHeaders(_ bytes: ArraySlice<UInt8>) -> ([(name: String, value: String)], Int) {
        var headers: [(String, String)] = []
        var i = bytes.startIndex
        var current: (String, [UInt8])?
        func finish() {
            if let (n, v) = current { headers.append((n, EncodedWords.decode(String(decoding: v, as: UTF8.self)).trimmingCharacters())) }
            current = nil
        }
        while i < bytes.endIndex {
            var end = i
            while end < bytes.endIndex, bytes[end] != 0x0a { end += 1 }
            var line = bytes[i..<end]
            if line.last == 0x0d { line = line.dropLast() }
            let next = min(end + 1, bytes.endIndex)
            if line.isEmpty { finish(); return (headers, next) }
            if line.first == 0x20 || line.first == 0x09, current != nil {
                current?.1.append(0x20)
                current?.1.append(contentsOf: line.drop { $0 == 0x20 || $0 == 0x09 })
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                finish()
                current = (String(decoding: line[..<colon], as: UTF8.self).trimmingCharacters(), Array(line[(colon + 1)...]))
            } else {
                // Not a header at all: the message has no header block.
                finish()
                return (headers, headers.isEmpty ? bytes.startIndex : i)
            }
            i = next
        }
        finish()
        return (headers, bytes.endIndex)
    }

    /// The parts between "--boundary" lines, up to "--boundary--".
    static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var starts: [(Int, Int)] = [] // (line start, content start)
        var i = body.startIndex
        var closed = false
        while i < body.endIndex {
            var end = i
            while end < body.endIndex, body[end] != 0x0a { end += 1 }
            let line = body[i..<end]
            if line.starts(with: boundary) {
                let rest = line.dropFirst(boundary.count)
                starts.append((i, min(end + 1, body.endIndex)))
                if rest.starts(with: [0x2d, 0x2d]) { closed = true; break }
            }
            i = min(end + 1, body.endIndex)
            if end == body.endIndex { break }
        }
        for k in 0..<starts.count {
            let from = starts[k].1
            let to = k + 1 < starts.count ? starts[k + 1].0 : body.endIndex
            if k + 1 == starts.count && closed { break }
            if from < to { parts.append(body[from..<to]) }
        }
        return parts
    }
}

/// RFC 2047 encoded words in headers: =?charset?B?...?= and =?charset?Q?...?=.
enum EncodedWords {
    static func decode(_ s: String) -> String {
        guard s.contains("=?") else { return s }
        var out = ""
        var rest = Substring(s)
        var lastWasWord = false
        while let start = rest.firstRange(of: "=?") {
            let before = rest[..<start.lowerBound]
            // Whitespace between two encoded words is dropped (RFC 2047 §6.2).
            if !(lastWasWord && before.allSatisfy { $0 == " " || $0 == "\t" }) { out += before }
            let after = rest[start.upperBound...]
            let fields = after.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, fields[3].hasPrefix("="), fields[1].count == 1 else {
                out += "=?"
                rest = after
                lastWasWord = false
                continue
            }
            let charset = String(fields[0].split(separator: "*").first ?? "")
            let payload = Array(fields[2].utf8)
            let bytes = fields[1].uppercased() == "B" ? TransferEncoding.base64(payload) : TransferEncoding.quotedPrintable(payload, header: true)
            out += Charset.decode(bytes, charset: charset)
            rest = fields[3].dropFirst()
            lastWasWord = true
        }
        return out + rest
    }
}
