// nerved: the Nerve daemon. Parses flags over etc/nerved.toml and runs the Daemon; exits 78 on
// configuration or pipeline errors (sysexits EX_CONFIG), like `nginx -t` with --check.
import Daemon
import JSON
import Posix
import Service
import Wire

let usage = """
Usage: nerved --socket PATH --index DIR [--config FILE] [--pipelines DIR] [--socket-group NAME] [--log-level LEVEL]
              [--embedding-model DIR]
       nerved --check [--config FILE] [--pipelines DIR]

nerved keeps an index of a document folder and answers questions about it over a Unix socket.

Options:
  --socket PATH         socket to listen on (default from config: run/nerved.sock)
  --index DIR           index folder (default from config: index)
  --config FILE         daemon config (default: etc/nerved.toml when present)
  --pipelines DIR       folder with ask.toml and ingest.toml (default from config: pipelines)
  --socket-group NAME   let this group connect (socket mode 0660)
  --log-level LEVEL     debug, info, warning or error
  --embedding-model DIR sentence-embedding model folder ("none": lexical search only)
  --max-request-bytes N, --max-question-chars N, --max-file-bytes N,
  --max-decompression-ratio N, --max-connections N
                        limits on input, over the config's (docs/limits.md)
  --check               validate config and pipelines, print diagnostics, exit 0 or 78
  --version             print the version
  -h, --help            show this help

Signals: SIGHUP reloads the pipelines (a bad file keeps the old ones serving);
SIGTERM and SIGINT finish in-flight requests, then exit.

"""

var args = Array(CommandLine.arguments.dropFirst())

// `nerved worker --socket PATH [--model FILE] [--threads N] [--context N] [--log-level L]
// [--parent PID]`: the process the daemon starts for out-of-process stages (the local model); it
// exits when process PID (the daemon) is gone. Not meant to be run by hand, but can be.
if args.first == "worker" {
    var w: [String: String] = [:]
    var k = 1
    while k < args.count {
        let a = args[k]
        guard ["--socket", "--model", "--threads", "--context", "--log-level", "--parent"].contains(a), k + 1 < args.count else {
            Console.error("nerved worker: unknown or incomplete argument '\(a)'\nUsage: nerved worker --socket PATH [--model FILE] [--threads N] [--context N]\n")
            ProcessControl.exit(64)
        }
        w[String(a.dropFirst(2))] = args[k + 1]
        k += 2
    }
    guard let socket = w["socket"] else {
        Console.error("nerved worker: --socket PATH is required\n")
        ProcessControl.exit(64)
    }
    let log = Logger(level: w["log-level"].flatMap { LogLevel(name: $0) } ?? .info)
    do {
        let host = try WorkerHost(model: w["model"], threads: w["threads"].flatMap { Int($0) } ?? 0,
                                  context: w["context"].flatMap { Int($0) } ?? 2048)
        var info = JSONObject([("role", "worker")])
        if let m = w["model"] { info["model"] = .string(m) }
        ProcessControl.exit(WorkerMain.run(socket: socket, host: host, info: info, log: log, parent: w["parent"].flatMap { Int32($0) }))
    } catch {
        Console.error("nerved worker: \(error)\n")
        ProcessControl.exit(78)
    }
}
var flags: [String: String] = [:]
var check = false
var i = 0
while i < args.count {
    let a = args[i]
    switch a {
    case "-h", "--help":
        Console.output(usage)
        ProcessControl.exit(0)
    case "--version":
        Console.output("nerved \(Version.string)\n")
        ProcessControl.exit(0)
    case "--check":
        check = true
    case "--socket", "--index", "--config", "--pipelines", "--socket-group", "--log-level", "--embedding-model",
         _ where a.hasPrefix("--") && DaemonConfig.flagKeys.contains(String(a.dropFirst(2)).replacing("-", with: "_")):
        guard i + 1 < args.count else {
            Console.error("nerved: \(a) needs a value\n")
            ProcessControl.exit(64)
        }
        flags[String(a.dropFirst(2))] = args[i + 1]
        i += 1
    default:
        Console.error("nerved: unknown argument '\(a)'\nRun 'nerved --help' for usage.\n")
        ProcessControl.exit(64)
    }
    i += 1
}

var config = DaemonConfig()
let configPath = flags["config"] ?? (FileSystem.exists("etc/nerved.toml") ? "etc/nerved.toml" : nil)
if let configPath {
    do { config = try DaemonConfig.load(path: configPath) } catch {
        Console.error("nerved: \(error)\n")
        ProcessControl.exit(78)
    }
}
for key in DaemonConfig.flagKeys {
    guard let v = flags[key.replacing("_", with: "-")] else { continue }
    do { try config.set(flag: key, v) } catch {
        Console.error("nerved: \(error)\n")
        ProcessControl.exit(64)
    }
}
if let v = flags["socket"] { config.socket = v }
if let v = flags["index"] { config.index = v }
if let v = flags["pipelines"] { config.pipelines = v }
if let v = flags["socket-group"] { config.socketGroup = v }
if let v = flags["embedding-model"] { config.embeddingModel = v == "none" ? "" : v }
if let v = flags["log-level"] {
    guard let level = LogLevel(name: v) else {
        Console.error("nerved: --log-level must be debug, info, warning or error, found '\(v)'\n")
        ProcessControl.exit(64)
    }
    config.logLevel = level
}

if check {
    let (ok, report) = Daemon.check(config: config)
    if ok { Console.output(report + "\n") } else { Console.error(report + "\n") }
    ProcessControl.exit(ok ? 0 : 78)
}

// Block the signals we wait for before any thread starts, so every thread inherits the mask.
Signals.block([.hangup, .terminate, .interrupt])
let daemon = Daemon(config: config)
do {
    try daemon.start()
} catch let e as DaemonError {
    Console.error("nerved: \(e)\n")
    ProcessControl.exit(e.exitCode)
} catch {
    Console.error("nerved: \(error)\n")
    ProcessControl.exit(1)
}
daemon.waitForSignals()
ProcessControl.exit(0)
