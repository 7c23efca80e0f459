// The content-stream interpreter (ISO 32000-1 §8.2, §9.3, §9.4): graphics state (q/Q/cm), text
// objects and text state, text-showing operators, and form XObjects (Do), producing positioned
// text pieces for PDFLayout. Everything that paints is ignored.

/// An affine transformation [a b c d e f] (§8.3.3); `p × m` maps row vectors as the spec writes it.
struct PDFMatrix {
    var a = 1.0, b = 0.0, c = 0.0, d = 1.0, e = 0.0, f = 0.0
    static let identity = PDFMatrix()

    /// self × m
    func concat(_ m: PDFMatrix) -> PDFMatrix {
        PDFMatrix(a: a * m.a + b * m.c, b: a * m.b + b * m.d, c: c * m.a + d * m.c, d: c * m.b + d * m.d,
                  e: e * m.a + f * m.c + m.e, f: e * m.b + f * m.d + m.f)
    }

    func apply(_ x: Double, _ y: Double) -> (Double, Double) { (x * a + y * c + e, x * b + y * d + f) }

    init(a: Double = 1, b: Double = 0, c: Double = 0, d: Double = 1, e: Double = 0, f: Double = 0) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    init?(_ nums: [Double]) {
        guard nums.count >= 6, nums.prefix(6).allSatisfy({ $0.isFinite }) else { return nil }
        self.init(a: nums[0], b: nums[1], c: nums[2], d: nums[3], e: nums[4], f: nums[5])
    }
}

/// A run of text drawn contiguously: start and end points and direction in device space.
struct PDFTextPiece {
    var text: String
    var sx: Double, sy: Double
    var ex: Double, ey: Double
    var dx: Double, dy: Double
    var size: Double
}

/// An operand of a content-stream operator.
enum PDFOperand {
    case number(Double)
    case string([UInt8])
    case name(String)
    case array([PDFOperand])
    case other

    var number: Double? { if case let .number(n) = self { return n }; return nil }
}

final class PDFContentReader {
    struct State {
        var ctm = PDFMatrix.identity
        var font: PDFFont?
        var fontSize = 0.0
        var charSpacing = 0.0
        var wordSpacing = 0.0
        var hScale = 1.0
        var leading = 0.0
        var rise = 0.0
    }

    let file: PDFFile
    var pieces: [PDFTextPiece] = []
    /// Glyphs shown whose font gave no Unicode text, and the fonts responsible.
    var unmappedGlyphs = 0
    var fontsWithoutUnicode = Set<ObjectIdentifier>()
    var glyphsShown = 0

    private var state = State()
    private var stack: [State] = []
    private var tm = PDFMatrix.identity
    private var tlm = PDFMatrix.identity
    private var fonts: [Int: PDFFont] = [:]
    private var formStack: [Int] = []

    init(file: PDFFile) { self.file = file }

    /// Interprets one page's content.
    func run(_ content: [UInt8], resources: PDFDict?) {
        state = State()
        stack.removeAll()
        interpret(content, resources: resources)
    }

    private func interpret(_ content: [UInt8], resources: PDFDict?) {
        var lex = PDFLexer(content)
        var operands: [PDFOperand] = []
        let budget = file.budget
        while file.fatal == nil {
            let t = lex.next()
            switch t {
            case .eof: return
            case let .keyword(s, c):
                budget.operators += 1
                if budget.operators > budget.limits.maxOperators {
                    file.fatal = CorpusError.pdfLimit(kind: .operators, limit: budget.limits.maxOperators)
                    return
                }
                if c <= 3 {
                    var op: UInt32 = 0
                    for k in 0..<c { op |= UInt32(content[s + k]) << (8 * UInt32(k)) }
                    if op == PDFContentReader.op("BI") { skipInlineImage(&lex) }
                    else { execute(op, operands, resources) }
                }
                operands.removeAll(keepingCapacity: true)
            default:
                let o = operand(t, &lex, depth: 0)
                if operands.count < 64 { operands.append(o) }
            }
        }
    }

    private func operand(_ t: PDFToken, _ lex: inout PDFLexer, depth: Int) -> PDFOperand {
        switch t {
        case let .int(i): return .number(Double(i))
        case let .real(r): return .number(r)
        case let .string(s): return .string(s)
        case let .name(n): return .name(n)
        case .arrayOpen:
            var items: [PDFOperand] = []
            while true {
                let n = lex.next()
                switch n {
                case .arrayClose, .eof: return .array(items)
                case .keyword: return .array(items) // unterminated array: stop before the operator
                default:
                    let o = depth < 8 ? operand(n, &lex, depth: depth + 1) : .other
                    if items.count < 100_000 { items.append(o) }
                }
            }
        case .dictOpen:
            var level = 1
            while level > 0 {
                switch lex.next() {
                case .dictOpen: level += 1
                case .dictClose: level -= 1
                case .eof: return .other
                default: break
                }
            }
            return .other
        default: return .other
        }
    }

    /// BI <dict> ID <data> EI (§8.9.7): skip the data, which may hold any bytes.
    private func skipInlineImage(_ lex: inout PDFLexer) {
        while true {
            let t = lex.next()
            if case .eof = t { return }
            if lex.isKeyword(t, "ID") { break }
        }
        let d = lex.data
        var p = lex.pos + 1
        while p + 1 < lex.end {
            if d[p] == 0x45 && d[p + 1] == 0x49 && isPDFWhite(d[p - 1]) && (p + 2 >= lex.end || !isPDFRegular(d[p + 2])) {
                lex.pos = p + 2
                return
            }
            p += 1
        }
        lex.pos = lex.end
    }

    static func op(_ s: StaticString) -> UInt32 {
        var v: UInt32 = 0
        let p = s.utf8Start
        for k in 0..<s.utf8CodeUnitCount { v |= UInt32(p[k]) << (8 * UInt32(k)) }
        return v
    }

    private static let opq = op("q"), opQ = op("Q"), opcm = op("cm"), opBT = op("BT"), opET = op("ET"),
                       opTf = op("Tf"), opTc = op("Tc"), opTw = op("Tw"), opTz = op("Tz"), opTL = op("TL"),
                       opTs = op("Ts"), opTd = op("Td"), opTD = op("TD"), opTm = op("Tm"), opTstar = op("T*"),
                       opTj = op("Tj"), opTJ = op("TJ"), opQuote = op("'"), opDQuote = op("\""), opDo = op("Do")

    private func nums(_ ops: [PDFOperand], _ n: Int) -> [Double]? {
        guard ops.count >= n else { return nil }
        let v = ops.suffix(n).compactMap(\.number)
        return v.count == n && v.allSatisfy({ $0.isFinite }) ? v : nil
    }

    private func execute(_ op: UInt32, _ ops: [PDFOperand], _ resources: PDFDict?) {
        switch op {
        case Self.opq: if stack.count < 256 { stack.append(state) }
        case Self.opQ: if let s = stack.popLast() { state = s }
        case Self.opcm: if let v = nums(ops, 6), let m = PDFMatrix(v) { state.ctm = m.concat(state.ctm) }
        case Self.opBT: tm = .identity; tlm = .identity
        case Self.opET: break
        case Self.opTf:
            if ops.count >= 2, case let .name(n) = ops[ops.count - 2], let size = ops.last?.number, size.isFinite {
                state.font = font(named: n, resources)
                state.fontSize = size
            }
        case Self.opTc: if let v = nums(ops, 1) { state.charSpacing = v[0] }
        case Self.opTw: if let v = nums(ops, 1) { state.wordSpacing = v[0] }
        case Self.opTz: if let v = nums(ops, 1) { state.hScale = v[0] / 100 }
        case Self.opTL: if let v = nums(ops, 1) { state.leading = v[0] }
        case Self.opTs: if let v = nums(ops, 1) { state.rise = v[0] }
        case Self.opTd: if let v = nums(ops, 2) { moveLine(v[0], v[1]) }
        case Self.opTD: if let v = nums(ops, 2) { state.leading = -v[1]; moveLine(v[0], v[1]) }
        case Self.opTm: if let v = nums(ops, 6), let m = PDFMatrix(v) { tlm = m; tm = m }
        case Self.opTstar: moveLine(0, -state.leading)
        case Self.opTj: if case let .string(s)? = ops.last { show(s) }
        case Self.opQuote:
            moveLine(0, -state.leading)
            if case let .string(s)? = ops.last { show(s) }
        case Self.opDQuote:
            if ops.count >= 3, let w = ops[ops.count - 3].number, let c = ops[ops.count - 2].number {
                state.wordSpacing = w
                state.charSpacing = c
            }
            moveLine(0, -state.leading)
            if case let .string(s)? = ops.last { show(s) }
        case Self.opTJ:
            guard case let .array(items)? = ops.last else { return }
            for item in items {
                switch item {
                case let .string(s): show(s)
                case let .number(n) where n.isFinite:
                    // §9.4.3: a number moves the position left by n/1000 text space units.
                    tm = PDFMatrix(e: -n / 1000 * state.fontSize * state.hScale).concat(tm)
                default: break
                }
            }
        case Self.opDo:
            if case let .name(n)? = ops.last { drawForm(n, resources) }
        default: break
        }
    }

    private func moveLine(_ tx: Double, _ ty: Double) {
        tlm = PDFMatrix(e: tx, f: ty).concat(tlm)
        tm = tlm
    }

    private func font(named name: String, _ resources: PDFDict?) -> PDFFont? {
        guard let fontsDict = file.resolveDict(resources?["Font"]), let entry = fontsDict[name] else { return nil }
        if let r = entry.ref, let f = fonts[r.num] { return f }
        guard let d = file.resolveDict(entry) else { return nil }
        let f = PDFFont(d, file: file)
        if let r = entry.ref { fonts[r.num] = f }
        return f
    }

    /// Shows a string (§9.4.4): each glyph at Trm = [Tfs·Th 0 0 Tfs 0 Trise] × Tm × CTM, then
    /// advances Tm by (w0·Tfs + Tc + Tw) · Th.
    private func show(_ bytes: [UInt8]) {
        guard let font = state.font else { return }
        let fs = state.fontSize, th = state.hScale
        for g in font.glyphs(bytes) {
            glyphsShown += 1
            let m = PDFMatrix(e: 0, f: state.rise).concat(tm).concat(state.ctm)
            let (x, y) = m.apply(0, 0)
            let ux = m.a, uy = m.b
            let len = (ux * ux + uy * uy).squareRoot()
            let size = abs(fs) * (m.c * m.c + m.d * m.d).squareRoot()
            let advance = (g.width * fs + state.charSpacing + (g.isWordSpace ? state.wordSpacing : 0)) * th
            tm = PDFMatrix(e: advance).concat(tm)
            guard let text = g.text else {
                unmappedGlyphs += 1
                if !font.hasUnicode { fontsWithoutUnicode.insert(ObjectIdentifier(font)) }
                continue
            }
            guard len > 0, size > 0, x.isFinite, y.isFinite, size.isFinite else { continue }
            let dx = ux / len, dy = uy / len
            let (nx, ny) = PDFMatrix(e: 0, f: state.rise).concat(tm).concat(state.ctm).apply(0, 0)
            append(text, x: x, y: y, endX: nx, endY: ny, dx: dx, dy: dy, size: size)
        }
    }

    private func append(_ text: String, x: Double, y: Double, endX: Double, endY: Double, dx: Double, dy: Double, size: Double) {
        if var last = pieces.last, abs(last.size - size) < 0.2 * size, last.dx * dx + last.dy * dy > 0.99 {
            let gx = x - last.ex, gy = y - last.ey
            let along = gx * dx + gy * dy
            let across = -gx * dy + gy * dx
            if abs(across) < 0.3 * size && along > -0.5 * size && along < 1.0 * size {
                if along > 0.12 * size, !(last.text.last?.isWhitespace ?? true), !(text.first?.isWhitespace ?? true) {
                    last.text += " "
                }
                last.text += text
                last.ex = endX
                last.ey = endY
                pieces[pieces.count - 1] = last
                return
            }
        }
        if pieces.count < 2_000_000 {
            pieces.append(PDFTextPiece(text: text, sx: x, sy: y, ex: endX, ey: endY, dx: dx, dy: dy, size: size))
        }
    }

    /// `Do` on a form XObject (§8.10): its content with its own matrix and resources, guarded
    /// against recursion and excessive depth. Images are ignored.
    private func drawForm(_ name: String, _ resources: PDFDict?) {
        guard let xobjects = file.resolveDict(resources?["XObject"]), let entry = xobjects[name] else { return }
        let key = entry.ref?.num ?? -1
        guard formStack.count < file.budget.limits.maxFormDepth, key < 0 || !formStack.contains(key),
              let s = file.resolve(entry).stream, s.dict.name("Subtype") == "Form", let content = file.decode(s) else { return }
        formStack.append(key)
        let saved = state
        let savedTm = tm, savedTlm = tlm
        if let v = file.resolve(s.dict["Matrix"]).array?.compactMap({ file.resolve($0).number }), let m = PDFMatrix(v) {
            state.ctm = m.concat(state.ctm)
        }
        let depth = stack.count
        interpret(content, resources: file.resolveDict(s.dict["Resources"]) ?? resources)
        if stack.count > depth { stack.removeLast(stack.count - depth) }
        state = saved
        tm = savedTm
        tlm = savedTlm
        formStack.removeLast()
    }
}
