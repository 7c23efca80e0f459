// nerve's command line: the command table (names, arguments, flags, help) and the parser that
// turns argv into an Invocation. Global flags may come before or after the command.
import Client
import Config

import Posix

struct CommandSpec {
    let path: [String]
    let arguments: String
    let summary: String
    /// Positional count: exact, or at least `min` when `variadic`.
    let positionals: Int
    let variadic: Bool
    let options: [(name: String, value: String, help: String)]
    let details: String
}

enum Arguments {
    static let commands: [CommandSpec] = [
        CommandSpec(path: ["ask"], arguments: "QUESTION", summary: "answer a question from the indexed documents",
                    positionals: 1, variadic: true, options: [], details: """
                    Prints the answer with its citations, the route that answered and its confidence.
                    When no stage is confident, says so and prints the best passages instead.
                    """),
        CommandSpec(path: ["search"], arguments: "QUERY", summary: "the passages that best match a query, ranked and cited",
                    positionals: 1, variadic: true,
                    options: [("--top", "N", "passages to return, 1-100 (default 10)"),
                              ("--path", "PREFIX", "only passages from files under this folder")],
                    details: """
                    Runs the ask pipeline's retrieval (BM25 and vectors, fused) without answering, and prints
                    each passage with its score and citation. Only files you may read are searched.
                    """),
        CommandSpec(path: ["ingest"], arguments: "PATH", summary: "sync the index with a folder or file",
                    positionals: 1, variadic: false, options: [], details: """
                    New and changed files are read and indexed, unchanged ones are skipped by stat alone,
                    and files no longer present are removed. Shows progress when stdout is a terminal.
                    """),
        CommandSpec(path: ["watch"], arguments: "DIR", summary: "ingest a folder, then keep it in sync as files change",
                    positionals: 1, variadic: false, options: [], details: """
                    Changes are picked up with inotify (recursively, debounced; moves handled; a queue
                    overflow triggers a full rescan). `watch = [...]` in etc/nerved.toml does the same at start-up.
                    """),
        CommandSpec(path: ["unwatch"], arguments: "DIR", summary: "stop keeping a folder in sync (its documents stay indexed)",
                    positionals: 1, variadic: false, options: [], details: ""),
        CommandSpec(path: ["forget"], arguments: "PATH", summary: "remove a file or folder from the index",
                    positionals: 1, variadic: false, options: [], details: ""),
        CommandSpec(path: ["status"], arguments: "", summary: "show the index and daemon state",
                    positionals: 0, variadic: false, options: [], details: ""),
        CommandSpec(path: ["stats"], arguments: "", summary: "route mix, escalation rate, latency and cost of answered questions",
                    positionals: 0, variadic: false, options: [("--since", "HOURS", "only questions from the last HOURS hours")],
                    details: "Also shows what sending every question to the frontier model would have cost."),
        CommandSpec(path: ["eval"], arguments: "FILE.jsonl", summary: "score labelled questions: per-route precision, coverage, calibration, cost",
                    positionals: 1, variadic: false,
                    options: [("--data-root", "DIR", "folder the questions' relative \"files\" are under (default: ../shared/data beside the repository)"),
                              ("--limit", "N", "only the first N questions"),
                              ("--details", "OUT.jsonl", "write one JSON line per question: everything the judge saw")],
                    details: """
                    Each line: {"question": ..., "answers": [accepted answers], "unanswerable": bool}, optionally with
                    "id", "files" (paths under --data-root, or absolute) or "path" (SQuAD: the paragraph's file), "near_miss",
                    "type" and "split". A bad line stops the run with FILE:LINE: reason.
                    An answer is right when its text contains an accepted answer (SQuAD normalisation) and, when the
                    question names files, one of its citations is one of them (symlinks resolved). An unanswerable
                    question is declined when the reply is not accepted.
                    Prints end-to-end results, then per answering stage (pipeline order): how often it was the final
                    route, accepted and right, coverage of answerable questions, precision, mean latency, and the
                    calibration of its confidence over every question it ran on (ECE over 15 equal-mass bins,
                    reliability bins, a risk-coverage table); then the route mix, the cost against sending every
                    question to the frontier stage at its declared prices, and the targets met or not.
                    --json prints one object: file, questions, answerable, unanswerable, near_misses, errors;
                    end_to_end {accepted, accepted_right, precision, right_text, right_file, answered_right,
                    declined, declined_share, near_misses_declined, latency_ms {p50, p90, mean}, cost};
                    routes [{stage, kind, ran, final, accepted, right, right_text, right_file, coverage, precision,
                    mean_ms, stage_mean_ms, ece, brier, reliability [{count, low, high, mean_confidence, observed}],
                    risk_coverage [{threshold, accepted, right, precision, coverage, answerable_coverage}]}];
                    route_mix {STAGE: share, ..., declined: share}; cost {spent, frontier {stage, model, price_in,
                    price_out, typical_cost} or null, all_frontier, saved, frontier_calls, frontier_mean_cost, note};
                    targets [{name, value, goal, met}]. A precision is null when nothing was accepted (and its
                    target is then not met).
                    """),
        CommandSpec(path: ["calibrate"], arguments: "FILE.jsonl...", summary: "learn each answering stage's confidence from labelled questions",
                    positionals: 0, variadic: true,
                    options: [("--precision", "P[,P...]", "target precisions to choose accept thresholds for (default 0.9,0.95,0.98)"),
                              ("--out", "DIR", "calibration folder to write, one model file per stage (default pipelines/calibration)"),
                              ("--data-root", "DIR", "folder the questions' `files` are relative to (default ../shared/data)"),
                              ("--save-records", "FILE", "also save what was collected, to fit again later without asking"),
                              ("--details", "OUT.jsonl", "write one JSON line per question asked, as `nerve eval --details` does"),
                              ("--records", "FILE[,FILE...]", "fit on saved records too (e.g. collected from another index)"),
                              ("--validate", "FILE[,FILE...]", "report how the fitted models do on these saved records"),
                              ("--only", "STAGE[,STAGE...]", "fit only these answering stages"),
                              ("--limit", "N", "only the first N questions")],
                    details: """
                    Asks every question (with explain) through the daemon, judges each answer and each candidate
                    (right: contains an accepted answer and, when the question lists files, cites one of them),
                    then fits per answering stage a selector or scorer, a calibrator and accept thresholds, each
                    measured on documents the fit did not see, and prints the held-out risk-coverage table.
                    Point a pipeline at the folder with calibration = "calibration" and target_precision = 0.95.
                    """),
        CommandSpec(path: ["reload"], arguments: "", summary: "reload the pipeline files (a bad file keeps the old ones serving)",
                    positionals: 0, variadic: false, options: [], details: ""),
        CommandSpec(path: ["stop"], arguments: "", summary: "stop the daemon after in-flight requests finish",
                    positionals: 0, variadic: false, options: [], details: ""),
        CommandSpec(path: ["check"], arguments: "", summary: "validate nerved.toml and the pipelines without a daemon",
                    positionals: 0, variadic: false,
                    options: [("--config", "FILE", "daemon config to check (default: built-in defaults)"),
                              ("--pipelines", "DIR", "folder with ask.toml and ingest.toml (default: pipelines)")],
                    details: "Exits 0 when everything links, 78 with compiler-style diagnostics otherwise."),
        CommandSpec(path: ["embed"], arguments: "-- TEXT...", summary: "print the sentence embedding of each text",
                    positionals: 0, variadic: true,
                    options: [("--model", "DIR", "embed here with this model folder instead of asking the daemon"),
                              ("--input", "FILE", "texts to embed, one per line, instead of TEXT..."),
                              ("--f32", "FILE", "write little-endian float32 rows [texts, dimension] to FILE")],
                    details: """
                    With --json, prints a JSON array holding one array of floats per text, in order; otherwise
                    one line of space-separated floats per text. Vectors are unit length (cosine = dot product).
                    Without --model the daemon embeds with the model named in etc/nerved.toml (error EMODEL
                    when it has none).
                    """),
        CommandSpec(path: ["generate"], arguments: "", summary: "continue a prompt with a local GGUF model (in this process, no daemon)",
                    positionals: 0, variadic: false,
                    options: [("--model", "FILE", "GGUF model file (required)"),
                              ("--prompt", "TEXT", "prompt text; special tokens such as <|im_start|> are parsed (required)"),
                              ("--max-tokens", "N", "tokens to generate at most (default 128)"),
                              ("--temperature", "T", "sampling temperature; 0 = greedy (default 0)"),
                              ("--seed", "S", "random seed for sampling (default 0)"),
                              ("--threads", "N", "kernel threads (default: all processors)"),
                              ("--context", "N", "KV cache positions (default: the model's, at most 4096)"),
                              ("--kv-cache", "TYPE", "KV cache element type: f32 (default) or f16 (half the memory)"),
                              ("--top-logits", "K", "with --json: the K best logits at every prompt position"),
                              ("--ignore-eos", "", "keep generating past end-of-generation tokens")],
                    details: """
                    Streams the continuation to stdout and timings to stderr. With --json prints one object:
                    prompt_tokens, tokens (ids), text, stop_reason, timings {prompt_tokens, prefill_ms,
                    generated_tokens, decode_ms, ...}, confidence, model, experts ([layer][expert] counts,
                    mixture-of-experts models only) and top_logits ([position][K] {id, logit}) when asked.
                    """),
        CommandSpec(path: ["moefy"], arguments: "", summary: "turn a dense GGUF model into a Mixture-of-Experts GGUF (in this process)",
                    positionals: 0, variadic: false,
                    options: [("--model", "FILE", "dense llama-family GGUF to convert (required)"),
                              ("--experts", "E", "experts per layer; must divide the FFN width (required)"),
                              ("--active", "K", "experts each token uses (required)"),
                              ("--calibration", "DIR", "folder (or file) of .txt/.md text to fit the routers on (required)"),
                              ("--out", "FILE", "the MoE GGUF to write (required)"),
                              ("--shared", "N", "neurons per layer in an always-on shared expert (default 0; > 0 writes granitemoe)"),
                              ("--tokens", "N", "calibration tokens (default 4096)"),
                              ("--threads", "N", "kernel threads (default: all processors)")],
                    details: """
                    Splits every layer's feed-forward neurons into E equal experts by co-activation on the
                    calibration text and fits a linear router per layer (least squares on each expert's
                    contribution). The result uses the Mixtral layout of the llama architecture, so Nerve and
                    llama.cpp both run it. With --json prints per-layer router recall, kept energy and load.
                    """),
        CommandSpec(path: ["perplexity"], arguments: "", summary: "a model's perplexity on a text file (llama-perplexity's method)",
                    positionals: 0, variadic: false,
                    options: [("--model", "FILE", "GGUF model (required)"),
                              ("--file", "TEXT", "text file to score (required)"),
                              ("--context", "N", "window size; the second half of each window is scored (default 512)"),
                              ("--chunks", "N", "score at most N windows"),
                              ("--threads", "N", "kernel threads (default: all processors)")],
                    details: "With --json prints perplexity, mean_nll, windows, scored_tokens, seconds."),
        CommandSpec(path: ["mcp"], arguments: "", summary: "serve the Model Context Protocol on stdio, for AI assistants",
                    positionals: 0, variadic: false, options: [], details: """
                    Speaks MCP (revisions 2025-06-18, 2025-11-25 and 2026-07-28) on stdin/stdout with the tools
                    ask, search and status, forwarding each call to nerved at --socket as the user who runs it.
                    Logs go to stderr. Register it in an assistant's configuration (see docs/mcp.md).
                    """),
        CommandSpec(path: ["debug", "toml"], arguments: "FILE", summary: "print a TOML file as toml-test tagged JSON",
                    positionals: 1, variadic: false, options: [], details: "Exits 1 with the diagnostic when the file is not valid TOML."),
    ]

    static let globalHelp = """
      --socket PATH   daemon socket (default: $NERVE_SOCKET, else run/nerved.sock)
      --json          print the daemon's JSON reply instead of text
      -h, --help      show help
    """

    static func mainHelp() -> String {
        var s = "nerve: ask questions of your documents through the nerved daemon\n\n"
        s += "Usage: nerve [--socket PATH] [--json] COMMAND [ARGUMENTS]\n\nCommands:\n"
        for c in commands {
            let name = (c.path + (c.arguments.isEmpty ? [] : [c.arguments])).joined(separator: " ")
            s += "  " + name.padding(20) + c.summary + "\n"
        }
        s += "\nOptions:\n" + globalHelp + "\n\nRun 'nerve COMMAND --help' for a command's details.\n"
        return s
    }

    static func help(_ c: CommandSpec) -> String {
        var s = "Usage: nerve [--socket PATH] [--json] \((c.path + (c.arguments.isEmpty ? [] : [c.arguments])).joined(separator: " "))"
        for o in c.options { s += o.value.isEmpty ? " [\(o.name)]" : " [\(o.name) \(o.value)]" }
        s += "\n\n\(c.summary.prefix(1).uppercased() + c.summary.dropFirst()).\n"
        if !c.details.isEmpty { s += "\n" + c.details + "\n" }
        s += "\nOptions:\n"
        for o in c.options { s += "  " + (o.value.isEmpty ? o.name : "\(o.name) \(o.value)").padding(16) + o.help + "\n" }
        s += globalHelp + "\n"
        return s
    }

    enum Outcome {
        case run(Invocation)
        case help(String)
        case usage(String)
    }

    static func parse(_ argv: [String]) -> Outcome {
        var socket = Identity.environment("NERVE_SOCKET") ?? "run/nerved.sock"
        var json = false
        var wantHelp = false
        var words: [String] = []
        var options: [String: String] = [:]
        var flags: Set<String> = []
        let all = commands.flatMap(\.options)
        let valued = Set(all.filter { !$0.value.isEmpty }.map(\.name)), flagNames = Set(all.filter { $0.value.isEmpty }.map(\.name))
        var i = 0
        var sawDashDash = false
        while i < argv.count {
            var a = argv[i]
            if sawDashDash { words.append(a); i += 1; continue }
            var inline: String?
            if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                inline = String(a[a.index(after: eq)...])
                a = String(a[..<eq])
            }
            switch a {
            case "--": sawDashDash = true
            case "--json": json = true
            case "-h", "--help": wantHelp = true
            case "--socket":
                guard let v = inline ?? (i + 1 < argv.count ? argv[i + 1] : nil) else { return .usage("\(a) needs a value") }
                socket = v
                if inline == nil { i += 1 }
            case _ where valued.contains(a):
                guard let v = inline ?? (i + 1 < argv.count ? argv[i + 1] : nil) else { return .usage("\(a) needs a value") }
                options[String(a.dropFirst(2))] = v
                if inline == nil { i += 1 }
            case _ where flagNames.contains(a):
                if inline != nil { return .usage("\(a) takes no value") }
                flags.insert(String(a.dropFirst(2)))
            default:
                if a.hasPrefix("-") && a.count > 1 && Double(a) == nil {
                    var msg = "unknown option '\(a)'"
                    if let hint = Suggest.didYouMean(a, among: ["--json", "--help", "--socket"] + all.map(\.name)) { msg += "; \(hint)" }
                    return .usage(msg)
                }
                words.append(argv[i])
            }
            i += 1
        }
        if words.first == "help" { words.removeFirst(); wantHelp = true }
        guard !words.isEmpty else { return wantHelp ? .help(mainHelp()) : .usage("no command given") }
        guard let spec = commands.filter({ words.starts(with: $0.path) }).max(by: { $0.path.count < $1.path.count }) else {
            let known = commands.map { $0.path.joined(separator: " ") }
            var msg = "unknown command '\(words[0])'"
            if let hint = Suggest.didYouMean(words[0], among: known) { msg += "; \(hint)" }
            return .usage(msg)
        }
        if wantHelp { return .help(help(spec)) }
        for k in options.keys.sorted() + flags.sorted() where !spec.options.contains(where: { $0.name == "--" + k }) {
            return .usage("\(spec.path.joined(separator: " ")) does not take --\(k)")
        }
        let positionals = Array(words.dropFirst(spec.path.count))
        let name = spec.path.joined(separator: " ")
        if spec.variadic ? positionals.count < spec.positionals : positionals.count != spec.positionals {
            if positionals.count < spec.positionals { return .usage("\(name) needs \(spec.arguments)") }
            return .usage("\(name) takes \(spec.positionals == 0 ? "no arguments" : spec.arguments), found extra '\(positionals[spec.positionals])'")
        }
        return .run(Invocation(command: spec.path, socket: socket, json: json, options: options, flags: flags, positionals: positionals))
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + "  " : self + String(repeating: " ", count: width - count)
    }
}
