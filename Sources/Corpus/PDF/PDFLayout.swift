// Text pieces to lines and paragraphs: pieces join lines by baseline (then x), lines join
// paragraphs by vertical gaps, font size and alignment, line-end hyphens are undone when the next
// line starts in lowercase. Stream order decides between columns; the spec gives no reading order.

struct PDFParagraph {
    var text: String
    var size: Double
    var lines: Int
    var page: Int
}

enum PDFLayout {
    private struct Placed { var text: String; var u0: Double; var u1: Double; var v: Double; var size: Double }

    private struct Line {
        var pieces: [Placed]
        var v: Double
        var size: Double
        var minU: Double
        var maxU: Double
        var text = ""
    }

    /// The paragraphs of one page, in reading order.
    static func paragraphs(_ pieces: [PDFTextPiece], page: Int) -> [PDFParagraph] {
        guard !pieces.isEmpty else { return [] }
        // The reading frame: the page's dominant text direction becomes +u, "up" becomes +v.
        var weights: [Int: (Double, Double, Int)] = [:]
        for p in pieces {
            let k = Int((p.dx * 4).rounded()) * 16 + Int((p.dy * 4).rounded())
            let w = weights[k] ?? (p.dx, p.dy, 0)
            weights[k] = (w.0, w.1, w.2 + p.text.count)
        }
        let dominant = weights.values.max { $0.2 < $1.2 } ?? (1, 0, 0)
        let (dx, dy) = (dominant.0, dominant.1)
        var lines: [Line] = []
        for p in pieces {
            let u0 = p.sx * dx + p.sy * dy, u1 = p.ex * dx + p.ey * dy
            let v = -p.sx * dy + p.sy * dx
            let placed = Placed(text: p.text, u0: min(u0, u1), u1: max(u0, u1), v: v, size: p.size)
            var joined = false
            for k in stride(from: lines.count - 1, through: max(0, lines.count - 6), by: -1) {
                let l = lines[k]
                let s = max(l.size, p.size)
                // A smaller piece may sit raised or lowered on the line: a footnote mark, an exponent.
                let small = p.size < 0.85 * l.size
                let onLine = small ? (v - l.v > -0.35 * l.size && v - l.v < 0.65 * l.size) : abs(l.v - v) < 0.35 * s
                if onLine && placed.u0 <= l.maxU + 3 * s && placed.u1 >= l.minU - 3 * s {
                    lines[k].pieces.append(placed)
                    lines[k].minU = min(l.minU, placed.u0)
                    lines[k].maxU = max(l.maxU, placed.u1)
                    lines[k].size = max(l.size, p.size)
                    joined = true
                    break
                }
            }
            if !joined { lines.append(Line(pieces: [placed], v: v, size: p.size, minU: placed.u0, maxU: placed.u1)) }
        }
        for i in lines.indices { lines[i].text = lineText(&lines[i]) }
        lines.removeAll { $0.text.isEmpty }
        return group(lines, page: page)
    }

    /// Pieces of a line left to right, a space where the gap is wider than a tight kern.
    private static func lineText(_ line: inout Line) -> String {
        let sorted = line.pieces.enumerated().sorted { a, b in
            a.element.u0 != b.element.u0 ? a.element.u0 < b.element.u0 : a.offset < b.offset
        }.map(\.element)
        var out = ""
        var last: Placed? = nil
        for p in sorted {
            if let l = last {
                // The same text drawn twice at (nearly) the same place: fake bold or a shadow.
                if p.text == l.text && abs(p.u0 - l.u0) < 0.3 * p.size { continue }
                if p.u0 - l.u1 > 0.12 * p.size, !(out.last?.isWhitespace ?? true), !(p.text.first?.isWhitespace ?? true) {
                    out += " "
                }
            }
            out += p.text
            last = p
        }
        line.pieces = sorted
        return normalize(out)
    }

    /// Ligatures expanded, invisible and control characters dropped, white-space runs collapsed.
    static func normalize(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var space = true
        for u in s.unicodeScalars {
            switch u.value {
            case 0xFB00: out += "ff".unicodeScalars; space = false
            case 0xFB01: out += "fi".unicodeScalars; space = false
            case 0xFB02: out += "fl".unicodeScalars; space = false
            case 0xFB03: out += "ffi".unicodeScalars; space = false
            case 0xFB04: out += "ffl".unicodeScalars; space = false
            case 0xFB05, 0xFB06: out += "st".unicodeScalars; space = false
            case 0x00AD, 0x200B, 0x200C, 0x200D, 0xFEFF, 0xFFFD: continue
            case 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x2000...0x200A, 0x202F, 0x3000:
                if !space { out.append(" "); space = true }
            case 0...0x1F, 0x7F...0x9F: continue
            case 0xE000...0xF8FF, 0xF0000...0x10FFFF: continue // private use: meaningless outside its font
            default:
                out.append(u)
                space = false
            }
        }
        while out.last == " " { out.removeLast() }
        return String(out)
    }

    private static let bullets: Set<Character> = ["•", "◦", "▪", "‣", "●", "○", "■", "□", "–", "-", "*", "·"]

    static func startsWithBullet(_ s: String) -> Bool {
        guard let f = s.first, bullets.contains(f) else { return false }
        let rest = s.dropFirst()
        return rest.first == " " && rest.count > 1
    }

    /// Lines (in creation order) into paragraphs.
    private static func group(_ lines: [Line], page: Int) -> [PDFParagraph] {
        var out: [PDFParagraph] = []
        var current: [Line] = []
        var spacing: Double? = nil

        func flush() {
            guard !current.isEmpty else { return }
            let ordered = current.enumerated().sorted { a, b in
                let s = max(a.element.size, b.element.size)
                if abs(a.element.v - b.element.v) > 0.35 * s { return a.element.v > b.element.v }
                if a.element.minU != b.element.minU { return a.element.minU < b.element.minU }
                return a.offset < b.offset
            }.map(\.element)
            var text = ""
            for l in ordered { text = join(text, l.text) }
            let size = ordered.map(\.size).max() ?? 0
            out.append(PDFParagraph(text: text, size: size, lines: ordered.count, page: page))
            current.removeAll()
            spacing = nil
        }

        for line in lines {
            guard let prev = current.last else { current = [line]; continue }
            let s = max(prev.size, line.size)
            let dv = prev.v - line.v // positive going down the page
            let paraMin = current.map(\.minU).min() ?? prev.minU
            let paraMax = current.map(\.maxU).max() ?? prev.maxU
            var breakHere = false
            if abs(dv) < 0.35 * s {
                breakHere = false // same baseline: cells of one row, or a line in pieces
            } else if dv < 0 || dv > 2.0 * s {
                breakHere = true // upward (next column) or a wide gap
            } else if let sp = spacing, dv > sp * 1.35 && dv - sp > 0.25 * s {
                breakHere = true // more space than the paragraph's own leading
            }
            if abs(prev.size - line.size) > 0.15 * s { breakHere = true }
            if abs(dv) >= 0.35 * s, line.minU > paraMax + s || line.maxU < paraMin - s { breakHere = true } // another column
            if startsWithBullet(line.text) { breakHere = true }
            if !breakHere, dv > 0.35 * s, let end = prev.text.last, ".!?:".contains(end),
               prev.maxU < paraMax - 4 * s, current.count >= 2 {
                breakHere = true // a short last line ending a sentence: the paragraph ended
            }
            if breakHere {
                flush()
                current = [line]
            } else {
                if dv > 0.35 * s { spacing = spacing.map { min($0, dv) } ?? dv }
                current.append(line)
            }
        }
        flush()
        return out
    }

    /// Joins a line to the text so far: a line-end hyphen after a letter is dropped when the next
    /// line starts in lowercase ("extrac-" + "tion" = "extraction").
    static func join(_ text: String, _ line: String) -> String {
        if text.isEmpty { return line }
        if text.hasSuffix("-"), let next = line.first, next.isLowercase {
            let body = text.dropLast()
            if let before = body.last, before.isLetter { return String(body) + line }
        }
        return text + " " + line
    }
}
