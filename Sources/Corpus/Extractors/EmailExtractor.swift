// E-mail (.eml) to text: the header summary (from, to, date, subject) as the first block, then the
// readable body — the text/plain alternative, else the HTML one converted to text — of every
// inline part, nested messages included. Attachments are named, not extracted.

public enum EmailExtractor {
    /// - Parameter html: converts an HTML part to blocks (the HTML extractor), when available.
    public static func extract(_ bytes: [UInt8], html: (([UInt8], String?) -> Document)? = nil) -> Document {
        let root = MIMEParser.parse(bytes)
        var blocks: [Block] = []
        var title = root.header("Subject")
        summarize(root, into: &blocks)
        collect(root, html: html, into: &blocks, title: &title)
        return Document(title: title, blocks: blocks)
    }

    static func summarize(_ m: MIMEPart, into blocks: inout [Block]) {
        let fields = ["From", "To", "Cc", "Date", "Subject"].compactMap { name in m.header(name).map { "\(name): \($0)" } }
        if !fields.isEmpty { blocks.append(Block(.paragraph, fields.joined(separator: "; "), span: SourceSpan(locator: "headers"))) }
    }

    static func collect(_ part: MIMEPart, html: (([UInt8], String?) -> Document)?, into blocks: inout [Block], title: inout String?) {
        let type = part.contentType
        if type == "multipart/alternative" {
            // Prefer plain text; the HTML alternative only when there is no plain one.
            if let plain = part.parts.first(where: { $0.contentType == "text/plain" }) {
                collect(plain, html: html, into: &blocks, title: &title)
            } else if let best = part.parts.last {
                collect(best, html: html, into: &blocks, title: &title)
            }
            return
        }
        if type.hasPrefix("multipart/") {
            for p in part.parts { collect(p, html: html, into: &blocks, title: &title) }
            return
        }
        if type == "message/rfc822", let inner = part.parts.first {
            summarize(inner, into: &blocks)
            collect(inner, html: html, into: &blocks, title: &title)
            return
        }
        let name = part.parameter("Content-Disposition", "filename") ?? part.parameter("Content-Type", "name")
        if part.isAttachment || !(type.hasPrefix("text/")) {
            if let name { blocks.append(Block(.paragraph, "Attachment: \(name)", span: SourceSpan(locator: "attachment \(name)"))) }
            return
        }
        let charset = part.parameter("Content-Type", "charset")
        if type == "text/html" {
            let doc = html?(part.body, charset) ?? PlainTextExtractor.extract(stripTags(Charset.decode(part.body, charset: charset)))
            blocks += doc.blocks
            return
        }
        blocks += PlainTextExtractor.extract(Charset.decode(part.body, charset: charset)).blocks.map {
            var b = $0
            b.span.lineStart = nil
            b.span.lineEnd = nil
            b.span.locator = "body"
            return b
        }
    }

    /// A last-resort HTML to text conversion for when no HTML extractor is wired in.
    static func stripTags(_ s: String) -> String {
        var out = ""
        var inTag = false
        for c in s {
            if c == "<" { inTag = true; continue }
            if c == ">" { inTag = false; out.append(" "); continue }
            if !inTag { out.append(c) }
        }
        return MarkdownInline.decodeEntities(out)
    }
}
