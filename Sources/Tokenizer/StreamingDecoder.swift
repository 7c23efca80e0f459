// Token → bytes: each token's piece as llama.cpp's token_to_piece builds it, the detokenizer's
// space clean-up, and a streaming decoder that holds back incomplete UTF-8 between tokens.

extension GGUFTokenizer {
    /// Appends token `id`'s piece with specials rendered: special texts as stored, normal tokens
    /// mapped back from byte-level characters (BPE) or with "▁" → " " (SentencePiece), byte
    /// tokens as their byte; unused and undefined tokens render as nothing.
    static func appendPiece(of id: Int, in v: Vocabulary, to out: inout [UInt8]) {
        let attr = v.attributes[id]
        let text = v.text(id)
        if !attr.isDisjoint(with: [.control, .unknown, .userDefined]) {
            out.append(contentsOf: text)
        } else if attr.contains(.normal) {
            switch v.model {
            case .sentencePiece: appendUnescapingSpaces(text, to: &out)
            case .bytePairEncoding: appendByteLevelDecoded(text, to: &out)
            }
        } else if attr.contains(.byte), text.count >= 5, let hi = hexValue(text[3]), let lo = hexValue(text[4]) {
            out.append(hi << 4 | lo)          // "<0xXX>"
        }
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    private static func appendUnescapingSpaces(_ text: [UInt8], to out: inout [UInt8]) {
        var i = 0
        while i < text.count {
            if i + 2 < text.count && text[i] == 0xE2 && text[i + 1] == 0x96 && text[i + 2] == 0x81 {
                out.append(0x20)
                i += 3
            } else {
                out.append(text[i])
                i += 1
            }
        }
    }

    /// Byte-level characters back to bytes; a character outside the 256 is spelled the way
    /// llama.cpp does it: "[UNK_BYTE_0x<hex of its UTF-8>" + the whole token text + "]".
    private static func appendByteLevelDecoded(_ text: [UInt8], to out: inout [UInt8]) {
        var cps: [UInt32] = []
        text.withUnsafeBufferPointer { LenientUTF8.decode($0, into: &cps) }
        for cp in cps {
            if let b = ByteLevel.byte(of: cp) {
                out.append(b)
            } else {
                var utf8: [UInt8] = []
                LenientUTF8.append(cp, to: &utf8)
                out.append(contentsOf: Array("[UNK_BYTE_0x".utf8))
                for b in utf8 {
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(hex[Int(b >> 4)])
                    out.append(hex[Int(b & 15)])
                }
                out.append(contentsOf: text)
                out.append(0x5D)
            }
        }
    }

    /// HF's clean_up_tokenization_spaces as llama.cpp applies it: drop the space before
    /// ? ! . , and before 's 'm 're 've, and the spaces around a lone apostrophe (" ' ").
    static func cleanSpaces(_ t: inout [UInt8]) {
        guard t.count > 1 else { return }
        var r: [UInt8] = [t[0]]
        for i in 1..<t.count {
            let x = t[i]
            if t[i - 1] == 0x20 && (x == 0x3F || x == 0x21 || x == 0x2E || x == 0x2C) { r.removeLast() }
            r.append(x)
        }
        t = r
        guard t.count > 1 else { return }
        r = [t[0]]
        var i = 1
        while i < t.count {
            let x = t[i]
            if x == 0x27 && i + 1 < t.count && t[i - 1] == 0x20 && t[i + 1] == 0x20 {
                r.removeLast()
                r.append(x)
                t[i + 1] = 0                  // llama.cpp blanks the skipped space in place; a
                i += 2                        // later look-behind then sees NUL, not a space
                continue
            }
            r.append(x)
            i += 1
        }
        t = r
        guard t.count > 1 else { return }
        r = [t[0]]
        for i in 1..<t.count {
            let x = t[i]
            if t[i - 1] == 0x20 && x == 0x27 && i + 1 < t.count {
                let x1 = t[i + 1]
                if x1 == 0x73 || x1 == 0x6D {                                   // 's 'm
                    r.removeLast()
                } else if i + 2 < t.count {
                    let x2 = t[i + 2]
                    if (x1 == 0x72 && x2 == 0x65) || (x1 == 0x76 && x2 == 0x65) {  // 're 've
                        r.removeLast()
                    }
                }
            }
            r.append(x)
        }
        t = r
    }
}

/// Turns generated tokens into text as they arrive, emitting only complete UTF-8: a character
/// split across byte tokens is held back until its last byte comes.
///
/// Pieces are concatenated as they are (no SentencePiece first-space removal, no space
/// clean-up), which is what a reply streamed after a prompt needs.
public struct StreamingDecoder: Sendable {
    private let tokenizer: GGUFTokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    init(tokenizer: GGUFTokenizer, renderSpecial: Bool) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token; returns the text that became complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        tokenizer.appendPiece(id, renderSpecial: renderSpecial, to: &pending)
        let cut = Self.completePrefixLength(pending)
        if cut == 0 { return "" }
        let text = String(decoding: pending[0..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Ends the stream: whatever is still held back, invalid bytes shown as U+FFFD.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Bytes held back waiting for the rest of a character.
    public var pendingByteCount: Int { pending.count }

    /// Length of the longest prefix that does not end inside a possibly-incomplete UTF-8
    /// sequence. A sequence that can no longer complete (bad continuation) is let through, so
    /// String's decoding shows it as U+FFFD instead of stalling the stream.
    static func completePrefixLength(_ b: [UInt8]) -> Int {
        let n = b.count
        var i = n - 1
        var back = 0
        // Find the last lead byte among the final three bytes at most.
        while i >= 0 && back < 4 && b[i] & 0xC0 == 0x80 { i -= 1; back += 1 }
        if i < 0 || back >= 4 { return n }
        let lead = b[i]
        let need = lead < 0x80 ? 1 : lead >= 0xF0 && lead <= 0xF7 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        if lead >= 0xF8 { return n }
        return n - i < need ? i : n
    }
}
