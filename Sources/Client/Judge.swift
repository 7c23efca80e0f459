// Whether an answer is right: its text contains an accepted answer (SQuAD's normalisation) and,
// when the question names files, one of its citations is one of them. Text and file are judged
// apart so a report can say which of the two an answer got wrong.
import Posix

public enum SQuADScoring {
    /// SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces.
    public static func normalize(_ s: String) -> String {
        let lowered = s.lowercased().unicodeScalars.map { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == " " ? Character($0) : " " }
        return String(lowered).split(separator: " ").filter { !["a", "an", "the"].contains($0) }.joined(separator: " ")
    }

    /// Right text: the normalised answer contains a normalised accepted answer as whole words.
    /// An unanswerable question has no right text.
    public static func correct(_ answer: String, _ q: EvalQuestion) -> Bool {
        if q.unanswerable { return false }
        let a = " " + normalize(answer) + " "
        return q.answers.contains { let n = normalize($0); return !n.isEmpty && a.contains(" " + n + " ") }
    }
}

/// The judge's finding on one answer.
public struct Verdict: Sendable, Equatable {
    /// The text contains an accepted answer (always false for an unanswerable question).
    public var rightText: Bool
    /// A citation is one of the question's files; true when the question names none.
    public var rightFile: Bool
    /// Right: both.
    public var right: Bool { rightText && rightFile }

    public init(rightText: Bool, rightFile: Bool) {
        self.rightText = rightText
        self.rightFile = rightFile
    }
}

public enum Judge {
    /// Judges `answer` citing `citations` (paths as the daemon sent them) against `q`.
    public static func verdict(answer: String, citations: [String], _ q: EvalQuestion) -> Verdict {
        Verdict(rightText: SQuADScoring.correct(answer, q), rightFile: citesRightFile(citations, q))
    }

    /// Whether one of `citations` is one of `q.files` (both made absolute, symlinks resolved).
    public static func citesRightFile(_ citations: [String], _ q: EvalQuestion) -> Bool {
        if q.files.isEmpty { return true }
        let wanted = Set(q.files.map(canonical))
        return citations.contains { wanted.contains(canonical($0)) }
    }

    /// `path` made absolute with symlinks resolved; a path that does not exist (a file deleted
    /// since it was indexed) is only cleaned of `.`, `..` and repeated slashes.
    public static func canonical(_ path: String) -> String {
        let absolute = FileSystem.absolute(path)
        if let real = try? FileSystem.realPath(absolute) { return real }
        var parts: [Substring] = []
        for p in absolute.split(separator: "/") where p != "." {
            if p == ".." { if !parts.isEmpty { parts.removeLast() } } else { parts.append(p) }
        }
        return "/" + parts.joined(separator: "/")
    }
}
