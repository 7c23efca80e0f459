// Shell-style glob patterns for include/exclude rules: `*` and `?` within a path segment, `**`
// across segments, `[abc]` classes. A pattern without '/' matches the file name alone.

public struct Glob: Sendable, Equatable, CustomStringConvertible {
    public let pattern: String
    private let parts: [Character]
    private let matchesWholePath: Bool
    /// The shapes nearly every real pattern has ("*.md", ".*", "node_modules", "README*"),
    /// matched without building character arrays: walks test every file against every pattern.
    private enum Fast: Equatable { case literal(String), suffix(String), prefix(String), none }
    private let fast: Fast

    public init(_ pattern: String) {
        self.pattern = pattern
        parts = Array(pattern)
        matchesWholePath = pattern.contains("/")
        let special: Set<Character> = ["*", "?", "["]
        let body = pattern.filter { !special.contains($0) }
        if matchesWholePath { fast = .none }
        else if !pattern.contains(where: special.contains) { fast = .literal(pattern) }
        else if pattern.hasPrefix("*"), !pattern.hasPrefix("**"), body.count == pattern.count - 1 { fast = .suffix(body) }
        else if pattern.hasSuffix("*"), !pattern.hasSuffix("**"), body.count == pattern.count - 1 { fast = .prefix(body) }
        else { fast = .none }
    }

    public var description: String { pattern }

    /// Whether `relativePath` (folders separated by '/') matches. Callers that already have the
    /// file name (walkers) pass it as `name` to save finding it again.
    public func matches(_ relativePath: String, name knownName: String? = nil) -> Bool {
        if fast != .none {
            let name = knownName.map { Substring($0) }
                ?? relativePath.utf8.lastIndex(of: UInt8(ascii: "/")).map { relativePath[relativePath.index(after: $0)...] }
                ?? Substring(relativePath)
            switch fast {
            case let .literal(l): return name == l
            case let .suffix(x): return name.hasSuffix(x)
            case let .prefix(x): return name.hasPrefix(x)
            case .none: break
            }
        }
        let subject: Substring = matchesWholePath ? Substring(relativePath)
            : relativePath.split(separator: "/", omittingEmptySubsequences: false).last ?? Substring(relativePath)
        return Self.match(parts[...], Array(subject)[...])
    }

    private static func match(_ p: ArraySlice<Character>, _ s: ArraySlice<Character>) -> Bool {
        var p = p, s = s
        while let c = p.first {
            switch c {
            case "*":
                let doubleStar = p.dropFirst().first == "*"
                p = p.drop { $0 == "*" }
                if doubleStar, p.first == "/" {
                    // "**/" matches zero or more whole folders.
                    let rest = p.dropFirst()
                    if match(rest, s) { return true }
                    var t = s
                    while let slash = t.firstIndex(of: "/") {
                        t = t[(slash + 1)...]
                        if match(rest, t) { return true }
                    }
                    return false
                }
                if p.isEmpty { return doubleStar || !s.contains("/") }
                var t = s
                while true {
                    if match(p, t) { return true }
                    guard let f = t.first, doubleStar || f != "/" else { return false }
                    t = t.dropFirst()
                }
            case "?":
                guard let f = s.first, f != "/" else { return false }
                p = p.dropFirst(); s = s.dropFirst()
            case "[":
                guard let close = p.dropFirst().firstIndex(of: "]"), let f = s.first else {
                    guard s.first == "[" else { return false }
                    p = p.dropFirst(); s = s.dropFirst(); continue
                }
                var set = p[(p.startIndex + 1)..<close]
                let negate = set.first == "!" || set.first == "^"
                if negate { set = set.dropFirst() }
                var hit = false
                var i = set.startIndex
                while i < set.endIndex {
                    if i + 2 < set.endIndex, set[i + 1] == "-" {
                        if set[i] <= f && f <= set[i + 2] { hit = true }
                        i += 3
                    } else {
                        if set[i] == f { hit = true }
                        i += 1
                    }
                }
                guard hit != negate else { return false }
                p = p[(close + 1)...]; s = s.dropFirst()
            default:
                guard s.first == c else { return false }
                p = p.dropFirst(); s = s.dropFirst()
            }
        }
        return s.isEmpty
    }
}
