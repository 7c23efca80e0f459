// `nerve embed --model DIR`: sentence embeddings computed in this process with a local model
// folder, printed the way the daemon-backed `nerve embed` prints them.
import Client
import Model
import Posix

extension Tools {
    static func embedLocally(_ inv: Invocation) throws -> Int32 {
        let texts = try Commands.embedTexts(inv)
        guard let dir = inv.options["model"] else { throw ClientError.usage(message: "embed --model needs a folder", command: "embed") }
        let encoder: SentenceEncoder
        do { encoder = try SentenceEncoder(directory: dir) } catch { throw ClientError.file(path: dir, reason: "\(error)") }
        return try Commands.printVectors(try encode(encoder, texts, progress: inv.options["f32"] != nil), inv)
    }

    /// Encodes in slices of 2,048 texts so a long input shows progress on standard error.
    static func encode(_ encoder: SentenceEncoder, _ texts: [String], progress: Bool) throws -> [[Float]] {
        var out: [[Float]] = []
        out.reserveCapacity(texts.count)
        let t0 = ContinuousClock.now
        for start in stride(from: 0, to: texts.count, by: 2048) {
            out += encoder.encode(Array(texts[start..<min(start + 2048, texts.count)]), batchSize: 32)
            if progress { Console.error("embedded \(out.count)/\(texts.count) in \(ContinuousClock.now - t0)\n") }
        }
        return out
    }
}
