// What a question asks for, and what kinds of values a sentence holds: the evidence that a
// sentence can be an answer at all ("how much does the hotel cost" wants money; a sentence
// without any is unlikely to answer it, however many question words it repeats). Questions are
// read by their wh-phrase and the words around it; values by their surface form.
import Index

public enum AnswerType: Int, Sendable, CaseIterable {
    case money, percent, duration, quantity, date, person, place, url, email, other

    /// The feature-name suffix of each type (feature names are a file format: never renamed).
    public var name: String {
        switch self {
        case .money: return "money"
        case .percent: return "percent"
        case .duration: return "duration"
        case .quantity: return "quantity"
        case .date: return "date"
        case .person: return "person"
        case .place: return "place"
        case .url: return "url"
        case .email: return "email"
        case .other: return "other"
        }
    }

    static let timeUnits: Set<String> = ["second", "seconds", "minute", "minutes", "hour", "hours", "hr", "hrs", "day", "days",
                                         "week", "weeks", "month", "months", "year", "years", "decade", "decades", "business",
                                         "weekday", "weekdays", "night", "nights", "fortnight", "quarter", "quarters"]
    static let moneyWords: Set<String> = ["cost", "costs", "pay", "paid", "pays", "price", "reimburse", "reimbursed", "reimbursement",
                                          "spend", "spent", "budget", "stipend", "allowance", "fee", "fees", "salary", "per",
                                          "expense", "expensed", "worth", "charge", "charged", "rate", "dollars", "money", "amount"]
    static let months: Set<String> = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                                      "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
                                      "sept", "oct", "nov", "dec"]
    static let weekdays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The type `question` asks for.
    public static func of(_ question: String) -> AnswerType {
        let words = question.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "%" }.map(String.init)
        func after(_ i: Int) -> String { i + 1 < words.count ? words[i + 1] : "" }
        let has = { (w: String) in words.contains(w) }
        if has("email") || has("e-mail") { return .email }
        if has("url") || has("website") || has("link") || has("site") && has("web") { return .url }
        if has("percentage") || has("percent") || has("%") { return .percent }
        for (i, w) in words.enumerated() {
            switch w {
            case "how":
                let n = after(i)
                if n == "long" || n == "often" || n == "soon" || n == "early" || n == "late" { return .duration }
                if n == "much" {
                    if words.dropFirst(i + 2).prefix(3).contains(where: { timeUnits.contains($0) || $0 == "time" || $0 == "leave" }) {
                        return .duration
                    }
                    return .money
                }
                if n == "many" {
                    let unit = words.dropFirst(i + 2).first { !Analyzer.stopwords.contains($0) } ?? ""
                    return timeUnits.contains(unit) ? .duration : .quantity
                }
                if ["old", "far", "big", "large", "few", "high"].contains(n) { return .quantity }
            case "when": return .date
            case "who", "whom", "whose": return .person
            case "where": return .place
            case "what", "which":
                let n = after(i)
                if ["year", "date", "day", "month", "deadline", "time", "week"].contains(n) { return .date }
                if ["number", "amount", "size", "age", "limit", "maximum", "minimum", "cap", "count"].contains(n) {
                    return words.contains(where: moneyWords.contains) ? .money : .quantity
                }
                if ["team", "person", "office", "group", "role", "manager", "contact", "department"].contains(n) { return .person }
                if ["city", "country", "state", "building", "floor", "room", "address", "location"].contains(n) { return .place }
            default: continue
            }
        }
        if words.contains(where: { $0 == "cost" || $0 == "costs" || $0 == "price" || $0 == "stipend" || $0 == "allowance" }) {
            return .money
        }
        return .other
    }

    /// Which types of value `sentence` holds, as a bit set over `AnswerType.rawValue`. One pass
    /// over each word's characters: this runs for every candidate sentence of every question.
    public static func values(in sentence: String) -> UInt16 {
        let raw = sentence.split(whereSeparator: \.isWhitespace)
        let lower = raw.map { $0.trimmingASCII(Self.edgePunctuation).lowercased() }
        var set: UInt16 = 0
        func add(_ t: AnswerType) { set |= 1 << UInt16(t.rawValue) }
        var sawNumber = false
        for (k, w) in lower.enumerated() {
            var digit = false, numeric = true, dollar = false, percent = false, at = false, dot = false, slashes = 0
            for u in raw[k].unicodeScalars {
                switch u {
                case "0"..."9": digit = true
                case "$", "€", "£": dollar = true
                case "%": percent = true
                case "@": at = true
                case ".": dot = true
                case "/": slashes += 1
                case ",", "-", ":", "(", ")", ";", "!", "?", "\"", "'": break
                case "a"..."z", "A"..."Z": break        // alphabetic, without the Unicode table lookup
                default: if !u.properties.isAlphabetic { numeric = false }
                }
            }
            let isNumber = digit && numeric || QuestionType.isNumberWord(w)
            if dollar || w == "dollars" || w == "usd" { add(.money) }
            if percent || w == "percent" || w == "percentage" { add(.percent) }
            if at && dot { add(.email) }
            // Every web suffix holds a ".", so words without one skip the suffix search.
            if w.hasPrefix("http") || w.hasPrefix("www.") || dot && hasWebSuffix(w) { add(.url) }
            if months.contains(w) || weekdays.contains(w) || (w.utf8.count == 4 && Int(w).map { (1900...2100).contains($0) } == true)
                || slashes == 2 && digit && w.first?.isNumber == true {
                add(.date)
            }
            if isNumber {
                sawNumber = true
                add(.quantity)
                if k + 1 < lower.count, timeUnits.contains(lower[k + 1]) { add(.duration) }
                if k + 2 < lower.count, lower[k + 1] == "business" || lower[k + 1] == "calendar" || lower[k + 1] == "working",
                   timeUnits.contains(lower[k + 2]) { add(.duration) }
            }
            if k > 0, let f = raw[k].first, f.isUppercase, !isNumber { add(.person); add(.place) }
        }
        if !sawNumber, lower.contains(where: periodicWords.contains) { add(.duration) }
        add(.other)
        return set
    }

    /// The punctuation stripped from both ends of a word, as a table over ASCII bytes.
    static let edgePunctuation: [Bool] = {
        var t = [Bool](repeating: false, count: 128)
        for b in ",.;:()[]\"'!?".utf8 { t[Int(b)] = true }
        return t
    }()

    static let webSuffixes = [".gov", ".com", ".org", ".io", ".net", ".edu"]
    /// Each suffix followed by "/" (a host inside a longer URL), as bytes.
    static let webSuffixPaths = webSuffixes.map { Array(($0 + "/").utf8) }

    /// Whether `word` ends in a web suffix or holds one followed by "/".
    static func hasWebSuffix(_ word: String) -> Bool {
        if webSuffixes.contains(where: { word.hasSuffix($0) }) { return true }
        let bytes = Array(word.utf8)
        return webSuffixPaths.contains { bytes.contains(run: $0) }
    }

    static let periodicWords: Set<String> = ["daily", "weekly", "monthly", "annually", "yearly", "quarterly"]

    /// Whether `set` (from `values(in:)`) holds this type.
    public func isIn(_ set: UInt16) -> Bool { set & (1 << UInt16(rawValue)) != 0 }
}

private extension Array where Element == UInt8 {
    /// Whether the bytes hold `needle` as a contiguous run.
    func contains(run needle: [UInt8]) -> Bool {
        guard needle.count <= count, !needle.isEmpty else { return needle.isEmpty }
        for i in 0...(count - needle.count) where self[i..<(i + needle.count)].elementsEqual(needle) { return true }
        return false
    }
}

private extension Substring {
    /// The text without leading and trailing bytes from `set` (ASCII only, so trimming bytes
    /// never splits a character's encoding).
    func trimmingASCII(_ set: [Bool]) -> Substring {
        let u = utf8
        func strip(_ b: UInt8) -> Bool { b < 128 && set[Int(b)] }
        var start = u.startIndex, end = u.endIndex
        while start < end, strip(u[start]) { start = u.index(after: start) }
        while end > start, strip(u[u.index(before: end)]) { end = u.index(before: end) }
        return self[start..<end]
    }
}
