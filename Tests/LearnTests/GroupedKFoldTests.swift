// Grouped k-fold: groups never straddle folds, folds are balanced, the split depends only on the
// seed.
import Learn
import Testing
import TestSupport

@Suite struct GroupedKFoldTests {
    /// 100 groups of 1 to 9 rows, interleaved (group of row i is a hash-like scramble).
    let groups: [Int] = (0..<500).map { ($0 * 37 + $0 / 7) % 100 }

    @Test func groupsStayTogetherAndFoldsAreBalanced() throws {
        var rng = SeededRandom(seed: 1)
        let folds = try GroupedKFold(groups: groups, folds: 5, using: &rng)
        var foldOfGroup: [Int: Int] = [:]
        for (g, f) in zip(groups, folds.foldOfRow) {
            #expect(foldOfGroup[g, default: f] == f, "group \(g) split across folds")
            foldOfGroup[g] = f
        }
        var counts = [Int](repeating: 0, count: 5)
        for f in folds.foldOfRow { counts[f] += 1 }
        let largestGroup = Dictionary(grouping: groups, by: { $0 }).values.map(\.count).max() ?? 0
        #expect(counts.max()! - counts.min()! <= largestGroup)
        var seen = Set<Int>()
        for k in 0..<5 {
            let (train, test) = folds.split(k)
            #expect(train.count + test.count == groups.count)
            #expect(Set(train).isDisjoint(with: test))
            #expect(!test.isEmpty)
            seen.formUnion(test)
        }
        #expect(seen.count == groups.count)
    }

    @Test func sameSeedSameFoldsOtherSeedOtherFolds() throws {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let x = try GroupedKFold(groups: groups, folds: 4, using: &a)
        let y = try GroupedKFold(groups: groups, folds: 4, using: &b)
        let z = try GroupedKFold(groups: groups, folds: 4, using: &c)
        #expect(x == y)
        #expect(x != z)
    }

    @Test func stringGroupsAndErrors() throws {
        var rng = SeededRandom(seed: 5)
        let q = ["q1", "q1", "q2", "q3", "q3", "q3"]
        let folds = try GroupedKFold(groups: q, folds: 3, using: &rng)
        #expect(Set(folds.foldOfRow) == [0, 1, 2])
        #expect(folds.foldOfRow[0] == folds.foldOfRow[1])
        #expect(throws: LearnError.tooFewGroups(groups: 3, folds: 4)) { try GroupedKFold(groups: q, folds: 4, using: &rng) }
        #expect(throws: LearnError.invalidParameter(name: "folds", value: 1, requirement: "at least 2")) {
            try GroupedKFold(groups: q, folds: 1, using: &rng)
        }
    }

    @Test func outOfFoldMarginsComeFromModelsThatDidNotSeeTheRow() throws {
        var syn = Synthetic(seed: 8)
        let data = try syn.rows(300, 2) { $0[0] - $0[1] }
        let groups = (0..<300).map { $0 / 3 }
        var rng = SeededRandom(seed: 2)
        let folds = try GroupedKFold(groups: groups, folds: 3, using: &rng)
        let fit = { (x: FeatureMatrix, y: [Bool], w: [Double]?) throws(LearnError) -> ScoringModel in
            .logistic(try LogisticRegression.fit(x, labels: y, weights: w))
        }
        let margins = try folds.outOfFoldMargins(data.x, labels: data.y, fit: fit)
        let (train, test) = folds.split(1)
        let model = try fit(data.x.selecting(train), train.map { data.y[$0] }, nil)
        for r in test { #expect(margins[r] == (try model.margin(Array(data.x.row(r))))) }
        let everything = try fit(data.x, data.y, nil)
        #expect(test.contains { margins[$0] != (try? everything.margin(Array(data.x.row($0)))) })
    }
}
