// Fit times at the size the brief names (100k rows × 30 features) for both models, printed so
// docs/learned-models.md can quote them; the bounds are loose because the machine is shared.
import Learn
import Testing

@Suite struct FitTimeTests {
    @Test func hundredThousandRowsThirtyFeatures() throws {
        var s = Synthetic(seed: 100)
        let data = try s.rows(100_000, 30) { r in 0.8 * r[0] - 0.5 * r[1] + (r[2] * r[3] > 0 ? 1 : -1) + 0.3 * r[4] * r[4] - 0.3 }
        let clock = ContinuousClock()
        var logistic: LogisticRegression?
        let tl = clock.measure { logistic = try? LogisticRegression.fit(data.x, labels: data.y) }
        var trees: GradientBoostedTrees?
        let tt = clock.measure { trees = try? GradientBoostedTrees.fit(data.x, labels: data.y) } // 100 trees, depth 3, 255 bins
        let l = try #require(logistic), t = try #require(trees)
        let auc = { (m: ScoringModel) in Metrics.auc(try m.margins(data.x), data.y) }
        print("fit 100000 x 30: logistic \(tl) (AUC \(try auc(.logistic(l)))), trees \(tt) (AUC \(try auc(.trees(t))))")
        #expect(tl < .seconds(60))
        #expect(tt < .seconds(60))
        #expect(try auc(.trees(t)) > auc(.logistic(l)))
    }
}
