// The prompt a model answers from: the question, the top passages numbered [1]..[n] with where
// they come from (each cut to the sentences around the question's words when it is longer than
// its budget), and what earlier stages found; and the reverse step, reading [n] citations out of
// the model's answer and mapping them back to the passages.

import Corpus
import Foundation
import Index
import JSON

public enum EvidencePrompt {
    /// The instructions. Worded as a helpful assistant's task rather than a prohibition: with
    /// "using only the passages ... only if no passage contains the answer, reply exactly: NOT IN
    /// DOCUMENTS", Qwen2.5-Coder-1.5B (and llama.cpp on the same prompt) declined questions whose
    /// answer was in passage [1].
    public static let system = """
    You are a helpful assistant. Answer the user's question from the numbered passages in one or \
    two sentences, citing the passage number like [1]. If none of the passages answers it, reply \
    NOT IN DOCUMENTS.
    """

    /// The user message: the passages, (with `previous`) earlier stages' attempts, then the
    /// question — last, where a small model attends to it best (with the question first, the
    /// 1.5B reader declined most answerable questions of the corporate set).
    public static func user(question: String, hits: [Hit], previous: [(stage: String, answer: Answer)], maxPassages: Int,
                            maxCharsPerPassage: Int = 1200) -> String {
        var s = "Passages:\n"
        let terms = Set(Analyzer.terms(question))
        for (i, h) in hits.prefix(maxPassages).enumerated() {
            let where_ = h.documents.first.map { d in d.path.split(separator: "/").last.map(String.init) ?? d.path } ?? "?"
            let heading = h.headingPath.isEmpty ? "" : " — \(h.headingPath)"
            let text = excerpt(h.text, terms: terms, maxChars: maxCharsPerPassage)
            s += "[\(i + 1)] (\(where_)\(heading)) \(text.split(separator: "\n").joined(separator: " "))\n"
        }
        let earlier = previous.filter { !$0.answer.text.isEmpty }
        if !earlier.isEmpty {
            s += "\nEarlier attempts (not confident enough):\n"
            for (stage, a) in earlier {
                s += "- \(stage) (confidence \(Decimals.fixed(a.confidence, places: 2))): \(a.text.split(separator: "\n").joined(separator: " "))\n"
            }
        }
        s += "\nQuestion: \(question)\nAnswer with citations:"
        return s
    }

    /// `text` if it fits in `maxChars`; else the run of consecutive sentences around the one that
    /// shares the most `terms` (stemmed question terms), grown towards the neighbour that shares
    /// more while it fits, marked "…" where it was cut. A passage's answer is seldom in its first
    /// lines only, so cutting its head off blind would lose answers that retrieval found.
    public static func excerpt(_ text: String, terms: Set<String>, maxChars: Int) -> String {
        if text.count <= maxChars { return text }
        let sentences = SentenceSplitter.split(text)
        let scores = sentences.map { Set(Analyzer.terms($0)).intersection(terms).count }
        guard let best = scores.indices.max(by: { scores[$0] < scores[$1] || scores[$0] == scores[$1] && $0 > $1 }) else {
            return String(text.prefix(max(0, maxChars - 1))) + "…"
        }
        if sentences[best].count >= maxChars { return String(sentences[best].prefix(max(0, maxChars - 1))) + "…" }
        var lo = best, hi = best, length = sentences[best].count
        while true {
            let before = lo > 0 && length + 1 + sentences[lo - 1].count <= maxChars ? lo - 1 : nil
            let after = hi + 1 < sentences.count && length + 1 + sentences[hi + 1].count <= maxChars ? hi + 1 : nil
            // Ties go to the following sentence: a statement's details tend to come after it.
            if let b = before, after.map({ scores[b] > scores[$0] }) ?? true {
                lo = b
                length += 1 + sentences[b].count
            } else if let a = after {
                hi = a
                length += 1 + sentences[a].count
            } else {
                break
            }
        }
        return (lo > 0 ? "… " : "") + sentences[lo...hi].joined(separator: " ") + (hi + 1 < sentences.count ? " …" : "")
    }

    /// The follow-up asked of the model about the answer it just gave, in the same conversation
    /// (so only these words are evaluated anew). Its first token's probability of "Yes" is the
    /// `judge` feature. The 1.5B model says "Yes" to nearly all its own answers, only a little
    /// less surely when wrong (mean P(Yes) on the train split: 0.76 right, 0.73 wrong, 0.72 near
    /// misses); `check` asks the same thing afresh, where it does say "No".
    public static let judge = """
    Check your answer against the passages. Do they state it, and does it answer exactly what the \
    question asks? Reply Yes or No.
    """

    /// The `check` request's user message: one passage, the question and the answer given as a
    /// proposal (`uncited`), asked afresh rather than as the model's own words. The shipped
    /// calibration was fitted on exactly this text.
    public static func check(question: String, answer: String, passage: String, maxChars: Int) -> String {
        let text = excerpt(passage, terms: Set(Analyzer.terms(question)), maxChars: maxChars)
        return "Passage: \(text.split(separator: "\n").joined(separator: " "))\n\nQuestion: \(question)\n"
            + "Proposed answer: \(uncited(answer).trimmingCharacters())\n\n"
            + "Does the passage state this answer to exactly this question? Reply Yes or No."
    }

    /// P(Yes) from a one-token Yes/No reply (`judge`, `check`) and its natural-log probability:
    /// the token's own probability for "Yes", its complement for "No" (as if the rest of the mass
    /// were on the other reply; the other tokens' share was not measured), and 0.5 for any other.
    public static func yesProbability(reply: String, logprob: Double) -> Double {
        let t = reply.trimmingCharacters().lowercased()
        let p = min(1, max(0, exp(logprob)))
        if t.hasPrefix("yes") { return p }
        if t.hasPrefix("no") { return 1 - p }
        return 0.5
    }

    /// `text` without its citation marks ("[1]", "[2, 3]": which passage said it, not what was
    /// said), each taken out with the spaces before it ("a month [1]." reads "a month."; a mark
    /// between two words leaves one space); other bracketed text is kept.
    public static func uncited(_ text: String) -> String {
        var plain = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let inside = rest[rest.index(after: open)..<close]
            let mark = !inside.isEmpty && inside.contains(where: \.isNumber) && inside.allSatisfy { $0.isNumber || $0 == "," || $0 == " " }
            plain += rest[..<open]
            rest = rest[rest.index(after: close)...]
            if mark {
                while plain.last == " " { plain.removeLast() }
                // "nine[1]dollars" must not become one word.
                if let next = rest.first, next.isLetter || next.isNumber, !plain.isEmpty { plain += " " }
            } else {
                plain += text[open...close]
            }
        }
        return plain + rest
    }

    /// The passage numbers cited in `text` ("[2]", "[1][3]", "[1, 2]"), in order, deduplicated.
    public static func citedNumbers(_ text: String) -> [Int] {
        var out: [Int] = []
        var i = text.startIndex
        while let open = text[i...].firstIndex(of: "[") {
            guard let close = text[open...].firstIndex(of: "]") else { break }
            for part in text[text.index(after: open)..<close].split(whereSeparator: { $0 == "," || $0 == " " }) {
                if let n = Int(part), n > 0, !out.contains(n) { out.append(n) }
            }
            i = text.index(after: close)
        }
        return out
    }

    /// Whether the model said the passages lack the answer: the reply asked for, or one of the
    /// ways a small model words it anyway ("... is not specified in the given passages").
    public static func declined(_ text: String) -> Bool {
        if text.uppercased().contains("NOT IN DOCUMENTS") { return true }
        let t = text.lowercased()
        return declinePhrases.contains { t.contains($0) }
    }

    /// "not mentioned in the given passages", "the passages do not contain", ...
    static let declinePhrases: [String] = {
        let places = ["passages", "passage", "documents", "context"]
        var out: [String] = []
        for place in places {
            for verb in ["specified", "mentioned", "provided", "stated", "found", "given", "included"] {
                for qualifier in ["", "given ", "provided ", "above "] { out.append("not \(verb) in the \(qualifier)\(place)") }
            }
            for verb in ["contain", "mention", "specify", "provide", "say", "answer"] {
                out += ["\(place) do not \(verb)", "\(place) does not \(verb)"]
            }
        }
        return out
    }()
}
