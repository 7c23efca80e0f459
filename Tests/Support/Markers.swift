// Inline test files with position markers (1️⃣, 2️⃣ ...), in the style of swift-format's tests:
// the markers are removed and their line:column positions returned, so a diagnostic test states
// exactly where the error must point.
import Config

public enum Markers {
    public static let all = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

    /// The text without markers, and each marker's 1-based line and column (in Unicode scalars).
    public static func strip(_ marked: String) -> (text: String, at: [String: SourceLocation]) {
        var text = ""
        var at: [String: SourceLocation] = [:]
        var line = 1, column = 1
        var rest = Substring(marked)
        outer: while !rest.isEmpty {
            for m in all where rest.hasPrefix(m) {
                at[m] = SourceLocation(line: line, column: column)
                rest = rest.dropFirst(m.count)
                continue outer
            }
            let c = rest.removeFirst()
            text.append(c)
            if c == "\n" { line += 1; column = 1 } else { column += c.unicodeScalars.count }
        }
        return (text, at)
    }
}
