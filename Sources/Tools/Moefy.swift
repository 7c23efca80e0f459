// `nerve moefy` (dense GGUF → Mixture-of-Experts GGUF, in this process) and `nerve perplexity`
// (a model's perplexity on a text file, measured like llama.cpp's llama-perplexity so the two
// can be compared). Both run without a daemon and report progress on stderr.
import Client
import JSON
import Model
import Posix

extension Tools {
    static func moefy(_ inv: Invocation) throws -> Int32 {
        func usage(_ m: String) -> ClientError { .usage(message: m, command: "moefy") }
        guard let input = inv.options["model"] else { throw usage("moefy needs --model IN.gguf") }
        guard let output = inv.options["out"] else { throw usage("moefy needs --out OUT.gguf") }
        guard let calibration = inv.options["calibration"] else { throw usage("moefy needs --calibration DIR (text to fit the routers on)") }
        guard let experts = inv.options["experts"].flatMap(Int.init), experts >= 2 else { throw usage("--experts must be an integer of at least 2") }
        guard let active = inv.options["active"].flatMap(Int.init), active >= 1 else { throw usage("--active must be a positive integer") }
        guard FileSystem.exists(input) else { throw ClientError.file(path: input, reason: "no such file") }
        var o = MoefyOptions(input: input, output: output, experts: experts, active: active)
        if let v = inv.options["tokens"] { guard let n = Int(v), n > 0 else { throw usage("--tokens must be a positive integer") }; o.tokens = n }
        if let v = inv.options["shared"] { guard let n = Int(v), n >= 0 else { throw usage("--shared must be a non-negative integer") }; o.shared = n }
        if let v = inv.options["threads"] { guard let n = Int(v), n > 0 else { throw usage("--threads must be a positive integer") }; o.threads = n }
        let text = try calibrationText(calibration, limitBytes: o.tokens * 12)
        let report = try Moefy.convert(o, calibrationText: text) { stage, done, total in
            Console.error("\rnerve moefy: \(stage) \(done)/\(total)   " + (done == total ? "\n" : ""))
        }
        if inv.json {
            Console.output(JSON.object(JSONObject([
                ("out", .string(output)), ("name", .string(report.name)), ("calibration_tokens", JSON(report.calibrationTokens)),
                ("seconds", JSON(report.seconds)),
                ("layers", .array(report.layers.map { l in .object(JSONObject([
                    ("router_recall", JSON(l.routerRecall)), ("captured_energy", JSON(l.capturedEnergy)), ("oracle_energy", JSON(l.oracleEnergy)),
                    ("load", .array(l.load.map { JSON($0) })),
                ])) })),
            ])).pretty() + "\n")
        } else {
            let recall = report.layers.map(\.routerRecall).reduce(0, +) / Double(max(report.layers.count, 1))
            let energy = report.layers.map(\.capturedEnergy).reduce(0, +) / Double(max(report.layers.count, 1))
            let oracle = report.layers.map(\.oracleEnergy).reduce(0, +) / Double(max(report.layers.count, 1))
            Console.output("wrote \(output): \(report.name)\n")
            Console.output("router recall of the best \(active) experts \(Decimals.fixed(recall * 100, places: 2))%, contribution energy kept \(Decimals.fixed(energy * 100, places: 2))% (best possible \(Decimals.fixed(oracle * 100, places: 2))%; means over layers), \(Decimals.fixed(report.seconds, places: 2)) s\n")
        }
        return 0
    }

    static func perplexity(_ inv: Invocation) throws -> Int32 {
        func usage(_ m: String) -> ClientError { .usage(message: m, command: "perplexity") }
        guard let path = inv.options["model"] else { throw usage("perplexity needs --model FILE.gguf") }
        guard let file = inv.options["file"] else { throw usage("perplexity needs --file TEXT") }
        let context = try inv.options["context"].map { v -> Int in
            guard let n = Int(v), n >= 4 else { throw usage("--context must be an integer of at least 4") }
            return n
        } ?? 512
        let windows = try inv.options["chunks"].map { v -> Int in
            guard let n = Int(v), n > 0 else { throw usage("--chunks must be a positive integer") }
            return n
        } ?? .max
        let threads = try inv.options["threads"].map { v -> Int in
            guard let n = Int(v), n > 0 else { throw usage("--threads must be a positive integer") }
            return n
        }
        guard FileSystem.exists(path) else { throw ClientError.file(path: path, reason: "no such file") }
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(file) } catch { throw ClientError.file(path: file, reason: "\(error)") }
        let model = try LanguageModel(path: path, options: threads.map { LoadOptions(contextLength: context, threads: $0) } ?? LoadOptions(contextLength: context))
        let tokens = model.tokenizer?.encode(String(decoding: bytes, as: UTF8.self), addSpecial: true) ?? []
        let start = WallClock.nanoseconds()
        let r = try model.perplexity(tokens: tokens, context: context, maxWindows: windows) { done, total in
            if !inv.json { Console.error("\rnerve perplexity: window \(done)/\(total)" + (done == total ? "\n" : "")) }
        }
        let seconds = Double(WallClock.nanoseconds() - start) / 1e9
        if inv.json {
            Console.output(JSON.object(JSONObject([
                ("perplexity", JSON(r.perplexity)), ("mean_nll", JSON(r.meanNLL)), ("windows", JSON(r.windows)),
                ("scored_tokens", JSON(r.scoredTokens)), ("context", JSON(context)), ("seconds", JSON(seconds)),
                ("active_weight_bytes_per_token", JSON(model.activeWeightBytesPerToken)),
            ])).pretty() + "\n")
        } else {
            Console.output("perplexity \(Decimals.fixed(r.perplexity, places: 2)) over \(r.scoredTokens) tokens (\(r.windows) windows of \(context)), \(Decimals.fixed(seconds, places: 2)) s\n")
        }
        return 0
    }

    /// The text of every .txt/.md file under `dir` (or the file itself), in path order, up to
    /// `limitBytes`.
    static func calibrationText(_ dir: String, limitBytes: Int) throws -> String {
        var files: [String] = []
        func walk(_ p: String) throws {
            guard FileSystem.exists(p) else { throw ClientError.file(path: p, reason: "no such file or folder") }
            if FileSystem.isDirectory(p) {
                for name in try FileSystem.list(p).sorted() where !name.hasPrefix(".") { try walk(p + "/" + name) }
            } else if p.hasSuffix(".txt") || p.hasSuffix(".md") || p == dir {
                files.append(p)
            }
        }
        try walk(dir)
        var text = ""
        for f in files where text.utf8.count < limitBytes {
            guard let b = try? FileSystem.read(f) else { continue }
            text += String(decoding: b, as: UTF8.self) + "\n\n"
        }
        if text.isEmpty { throw ClientError.file(path: dir, reason: "no .txt or .md text to calibrate on") }
        return text
    }
}
