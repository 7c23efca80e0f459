// `nerve stats`: what the cascade has been doing — the route mix, how often retrieval had to
// escalate, latency percentiles, tokens and money spent, and what sending every question to the
// frontier model would have cost instead.
import Index
import JSON
import Pipeline

enum Stats {
    static func compute(_ log: [QueryLogEntry], frontier: LinkedStage?) -> JSON {
        var o = JSONObject()
        o["questions"] = .int(Int64(log.count))
        var routes: [String: Int] = [:]
        for q in log { routes[q.route, default: 0] += 1 }
        o["routes"] = .object(JSONObject(routes.sorted { $0.value > $1.value }.map { ($0.key, .int(Int64($0.value))) }))
        let accepted = log.filter(\.accepted).count
        o["accepted"] = .int(Int64(accepted))
        o["not_accepted"] = .int(Int64(log.count - accepted))
        let escalated = log.filter { q in
            guard let stages = (try? JSON.parse(q.detail))?["stages"]?.arrayValue else { return false }
            // An escalation is a second answering stage being tried, whether or not it succeeded.
            return stages.filter { $0["status"] != "skipped" && ($0["kind"]?.stringValue ?? "").hasPrefix("answer.") }.count > 1
        }.count
        o["escalation_rate"] = .double(log.isEmpty ? 0 : round4(Double(escalated) / Double(log.count)))
        let lat = log.map(\.totalMs).sorted()
        func pct(_ p: Double) -> Double { lat.isEmpty ? 0 : lat[min(lat.count - 1, Int(p * Double(lat.count)))] }
        o["latency_ms"] = .object(JSONObject([("p50", .double(round4(pct(0.5)))), ("p90", .double(round4(pct(0.9)))),
                                              ("p99", .double(round4(pct(0.99)))), ("max", .double(round4(lat.last ?? 0)))]))
        let cost = log.reduce(0) { $0 + $1.cost }
        o["tokens_in"] = .int(Int64(log.reduce(0) { $0 + $1.tokensIn }))
        o["tokens_out"] = .int(Int64(log.reduce(0) { $0 + $1.tokensOut }))
        o["cost"] = .double(round6(cost))
        // What the frontier would have cost for every question: the mean observed frontier call,
        // or, before any, an estimate from the stage's prices and prompt size.
        if let f = frontier {
            let calls = log.compactMap { q -> Double? in
                guard let stages = (try? JSON.parse(q.detail))?["stages"]?.arrayValue else { return nil }
                return stages.first { $0["kind"] == "answer.frontier" && $0["status"] == "ran" }?["cost"]?.doubleValue
            }
            let perCall: Double
            if !calls.isEmpty { perCall = calls.reduce(0, +) / Double(calls.count) } else {
                let p = f.config.parameters
                let priceIn = p["price_in"].flatMap { if case let .float(x) = $0 { return x }; return nil } ?? 0
                let priceOut = p["price_out"].flatMap { if case let .float(x) = $0 { return x }; return nil } ?? 0
                let passages = p["passages"].flatMap { if case let .integer(n) = $0 { return Double(n) }; return nil } ?? 6
                perCall = (passages * 300 + 150) * priceIn / 1e6 + 150 * priceOut / 1e6
            }
            let allFrontier = perCall * Double(log.count)
            o["all_frontier_cost"] = .double(round6(allFrontier))
            o["saved"] = .double(round6(allFrontier - cost))
        }
        return .object(o)
    }

    static func round4(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }
    static func round6(_ x: Double) -> Double { (x * 1_000_000).rounded() / 1_000_000 }
}
