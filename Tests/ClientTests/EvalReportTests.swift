// The report's arithmetic on ten hand-made records (a three-stage cascade; every figure below was
// worked out by hand), its JSON keys and its text; and turning an `ask` reply into a record.
import Client
import JSON
import Learn
import Testing

@Suite struct EvalReportTests {
    static let yes = Verdict(rightText: true, rightFile: true)
    static let no = Verdict(rightText: false, rightFile: false)

    static func stage(_ id: String, _ conf: Double, _ v: Verdict, cost: Double = 0) -> StageOutcome {
        StageOutcome(stage: id, kind: "answer." + id, confidence: conf, answer: "", ms: 1, cost: cost, verdict: v)
    }

    static func record(_ unanswerable: Bool, nearMiss: Bool = false, _ route: String, _ accepted: Bool, _ v: Verdict,
                       _ stages: [StageOutcome], ms: Double, cost: Double = 0, error: String? = nil) -> EvalRecord {
        EvalRecord(question: EvalQuestion(question: "q", answers: unanswerable ? [] : ["a"], unanswerable: unanswerable, nearMiss: nearMiss),
                   route: route, accepted: accepted, verdict: v, stages: stages,
                   pipeline: ["extract", "generate", "frontier"], ms: ms, cost: cost, error: error)
    }

    /// Eight answerable questions (one failed in the daemon), two unanswerable (one near miss).
    static let records: [EvalRecord] = [
        record(false, "extract", true, yes, [stage("extract", 0.9, yes)], ms: 10),
        record(false, "extract", true, yes, [stage("extract", 0.8, yes)], ms: 20),
        record(false, "extract", true, Verdict(rightText: false, rightFile: true), [stage("extract", 0.7, no)], ms: 30),
        record(false, "generate", true, yes, [stage("extract", 0.3, no), stage("generate", 0.9, yes)], ms: 100),
        record(false, "generate", false, yes, [stage("extract", 0.2, no), stage("generate", 0.4, yes), stage("frontier", 0.3, no, cost: 0.01)],
               ms: 200, cost: 0.01),
        record(false, "frontier", true, Verdict(rightText: true, rightFile: false),
               [stage("extract", 0.1, no), stage("generate", 0.2, no), stage("frontier", 0.9, Verdict(rightText: true, rightFile: false), cost: 0.02)],
               ms: 1000, cost: 0.02),
        record(false, "frontier", true, yes, [stage("extract", 0.4, no), stage("generate", 0.3, no), stage("frontier", 0.95, yes, cost: 0.03)],
               ms: 900, cost: 0.03),
        record(false, "", false, no, [], ms: 5, error: "EMODEL: the model failed"),
        record(true, nearMiss: true, "extract", true, no, [stage("extract", 0.6, no)], ms: 15),
        record(true, "frontier", false, no, [stage("extract", 0.1, no), stage("generate", 0.1, no), stage("frontier", 0.2, no, cost: 0.01)],
               ms: 800, cost: 0.01),
    ]

    static let price = FrontierPrice(stage: "frontier", model: "gpt-x", priceIn: 2, priceOut: 10, typicalCost: 0.005)

    @Test func totalsAndEndToEnd() {
        let r = EvalReport(Self.records, frontier: Self.price)
        let t = r.totals
        #expect(t.questions == 10 && t.answerable == 8 && t.unanswerable == 2 && t.nearMisses == 1 && t.errors == 1)
        let e = r.endToEnd
        #expect(e.accepted == 7 && e.acceptedRight == 4)
        #expect(abs((e.precision ?? 0) - 4.0 / 7) < 1e-12)
        #expect(e.rightText == 5 && e.rightFile == 5)
        #expect(e.answeredRight == 0.5)
        #expect(e.declined == 1 && e.declinedShare == 0.5 && e.nearMissesDeclined == 0)
        #expect(e.p50Ms == 100 && e.p90Ms == 1000 && e.meanMs == 308)
        #expect(abs(e.cost - 0.07) < 1e-12)
    }

    @Test func perRouteCountsInPipelineOrder() {
        let r = EvalReport(Self.records, frontier: Self.price)
        #expect(r.routes.map(\.stage) == ["extract", "generate", "frontier"])
        let (x, g, f) = (r.routes[0], r.routes[1], r.routes[2])
        #expect(x.kind == "answer.extract")
        #expect(x.ran == 9 && x.final == 4 && x.accepted == 4 && x.right == 2 && x.rightText == 2 && x.rightFile == 3)
        #expect(x.coverage == 0.25 && x.precision == 0.5 && x.meanMs == 18.75)
        #expect(g.ran == 5 && g.final == 2 && g.accepted == 1 && g.right == 1 && g.coverage == 0.125 && g.precision == 1 && g.meanMs == 100)
        #expect(f.ran == 4 && f.final == 3 && f.accepted == 2 && f.right == 1 && f.rightText == 2 && f.rightFile == 1)
        #expect(f.precision == 0.5 && f.meanMs == 950)
    }

    @Test func calibrationOfEachStagesOwnConfidence() {
        let x = EvalReport(Self.records, frontier: nil).routes[0]
        // Nine rows and fifteen bins: one row per bin, so ECE is the mean |confidence − right|.
        let expected = (0.1 + 0.2 + 0.7 + 0.3 + 0.2 + 0.1 + 0.4 + 0.6 + 0.1) / 9
        #expect(abs(x.ece - expected) < 1e-12)
        #expect(x.reliability.count == 9 && x.reliability.allSatisfy { $0.count == 1 })
        #expect(abs(x.brier - (0.01 + 0.04 + 0.49 + 0.09 + 0.04 + 0.01 + 0.16 + 0.36 + 0.01) / 9) < 1e-12)
        // Risk–coverage at each tenth of coverage; 0.9 and 1.0 land on the last row again.
        #expect(x.riskCoverage.map(\.threshold) == [0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1])
        #expect(x.riskCoverage.map(\.accepted) == [1, 2, 3, 4, 5, 6, 7, 9])
        #expect(x.riskCoverage.map(\.right) == [1, 2, 2, 2, 2, 2, 2, 2])
        #expect(x.riskCoverage.last?.coverage == 1 && x.riskCoverage.last?.answerableCoverage == 0.25)
        #expect(abs((x.riskCoverage[2].precision) - 2.0 / 3) < 1e-12)
    }

    @Test func riskCoverageRowsSitAtEachTenthOfCoverage() {
        // 100 distinct confidences 0.01 ... 1.00; the top 30 are right.
        let records = (1...100).map { i in
            Self.record(false, "extract", false, Self.no, [Self.stage("extract", Double(i) / 100, i > 70 ? Self.yes : Self.no)], ms: 1)
        }
        let rows = EvalReport(records, frontier: nil).routes[0].riskCoverage
        #expect(rows.map(\.accepted) == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        #expect(rows.map(\.threshold) == [0.91, 0.81, 0.71, 0.61, 0.51, 0.41, 0.31, 0.21, 0.11, 0.01])
        #expect(rows.map(\.right) == [10, 20, 30, 30, 30, 30, 30, 30, 30, 30])
        #expect(rows[3].precision == 0.75 && rows[3].coverage == 0.4 && rows[3].answerableCoverage == 0.3)
    }

    @Test func routeMixAndCost() {
        let r = EvalReport(Self.records, frontier: Self.price)
        #expect(r.mix.map(\.route) == ["extract", "generate", "frontier"])
        #expect(r.mix.map(\.share) == [0.4, 0.1, 0.2])
        #expect(r.declinedShare == 0.3)
        #expect(abs(r.cost.spent - 0.07) < 1e-12)
        #expect(abs((r.cost.allFrontier ?? 0) - 0.05) < 1e-12)
        #expect(r.cost.frontierCalls == 4 && abs((r.cost.frontierMeanCost ?? 0) - 0.0175) < 1e-12)
        let none = EvalReport(Self.records, frontier: nil)
        #expect(none.cost.allFrontier == nil && none.cost.frontier == nil)
    }

    @Test func targetsAreCheckedOnThisRun() {
        let r = EvalReport(Self.records, frontier: nil)
        let met = Dictionary(uniqueKeysWithValues: r.targets.map { ($0.name, $0.met) })
        #expect(met["extract precision"] == false && met["extract coverage of answerable"] == false)
        #expect(met["unanswerable declined"] == false && met["precision of accepted answers"] == false)
        #expect(r.targets.filter { $0.name.hasSuffix(" ECE") }.count == 3)
        let perfect = EvalReport((0..<60).map { _ in Self.record(false, "extract", true, Self.yes, [Self.stage("extract", 1, Self.yes)], ms: 1) },
                                 frontier: nil)
        let others = perfect.targets.filter { !$0.name.contains("declined") }
        #expect(others.count == 5 && others.allSatisfy { $0.met })
    }

    @Test func nothingAcceptedHasNoPrecisionAndMissesItsTargets() {
        let r = EvalReport([Self.record(false, "extract", false, Self.yes, [Self.stage("extract", 0.2, Self.yes)], ms: 1),
                            Self.record(true, "extract", false, Self.no, [Self.stage("extract", 0.1, Self.no)], ms: 1)], frontier: nil)
        #expect(r.endToEnd.precision == nil && r.routes[0].precision == nil)
        #expect(r.targets.first { $0.name == "extract precision" }.map { $0.value == nil && !$0.met } == true)
        #expect(r.targets.first { $0.name == "precision of accepted answers" }?.met == false)
        #expect(r.targets.first { $0.name == "unanswerable declined" }?.met == true)
        let j = r.json()
        #expect(j["end_to_end"]?["precision"] == .null && j["routes"]?[0]?["precision"] == .null && j["targets"]?[0]?["value"] == .null)
        #expect(r.text().contains("  accepted 0 · right 0 · precision – (nothing accepted)\n"))
        #expect(r.text().contains("  NOT MET extract precision: – (nothing accepted) (goal ≥ 0.95)\n"))
    }

    @Test func jsonKeys() throws {
        let j = EvalReport(Self.records, frontier: Self.price, file: "dev.jsonl").json()
        #expect(j.objectValue?.keys == ["file", "questions", "answerable", "unanswerable", "near_misses", "errors", "end_to_end", "routes",
                                        "route_mix", "cost", "targets"])
        #expect(j["end_to_end"]?.objectValue?.keys == ["accepted", "accepted_right", "precision", "right_text", "right_file", "answered_right",
                                                       "declined", "declined_share", "near_misses_declined", "latency_ms", "cost"])
        #expect(j["end_to_end"]?["latency_ms"]?.objectValue?.keys == ["p50", "p90", "mean"])
        let route = try #require(j["routes"]?[0])
        #expect(route.objectValue?.keys == ["stage", "kind", "ran", "final", "accepted", "right", "right_text", "right_file", "coverage",
                                            "precision", "mean_ms", "stage_mean_ms", "ece", "ece_noise_mean", "ece_noise_p95",
                                            "debiased_calibration_error", "brier", "reliability", "risk_coverage"])
        #expect(route["reliability"]?[0]?.objectValue?.keys == ["count", "low", "high", "mean_confidence", "observed"])
        #expect(route["risk_coverage"]?[0]?.objectValue?.keys == ["threshold", "accepted", "right", "precision", "coverage", "answerable_coverage"])
        #expect(j["route_mix"]?.objectValue?.keys == ["extract", "generate", "frontier", "declined"])
        #expect(j["route_mix"]?["declined"] == 0.3)
        #expect(j["cost"]?.objectValue?.keys == ["spent", "frontier", "all_frontier", "saved", "frontier_calls", "frontier_mean_cost"])
        #expect(j["cost"]?["frontier"]?.objectValue?.keys == ["stage", "model", "price_in", "price_out", "typical_cost"])
        #expect(j["cost"]?["all_frontier"] == 0.05 && j["cost"]?["saved"] == -0.02)
        #expect(j["targets"]?[0]?.objectValue?.keys == ["name", "value", "goal", "met"])
        #expect(j["routes"]?[1]?["mean_ms"] == 100 && j["end_to_end"]?["precision"] == 0.5714)
        let none = EvalReport(Self.records, frontier: nil).json()
        #expect(none["cost"]?["frontier"] == .null)
        #expect(none["cost"]?["note"]?.stringValue?.contains("no priced (frontier) stage") == true)
        // The JSON is what --json prints: it must parse back.
        #expect(try JSON.parse(j.pretty()) == j)
    }

    @Test func text() {
        let t = EvalReport(Self.records, frontier: Self.price, file: "dev.jsonl").text()
        for line in [
            "dev.jsonl: 10 questions — 8 answerable, 2 unanswerable (1 near misses); 1 failed in the daemon (counted as declined)\n",
            "  accepted 7 · right 4 · precision 0.5714\n",
            "  answerable answered right (text and file): 4/8 = 50.00%  [right text 5, right file 5]\n",
            "  unanswerable declined: 1/2 = 50.00%  [near misses 0/1]\n",
            "  latency p50 100.0 ms · p90 1000.0 ms · mean 308.0 ms · cost $0.0700\n",
            "Route extract (answer.extract): ran on 9, final route of 4\n",
            "  accepted 4 · right 2 [right text 2, right file 3] · precision 0.5000 · coverage 25.00% of answerable\n",
            "  calibration of its confidence over 9 answers: ECE 0.3000 (15 equal-mass bins)",
            "Route mix: extract 40.00% · generate 10.00% · frontier 20.00% · declined 30.00%\n",
            "Cost: spent $0.0700; every question to frontier (gpt-x, $2.00 in / $10.00 out per million tokens, typical $0.0050 a question): $0.0500, saved $-0.0200; 4 calls made, mean $0.0175\n",
            "  NOT MET extract precision: 0.5000 (goal ≥ 0.95)\n",
        ] {
            #expect(t.contains(line), "missing: \(line)")
        }
        let rows = t.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains(["threshold", "accepted", "right", "precision", "coverage", "right/answerable"]))
        #expect(rows.contains(["0.9000", "1", "1", "1.0000", "11.11%", "12.50%"]), "the first risk–coverage row of extract")
        #expect(rows.contains(["0.1000", "9", "2", "0.2222", "100.00%", "25.00%"]), "its last row")
        #expect(EvalReport(Self.records, frontier: nil).text().contains("Cost: spent $0.0700; the ask pipeline has no priced (frontier) stage"))
    }

    @Test func aReplyBecomesARecord() throws {
        let q = EvalQuestion(id: "x-1", question: "Leave?", answers: ["six hours"], unanswerable: false, files: ["/docs/leave.md"])
        let candidates: JSON = [["text": "six hours", "features": ["overlap": 0.5], "citation": ["path": "/docs/leave.md"], "extra": [1, 2]]]
        let reply: JSON = [
            "answer": "Six hours.", "route": "extract", "confidence": 0.8, "accepted": true, "cost": 0.0,
            "citations": [["path": "/docs/other.md", "chunk": "c1"]],
            "stages": [
                ["id": "question", "kind": "query", "status": "ran", "confidence": .null, "ms": 0.1],
                ["id": "extract", "kind": "answer.extract", "status": "ran", "confidence": 0.8, "ms": 2.5,
                 "features": ["overlap": 0.5, "margin": 0.25], "answer": "Six hours.",
                 "citations": [["path": "/docs/leave.md", "chunk": "c1"]], "candidates": candidates],
                ["id": "generate", "kind": "answer.generate", "status": "skipped", "confidence": .null, "ms": 0],
                ["id": "frontier", "kind": "answer.frontier", "status": "failed", "confidence": .null, "ms": 3],
            ],
        ]
        let r = Evaluation.record(q, reply: reply, ms: 12)
        #expect(r.pipeline == ["extract", "generate", "frontier"])
        #expect(r.stages.map(\.stage) == ["extract"])
        let s = try #require(r.stages.first)
        #expect(s.features.map(\.0) == ["overlap", "margin"] && s.features.map(\.1) == [0.5, 0.25])
        #expect(s.citations == ["/docs/leave.md"] && s.ms == 2.5 && s.kind == "answer.extract")
        #expect(s.candidates == candidates, "candidates travel untouched")
        #expect(s.verdict == Self.yes && s.correct)
        // The final reply cites another file: right text, wrong file.
        #expect(r.verdict == Verdict(rightText: true, rightFile: false) && !r.correct)
        #expect(r.route == "extract" && r.accepted && r.confidence == 0.8 && r.ms == 12 && r.citations == ["/docs/other.md"])
        let d = r.details()
        #expect(d["id"] == "x-1" && d["right"] == false && d["right_text"] == true && d["right_file"] == false)
        #expect(d["stages"]?[0]?["candidates"] == candidates && d["stages"]?[0]?["right"] == true)
    }
}
