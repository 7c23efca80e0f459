// nerved's settings: a table of keys (name, type, bounds, default, meaning) read from
// etc/nerved.toml and overridden by flags. The same table documents etc/nerved.toml and drives
// `nerved --help`, so the three never disagree.
import Config
import Posix

public struct DaemonConfig: Sendable {
    public var socket = "run/nerved.sock"
    public var index = "index"
    public var pipelines = "pipelines"
    /// Permission bits of the socket file.
    public var socketMode: UInt32 = 0o600
    /// When set, the socket is group-owned by it and mode 0660.
    public var socketGroup: String?
    public var logLevel: LogLevel = .info
    public var maxRequestBytes = 1 << 20
    /// Longest question `ask` accepts, in characters (grapheme clusters), after trimming.
    public var maxQuestionChars = 4096
    /// Largest file ingest reads; larger ones are skipped and reported. A ceiling over the walk
    /// stage's `max_file_bytes` in pipelines/ingest.toml.
    public var maxFileBytes = 64 << 20
    /// Largest decompressed / compressed ratio of one PDF stream or ZIP entry (zip bombs).
    public var maxDecompressionRatio = 200
    public var maxConnections = 256
    public var maxConcurrentAsks = 4
    public var maxQueuedAsks = 64
    public var maxQueuedIngests = 4
    public var drainTimeoutMs = 10_000
    /// Folders kept in sync with inotify from start-up.
    public var watch: [String] = []
    /// The sentence-embedding model folder ("" for none: lexical search only).
    public var embeddingModel = "models/all-MiniLM-L6-v2"
    /// Threads per embedding forward pass (0: every core).
    public var embeddingThreads = 0
    /// The program started as `PROGRAM worker ...` for stages that run in supervised workers
    /// (nil: this executable; "": start none — tests serve those sockets themselves).
    public var workerExecutable: String?

    public init() {}

    /// Every key of etc/nerved.toml.
    public static let keys: [ParameterSpec] = [
        ParameterSpec("socket", .string, default: .string("run/nerved.sock"), "Unix socket path clients connect to"),
        ParameterSpec("index", .string, default: .string("index"), "folder holding the index database"),
        ParameterSpec("pipelines", .string, default: .string("pipelines"), "folder holding ask.toml and ingest.toml"),
        ParameterSpec("socket_mode", .integer(0...0o777), default: .integer(0o600), "socket file permissions (0o600: owner only)"),
        ParameterSpec("socket_group", .string, default: .string(""), "group allowed to connect (socket becomes 0660)"),
        ParameterSpec("log_level", .choice(["debug", "info", "warning", "error"]), default: .string("info"), "least severe level logged"),
        ParameterSpec("max_request_bytes", .integer(1024...(1 << 30)), default: .integer(1 << 20), "longest request line accepted"),
        ParameterSpec("max_question_chars", .integer(1...(1 << 20)), default: .integer(4096), "longest question ask accepts (characters)"),
        ParameterSpec("max_file_bytes", .integer(1...(1 << 40)), default: .integer(64 << 20), "larger files are skipped by ingest"),
        ParameterSpec("max_decompression_ratio", .integer(1...1_000_000), default: .integer(200),
                      "decompressed/compressed ratio above which a PDF stream or ZIP entry is refused"),
        ParameterSpec("max_connections", .integer(1...100_000), default: .integer(256), "simultaneous client connections"),
        ParameterSpec("max_concurrent_asks", .integer(1...1024), default: .integer(4), "questions answered at once"),
        ParameterSpec("max_queued_asks", .integer(0...100_000), default: .integer(64), "questions waiting before EBUSY"),
        ParameterSpec("max_queued_ingests", .integer(0...1000), default: .integer(4), "ingests waiting before EBUSY"),
        ParameterSpec("drain_timeout_ms", .integer(0...3_600_000), default: .integer(10_000), "how long SIGTERM waits for in-flight requests"),
        ParameterSpec("watch", .strings, default: .strings([]), "folders kept in sync with inotify"),
        ParameterSpec("embedding_model", .string, default: .string("models/all-MiniLM-L6-v2"),
                      "sentence-embedding model folder for the embed stages and the embed method (\"\": none)"),
        ParameterSpec("embedding_threads", .integer(0...1024), default: .integer(0), "threads per embedding forward pass (0: every core)"),
    ]

    /// Reads `path` over the defaults.
    /// - Throws: `DaemonError.config` with every diagnostic.
    public static func load(path: String) throws -> DaemonConfig {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 1 << 20) } catch {
            throw DaemonError.config(diagnostics: [Diagnostic(.error, file: path, at: nil, "cannot read: \(error)")])
        }
        return try parse(bytes: bytes, path: path)
    }

    public static func parse(bytes: [UInt8], path: String) throws -> DaemonConfig {
        let table: TOMLTable
        do { table = try TOML.parse(bytes: bytes) } catch {
            throw DaemonError.config(diagnostics: [Diagnostic(.error, file: path, at: error.location, error.message)])
        }
        let (values, diags) = Schema.check(table, keys, file: path, what: "etc/nerved.toml")
        if diags.contains(where: { $0.severity == .error }) { throw DaemonError.config(diagnostics: diags) }
        var c = DaemonConfig()
        c.apply(values)
        return c
    }

    mutating func apply(_ v: [String: ParameterValue]) {
        if case let .string(s)? = v["socket"] { socket = s }
        if case let .string(s)? = v["index"] { index = s }
        if case let .string(s)? = v["pipelines"] { pipelines = s }
        if case let .integer(n)? = v["socket_mode"] { socketMode = UInt32(n) }
        if case let .string(s)? = v["socket_group"] { socketGroup = s.isEmpty ? nil : s }
        if case let .string(s)? = v["log_level"], let l = LogLevel(name: s) { logLevel = l }
        if case let .integer(n)? = v["max_request_bytes"] { maxRequestBytes = n }
        if case let .integer(n)? = v["max_question_chars"] { maxQuestionChars = n }
        if case let .integer(n)? = v["max_file_bytes"] { maxFileBytes = n }
        if case let .integer(n)? = v["max_decompression_ratio"] { maxDecompressionRatio = n }
        if case let .integer(n)? = v["max_connections"] { maxConnections = n }
        if case let .integer(n)? = v["max_concurrent_asks"] { maxConcurrentAsks = n }
        if case let .integer(n)? = v["max_queued_asks"] { maxQueuedAsks = n }
        if case let .integer(n)? = v["max_queued_ingests"] { maxQueuedIngests = n }
        if case let .integer(n)? = v["drain_timeout_ms"] { drainTimeoutMs = n }
        if case let .strings(s)? = v["watch"] { watch = s }
        if case let .string(s)? = v["embedding_model"] { embeddingModel = s }
        if case let .integer(n)? = v["embedding_threads"] { embeddingThreads = n }
    }

    /// The integer keys a command-line flag may set (`--max-file-bytes N` sets `max_file_bytes`).
    public static let flagKeys = ["max_request_bytes", "max_question_chars", "max_file_bytes", "max_decompression_ratio", "max_connections"]

    /// Sets integer key `key` from a flag's text, checked against the key's bounds like the file.
    /// - Throws: `DaemonError.config` naming the flag when the text is not an integer in range.
    public mutating func set(flag key: String, _ text: String) throws {
        let flag = "--" + key.replacing("_", with: "-")
        guard let spec = Self.keys.first(where: { $0.name == key }), case let .integer(range) = spec.type else {
            throw DaemonError.config(diagnostics: [Diagnostic(.error, file: "command line", at: nil, "\(flag) is not a setting")])
        }
        guard let n = Int(text.replacing("_", with: "")), range.contains(n) else {
            throw DaemonError.config(diagnostics: [Diagnostic(
                .error, file: "command line", at: nil, "\(flag) must be an integer in \(range.lowerBound)...\(range.upperBound), found '\(text)'")])
        }
        apply([key: .integer(n)])
    }

    /// Absolute paths, resolved against the working directory.
    public func resolved() -> DaemonConfig {
        var c = self
        c.socket = FileSystem.absolute(socket)
        c.index = FileSystem.absolute(index)
        c.pipelines = FileSystem.absolute(pipelines)
        c.watch = watch.map(FileSystem.absolute)
        if !embeddingModel.isEmpty { c.embeddingModel = FileSystem.absolute(embeddingModel) }
        return c
    }
}
