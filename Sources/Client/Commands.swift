// What each of `nerve`'s socket commands does once its flags are parsed: connect, call, render.
// Flag parsing lives in the nerve executable, the in-process tools in the Tools module; this
// module reaches the daemon through the wire client only and never reads CommandLine.
import JSON
import MCP
import Posix
import Wire

/// A parsed command line, as the nerve executable hands it over.
public struct Invocation: Sendable {
    public var command: [String]
    public var socket: String
    public var json: Bool
    public var options: [String: String]
    public var flags: Set<String>
    public var positionals: [String]

    public init(command: [String], socket: String, json: Bool, options: [String: String], flags: Set<String>, positionals: [String]) {
        self.command = command
        self.socket = socket
        self.json = json
        self.options = options
        self.flags = flags
        self.positionals = positionals
    }
}

public enum Commands {
    /// Runs the command; returns the process exit status.
    public static func run(_ inv: Invocation) -> Int32 {
        do {
            return try dispatch(inv)
        } catch {
            return exitStatus(error, inv)
        }
    }

    /// Prints `error` the way every command does (as JSON too with --json) and returns the exit status.
    public static func exitStatus(_ error: Error, _ inv: Invocation) -> Int32 {
        switch error {
        case let e as ClientError:
            Console.error("nerve: \(e)\n")
            return e.exitCode
        case let e as WireError:
            if inv.json, case let .rpc(code, message, data) = e {
                var err = JSONObject([("code", .string(code.rawValue)), ("message", .string(message))])
                if data.count > 1 { err["data"] = .object(data) }
                Console.output(JSON.object(JSONObject([("error", .object(err))])).pretty() + "\n")
            }
            Console.error("nerve: \(e)\n")
            return ClientError.wire(e).exitCode
        default:
            Console.error("nerve: \(error)\n")
            return 1
        }
    }

    static func dispatch(_ inv: Invocation) throws -> Int32 {
        switch inv.command.first ?? "" {
        case "ask": return try ask(inv)
        case "ingest": return try ingest(inv, method: "ingest")
        case "watch": return try ingest(inv, method: "watch")
        case "unwatch": return try simple(inv, method: "unwatch", params: ["path": .string(absolute(inv.positionals[0]))]) { r in
            let w = r["watching"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return "Stopped watching. Still watching: \(w.isEmpty ? "nothing" : w.joined(separator: ", "))\n"
        }
        case "forget": return try simple(inv, method: "forget", params: ["path": .string(absolute(inv.positionals[0]))]) {
            "Forgot \($0["removed"]?.intValue ?? 0) document(s); generation \($0["generation"]?.intValue ?? 0)\n"
        }
        case "status": return try simple(inv, method: "status", params: [:], render: Render.status)
        case "stats":
            let params: [String: JSON] = inv.options["since"].flatMap(Double.init).map { ["since_hours": .double($0)] } ?? [:]
            return try simple(inv, method: "stats", params: params, render: Render.stats)
        case "reload": return try simple(inv, method: "reload", params: [:]) { r in
            let w = r["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return "Pipelines reloaded.\n" + w.map { $0 + "\n" }.joined()
        }
        case "stop": return try simple(inv, method: "shutdown", params: [:]) { _ in "nerved is stopping.\n" }
        case "search": return try search(inv)
        case "eval": return try evaluate(inv)
        case "embed": return try embed(inv)
        case "mcp": return StdioServer.main(StdioOptions(socket: inv.socket, version: Version.string))
        default: throw ClientError.usage(message: "unknown command '\(inv.command.joined(separator: " "))'", command: nil)
        }
    }

    public static func absolute(_ path: String) -> String {
        let p = FileSystem.absolute(path)
        return (try? FileSystem.realPath(p)) ?? p
    }

    static func connect(_ inv: Invocation) throws -> WireClient {
        try WireClient(path: inv.socket)
    }

    static func simple(_ inv: Invocation, method: String, params: [String: JSON], render: (JSON) -> String) throws -> Int32 {
        let client = try connect(inv)
        defer { client.close() }
        let result = try client.call(method, JSONObject(params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
        Console.output(inv.json ? result.pretty() + "\n" : render(result))
        return 0
    }

    static func ask(_ inv: Invocation) throws -> Int32 {
        let question = inv.positionals.joined(separator: " ")
        let client = try connect(inv)
        defer { client.close() }
        // Model answers stream token by token to a terminal; the final rendering then adds the
        // sources without repeating the text.
        let live = !inv.json && Identity.isStandardOutputTerminal
        var streamed: [String] = []
        let result = try client.call("ask", JSONObject([("question", .string(question))])) { event, p in
            guard live, event == "answer.token", let stage = p["stage"]?.stringValue, let text = p["text"]?.stringValue else { return }
            if streamed.last != stage {
                Console.output((streamed.isEmpty ? "" : "\n") + "[\(stage)] ")
                streamed.append(stage)
            }
            Console.output(text)
        }
        if !streamed.isEmpty { Console.output("\n\n") }
        let skipText = streamed.last == result["route"]?.stringValue && result["accepted"]?.boolValue == true
        Console.output(inv.json ? result.pretty() + "\n" : Render.answer(result, textAlreadyShown: skipText))
        return 0
    }

    /// `nerve search QUERY [--top N] [--path PREFIX]`: the ranked passages, cited.
    static func search(_ inv: Invocation) throws -> Int32 {
        var params = JSONObject([("query", .string(inv.positionals.joined(separator: " ")))])
        if let t = inv.options["top"] {
            guard let n = Int(t), (1...100).contains(n) else { throw ClientError.usage(message: "--top must be an integer from 1 to 100", command: "search") }
            params["top"] = .int(Int64(n))
        }
        if let p = inv.options["path"] { params["path"] = .string(absolute(p)) }
        let client = try connect(inv)
        defer { client.close() }
        let result = try client.call("search", params)
        Console.output(inv.json ? result.pretty() + "\n" : Render.search(result))
        return 0
    }

    static func ingest(_ inv: Invocation, method: String) throws -> Int32 {
        let path = absolute(inv.positionals[0])
        guard FileSystem.exists(path) else {
            throw ClientError.file(path: path, reason: "no such file or folder")
        }
        let client = try connect(inv)
        defer { client.close() }
        let live = !inv.json && Identity.isStandardOutputTerminal
        var drew = false
        let result = try client.call(method, JSONObject([("path", .string(path))])) { event, p in
            guard live, event == "progress" else { return }
            Console.output("\r\u{1B}[K" + Render.progress(p))
            drew = true
        }
        if drew { Console.output("\r\u{1B}[K") }
        var text = Render.ingest(result)
        if method == "watch" { text += "Watching \(path) for changes.\n" }
        Console.output(inv.json ? result.pretty() + "\n" : text)
        return 0
    }

    /// The questions of every file named by the positionals, in order, with `--data-root` (default:
    /// `EvalQuestion.defaultDataRoot()`) and `--limit` applied.
    public static func questions(_ inv: Invocation) throws -> [EvalQuestion] {
        let root = inv.options["data-root"].map(absolute) ?? EvalQuestion.defaultDataRoot()
        if let r = inv.options["data-root"], !FileSystem.isDirectory(absolute(r)) {
            throw ClientError.file(path: r, reason: "--data-root is not a folder")
        }
        var qs = try inv.positionals.flatMap { try EvalQuestion.load($0, dataRoot: root) }
        if let l = inv.options["limit"] {
            guard let n = Int(l), n > 0 else { throw ClientError.usage(message: "--limit must be a positive integer", command: inv.command.first) }
            qs = Array(qs.prefix(n))
        }
        return qs
    }

    public static func progressPrinter(_ inv: Invocation) -> (Int, Int) -> Void {
        let live = Identity.isStandardErrorTerminal
        return { done, total in
            if live && (done % 25 == 0 || done == total) { Console.error("\r\u{1B}[K  \(done)/\(total) questions") }
            if live && done == total { Console.error("\r\u{1B}[K") }
        }
    }

    /// With `--details OUT.jsonl`, one JSON line per question: everything the judge saw
    /// (`EvalRecord.details`), answers' texts included.
    public static func writeDetails(_ records: [EvalRecord], _ inv: Invocation) throws {
        guard let out = inv.options["details"] else { return }
        let text = records.map { $0.details().serialized() + "\n" }.joined()
        do { try FileSystem.writeAtomically(out, Array(text.utf8)) } catch { throw ClientError.file(path: out, reason: "\(error)") }
    }

    /// `nerve eval FILE.jsonl`: asks every question, judges the answers, prints the report
    /// (text, or JSON with --json) and with --details writes one JSON line per question.
    static func evaluate(_ inv: Invocation) throws -> Int32 {
        let qs = try questions(inv)
        let frontier = try Evaluation.frontier(socket: inv.socket)
        let records = try Evaluation.run(qs, socket: inv.socket, progress: progressPrinter(inv))
        try writeDetails(records, inv)
        let report = EvalReport(records, frontier: frontier, file: inv.positionals[0])
        Console.output(inv.json ? report.json().pretty() + "\n" : report.text())
        return 0
    }
}
