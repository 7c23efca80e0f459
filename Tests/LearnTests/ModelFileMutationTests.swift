// Damaged model files (fixed seed, so failures replay): every mutation must parse or throw a
// LearnError, and whatever parses must be safe to score — the reader's checks are what keep tree
// walks and feature reads in bounds — and must survive a render/parse round trip.
import Learn
import Testing
import TestSupport

@Suite struct ModelFileMutationTests {
    /// A valid file with every section: trees, an isotonic calibrator, a threshold.
    static func source() -> [UInt8] {
        let tree: [GradientBoostedTrees.Node] = [
            .init(feature: 0, threshold: 0.5, left: 1, right: 2, value: 0),
            .init(feature: 2, threshold: -1, left: 3, right: 4, value: 0),
            .leaf(0.3), .leaf(-0.2), .leaf(0.1),
        ]
        let m = LearnedModel(name: "m", features: ["a", "b", "c"],
                             model: .trees(GradientBoostedTrees(featureCount: 3, baseScore: -0.5, trees: [tree, [.leaf(0.05)]])),
                             calibrator: .isotonic(IsotonicCalibrator(x: [-2, -1, 0, 1], y: [0.1, 0.2, 0.6, 0.9])),
                             thresholds: [Threshold(name: "accept", targetPrecision: 0.95, accept: 0.6, samples: 50, accepted: 20, correct: 19)])
        return Array(m.render().utf8)
    }

    /// Replaces one number token (a run of digits, signs, '.', 'e') with an awkward value.
    static func mutateNumber(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        let isNumeric = { (c: UInt8) in (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }
        let starts = input.indices.filter { isNumeric(input[$0]) && ($0 == 0 || !isNumeric(input[$0 - 1])) && input[$0] != UInt8(ascii: ".") }
        guard !starts.isEmpty else { return input }
        let s = starts[Int(rng.next() % UInt64(starts.count))]
        var e = s
        while e < input.count && (isNumeric(input[e]) || input[e] == UInt8(ascii: "e") || input[e] == UInt8(ascii: "+")) { e += 1 }
        let awkward = ["-1", "0", "1", "2", "3", "4", "5", "7", "-2", "99999999", "-9223372036854775808", "nan", "inf", "-inf",
                       "1e400", "0.0", "-0.0", "1.5", "0.7", "1e-300", "\"x\"", "[]", "[1, 2]", "true"]
        return Array(input[..<s]) + Array(awkward[Int(rng.next() % UInt64(awkward.count))].utf8) + Array(input[e...])
    }

    /// Flips a bit, deletes a run, or cuts the tail.
    static func mutateBytes(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var b = input
        guard !b.isEmpty else { return b }
        let i = Int(rng.next() % UInt64(b.count))
        switch rng.next() % 3 {
        case 0: b[i] ^= 1 << UInt8(rng.next() % 8)
        case 1: b.removeSubrange(i..<min(b.count, i + 1 + Int(rng.next() % 12)))
        default: b.removeLast(b.count - i)
        }
        return b
    }

    @Test func mutatedFilesParseSafelyOrThrow() throws {
        var rng = SeededRandom(seed: 2024)
        let source = Self.source()
        _ = try LearnedModel.parse(bytes: source, file: "m.toml")
        var parsed = 0, rejected = 0
        var kinds = Set<String>()
        for round in 0..<3000 {
            var bytes = source
            for _ in 0...(rng.next() % 3) {
                bytes = round % 4 == 3 ? Self.mutateBytes(bytes, &rng) : Self.mutateNumber(bytes, &rng)
            }
            do {
                let m = try LearnedModel.parse(bytes: bytes, file: "m.toml")
                parsed += 1
                for row in [[0.0, 0, 0], [1e300, -1e300, 0.5], [.nan, .nan, .nan]] { _ = try m.probability(row) }
                #expect(try LearnedModel.parse(bytes: Array(m.render().utf8), file: "m.toml") == m)
            } catch {
                rejected += 1
                #expect(error.place?.file == "m.toml", "\(error)")
                kinds.insert(Mirror(reflecting: error).children.first?.label ?? "\(error)")
            }
        }
        print("model-file mutations: \(parsed) parsed, \(rejected) rejected; errors seen: \(kinds.sorted().joined(separator: ", "))")
        #expect(parsed > 100 && rejected > 1000)
        #expect(kinds.count >= 8) // the mutations reach the semantic checks, not just the TOML parser
    }
}
