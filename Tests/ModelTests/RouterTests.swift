// The router on hand-made numbers (softmax over all experts → top-k → renormalise when the
// architecture says so), and the promise that only chosen experts' weights are read: experts no
// token picks are overwritten with NaN in a copy of a fixture, and the logits do not change.
import Foundation
import GGUF
import Model
import Posix
import Testing
import TestSupport

@Suite struct RouterTests {
    @Test func softmaxThenTopKThenRenormalise() {
        // Experts 2 and 0 have the largest logits; with renormalisation their weights sum to 1
        // and keep their ratio e^(3-1).
        let chosen = MoERouting.route(logits: [1, -2, 3, 0], used: 2, normalize: true)
        #expect(chosen.map(\.expert) == [2, 0])
        #expect(abs(chosen[0].weight + chosen[1].weight - 1) < 1e-6)
        #expect(abs(chosen[0].weight / chosen[1].weight - Float(2.0).exponentiated()) < 1e-4)
        // Without it (olmoe, qwen2moe) the weights stay the softmax probabilities over all four.
        let raw = MoERouting.route(logits: [1, -2, 3, 0], used: 2, normalize: false)
        let z = [1, -2, 3, 0].map { Float($0).exponentiated() }.reduce(0, +)
        #expect(abs(raw[0].weight - Float(3).exponentiated() / z) < 1e-6)
        #expect(abs(raw[1].weight - Float(1).exponentiated() / z) < 1e-6)
    }

    @Test func oneHotLogitsPickTheirExpertAndTiesGoToTheLowerId() {
        let one = MoERouting.route(logits: [0, 0, 20, 0, 0, 0], used: 1, normalize: true)
        #expect(one.map(\.expert) == [2] && one[0].weight == 1)
        let ties = MoERouting.route(logits: [5, 1, 5, 5], used: 2, normalize: true)
        #expect(ties.map(\.expert) == [0, 2])
        #expect(ties[0].weight == 0.5 && ties[1].weight == 0.5)
    }

    @Test func unchosenExpertsAreNeverRead() throws {
        let source = Paths.fixtures + "/engine/moe/qwen3moe-f32.gguf"
        let tokens: [Int32] = [1, 72, 101]
        let model = try LanguageModel(path: source, options: LoadOptions(contextLength: 16, threads: 2))
        model.recordsRouting = true
        var reference: [[Float]] = []
        try model.evaluate(tokens) { _, l in reference.append(Array(l)) }
        let routing = model.routing

        // Poison every expert no token chose, layer by layer, in a copy of the file.
        var bytes = try FileSystem.read(source)
        let file = try GGUFFile(path: source)
        var poisoned = 0
        for layer in 0..<model.config.layers {
            let unused = Set(0..<model.config.experts).subtracting(routing[layer].map(Int.init))
            for kind in ["gate", "up", "down"] {
                let info = try #require(file.tensors.first { $0.name == "blk.\(layer).ffn_\(kind)_exps.weight" })
                let perExpert = info.byteCount / model.config.experts
                for e in unused {
                    let start = file.dataOffset + info.offset + e * perExpert
                    for f in stride(from: start, to: start + perExpert, by: 4) {
                        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { bytes.replaceSubrange(f..<(f + 4), with: $0) }
                    }
                    poisoned += 1
                }
            }
        }
        #expect(poisoned >= 6, "the prefix should leave several experts unused")
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/poisoned.gguf", bytes)
        let copy = try LanguageModel(path: dir + "/poisoned.gguf", options: LoadOptions(contextLength: 16, threads: 2))
        var logits: [[Float]] = []
        try copy.evaluate(tokens) { _, l in logits.append(Array(l)) }
        #expect(logits == reference)
    }
}

private extension Float {
    func exponentiated() -> Float { Float(Foundation.exp(Double(self))) }
}
