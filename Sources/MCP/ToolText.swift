// Turning nerved's replies into tool results: the structured object (checked against the tool's
// output schema's required fields, so a client's validation cannot fail on a surprise) and the
// readable text a model sees — the answer first, then where it comes from.
import JSON

enum ToolText {
    /// A daemon reply that lacks what the tool promises.
    struct UnexpectedReply: Error { let reason: String }

    /// Copies `keys` from `reply`, requiring each in `required` to be present with the given type.
    static func pick(_ reply: JSON, _ keys: [(String, String)], required: Set<String>, what: String) throws -> JSONObject {
        guard case let .object(o) = reply else { throw UnexpectedReply(reason: "\(what) reply is \(reply.typeName), not an object") }
        var out = JSONObject()
        for (k, type) in keys {
            guard let v = o[k], v != .null else {
                if required.contains(k) { throw UnexpectedReply(reason: "\(what) reply lacks '\(k)'") }
                continue
            }
            let ok: Bool
            switch type {
            case "string": ok = v.stringValue != nil
            case "integer": ok = v.intValue != nil
            case "number": ok = v.doubleValue != nil
            case "boolean": ok = v.boolValue != nil
            case "array": ok = v.arrayValue != nil
            case "object": ok = v.objectValue != nil
            default: ok = true
            }
            guard ok else { throw UnexpectedReply(reason: "\(what) reply's '\(k)' is \(v.typeName), not \(type)") }
            out[k] = v
        }
        return out
    }

    static func ask(_ reply: JSON) throws -> ToolOutcome {
        let s = try pick(reply, [("answer", "string"), ("route", "string"), ("confidence", "number"), ("accepted", "boolean"),
                                 ("generation", "integer"), ("citations", "array"), ("note", "string"), ("passages", "array")],
                         required: ["answer", "route", "confidence", "accepted", "generation", "citations"], what: "ask")
        let accepted = s["accepted"]?.boolValue ?? false
        var text = ""
        if accepted {
            text += (s["answer"]?.stringValue ?? "") + "\n"
        } else {
            text += "Not confident: " + (s["note"]?.stringValue ?? "no stage reached its confidence threshold.") + "\n"
            if let a = s["answer"]?.stringValue, !a.isEmpty { text += "Best guess (unconfirmed): \(a)\n" }
        }
        let citations = s["citations"]?.arrayValue ?? []
        if !citations.isEmpty {
            text += "\nSources:\n" + citations.enumerated().map { "[\($0.offset + 1)] " + citation($0.element) }.joined(separator: "\n") + "\n"
        }
        let passages = s["passages"]?.arrayValue ?? []
        if !passages.isEmpty {
            text += "\nBest passages:\n" + passages.enumerated().map { i, p in
                "[\(i + 1)] " + citation(p["citation"] ?? .null) + "\n" + indent(p["text"]?.stringValue ?? "")
            }.joined(separator: "\n") + "\n"
        }
        text += "\nRoute: \(s["route"]?.stringValue ?? "?") · confidence \(Decimals.fixed(s["confidence"]?.doubleValue ?? 0, places: 2)) · "
        text += "\(accepted ? "accepted" : "not accepted") · index generation \(s["generation"]?.intValue ?? 0)"
        return ToolOutcome(text: text, structured: s, isError: false)
    }

    static func search(_ reply: JSON) throws -> ToolOutcome {
        let s = try pick(reply, [("query", "string"), ("generation", "integer"), ("passages", "array")],
                         required: ["query", "generation", "passages"], what: "search")
        let passages = s["passages"]?.arrayValue ?? []
        for (i, p) in passages.enumerated() {
            _ = try pick(p, [("rank", "integer"), ("text", "string"), ("score", "number"), ("citation", "object")],
                         required: ["rank", "text", "score", "citation"], what: "search passage \(i + 1)")
        }
        let query = s["query"]?.stringValue ?? ""
        var text = passages.isEmpty
            ? "No passages match \"\(query)\" (index generation \(s["generation"]?.intValue ?? 0))."
            : "\(passages.count) passage\(passages.count == 1 ? "" : "s") for \"\(query)\" (index generation \(s["generation"]?.intValue ?? 0)):\n"
        for p in passages {
            text += "\n[\(p["rank"]?.intValue ?? 0)] " + citation(p["citation"] ?? .null) + " · score \(Decimals.fixed(p["score"]?.doubleValue ?? 0, places: 2))\n"
            text += indent(p["text"]?.stringValue ?? "") + "\n"
        }
        return ToolOutcome(text: text, structured: s, isError: false)
    }

    static func status(_ reply: JSON) throws -> ToolOutcome {
        _ = try pick(reply, [("documents", "integer"), ("generation", "integer")], required: ["documents", "generation"], what: "status")
        guard case let .object(o) = reply else { throw UnexpectedReply(reason: "status reply is not an object") }
        func n(_ k: String) -> Int { o[k]?.intValue ?? 0 }
        var text = "\(n("documents")) documents, \(n("chunks")) chunks indexed · index generation \(n("generation"))"
        if let v = o["version"]?.stringValue { text = "nerved \(v): " + text }
        if let asks = o["asks"] { text += " · asks running \(asks["running"]?.intValue ?? 0), queued \(asks["queued"]?.intValue ?? 0)" }
        if let w = o["watching"]?.arrayValue?.compactMap(\.stringValue), !w.isEmpty { text += "\nWatching: " + w.joined(separator: ", ") }
        return ToolOutcome(text: text, structured: o, isError: false)
    }

    /// `path:12-30 (page 3) — Heading`, the way a reader finds the spot.
    static func citation(_ c: JSON) -> String {
        var s = c["path"]?.stringValue ?? "?"
        if let a = c["line_start"]?.intValue {
            let b = c["line_end"]?.intValue ?? a
            s += a == b ? ":\(a)" : ":\(a)-\(b)"
        }
        if let p = c["page"]?.intValue { s += " (page \(p))" }
        if let l = c["locator"]?.stringValue, !l.isEmpty { s += " (\(l))" }
        if let h = c["heading"]?.stringValue, !h.isEmpty { s += " — \(h)" }
        return s
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}
