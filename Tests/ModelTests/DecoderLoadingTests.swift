// Bad decoder GGUFs get specific errors, never a crash: copies of a small fixture with one thing
// broken each (architecture, a hyperparameter, a missing tensor, a wrong shape, a weight format
// the kernels lack), written with GGUFWriter.
import GGUF
import Model
import Posix
import Testing
import TestSupport

/// One way to break the fixture, and the error it must cause.
struct Breakage: CustomStringConvertible, Sendable {
    let description: String
    /// Metadata overrides (nil value: drop the key).
    var metadata: [String: MetadataValue?] = [:]
    /// Tensor to drop.
    var dropTensor: String?
    /// Tensor to rewrite with other dims and type (bytes sized to match, zero-filled).
    var retype: (name: String, type: GGMLType, dims: [Int])?
    let expected: ModelError

    static let all: [Breakage] = [
        Breakage(description: "unknown architecture", metadata: ["general.architecture": .string("mamba9")],
                 expected: .unknownArchitecture("mamba9")),
        Breakage(description: "head count not a multiple of the KV heads", metadata: ["qwen3moe.attention.head_count_kv": .uint32(3)],
                 expected: .hyperparameter(key: "qwen3moe.attention.head_count_kv", value: "3", reason: "must divide the head count 4")),
        Breakage(description: "more experts used than exist", metadata: ["qwen3moe.expert_used_count": .uint32(9)],
                 expected: .hyperparameter(key: "qwen3moe.expert_used_count", value: "9", reason: "must be in 1...8")),
        Breakage(description: "missing router", dropTensor: "blk.1.ffn_gate_inp.weight",
                 expected: .missingTensor(name: "blk.1.ffn_gate_inp.weight")),
        Breakage(description: "expert tensor of the wrong shape", retype: ("blk.0.ffn_up_exps.weight", .f32, [32, 32, 4]),
                 expected: .shape(name: "blk.0.ffn_up_exps.weight", expected: [32, 32, 8], found: [32, 32, 4])),
        Breakage(description: "weights in a format the kernels lack", retype: ("blk.0.attn_q.weight", .q8_1, [32, 64]),
                 expected: .unsupportedTensorType(name: "blk.0.attn_q.weight", type: "Q8_1")),
        Breakage(description: "quantised norm weights", retype: ("blk.0.attn_norm.weight", .q8_0, [32]),
                 expected: .unsupportedTensorType(name: "blk.0.attn_norm.weight", type: "Q8_0")),
    ]
}

@Suite struct DecoderLoadingTests {
    static let source = Paths.fixtures + "/engine/moe/qwen3moe-f32.gguf"

    /// The fixture rewritten with `b` applied.
    static func broken(_ b: Breakage, into path: String) throws {
        let file = try GGUFFile(path: source)
        var w = try GGUFWriter(alignment: file.alignment)
        for key in file.metadata.keys where key != "general.alignment" {
            if let override = b.metadata[key] {
                if let v = override { try w.add(key, v) }
            } else if let v = file.metadata[key] {
                try w.add(key, v)
            }
        }
        for t in file.tensors where t.name != b.dropTensor {
            if let r = b.retype, r.name == t.name {
                let bytes = r.dims.reduce(1, *) / r.type.blockSize * r.type.blockBytes
                try w.addTensor(name: t.name, type: r.type, dims: r.dims, data: [UInt8](repeating: 0, count: bytes))
            } else {
                try w.addTensor(name: t.name, type: t.type, dims: t.dims, data: Array(file.view(of: t).bytes))
            }
        }
        try w.write(to: path)
    }

    @Test(arguments: Breakage.all)
    func brokenFilesGetSpecificErrors(_ b: Breakage) throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try Self.broken(b, into: dir + "/broken.gguf")
        #expect(throws: b.expected) { try LanguageModel(path: dir + "/broken.gguf", options: LoadOptions(contextLength: 16, threads: 1)) }
    }

    @Test func theUnbrokenCopyLoads() throws {
        let dir = try Paths.temporaryDirectory()
        defer { FileSystem.removeTree(dir) }
        try Self.broken(Breakage(description: "nothing", expected: .unknownArchitecture("")), into: dir + "/copy.gguf")
        let model = try LanguageModel(path: dir + "/copy.gguf", options: LoadOptions(contextLength: 16, threads: 1))
        #expect(model.config.architecture == .qwen3moe && model.config.experts == 8)
    }

    @Test func tokensOutsideTheVocabularyAndAFullContextAreErrors() throws {
        let model = try LanguageModel(path: Self.source, options: LoadOptions(contextLength: 4, threads: 1))
        #expect(throws: ModelError.tokenOutOfRange(token: 320, vocabulary: 320)) { try model.evaluate([1, 320]) }
        #expect(model.position == 0, "nothing is evaluated when a token is bad")
        try model.evaluate([1, 2, 3])
        #expect(throws: ModelError.contextFull(position: 3, tokens: 2, context: 4)) { try model.evaluate([4, 5]) }
    }
}
