// What a question asks for, from its wh-word, and whether a sentence holds that kind of thing:
// numbers for quantities and dates, capitalised names for people and places.

import Index

public enum QuestionType: Sendable, Equatable {
    case quantity, time, person, place, other

    public static func classify(_ question: String) -> QuestionType {
        let q = question.lowercased()
        let words = q.split { !$0.isLetter }.map(String.init)
        guard let first = words.first(where: { ["how", "when", "who", "whom", "whose", "where", "what", "which", "in", "during"].contains($0) }) else {
            return .other
        }
        let next = words.drop { $0 != first }.dropFirst().first ?? ""
        switch first {
        case "how" where ["many", "much", "long", "old", "far", "large", "big", "often", "few"].contains(next): return .quantity
        case "when": return .time
        case "who", "whom", "whose": return .person
        case "where": return .place
        case "what", "which", "in", "during":
            if ["year", "date", "day", "month", "century", "decade", "time", "period"].contains(next) { return .time }
            if ["percentage", "percent", "number", "amount", "size", "age", "population"].contains(next) { return .quantity }
            return .other
        default: return .other
        }
    }

    private static let months: Set<String> = ["january", "february", "march", "april", "may", "june", "july", "august",
                                              "september", "october", "november", "december"]
    public func matches(_ sentence: String) -> Bool {
        let words = sentence.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let hasNumber = words.contains { $0.contains(where: \.isNumber) } || words.contains { Self.isNumberWord($0.lowercased()) }
        switch self {
        case .quantity: return hasNumber
        case .time:
            return words.contains { w in (w.count == 4 && Int(w) != nil) || Self.months.contains(w.lowercased()) }
                || words.contains { ["century", "centuries", "decade", "year", "years", "ago", "bc", "ad"].contains($0.lowercased()) } && hasNumber
        case .person, .place:
            // A capitalised word that is not the sentence's first word.
            return words.dropFirst().contains { $0.first?.isUppercase == true }
        case .other: return true
        }
    }
}

/// The unit a quantity question counts ("how many weeks" → week; "how long" → any time unit),
/// and whether a sentence states a number of it ("12 weeks", "twelve weeks").
public struct QuantityUnit: Sendable, Equatable {
    /// Stemmed unit terms any of which may follow the number.
    public let stems: Set<String>

    static let timeUnits: Set<String> = ["second", "minut", "hour", "day", "week", "month", "year", "decad", "centuri"]

    public static func of(_ question: String) -> QuantityUnit? {
        let words = Analyzer.tokens(question)
        guard let i = words.firstIndex(where: { $0 == "how" }), i + 1 < words.count else { return nil }
        switch words[i + 1] {
        case "many", "much":
            // "how many weeks of leave": the unit is the next content word.
            guard let unit = words.dropFirst(i + 2).first(where: { !Analyzer.stopwords.contains($0) }) else { return nil }
            return QuantityUnit(stems: [PorterStemmer.stem(unit)])
        case "long", "often": return QuantityUnit(stems: timeUnits)
        case "old": return QuantityUnit(stems: ["year", "month", "week", "day"])
        default: return nil
        }
    }

    /// 1 when a number is followed, within two words, by one of the unit stems.
    public func matches(_ sentenceTokens: [String]) -> Double {
        for (k, t) in sentenceTokens.enumerated() where t.first?.isNumber == true || QuestionType.isNumberWord(t) {
            for j in (k + 1)..<min(k + 3, sentenceTokens.count) where stems.contains(PorterStemmer.stem(sentenceTokens[j])) { return 1 }
        }
        return 0
    }
}

extension QuestionType {
    /// Whether `w` (lower case) spells a number or a quantity.
    static func isNumberWord(_ w: String) -> Bool { numberWords.contains(w) }
    private static let numberWords: Set<String> = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                                                   "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                                                   "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                                                   "eighty", "ninety", "hundred", "thousand", "million", "billion", "dozen", "half",
                                                   "several"]
}
