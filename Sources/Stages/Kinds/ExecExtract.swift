// extract.exec: delegates a format to an external command (e.g. `pdftotext` for hard PDFs).
// The command's stdout is read as text or Markdown; form feeds (as pdftotext writes between
// pages) start a new page, so citations still carry page numbers. A deadline and an output cap
// keep a stuck or runaway tool from stalling ingest.
import Config
import Corpus
import Pipeline
import Posix

enum ExecExtract {
    static let kind = StageKind(
        name: "extract.exec", summary: "text from an external command's stdout", pipelines: ["ingest"], role: .transform,
        parameters: [
            ParameterSpec("command", .strings, default: nil,
                          "argv; \"{path}\" is replaced by the file's path (otherwise the file is given on stdin)"),
            ParameterSpec("match", .strings, default: nil, "globs of files this stage extracts"),
            ParameterSpec("output", .choice(["text", "markdown"]), default: .string("text"), "how to read the command's stdout"),
            ParameterSpec("timeout_ms", .integer(100...3_600_000), default: .integer(30_000), "deadline per file"),
            ParameterSpec("max_output_bytes", .integer(1024...(1 << 30)), default: .integer(64 << 20), "stdout cap"),
        ],
        inputs: [InputSpec("file", Port.file)],
        outputs: [OutputSpec("document", Port.document)],
        make: { cfg in
            let argv = cfg.strings("command")
            guard let first = argv.first, !first.isEmpty else {
                throw StagesError.command(command: "extract.exec", reason: "'command' must name a program")
            }
            return ExecExtractStage(kind: cfg.id, argv: argv, match: cfg.strings("match").map(Glob.init),
                                    markdown: cfg.string("output") == "markdown", timeoutMs: cfg.int("timeout_ms"),
                                    maxOutput: cfg.int("max_output_bytes"))
        })
}

struct ExecExtractStage: Stage {
    let kind: String
    let argv: [String]
    let match: [Glob]
    let markdown: Bool
    let timeoutMs: Int
    let maxOutput: Int

    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs {
        guard let f = inputs.one("file", as: FileInput.self), match.contains(where: { $0.matches(f.path) }) else { return [:] }
        if let claim = context.value("claim") as? ExtractorClaim, !claim.take(kind) { return [:] }
        let usesPath = argv.contains { $0.contains("{path}") }
        let args = argv.map { $0.replacing("{path}", with: f.path) }
        let r: SubprocessResult
        do {
            r = try Subprocess.run(args, timeoutMs: timeoutMs, maxOutput: maxOutput, stdinPath: usesPath ? nil : f.path)
        } catch {
            throw StagesError.command(command: argv[0], reason: "cannot start: \(error)")
        }
        if r.timedOut { throw StagesError.command(command: argv[0], reason: "timed out after \(timeoutMs) ms") }
        if r.truncated { throw StagesError.command(command: argv[0], reason: "output exceeded \(maxOutput) bytes") }
        guard r.status == 0 else {
            let msg = String(decoding: r.stderr.prefix(300), as: UTF8.self).trimmingCharacters()
            throw StagesError.command(command: argv[0], reason: "exit status \(r.status)\(msg.isEmpty ? "" : ": " + msg)")
        }
        let (text, _) = try TextDecoding.decode(r.stdout, path: f.path)
        return ["document": ExtractedDocument(extractor: "extract.exec", document: Self.pages(text, markdown: markdown))]
    }

    /// Splits on form feeds into pages, numbering each page's blocks.
    static func pages(_ text: String, markdown: Bool) -> Document {
        let parts = text.split(separator: "\u{0C}", omittingEmptySubsequences: false)
        if parts.count <= 1 { return markdown ? MarkdownExtractor.extract(text) : PlainTextExtractor.extract(text) }
        var blocks: [Block] = []
        var title: String?
        for (i, part) in parts.enumerated() {
            let doc = markdown ? MarkdownExtractor.extract(String(part)) : PlainTextExtractor.extract(String(part))
            title = title ?? doc.title
            for var b in doc.blocks {
                b.span.page = i + 1
                blocks.append(b)
            }
        }
        return Document(title: title, blocks: blocks)
    }
}
