// The Swift all-MiniLM-L6-v2 encoder against the independent NumPy forward pass
// (scripts/reference/minilm_numpy.py) on 63 texts, MODELS.md's known values, batching and
// concurrency invariance, config errors, and the benchmark hook scripts/bench/encoder drives.
// Needs models/all-MiniLM-L6-v2 (scripts/fetch-models); skipped with a printed reason without it.
import Foundation   // clock(): process CPU time, shown beside wall time (shared machines)
import JSON
import Model
import Posix
import Testing
import TestSupport

enum MiniLM {
    static let directory = Paths.packageRoot + "/models/all-MiniLM-L6-v2"

    static let present: Bool = {
        let ok = FileSystem.exists(directory + "/model.safetensors") && FileSystem.exists(directory + "/vocab.txt")
        if !ok { print("SentenceEncoderTests: skipped: \(directory) is absent (run scripts/fetch-models)") }
        return ok
    }()

    /// One encoder shared by the tests (loading packs 22 M weights; once is enough).
    static let encoder: SentenceEncoder? = present ? try? SentenceEncoder(directory: directory) : nil

    /// The fixture texts and the reference rows `[count, 384]`.
    static func reference() throws -> (texts: [String], tokens: [Int], vectors: [[Float]]) {
        let dir = Paths.fixtures + "/embeddings"
        let cases = try JSON.parse(try FileSystem.read(dir + "/sentences.json")).arrayValue ?? []
        let floats = try floats(dir + "/reference.f32")
        let vectors = (0..<(floats.count / 384)).map { Array(floats[($0 * 384)..<(($0 + 1) * 384)]) }
        return (cases.map { $0["text"]?.stringValue ?? "" }, cases.map { $0["tokens"]?.intValue ?? 0 }, vectors)
    }

    /// A file of little-endian float32 values.
    static func floats(_ path: String) throws -> [Float] {
        let raw = try FileSystem.read(path)
        return stride(from: 0, to: raw.count - 3, by: 4).map { i in
            Float(bitPattern: UInt32(raw[i]) | UInt32(raw[i + 1]) << 8 | UInt32(raw[i + 2]) << 16 | UInt32(raw[i + 3]) << 24)
        }
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
}

@Suite(.enabled(if: MiniLM.present, "models/all-MiniLM-L6-v2 is absent: run scripts/fetch-models"))
struct SentenceEncoderTests {
    @Test func loads() throws {
        let encoder = try #require(MiniLM.encoder)
        #expect(encoder.dimension == 384)
        #expect(encoder.maxLength == 256)
        #expect(encoder.config.layers == 6 && encoder.config.heads == 12 && encoder.config.intermediateSize == 1536)
        #expect(encoder.tokenizer.vocabularySize == 30_522)
    }

    /// Every reference text: cosine with the NumPy float64 embedding ≥ 0.9999 (measured: the
    /// minimum is printed), token counts equal (so truncation at 256 agrees too).
    @Test func matchesNumPyReference() throws {
        let encoder = try #require(MiniLM.encoder)
        let (texts, tokens, reference) = try MiniLM.reference()
        #expect(texts.count >= 60 && reference.count == texts.count)
        let vectors = encoder.encode(texts, batchSize: 32)
        var minCosine = 1.0, worstText = ""
        var maxDiff: Float = 0
        for (i, v) in vectors.enumerated() {
            #expect(encoder.tokenizer.encode(texts[i], maxLength: 256).count == tokens[i])
            let c = MiniLM.dot(v, reference[i])
            if c < minCosine { minCosine = c; worstText = texts[i] }
            maxDiff = max(maxDiff, zip(v, reference[i]).map { abs($0 - $1) }.max() ?? 0)
            #expect(c >= 0.9999, "text \(i) \(texts[i].prefix(40).debugDescription): cosine \(c)")
        }
        print("SentenceEncoder vs NumPy reference: \(texts.count) texts, min cosine \(minCosine) (\(worstText.prefix(40).debugDescription)), max |Δ| \(maxDiff)")
    }

    /// MODELS.md: "The cat sits on the mat." starts [0.13418, -0.0329, -0.0248, 0.04144]; cosine
    /// 0.6411 to "A kitten is resting on a rug." and 0.0462 to "Stock markets fell sharply today.".
    @Test func knownValues() throws {
        let encoder = try #require(MiniLM.encoder)
        let v = encoder.encode(["The cat sits on the mat.", "A kitten is resting on a rug.", "Stock markets fell sharply today."])
        for (got, want) in zip(v[0].prefix(4), [0.13418, -0.0329, -0.0248, 0.04144] as [Float]) {
            #expect(abs(got - want) < 1e-4, "\(got) vs \(want)")
        }
        #expect(abs(MiniLM.dot(v[0], v[1]) - 0.6411) < 1e-4)
        #expect(abs(MiniLM.dot(v[0], v[2]) - 0.0462) < 1e-4)
        #expect(abs(MiniLM.dot(v[0], v[0]) - 1) < 1e-6)
    }

    /// Batch size, bucketing order and neighbours do not change a text's embedding.
    @Test func batchingDoesNotChangeResults() throws {
        let encoder = try #require(MiniLM.encoder)
        let texts = Array(try MiniLM.reference().texts.prefix(40))
        let together = encoder.encode(texts, batchSize: 7)
        let alone = texts.map { encoder.encode($0) }
        for (a, b) in zip(together, alone) { #expect(MiniLM.dot(a, b) > 0.999_999) }
        #expect(encoder.encode([]).isEmpty)
    }

    /// Concurrent callers get the same vectors as a serial caller (the forward pass is locked).
    @Test func concurrentCallers() async throws {
        let encoder = try #require(MiniLM.encoder)
        let texts = Array(try MiniLM.reference().texts.prefix(12))
        let serial = encoder.encode(texts)
        let results = await withTaskGroup(of: [[Float]].self) { group in
            for _ in 0..<4 { group.addTask { encoder.encode(texts, batchSize: 5) } }
            var all: [[[Float]]] = []
            for await r in group { all.append(r) }
            return all
        }
        for r in results { #expect(r == serial) }
    }

    /// The benchmark's Swift side (scripts/bench/encoder): encodes the sentences of the file named
    /// by NERVE_BENCH_SENTENCES (one per line) at batch 32 and prints throughput; without it, the
    /// fixture texts. Asserts correctness only (unit vectors), never timing.
    @Test func encoderThroughput() throws {
        let encoder = try #require(MiniLM.encoder)
        var texts = try MiniLM.reference().texts
        var source = "fixture sentences.json"
        if let path = Identity.environment("NERVE_BENCH_SENTENCES"), !path.isEmpty {
            texts = String(decoding: try FileSystem.read(path), as: UTF8.self).split(separator: "\n").map(String.init)
            source = path
        }
        let tokens = texts.reduce(0) { $0 + encoder.tokenizer.encode($1, maxLength: encoder.maxLength).count }
        _ = encoder.encode(Array(texts.prefix(64)))   // warm-up: grows the run state, faults pages in
        let rounds = 3
        var best = Double.infinity, cpu = 0.0
        var vectors: [[Float]] = []
        for _ in 0..<rounds {
            let t0 = ContinuousClock.now, c0 = clock()
            vectors = encoder.encode(texts, batchSize: 32)
            let d = ContinuousClock.now - t0
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            if seconds < best { best = seconds; cpu = Double(clock() - c0) / Double(CLOCKS_PER_SEC) }
        }
        let perSecond = Double(texts.count) / best, tokensPerSecond = Double(tokens) / best
        print("encoderThroughput: \(Int(perSecond.rounded())) sentences/s, \(Int(tokensPerSecond.rounded())) tokens/s (\(texts.count) sentences, \(tokens) tokens, best of \(rounds), \(encoder.threads) threads, \(Int((Double(tokens) / cpu).rounded())) tokens per CPU-second, \(source))")
        #expect(vectors.count == texts.count)
        for v in vectors { #expect(abs(MiniLM.dot(v, v) - 1) < 1e-4) }
        // The benchmark passes the peer's vectors (sentence-transformers, float32 [n, 384]).
        if let path = Identity.environment("NERVE_BENCH_PEER_EMBEDDINGS"), !path.isEmpty {
            let peer = try MiniLM.floats(path)
            #expect(peer.count == vectors.count * 384)
            var minCosine = 1.0
            for (i, v) in vectors.enumerated() where (i + 1) * 384 <= peer.count {
                minCosine = min(minCosine, MiniLM.dot(v, Array(peer[(i * 384)..<((i + 1) * 384)])))
            }
            print("encoderThroughput peer agreement: min cosine \(minCosine) over \(vectors.count) sentences")
            #expect(minCosine >= 0.9999)
        }
    }
}

/// Loading errors, on small files written here (no model needed).
@Suite struct SentenceEncoderLoadingTests {
    @Test func badDirectoriesFailWithModelErrors() throws {
        let dir = try Paths.temporaryDirectory("nerve-encoder")
        defer { FileSystem.removeTree(dir) }
        #expect { _ = try SentenceEncoder(directory: dir) } throws: { e in
            if case .io = e as? ModelError { return true }
            return false
        }
        try FileSystem.writeAtomically(dir + "/config.json", Array("""
            {"hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 5, "intermediate_size": 1536,
             "max_position_embeddings": 512, "vocab_size": 30522}
            """.utf8))
        #expect(throws: ModelError.badConfig(file: "config.json", key: "num_attention_heads", value: "5 (hidden_size 384)")) {
            _ = try SentenceEncoder(directory: dir)
        }
        try FileSystem.writeAtomically(dir + "/config.json", Array("{\"hidden_size\": 384}".utf8))
        #expect(throws: ModelError.missingConfig(file: "config.json", key: "num_hidden_layers")) {
            _ = try SentenceEncoder(directory: dir)
        }
    }

    /// A tiny safetensors file whose tensor shapes disagree with config.json: the binding names
    /// the tensor and both shapes.
    @Test func shapeMismatchNamesTheTensor() throws {
        let dir = try Paths.temporaryDirectory("nerve-encoder")
        defer { FileSystem.removeTree(dir) }
        try FileSystem.writeAtomically(dir + "/config.json", Array("""
            {"hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8,
             "max_position_embeddings": 8, "vocab_size": 5}
            """.utf8))
        try FileSystem.writeAtomically(dir + "/sentence_bert_config.json", Array("{\"max_seq_length\": 8}".utf8))
        try FileSystem.writeAtomically(dir + "/vocab.txt", Array("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\n".utf8))
        let header = "{\"embeddings.word_embeddings.weight\":{\"dtype\":\"F32\",\"shape\":[5,3],\"data_offsets\":[0,60]}}"
        try FileSystem.writeAtomically(dir + "/model.safetensors",
                                       safetensorsBytes(header: header, data: floatBytes([Float](repeating: 0, count: 15))))
        #expect(throws: ModelError.shape(name: "embeddings.word_embeddings.weight", expected: [5, 4], found: [5, 3])) {
            _ = try SentenceEncoder(directory: dir)
        }
    }
}
