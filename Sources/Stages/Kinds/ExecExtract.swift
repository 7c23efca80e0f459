// extract.exec: delegates a format to an external command (e.g. `pdftotext` for hard PDFs).
// The command's stdout is read as text or Markdown; form feeds (as pdftotext writes between
// pages) start a new page, so citations still carry page numbers. A deadline and an output cap
// keep a stuck or runaway tool from stalling ingest.
import Config
import Corpus
import Pipeline
import Posix

enum ExecExtract {
    static let kind = Kind(
        name: "extract.exec", summary: "text from an external command's stdout", pipelines: ["ingest"], role: .transform,
        parameters: [
            ParameterSpec("command", .strings, default: nil,
                          "argv; \"{path}\" is replaced by the file's path (otherwise the file is given on stdin)"),
            ParameterSpec("match", .strings, default: nil, "globs of files this stage extracts"),
            ParameterSpec("output", .choice(["text", "markdown"]), default: .string("text"), "how to read the command's stdout"),
            ParameterSpec("timeout_ms", .integer(100...3_600_000), default: .integer(30_000), "deadline per file"),
            ParameterSpec("max_output_bytes", .integer(1024...(1 << 30)), default: .integer(64 << 20), "stdout cap"),
        ],
        inputs: [InputSpec("file", Ports.file)],
        outputs: [OutputSpec("document", Ports.document)],
        check: { plan in
            let argv = plan.strings("command")
            return argv.first.map { $0.isEmpty } ?? true ? ["'command' must name a program"] : []
        },
        bind: { plan, _ in
            ExecExtractStage(kind: plan.id, argv: plan.strings("command"), match: plan.strings("match").map(Glob.init),
                             markdown: plan.string("output") == "markdown", timeoutMs: plan.int("timeout_ms"),
                             maxOutput: plan.int("max_output_bytes"))
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
        let f = try inputs.one("file", Ports.file)
        guard match.contains(where: { $0.matches(f.path) }), let program = argv.first else { return StageOutputs() }
        let usesPath = argv.contains { $0.contains("{path}") }
        let args = argv.map { $0.replacing("{path}", with: f.path) }
        let r: SubprocessResult
        do {
            r = try Subprocess.run(args, timeoutMs: timeoutMs, maxOutput: maxOutput, stdinPath: usesPath ? nil : f.path)
        } catch {
            throw StagesError.command(command: program, reason: "cannot start: \(error)")
        }
        if r.timedOut { throw StagesError.command(command: program, reason: "timed out after \(timeoutMs) ms") }
        if r.truncated { throw StagesError.command(command: program, reason: "output exceeded \(maxOutput) bytes") }
        guard r.status == 0 else {
            let msg = String(decoding: r.stderr.prefix(300), as: UTF8.self).trimmingCharacters()
            throw StagesError.command(command: program, reason: "exit status \(r.status)\(msg.isEmpty ? "" : ": " + msg)")
        }
        let (text, _) = try TextDecoding.decode(r.stdout, path: f.path)
        return StageOutputs("document", Ports.document, ExtractedDocument(extractor: "extract.exec", document: Self.pages(text, markdown: markdown)))
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
