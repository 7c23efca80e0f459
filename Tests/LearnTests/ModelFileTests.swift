// The model file: byte-identical round trips, byte-identical refits, exact number round trips,
// and the specific error (with line:col) for each kind of corruption.
import Config
import Foundation   // replacingOccurrences, components(separatedBy:)
import Learn
import Testing

@Suite struct ModelFileTests {
    func roundTrip(_ m: LearnedModel) throws -> LearnedModel {
        let text = m.render()
        let back = try LearnedModel.parse(bytes: Array(text.utf8), file: "m.toml")
        #expect(back.render() == text)
        return back
    }

    @Test func logisticWithPlattAndThresholdsRoundTrips() throws {
        let m = LearnedModel(
            name: "answer.extract", features: ["bm25", "margin \"quoted\"", "tab\there"],
            model: .logistic(LogisticRegression(mean: [0.1, -2, 1e-05], sd: [1, 0.5, 3e300], weights: [0.25, -1.5, 0], bias: -0.0)),
            calibrator: .platt(a: 1.25, b: -0.5),
            thresholds: [Threshold(name: "accept", targetPrecision: 0.95, accept: 0.8125, samples: 1000, accepted: 400, correct: 390),
                         Threshold(name: "strict", targetPrecision: 0.99, accept: nil, samples: 1000, accepted: 0, correct: 0)],
            provenance: ["nerve calibrate --data dev.jsonl", "", "2024-06-11"])
        let back = try roundTrip(m)
        #expect(back == m)
        #expect(m.render().hasPrefix("# nerve calibrate --data dev.jsonl\n#\n# 2024-06-11\nversion = 1\n"))
    }

    @Test func treesWithIsotonicRoundTrip() throws {
        let tree: [GradientBoostedTrees.Node] = [.init(feature: 1, threshold: 0.5, left: 1, right: 2, value: 0), .leaf(-0.1), .leaf(0.2)]
        let m = LearnedModel(name: "selector", features: ["a", "b"],
                             model: .trees(GradientBoostedTrees(featureCount: 2, baseScore: -0.3, trees: [tree, [.leaf(0.01)]])),
                             calibrator: .isotonic(IsotonicCalibrator(x: [-1, 0, 2.5], y: [0, 0.5, 1])))
        #expect(try roundTrip(m) == m)
    }

    @Test func numbersRoundTripBitForBit() throws {
        let awkward: [Double] = [0.1 + 0.2, .leastNonzeroMagnitude, 1.7976931348623157e308, -0.0, 1e-05, 1e+16, 123456789.125, -2.2250738585072014e-308, 1 / 3]
        let m = LearnedModel(name: "n", features: awkward.indices.map { "f\($0)" },
                             model: .logistic(LogisticRegression(mean: awkward, sd: awkward.map { abs($0) + 1 }, weights: awkward, bias: 1 / 3)))
        let back = try roundTrip(m)
        guard case let .logistic(l) = back.model else { Issue.record("kind"); return }
        #expect(l.mean.map(\.bitPattern) == awkward.map(\.bitPattern))
        #expect(l.weights.map(\.bitPattern) == awkward.map(\.bitPattern))
    }

    @Test func refittingTheSameDataReproducesTheFile() throws {
        let data = try LearnFixtures.csv("logistic.csv")
        let x = try data.features(), y = data.column("label").map { $0 == 1 }
        func build() throws -> String {
            let trees = try GradientBoostedTrees.fit(x, labels: y, options: .init(trees: 20, minSamplesLeaf: 10))
            let margins = try ScoringModel.trees(trees).margins(x)
            let calibrator = try Calibrator.fitIsotonic(scores: margins, labels: y)
            let table = RiskCoverage.table(margins.map(calibrator.probability), y)
            let t = Threshold.choose(name: "accept", targetPrecision: 0.9, table: table)
            let logistic = try LogisticRegression.fit(x, labels: y, weights: data.column("weight"))
            return LearnedModel(name: "t", features: ["f0", "f1", "f2", "f3"], model: .trees(trees), calibrator: calibrator,
                                thresholds: [t], provenance: ["test"]).render()
                + LearnedModel(name: "l", features: ["f0", "f1", "f2", "f3"], model: .logistic(logistic)).render()
        }
        let first = try build()
        #expect(Array(first.utf8) == Array(try build().utf8))
    }

    // MARK: corrupt files

    static let logisticText = """
        # test model
        version = 1
        name = "t"
        features = ["a", "b", "c"]

        [model]
        kind = "logistic"
        mean = [0.0, 1.0, 2.0]
        sd = [1.0, 2.0, 3.0]
        weights = [0.5, -0.25, 1.0]
        bias = 0.125

        """

    static let treesText = """
        version = 1
        name = "t"
        features = ["a", "b"]

        [model]
        kind = "trees"
        base_score = 0.5

        [[model.tree]]
        feature = [1, -1, -1]
        threshold = [0.5, 0.0, 0.0]
        left = [1, -1, -1]
        right = [2, -1, -1]
        value = [0.0, -0.1, 0.2]

        """

    /// The error reading `base` with `old` replaced by `new`.
    func error(_ base: String, _ old: String, _ new: String) -> LearnError? {
        #expect(base.contains(old), "fixture text lacks \(old)")
        do {
            _ = try LearnedModel.parse(bytes: Array(base.replacingOccurrences(of: old, with: new).utf8), file: "x.toml")
            return nil
        } catch {
            return error
        }
    }

    /// The error reading `text` as it is.
    func error(_ text: String) -> LearnError? {
        do {
            _ = try LearnedModel.parse(bytes: Array(text.utf8), file: "x.toml")
            return nil
        } catch {
            return error
        }
    }

    func at(_ line: Int, _ column: Int) -> Config.SourceLocation { SourceLocation(line: line, column: column) }

    @Test func baseFilesAreValid() throws {
        let l = try LearnedModel.parse(bytes: Array(Self.logisticText.utf8), file: "x.toml")
        #expect(l.provenance == ["test model"])
        #expect(try l.probability([0, 1, 2]) == logistic(0.125))
        let t = try LearnedModel.parse(bytes: Array(Self.treesText.utf8), file: "x.toml")
        #expect(try t.model.margin([0, 0.5]) == 0.4)
    }

    @Test func wrongVersion() {
        let e = error(Self.logisticText, "version = 1", "version = 2")
        #expect(e == .unsupportedVersion(file: "x.toml", found: 2, supported: 1, location: at(2, 11)))
        #expect(e?.description == "x.toml:2:11: model file version 2 is not supported; this build reads version 1")
        #expect(error(Self.logisticText, "version = 1", "version = \"1\"") == .wrongType(file: "x.toml", key: "version", expected: "an integer", location: at(2, 11)))
        #expect(error(Self.logisticText, "version = 1\n", "") == .missingKey(file: "x.toml", key: "version", table: "", location: at(1, 1)))
    }

    @Test func nanAndInfinity() {
        let e = error(Self.logisticText, "bias = 0.125", "bias = nan")
        #expect(e == .notFinite(file: "x.toml", key: "bias", index: -1, location: at(11, 8)))
        #expect(e?.description == "x.toml:11:8: bias is not a finite number")
        #expect(error(Self.logisticText, "[0.5, -0.25, 1.0]", "[0.5, inf, 1.0]") == .notFinite(file: "x.toml", key: "weights", index: 1, location: at(10, 17)))
        #expect(error(Self.treesText, "[0.0, -0.1, 0.2]", "[0.0, -inf, 0.2]") == .notFinite(file: "x.toml", key: "value", index: 1, location: at(14, 15)))
    }

    @Test func mismatchedLengthsAndBadValues() {
        #expect(error(Self.logisticText, "sd = [1.0, 2.0, 3.0]", "sd = [1.0, 2.0]") == .lengthMismatch(file: "x.toml", key: "sd", count: 2, expected: 3, location: at(9, 6)))
        #expect(error(Self.logisticText, "sd = [1.0, 2.0, 3.0]", "sd = [1.0, 0.0, 3.0]") == .outOfRange(file: "x.toml", key: "sd[1]", value: 0, requirement: "> 0", location: at(9, 12)))
        #expect(error(Self.treesText, "threshold = [0.5, 0.0, 0.0]", "threshold = [0.5, 0.0]") == .lengthMismatch(file: "x.toml", key: "threshold", count: 2, expected: 3, location: at(11, 13)))
        #expect(error(Self.logisticText, "[0.5, -0.25, 1.0]", "[0.5, \"x\", 1.0]") == .wrongType(file: "x.toml", key: "weights[1]", expected: "a number", location: at(10, 17)))
        #expect(error(Self.logisticText, "weights =", "wieghts =") == .unknownKey(file: "x.toml", key: "wieghts", location: at(10, 1)))
        #expect(error(Self.logisticText, "kind = \"logistic\"", "kind = \"forest\"") == .unknownKind(file: "x.toml", kind: "forest", allowed: ["logistic", "trees"], location: at(7, 8)))
        #expect(error(Self.logisticText, "[\"a\", \"b\", \"c\"]", "[\"a\", \"b\", \"a\"]") == .duplicateFeature(file: "x.toml", name: "a", location: at(4, 23)))
        #expect(error(Self.logisticText, "bias = 0.125\n", "") == .missingKey(file: "x.toml", key: "bias", table: "model", location: at(6, 1)))
    }

    @Test func truncatedArray() throws {
        let text = Self.treesText.components(separatedBy: "value = [0.0, -0.1")[0] + "value = [0.0, -0.1"
        do {
            _ = try LearnedModel.parse(bytes: Array(text.utf8), file: "x.toml")
            Issue.record("truncated file accepted")
        } catch {
            guard case .syntax = error else { Issue.record("\(error)"); return }
            #expect(error.description.hasPrefix("x.toml:14:"), "\(error)")
        }
    }

    @Test func treeNodeIndicesOutOfRange() {
        #expect(error(Self.treesText, "right = [2, -1, -1]", "right = [7, -1, -1]") == .nodeOutOfRange(file: "x.toml", tree: 0, node: 0, child: 7, nodes: 3, location: at(13, 10)))
        #expect(error(Self.treesText, "left = [1, -1, -1]", "left = [0, -1, -1]") == .nodeOutOfRange(file: "x.toml", tree: 0, node: 0, child: 0, nodes: 3, location: at(12, 9)))
        #expect(error(Self.treesText, "left = [1, -1, -1]", "left = [-5, -1, -1]") == .nodeOutOfRange(file: "x.toml", tree: 0, node: 0, child: -5, nodes: 3, location: at(12, 9)))
        #expect(error(Self.treesText, "feature = [1, -1, -1]", "feature = [2, -1, -1]") == .outOfRange(file: "x.toml", key: "feature[0]", value: 2, requirement: "-1 (leaf) or a feature index 0...1", location: at(10, 12)))
        #expect(error(Self.treesText, "left = [1, -1, -1]", "left = [1, 2, -1]") == .outOfRange(file: "x.toml", key: "left[1]", value: 2, requirement: "-1 at a leaf", location: at(12, 12)))
        let e = error(Self.treesText, "right = [2, -1, -1]", "right = [7, -1, -1]")
        #expect(e?.description == "x.toml:13:10: tree 0, node 0: child 7 is not a later node of this tree (it has 3 nodes)")
    }

    @Test func hugeCountsAndDeepTrees() {
        let names = (0...ModelLimits.features).map { "\"f\($0)\"" }.joined(separator: ", ")
        #expect(error(Self.logisticText, "[\"a\", \"b\", \"c\"]", "[\(names)]") == .tooMany(file: "x.toml", key: "features", count: 10_001, limit: 10_000, location: at(4, 12)))
        let n = ModelLimits.nodesPerTree + 1
        let big = "[" + [String](repeating: "-1", count: n).joined(separator: ", ") + "]"
        #expect(error(Self.treesText, "feature = [1, -1, -1]", "feature = \(big)") == .tooMany(file: "x.toml", key: "feature", count: n, limit: ModelLimits.nodesPerTree, location: at(10, 11)))
        // A chain 13 splits deep: node 2k splits to leaf 2k+1 and node 2k+2.
        let inner = 13, count = 2 * inner + 1
        let feature = (0..<count).map { $0 % 2 == 0 && $0 < 2 * inner ? "0" : "-1" }
        let left = (0..<count).map { $0 % 2 == 0 && $0 < 2 * inner ? "\($0 + 1)" : "-1" }
        let right = (0..<count).map { $0 % 2 == 0 && $0 < 2 * inner ? "\($0 + 2)" : "-1" }
        let zeros = [String](repeating: "0.0", count: count).joined(separator: ", ")
        let deep = """
            feature = [\(feature.joined(separator: ", "))]
            threshold = [\(zeros)]
            left = [\(left.joined(separator: ", "))]
            right = [\(right.joined(separator: ", "))]
            value = [\(zeros)]
            """
        let body = Self.treesText.components(separatedBy: "[[model.tree]]\n")[0] + "[[model.tree]]\n" + deep + "\n"
        do {
            _ = try LearnedModel.parse(bytes: Array(body.utf8), file: "x.toml")
            Issue.record("deep tree accepted")
        } catch {
            guard case let .treeTooDeep(_, tree, limit, location) = error else { Issue.record("\(error)"); return }
            #expect(tree == 0 && limit == 12 && location.line == 12) // node 24's left child is the first at depth 13
        }
        #expect(throws: LearnError.fileTooLarge(file: "x.toml", bytes: ModelLimits.fileBytes + 1, limit: ModelLimits.fileBytes)) {
            try LearnedModel.parse(bytes: [UInt8](repeating: 0x20, count: ModelLimits.fileBytes + 1), file: "x.toml")
        }
    }

    @Test func calibratorAndThresholdChecks() {
        let isotonic = Self.logisticText + "\n[calibrator]\nkind = \"isotonic\"\nx = [0.0, 1.0, 1.0]\ny = [0.1, 0.2, 0.3]\n"
        #expect(error(isotonic) == .notIncreasing(file: "x.toml", key: "x", index: 2, location: at(15, 16)))
        let increasing = isotonic.replacingOccurrences(of: "x = [0.0, 1.0, 1.0]", with: "x = [0.0, 1.0, 2.0]")
        #expect(error(increasing) == nil)
        #expect(error(increasing, "y = [0.1, 0.2, 0.3]", "y = [0.1, 1.5, 0.3]") == .outOfRange(file: "x.toml", key: "y[1]", value: 1.5, requirement: "in [0, 1]", location: at(16, 11)))
        #expect(error(increasing, "y = [0.1, 0.2, 0.3]", "y = [0.3, 0.2, 0.3]") == .outOfRange(file: "x.toml", key: "y[1]", value: 0.2, requirement: "≥ y[0] (non-decreasing)", location: at(16, 11)))
        let threshold = Self.logisticText + "\n[[threshold]]\nname = \"accept\"\ntarget_precision = 0.95\naccept = 0.9\nsamples = 10\naccepted = 11\ncorrect = 1\n"
        #expect(error(threshold) == .outOfRange(file: "x.toml", key: "accepted", value: 11, requirement: "in 0...10", location: at(18, 12)))
        #expect(error(threshold, "accept = 0.9", "accept = 1.5") == .outOfRange(file: "x.toml", key: "accept", value: 1.5, requirement: "in [0.0, 1.0]", location: at(16, 10)))
    }
}
