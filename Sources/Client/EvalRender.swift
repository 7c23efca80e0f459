// `nerve eval`'s two outputs of an EvalReport: the text a person reads and the JSON object
// (`--json`; its keys are listed in `nerve eval --help`), plus the per-question details lines
// (`--details`) for error analysis.
import JSON
import Learn

extension EvalReport {
    static func r4(_ x: Double) -> JSON { .double(Decimals.rounded(x, places: 4)) }
    static func int(_ n: Int) -> JSON { .int(Int64(n)) }

    /// The whole report as one JSON object.
    public func json() -> JSON {
        var o = JSONObject()
        o["file"] = .string(file)
        o["questions"] = Self.int(totals.questions)
        o["answerable"] = Self.int(totals.answerable)
        o["unanswerable"] = Self.int(totals.unanswerable)
        o["near_misses"] = Self.int(totals.nearMisses)
        o["errors"] = Self.int(totals.errors)
        let e = endToEnd
        o["end_to_end"] = .object(JSONObject([
            ("accepted", Self.int(e.accepted)), ("accepted_right", Self.int(e.acceptedRight)), ("precision", e.precision.map(Self.r4) ?? .null),
            ("right_text", Self.int(e.rightText)), ("right_file", Self.int(e.rightFile)), ("answered_right", Self.r4(e.answeredRight)),
            ("declined", Self.int(e.declined)), ("declined_share", Self.r4(e.declinedShare)),
            ("near_misses_declined", Self.int(e.nearMissesDeclined)),
            ("latency_ms", .object(JSONObject([("p50", Self.r4(e.p50Ms)), ("p90", Self.r4(e.p90Ms)), ("mean", Self.r4(e.meanMs))]))),
            ("cost", .double(Decimals.rounded(e.cost, places: 6))),
        ]))
        o["routes"] = .array(routes.map { r in
            .object(JSONObject([
                ("stage", .string(r.stage)), ("kind", .string(r.kind)), ("ran", Self.int(r.ran)), ("final", Self.int(r.final)),
                ("accepted", Self.int(r.accepted)), ("right", Self.int(r.right)), ("right_text", Self.int(r.rightText)),
                ("right_file", Self.int(r.rightFile)), ("coverage", Self.r4(r.coverage)), ("precision", r.precision.map(Self.r4) ?? .null),
                ("mean_ms", r.meanMs.map(Self.r4) ?? .null), ("stage_mean_ms", Self.r4(r.stageMeanMs)),
                ("ece", Self.r4(r.ece)), ("ece_noise_mean", Self.r4(r.eceNoiseMean)), ("ece_noise_p95", Self.r4(r.eceNoiseP95)),
                ("debiased_calibration_error", Self.r4(r.debiasedError)), ("brier", Self.r4(r.brier)),
                ("reliability", .array(r.reliability.map { b in
                    .object(JSONObject([("count", Self.int(b.count)), ("low", Self.r4(b.low)), ("high", Self.r4(b.high)),
                                        ("mean_confidence", Self.r4(b.meanPredicted)), ("observed", Self.r4(b.observed))]))
                })),
                ("risk_coverage", .array(r.riskCoverage.map { p in
                    .object(JSONObject([("threshold", Self.r4(p.threshold)), ("accepted", Self.int(p.accepted)), ("right", Self.int(p.right)),
                                        ("precision", Self.r4(p.precision)), ("coverage", Self.r4(p.coverage)),
                                        ("answerable_coverage", Self.r4(p.answerableCoverage))]))
                })),
            ]))
        })
        o["route_mix"] = .object(JSONObject(mix.map { ($0.route, Self.r4($0.share)) } + [("declined", Self.r4(declinedShare))]))
        var c = JSONObject([("spent", .double(Decimals.rounded(cost.spent, places: 6)))])
        if let f = cost.frontier, let all = cost.allFrontier {
            c["frontier"] = .object(JSONObject([("stage", .string(f.stage)), ("model", .string(f.model)), ("price_in", .double(f.priceIn)),
                                                ("price_out", .double(f.priceOut)), ("typical_cost", .double(Decimals.rounded(f.typicalCost, places: 6)))]))
            c["all_frontier"] = .double(Decimals.rounded(all, places: 6))
            c["saved"] = .double(Decimals.rounded(all - cost.spent, places: 6))
            c["frontier_calls"] = Self.int(cost.frontierCalls)
            c["frontier_mean_cost"] = cost.frontierMeanCost.map { .double(Decimals.rounded($0, places: 6)) } ?? .null
        } else {
            c["frontier"] = .null
            c["note"] = .string(Self.noFrontier)
        }
        o["cost"] = .object(c)
        o["targets"] = .array(targets.map { t in
            .object(JSONObject([("name", .string(t.name)), ("value", t.value.map(Self.r4) ?? .null), ("goal", .string(t.goal)),
                                ("met", .bool(t.met))]))
        })
        return .object(o)
    }

    static let noFrontier = "the ask pipeline has no priced (frontier) stage, so there is no all-frontier cost to compare with"

    static func pct(_ x: Double) -> String { Decimals.fixed(x * 100, places: 2) + "%" }
    static func f4(_ x: Double) -> String { Decimals.fixed(x, places: 4) }
    /// A precision, or why there is none.
    static func f4(_ x: Double?) -> String { x.map { f4($0) } ?? "– (nothing accepted)" }
    static func ms(_ x: Double) -> String { Decimals.fixed(x, places: 1) + " ms" }
    static func money(_ x: Double) -> String { "$" + Decimals.fixed(x, places: 4) }

    /// The report as text.
    public func text() -> String {
        let t = totals, e = endToEnd
        var s = (file.isEmpty ? "" : file + ": ") + "\(t.questions) questions — \(t.answerable) answerable, \(t.unanswerable) unanswerable"
        s += " (\(t.nearMisses) near misses)" + (t.errors > 0 ? "; \(t.errors) failed in the daemon (counted as declined)" : "") + "\n\n"
        s += "End to end\n"
        s += "  accepted \(e.accepted) · right \(e.acceptedRight) · precision \(Self.f4(e.precision))\n"
        s += "  answerable answered right (text and file): \(e.acceptedRight)/\(t.answerable) = \(Self.pct(e.answeredRight))"
        s += "  [right text \(e.rightText), right file \(e.rightFile)]\n"
        s += "  unanswerable declined: \(e.declined)/\(t.unanswerable) = \(Self.pct(e.declinedShare))"
        s += "  [near misses \(e.nearMissesDeclined)/\(t.nearMisses)]\n"
        s += "  latency p50 \(Self.ms(e.p50Ms)) · p90 \(Self.ms(e.p90Ms)) · mean \(Self.ms(e.meanMs)) · cost \(Self.money(e.cost))\n"
        for r in routes { s += "\n" + Self.text(r, answerable: t.answerable) }
        s += "\nRoute mix: " + (mix.map { "\($0.route) \(Self.pct($0.share))" } + ["declined \(Self.pct(declinedShare))"]).joined(separator: " · ") + "\n"
        s += "Cost: spent \(Self.money(cost.spent))"
        if let f = cost.frontier, let all = cost.allFrontier {
            s += "; every question to \(f.stage) (\(f.model.isEmpty ? "?" : f.model), $\(Decimals.fixed(f.priceIn, places: 2)) in / "
            s += "$\(Decimals.fixed(f.priceOut, places: 2)) out per million tokens, typical \(Self.money(f.typicalCost)) a question): "
            s += "\(Self.money(all)), saved \(Self.money(all - cost.spent))"
            if let m = cost.frontierMeanCost { s += "; \(cost.frontierCalls) calls made, mean \(Self.money(m))" }
            s += "\n"
        } else {
            s += "; " + Self.noFrontier + "\n"
        }
        s += "\nTargets\n"
        for g in targets {
            s += "  " + (g.met ? "met     " : "NOT MET ") + "\(g.name): \(Self.f4(g.value)) (goal \(g.goal))\n"
        }
        return s
    }

    static func text(_ r: Route, answerable: Int) -> String {
        var s = "Route \(r.stage)" + (r.kind.isEmpty ? "" : " (\(r.kind))") + ": ran on \(r.ran), final route of \(r.final)\n"
        s += "  accepted \(r.accepted) · right \(r.right) [right text \(r.rightText), right file \(r.rightFile)] · precision \(f4(r.precision))"
        s += " · coverage \(pct(r.coverage)) of answerable\n"
        s += "  mean latency of its answers " + (r.meanMs.map(ms) ?? "–") + " · the stage itself \(ms(r.stageMeanMs)) where it ran\n"
        guard r.ran > 0 else { return s + "  (never ran: no calibration figures)\n" }
        s += "  calibration of its confidence over \(r.ran) answers: ECE \(f4(r.ece)) (15 equal-mass bins) · Brier \(f4(r.brier))\n"
        s += "    a perfectly calibrated stage would show ECE \(f4(r.eceNoiseMean)) here (95th percentile \(f4(r.eceNoiseP95)): "
        s += (r.ece <= r.eceNoiseP95 ? "this one is within sampling noise" : "this one is outside sampling noise")
        s += ") · debiased L2 calibration error \(f4(r.debiasedError))\n"
        s += "  risk–coverage (accept confidence ≥ threshold):\n"
        s += "    " + ["threshold", "accepted", "right", "precision", "coverage", "right/answerable"].map { $0.leftPadded(9) }.joined(separator: "  ") + "\n"
        for p in r.riskCoverage {
            s += "    " + [f4(p.threshold), "\(p.accepted)", "\(p.right)", f4(p.precision), pct(p.coverage), pct(p.answerableCoverage)]
                .enumerated().map { $0.element.leftPadded($0.offset == 5 ? 16 : 9) }.joined(separator: "  ") + "\n"
        }
        s += "  reliability (mean confidence → share right, rows):\n"
        for line in stride(from: 0, to: r.reliability.count, by: 5) {
            s += "   " + r.reliability[line..<min(line + 5, r.reliability.count)].map { b in
                " \(Decimals.fixed(b.meanPredicted, places: 2))→\(Decimals.fixed(b.observed, places: 2)) (\(b.count))"
            }.joined(separator: " ") + "\n"
        }
        return s
    }
}

extension EvalRecord {
    /// One line of `--details`: everything the judge saw for this question.
    public func details() -> JSON {
        let q = question
        func strings(_ a: [String]) -> JSON { .array(a.map { .string($0) }) }
        var o = JSONObject([
            ("id", .string(q.id)), ("question", .string(q.question)), ("answers", strings(q.answers)), ("files", strings(q.files)),
            ("unanswerable", .bool(q.unanswerable)), ("near_miss", .bool(q.nearMiss)), ("type", .string(q.type)), ("split", .string(q.split)),
            ("route", .string(route)), ("accepted", .bool(accepted)), ("confidence", .double(confidence)), ("answer", .string(answer)),
            ("citations", strings(citations)), ("right", .bool(accepted && correct)), ("right_text", .bool(verdict.rightText)),
            ("right_file", .bool(verdict.rightFile)), ("declined", .bool(q.unanswerable && !accepted)),
            ("ms", .double(Decimals.rounded(ms, places: 3))), ("cost", .double(cost)),
        ])
        if let error { o["error"] = .string(error) }
        o["stages"] = .array(stages.map { s in
            var so = JSONObject([
                ("stage", .string(s.stage)), ("kind", .string(s.kind)), ("confidence", .double(s.confidence)), ("answer", .string(s.answer)),
                ("citations", strings(s.citations)), ("right", .bool(s.correct)), ("right_text", .bool(s.verdict.rightText)),
                ("right_file", .bool(s.verdict.rightFile)), ("ms", .double(s.ms)),
                ("features", .object(JSONObject(s.features.map { ($0.0, .double($0.1)) }))),
            ])
            if let c = s.candidates { so["candidates"] = c }
            return .object(so)
        })
        return .object(o)
    }
}

extension String {
    func leftPadded(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
