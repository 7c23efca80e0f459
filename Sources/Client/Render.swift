// Human-readable output for the CLI: answers with their citations, ingest reports, status (with
// the local models' table).
// `--json` bypasses all of this and prints the daemon's object as is.
import JSON

public enum Render {
    static func citation(_ c: JSON) -> String {
        var s = c["path"]?.stringValue ?? "?"
        if let a = c["line_start"]?.intValue {
            let b = c["line_end"]?.intValue ?? a
            s += a == b ? ":\(a)" : ":\(a)-\(b)"
        }
        if let p = c["page"]?.intValue { s += " page \(p)" }
        if let l = c["locator"]?.stringValue { s += " (\(l))" }
        if let h = c["heading"]?.stringValue, !h.isEmpty { s += " — \(h)" }
        if let k = c["chunk"]?.stringValue { s += "  [chunk \(k)]" }
        return s
    }

    static func number(_ x: Double, digits: Int = 2) -> String {
        Decimals.fixed(x, places: digits)
    }

    /// The answer, its citations, then one line of route/confidence/timing.
    public static func answer(_ r: JSON, textAlreadyShown: Bool = false) -> String {
        var out = ""
        let accepted = r["accepted"]?.boolValue ?? false
        let conf = r["confidence"]?.doubleValue ?? 0
        if accepted {
            if !textAlreadyShown { out += (r["answer"]?.stringValue ?? "") + "\n\n" }
            for c in r["citations"]?.arrayValue ?? [] { out += "  source: " + citation(c) + "\n" }
        } else {
            out += (r["note"]?.stringValue ?? "No confident answer.") + "\n"
            if let a = r["answer"]?.stringValue, !a.isEmpty {
                out += "\nBest guess: \(a)\n"
                for c in r["citations"]?.arrayValue ?? [] { out += "  source: " + citation(c) + "\n" }
            }
            let passages = r["passages"]?.arrayValue ?? []
            if !passages.isEmpty { out += "\nBest passages:\n" }
            for (i, p) in passages.enumerated() {
                out += "[\(i + 1)] " + citation(p["citation"] ?? .null) + "\n"
                let text = (p["text"]?.stringValue ?? "").split(separator: "\n").joined(separator: " ")
                out += "    " + (text.count > 400 ? String(text.prefix(400)) + "…" : text) + "\n"
            }
        }
        let stages = (r["stages"]?.arrayValue ?? []).filter { $0["status"]?.stringValue == "ran" }
            .map { s -> String in
                var t = "\(s["id"]?.stringValue ?? "?") \(number(s["ms"]?.doubleValue ?? 0, digits: 1))ms"
                // A local model's answer: how long the wait for its first token was, and its tokens.
                if let p = s["prefill_ms"]?.doubleValue {
                    t += " (first token \(number(p / 1000, digits: 1)) s, \(s["tokens_in"]?.intValue ?? 0) → \(s["tokens_out"]?.intValue ?? 0) tokens)"
                }
                return t
            }
        out += "\n  route: \(r["route"]?.stringValue ?? "?") · confidence \(number(conf)) · \(accepted ? "accepted" : "not accepted")"
        out += " · generation \(r["generation"]?.intValue ?? 0) · \(number(r["total_ms"]?.doubleValue ?? 0, digits: 1)) ms"
        if !stages.isEmpty { out += "\n  stages: " + stages.joined(separator: ", ") }
        // Routes that stood aside or broke say why (e.g. how to switch the frontier model on).
        for s in r["stages"]?.arrayValue ?? [] {
            guard let status = s["status"]?.stringValue, status != "ran", let note = s["note"]?.stringValue,
                  !note.hasPrefix("an earlier stage's answer was accepted") else { continue }
            out += "\n  \(status): \(s["id"]?.stringValue ?? "?") — \(note)"
        }
        return out + "\n"
    }

    /// Ranked passages: rank, score and citation, then the passage text.
    public static func search(_ r: JSON) -> String {
        let passages = r["passages"]?.arrayValue ?? []
        if passages.isEmpty { return "No passages match \"\(r["query"]?.stringValue ?? "")\".\n" }
        var out = ""
        for p in passages {
            out += "\(p["rank"]?.intValue ?? 0). " + citation(p["citation"] ?? .null) + "  (score \(number(p["score"]?.doubleValue ?? 0, digits: 3)))\n"
            let text = (p["text"]?.stringValue ?? "").split(whereSeparator: \.isNewline).joined(separator: " ")
            out += "   " + (text.count > 300 ? String(text.prefix(300)) + "…" : text) + "\n"
        }
        return out + "\n  \(passages.count) passage\(passages.count == 1 ? "" : "s") · generation \(r["generation"]?.intValue ?? 0)\n"
    }

    public static func stats(_ r: JSON) -> String {
        let n = r["questions"]?.intValue ?? 0
        var out = "\(n) questions · \(r["accepted"]?.intValue ?? 0) accepted · escalation rate \(number((r["escalation_rate"]?.doubleValue ?? 0) * 100, digits: 1))%\n"
        out += "  routes: " + (r["routes"]?.objectValue.map { o in o.map { "\($0.key) \($0.value.intValue ?? 0)" }.joined(separator: ", ") } ?? "") + "\n"
        if let l = r["latency_ms"] {
            out += "  latency: p50 \(number(l["p50"]?.doubleValue ?? 0, digits: 1)) ms, p90 \(number(l["p90"]?.doubleValue ?? 0, digits: 1)) ms, "
            out += "p99 \(number(l["p99"]?.doubleValue ?? 0, digits: 1)) ms\n"
        }
        out += "  tokens: \(r["tokens_in"]?.intValue ?? 0) in, \(r["tokens_out"]?.intValue ?? 0) out · cost $\(number(r["cost"]?.doubleValue ?? 0, digits: 4))"
        if let all = r["all_frontier_cost"]?.doubleValue {
            out += " · every question to the frontier model: $\(number(all, digits: 4)) (saved $\(number(r["saved"]?.doubleValue ?? 0, digits: 4)))"
        }
        return out + "\n"
    }

    public static func ingest(_ r: JSON) -> String {
        func n(_ k: String) -> Int { r[k]?.intValue ?? 0 }
        var out = "Ingested \(r["root"]?.stringValue ?? "?"): \(n("files")) files — \(n("added")) added, \(n("changed")) changed, "
        out += "\(n("linked")) linked, \(n("removed")) removed, \(n("unchanged")) unchanged, \(n("skipped")) skipped, \(n("failed")) failed\n"
        let secs = (r["elapsed_ms"]?.doubleValue ?? 0) / 1000
        out += "  \(n("chunks")) chunks · \(bytes(Int64(n("bytes_read")))) read · \(number(secs, digits: 2)) s · generation \(n("generation"))\n"
        for p in r["problems"]?.arrayValue ?? [] {
            out += "  \(p["status"]?.stringValue ?? "?"): \(p["path"]?.stringValue ?? "?"): \(p["reason"]?.stringValue ?? "")\n"
        }
        if let more = r["problems_truncated"]?.intValue { out += "  … and \(more) more (see `nerve status --json`)\n" }
        return out
    }

    public static func status(_ r: JSON) -> String {
        func n(_ k: String) -> Int { r[k]?.intValue ?? 0 }
        var out = "nerved \(r["version"]?.stringValue ?? "") pid \(n("pid")) · up \(n("uptime_s")) s · \(n("requests")) requests, \(n("errors")) errors\n"
        out += "  index: \(r["index"]?.stringValue ?? "?") · generation \(n("generation"))\n"
        out += "  \(n("documents")) documents, \(n("chunks")) chunks, \(n("skipped")) skipped, \(n("failed")) failed\n"
        if let v = r["vectors"]?.objectValue {
            let stored = v["stored"]?.intValue ?? 0
            let model = v["model"]?.stringValue ?? ""
            out += "  vectors: \(stored)\(model.isEmpty ? "" : " (\(model))") · \(v["graph"]?.boolValue == true ? "HNSW graph" : "exact scan")"
            if v["embedding_model_loaded"]?.boolValue == false { out += " · embedding model not loaded: lexical search only" }
            out += "\n"
        }
        out += "  socket: \(r["socket"]?.stringValue ?? "?") · pipelines: \(r["pipelines"]?.stringValue ?? "?")\n"
        if let last = r["last_ingest"], last != .null {
            out += "  last ingest: \(last["root"]?.stringValue ?? "?") — \(last["files"]?.intValue ?? 0) files, "
            out += "\(last["skipped"]?.intValue ?? 0) skipped, \(last["failed"]?.intValue ?? 0) failed\n"
        }
        return out + models(r)
    }

    /// The local models table of `status`: one row per model in each worker (a worker that is
    /// down gets a row saying so) and per model loaded in the daemon, then the expert load of
    /// mixtures of experts.
    static func models(_ r: JSON) -> String {
        var rows: [(place: String, state: String, model: JSON?)] = []
        for w in r["workers"]?.arrayValue ?? [] {
            let socket = w["socket"]?.stringValue ?? "?"
            var place = "worker " + (socket.split(separator: "/").suffix(2).joined(separator: "/"))
            if let pid = w["pid"]?.intValue { place += " pid \(pid)" }
            let state = w["state"]?.stringValue ?? "?"
            let models = w["models"]?.arrayValue ?? []
            if state != "up" || models.isEmpty {
                let restarts = w["restarts"]?.intValue ?? 0
                rows.append((place, state + (restarts > 0 ? " (\(restarts) restarts)" : ""), nil))
            }
            if state == "up" { for m in models { rows.append((place, m["state"]?.stringValue ?? "?", m)) } }
        }
        for m in r["models"]?.arrayValue ?? [] { rows.append(("in daemon", m["state"]?.stringValue ?? "?", m)) }
        if rows.isEmpty { return "" }
        var table = [["where", "state", "model", "arch", "quant", "context", "answers", "prefill tok/s", "decode tok/s"]]
        for row in rows {
            guard let m = row.model else {
                table.append([row.place, row.state, "", "", "", "", "", "", ""])
                continue
            }
            let file = (m["path"]?.stringValue ?? "").split(separator: "/").last.map(String.init) ?? ""
            let recent = m["recent"]
            let speed = { (k: String) in (recent?["answers"]?.intValue ?? 0) > 0 ? number(recent?[k]?.doubleValue ?? 0, digits: 1) : "-" }
            table.append([row.place, row.state, m["name"]?.stringValue ?? file, m["architecture"]?.stringValue ?? "",
                          m["quantization"]?.stringValue ?? "", m["context"].flatMap(\.intValue).map { "\($0)" } ?? "",
                          "\(m["answers"]?.intValue ?? 0)", speed("prefill_tokens_per_s"), speed("decode_tokens_per_s")])
        }
        let widths = table[0].indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        var out = "  local models (speed over their recent answers):\n"
        for line in table {
            var text = "    " + zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            out += text + "\n"
        }
        for row in rows {
            guard let m = row.model, m["state"]?.stringValue == "absent" || m["state"]?.stringValue == "failed" else { continue }
            out += "    \(m["path"]?.stringValue ?? "?"): " + (m["reason"]?.stringValue ?? "not installed (run scripts/fetch-models)") + "\n"
        }
        for row in rows {
            guard let m = row.model, let layers = m["expert_load"]?.arrayValue, !layers.isEmpty else { continue }
            let cvs = layers.map { $0["cv"]?.doubleValue ?? 0 }
            let worst = layers.max { ($0["cv"]?.doubleValue ?? 0) < ($1["cv"]?.doubleValue ?? 0) }
            out += "    expert load, \(row.place): \(m["experts"]?.intValue ?? 0) experts, \(m["experts_used"]?.intValue ?? 0) per token; "
            out += "CV of tokens per expert (0 = even) mean \(number(cvs.reduce(0, +) / Double(cvs.count)))"
            if let w = worst {
                out += ", worst layer \(w["layer"]?.intValue ?? 0) (CV \(number(w["cv"]?.doubleValue ?? 0)), "
                out += "busiest expert \(number((w["max_share"]?.doubleValue ?? 0) * 100, digits: 1))% of its tokens)"
            }
            out += "\n      CV by layer: " + cvs.map { number($0) }.joined(separator: " ") + "\n"
        }
        return out
    }

    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var x = Double(n)
        var u = 0
        while x >= 1000 && u < units.count - 1 { x /= 1000; u += 1 }
        return u == 0 ? "\(n) B" : "\(number(x, digits: 1)) \(units[u])"
    }

    /// A one-line progress display, redrawn in place on a terminal.
    public static func progress(_ p: JSONObject) -> String {
        let done = p["files_done"]?.intValue ?? 0, total = p["files_total"]?.intValue ?? 0
        var line = "  \(done)/\(total) files · \(bytes(Int64(p["bytes"]?.intValue ?? 0)))"
        line += " · \(number(p["rate"]?.doubleValue ?? 0, digits: 1)) files/s · ETA \(number(p["eta_s"]?.doubleValue ?? 0, digits: 0)) s"
        if let cur = p["current"]?.stringValue, !cur.isEmpty {
            let name = cur.split(separator: "/").last.map(String.init) ?? cur
            line += " · " + (name.count > 40 ? String(name.prefix(40)) + "…" : name)
        }
        return line
    }
}
