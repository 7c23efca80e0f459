// Sentence embeddings from a sentence-transformers BERT folder (all-MiniLM-L6-v2): loading the
// files, WordPiece, length-bucketed batches through BERT, mean pooling over the real tokens and
// L2 normalisation. The forward pass itself is BERT.swift's.
import Foundation   // ProcessInfo.activeProcessorCount, once at load
import JSON
import Posix
import Tensor
import Tokenizer

/// Turns texts into unit-length vectors whose dot product is their cosine similarity.
///
/// Thread safety: `encode` may be called from any number of threads at once. Tokenisation runs
/// concurrently; the forward passes are serialised by a lock around the one run state, because
/// each pass already uses every core it is given (`threads`).
public final class SentenceEncoder: @unchecked Sendable {
    /// Length of every embedding (the hidden size: 384 for all-MiniLM-L6-v2).
    public let dimension: Int
    /// Tokens per text, [CLS] and [SEP] included; longer texts are truncated
    /// (`max_seq_length` of sentence_bert_config.json: 256).
    public let maxLength: Int
    /// Threads each forward pass uses.
    public let threads: Int
    /// The encoder's tokenizer (vocab.txt).
    public let tokenizer: WordPiece
    /// The encoder's hyperparameters (config.json).
    public let config: BERTConfig

    private let model: BERT
    private let state: BERTRunState
    private let lock = PthreadMutex()

    /// Loads `model.safetensors`, `config.json`, `vocab.txt`, `sentence_bert_config.json` and
    /// `1_Pooling/config.json` (the last two optional: 256 tokens and mean pooling when absent)
    /// from `directory`. `threads` defaults to the number of active processors.
    /// - Throws: `ModelError` — `.io` for a missing or unreadable file, the safetensors errors,
    ///   `.badJSON`, `.missingConfig`/`.badConfig` (including a pooling mode other than mean, or a max length
    ///   above the position table), `.missingTensor`/`.shape`/`.dtype` from binding,
    ///   `.tokenizer` for a bad vocabulary and `.vocabularyMismatch`.
    public init(directory: String, threads: Int? = nil) throws {
        let config = try BERTConfig(json: try Self.readJSON(directory + "/config.json"), file: "config.json")
        var maxLength = 256
        if FileSystem.exists(directory + "/sentence_bert_config.json") {
            let sbert = try Self.readJSON(directory + "/sentence_bert_config.json")
            if let n = sbert["max_seq_length"] {
                guard let v = n.intValue else {
                    throw ModelError.missingConfig(file: "sentence_bert_config.json", key: "max_seq_length")
                }
                maxLength = v
            }
        }
        if maxLength < 2 || maxLength > config.maxPositions {
            throw ModelError.badConfig(file: "sentence_bert_config.json", key: "max_seq_length", value: String(maxLength))
        }
        if FileSystem.exists(directory + "/1_Pooling/config.json") {
            let pooling = try Self.readJSON(directory + "/1_Pooling/config.json")
            if pooling["pooling_mode_mean_tokens"]?.boolValue != true {
                throw ModelError.badConfig(file: "1_Pooling/config.json", key: "pooling_mode_mean_tokens", value: "false")
            }
        }
        var lowercase = true   // BERT "uncased" checkpoints; tokenizer_config.json may say otherwise
        if FileSystem.exists(directory + "/tokenizer_config.json"),
           let flag = try Self.readJSON(directory + "/tokenizer_config.json")["do_lower_case"]?.boolValue {
            lowercase = flag
        }
        let tokenizer: WordPiece
        do {
            tokenizer = try WordPiece(vocabularyText: try Self.read(directory + "/vocab.txt"), lowercase: lowercase)
        } catch let error as TokenizerError {
            throw ModelError.tokenizer(error)
        }
        if tokenizer.vocabularySize > config.vocabularySize {
            throw ModelError.vocabularyMismatch(tokenizer: tokenizer.vocabularySize, embeddings: config.vocabularySize)
        }
        let file = try Safetensors(path: directory + "/model.safetensors")
        model = try BERT(file, config)
        self.config = config
        self.tokenizer = tokenizer
        self.maxLength = maxLength
        dimension = config.hiddenSize
        self.threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        state = BERTRunState(config, maxLength: maxLength, threads: self.threads)
    }

    /// One unit-length embedding per text, in input order. Texts are sorted by token count and
    /// run `batchSize` at a time so each batch holds similar lengths; results are put back in
    /// the caller's order. An empty text embeds the [CLS] [SEP] pair like any other.
    /// Precondition (programmer error): batchSize ≥ 1.
    public func encode(_ texts: [String], batchSize: Int = 32) -> [[Float]] {
        precondition(batchSize >= 1, "batchSize must be at least 1")
        let encoded = texts.map { tokenizer.encode($0, maxLength: maxLength) }
        let order = encoded.indices.sorted { encoded[$0].count < encoded[$1].count }
        var results = [[Float]](repeating: [], count: texts.count)
        var ids: [Int32] = []
        var offsets: [Int] = []
        var start = 0
        while start < order.count {
            let batch = order[start..<min(start + batchSize, order.count)]
            ids.removeAll(keepingCapacity: true)
            offsets.removeAll(keepingCapacity: true)
            offsets.append(0)
            for i in batch {
                ids.append(contentsOf: encoded[i])
                offsets.append(ids.count)
            }
            let pooled = run(ids, offsets)
            for (k, i) in batch.enumerated() {
                results[i] = Array(pooled[(k * dimension)..<((k + 1) * dimension)])
            }
            start += batchSize
        }
        return results
    }

    /// Fewest tokens in a batch for the forward pass to use more than one thread (measured on the
    /// SQuAD questions: best of 120, 2.4 ms on one thread against 2.9 ms on two).
    static let parallelFrom = 64

    /// The embedding of one text.
    public func encode(_ text: String) -> [Float] {
        encode([text])[0]
    }

    /// The embedding of one question, on the 8-bit copy of the encoder when the CPU has its
    /// kernels and the text is short (see BERTInt8); otherwise exactly `encode(text)`. Its cosine
    /// to the float64 reference is ≥ 0.998 (QueryEncoderTests); documents are always embedded in f32.
    public func encodeQuery(_ text: String) -> [Float] {
        let ids = tokenizer.encode(text, maxLength: maxLength)
        return run(ids, [0, ids.count], eightBit: ids.count < Self.parallelFrom)
    }

    /// Whether questions take the 8-bit path here.
    public var queriesUseEightBit: Bool { model.int8 != nil }

    /// Forward pass, mean pooling and normalisation for one packed batch: `[sequences, dimension]`.
    private func run(_ ids: [Int32], _ offsets: [Int], eightBit: Bool = false) -> [Float] {
        let sequences = offsets.count - 1, h = dimension
        var pooled = [Float](repeating: 0, count: sequences * h)
        lock.withLock {
            ids.withUnsafeBufferPointer { idp in
                offsets.withUnsafeBufferPointer { op in
                    // A question is a few dozen tokens: handing its small products to other threads
                    // costs more than it saves, and more still on a busy machine.
                    model.forward(ids: idp, offsets: op, state: state, threads: ids.count < Self.parallelFrom ? 1 : threads,
                                  eightBit: eightBit)
                    pooled.withUnsafeMutableBufferPointer { out in
                        for s in 0..<sequences {
                            // Every token of a sequence is real ([CLS] and [SEP] included, as the
                            // attention mask counts them), so the mask is all ones: mask nil.
                            let dst = out.baseAddress! + s * h                      // [hidden]
                            F32.meanPool(state.x.pointer + op[s] * h, rows: op[s + 1] - op[s], width: h,
                                         mask: nil, into: dst)
                            F32.l2Normalize(dst, count: h)
                        }
                    }
                }
            }
        }
        return pooled
    }

    private static func read(_ path: String) throws -> [UInt8] {
        do { return try FileSystem.read(path, limit: 64 << 20) } catch {
            throw ModelError.io(path: path, message: "\(error)")
        }
    }

    private static func readJSON(_ path: String) throws -> JSON {
        let bytes = try read(path)
        do { return try JSON.parse(bytes) } catch {
            throw ModelError.badJSON(file: path, detail: "\(error)")
        }
    }
}
