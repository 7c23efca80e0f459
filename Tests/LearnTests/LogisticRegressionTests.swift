// Logistic regression against the NumPy/SciPy Newton reference (scripts/reference/learn_reference.py),
// on separable data, and for determinism and input checks.
import Config
import Learn
import Testing

@Suite struct LogisticRegressionTests {
    /// Fits a fixture and compares every parameter with the reference's.
    func compare(_ name: String) throws {
        let data = try LearnFixtures.csv(name + ".csv")
        let expected = try LearnFixtures.expected(name + "-expected.toml")
        let m = try LogisticRegression.fit(try data.features(), labels: data.column("label").map { $0 == 1 },
                                           weights: data.column("weight"), options: .init(l2: expected.double("l2")))
        var worst = 0.0
        func close(_ a: [Double], _ b: [Double], _ what: String) {
            #expect(a.count == b.count, "\(what) length")
            for (x, y) in zip(a, b) {
                #expect(abs(x - y) <= 1e-6 * max(1, abs(y)), "\(what): \(x) vs \(y)")
                worst = max(worst, abs(x - y) / max(1, abs(y)))
            }
        }
        defer { print("\(name): largest difference from the reference \(worst) (relative above 1)") }
        close(m.mean, expected.doubles("mean"), "mean")
        close(m.sd, expected.doubles("sd"), "sd")
        close(m.weights, expected.doubles("weights"), "weights")
        close([m.bias], [expected.double("bias")], "bias")
        let raw = m.unstandardised
        close(raw.weights, expected.doubles("raw_weights"), "raw weights")
        close([raw.bias], [expected.double("raw_bias")], "raw bias")
    }

    @Test func matchesReferenceOnWeightedFixture() throws { try compare("logistic") }

    @Test func convergesOnSeparableData() throws { try compare("separable") }

    @Test func sameDataGivesBitIdenticalParameters() throws {
        let data = try LearnFixtures.csv("logistic.csv")
        let x = try data.features(), y = data.column("label").map { $0 == 1 }
        let a = try LogisticRegression.fit(x, labels: y, weights: data.column("weight"))
        let b = try LogisticRegression.fit(x, labels: y, weights: data.column("weight"))
        #expect(a.weights.map(\.bitPattern) == b.weights.map(\.bitPattern))
        #expect(a.bias.bitPattern == b.bias.bitPattern)
    }

    @Test func marginMatchesUnstandardisedForm() throws {
        let data = try LearnFixtures.csv("logistic.csv")
        let x = try data.features()
        let m = try LogisticRegression.fit(x, labels: data.column("label").map { $0 == 1 })
        let raw = m.unstandardised
        for i in [0, 17, 399] {
            let row = Array(x.row(i))
            let direct = raw.bias + zip(raw.weights, row).reduce(0) { $0 + $1.0 * $1.1 }
            let viaModel = try ScoringModel.logistic(m).margin(row)
            #expect(abs(direct - viaModel) < 1e-9)
        }
    }

    @Test func constantFeatureGetsZeroWeight() throws {
        let x = try FeatureMatrix(rows: (0..<50).map { [Double($0 % 7), 3.0] })
        let y = (0..<50).map { $0 % 7 > 3 }
        let m = try LogisticRegression.fit(x, labels: y)
        #expect(m.sd[1] == 1)
        #expect(m.weights[1] == 0)
        #expect(m.weights[0] > 0)
    }

    @Test func rejectsBadInput() throws {
        let x = try FeatureMatrix(rows: [[0], [1], [2]])
        #expect(throws: LearnError.oneClass(label: true)) { try LogisticRegression.fit(x, labels: [true, true, true]) }
        #expect(throws: LearnError.oneClass(label: false)) {
            try LogisticRegression.fit(x, labels: [true, false, false], weights: [0, 1, 1])
        }
        #expect(throws: LearnError.shapeMismatch(what: "labels", count: 2, expected: 3)) { try LogisticRegression.fit(x, labels: [true, false]) }
        #expect(throws: LearnError.invalidParameter(name: "l2", value: 0, requirement: "a finite number > 0")) {
            try LogisticRegression.fit(x, labels: [true, false, true], options: .init(l2: 0))
        }
        #expect(throws: LearnError.notFiniteInput(what: "feature", row: 1, column: 0)) { try FeatureMatrix(rows: [[0], [.nan]]) }
        #expect(throws: LearnError.shapeMismatch(what: "row", count: 2, expected: 1)) {
            try ScoringModel.logistic(LogisticRegression.fit(x, labels: [true, false, true])).margin([1, 2])
        }
    }

    @Test func weightTwoEqualsADuplicatedRow() throws {
        let data = try LearnFixtures.csv("logistic.csv")
        let x = try data.features(), y = data.column("label").map { $0 == 1 }
        var weights = [Double](repeating: 1, count: x.rows)
        for i in stride(from: 0, to: x.rows, by: 3) { weights[i] = 2 }
        let weighted = try LogisticRegression.fit(x, labels: y, weights: weights)
        let rows = (0..<x.rows).flatMap { weights[$0] == 2 ? [$0, $0] : [$0] }
        let duplicated = try LogisticRegression.fit(x.selecting(rows), labels: rows.map { y[$0] })
        for (a, b) in zip(weighted.weights + [weighted.bias], duplicated.weights + [duplicated.bias]) {
            #expect(abs(a - b) < 1e-9)
        }
    }
}
