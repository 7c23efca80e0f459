// The prompt a model answers from: the question, the top passages numbered [1]..[n] with where
// they come from, and what earlier stages found; and the reverse step, reading [n] citations out
// of the model's answer and mapping them back to the passages.

import Index
import JSON

public enum EvidencePrompt {
    public static let system = """
    You answer questions about an organisation's documents using only the numbered passages given. \
    Answer in one to three sentences and cite the passages you used like [1] or [2][3]. \
    If the passages do not contain the answer, reply exactly: NOT IN DOCUMENTS
    """

    /// The user message: question, passages, and earlier stages' attempts.
    public static func user(question: String, hits: [Hit], previous: [(stage: String, answer: Answer)], maxPassages: Int,
                            maxCharsPerPassage: Int = 1200) -> String {
        var s = "Question: \(question)\n\nPassages:\n"
        for (i, h) in hits.prefix(maxPassages).enumerated() {
            let where_ = h.documents.first.map { d in d.path.split(separator: "/").last.map(String.init) ?? d.path } ?? "?"
            let heading = h.headingPath.isEmpty ? "" : " — \(h.headingPath)"
            let text = h.text.count > maxCharsPerPassage ? String(h.text.prefix(maxCharsPerPassage)) + "…" : h.text
            s += "[\(i + 1)] (\(where_)\(heading)) \(text.split(separator: "\n").joined(separator: " "))\n"
        }
        if !previous.isEmpty {
            s += "\nEarlier attempts (not confident enough):\n"
            for (stage, a) in previous where !a.text.isEmpty {
                s += "- \(stage) (confidence \(Decimals.fixed(a.confidence, places: 2))): \(a.text.split(separator: "\n").joined(separator: " "))\n"
            }
        }
        s += "\nAnswer with citations:"
        return s
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

    /// Whether the model said the passages lack the answer.
    public static func declined(_ text: String) -> Bool {
        text.uppercased().contains("NOT IN DOCUMENTS")
    }
}
