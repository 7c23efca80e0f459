// `nerve mcp`: the MCP server on standard input and output. One reader thread decodes lines and
// answers protocol requests at once; tool calls (which wait on nerved, sometimes on a model) run
// on their own threads, a few at a time, so a slow `ask` does not hold up the rest. Standard
// output carries protocol messages only, one per line; logs go to standard error.
import JSON
import Posix

public struct StdioOptions: Sendable {
    /// nerved's socket.
    public var socket: String
    /// What `serverInfo.version` says.
    public var version: String
    /// The longest line read; a longer one is answered with an error and skipped.
    public var maxLineBytes = 1 << 20
    /// Tool calls running at once; the reader waits for a free slot beyond that.
    public var maxConcurrentCalls = 4

    public init(socket: String, version: String) {
        self.socket = socket
        self.version = version
    }
}

public final class StdioServer: @unchecked Sendable {
    private let options: StdioOptions
    private let session: Session
    private let link: DaemonLink
    private let input: FileDescriptor
    private let write: @Sendable (String) -> Void
    private let log: @Sendable (String) -> Void
    private let state = Condition()
    /// Serialized ids of tool calls in flight, and those the client cancelled.
    private var running: Set<String> = []
    private var cancelled: Set<String> = []

    public init(options: StdioOptions, link: DaemonLink, input: FileDescriptor,
                write: @escaping @Sendable (String) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.session = Session(version: options.version)
        self.link = link
        self.input = input
        self.write = write
        self.log = log
    }

    /// Serves until standard input closes (then lets running calls finish); returns the exit status.
    public static func main(_ options: StdioOptions) -> Int32 {
        Signals.ignoreBrokenPipe()
        let server = StdioServer(options: options, link: SocketLink(path: options.socket), input: FileDescriptor(adopting: 0),
                                 write: { Console.output($0 + "\n") }, log: { Console.error("nerve mcp: \($0)\n") })
        return server.serve()
    }

    public func serve() -> Int32 {
        log("serving MCP (revisions \(Revisions.all.joined(separator: ", "))) on stdio for nerved at \(options.socket)")
        let reader = LineReader(input, limit: options.maxLineBytes)
        var status: Int32 = 0
        loop: while true {
            let next: LineReader.Line
            do { next = try reader.next() } catch {
                log("cannot read standard input: \(error)")
                status = 1
                break
            }
            switch next {
            case .end: break loop
            case let .tooLong(limit):
                log("refused a message longer than \(limit) bytes")
                write(Message.error(id: nil, .invalidRequest(reason: "message longer than \(limit) bytes; it was skipped")))
            case let .line(bytes):
                handle(session.receive(bytes))
            }
        }
        state.locked { while !running.isEmpty { state.wait() } }
        return status
    }

    private func handle(_ step: Session.Step) {
        if let why = session.lastRefusal { log(why) }
        switch step {
        case .none: break
        case let .reply(line): write(line)
        case let .cancel(id):
            let key = id.serialized()
            state.locked { if running.contains(key) { cancelled.insert(key) } }
        case let .call(call):
            let key = call.id.serialized()
            state.locked {
                while running.count >= options.maxConcurrentCalls { state.wait() }
                running.insert(key)
            }
            do {
                try Threads.spawn(name: "mcp-tool") { [self] in run(call, key: key) }
            } catch {
                log("no thread for a tool call (\(error)); running it on the reader")
                run(call, key: key)
            }
        }
    }

    private func run(_ call: ToolCall, key: String) {
        let start = ContinuousClock.now
        let reply = session.complete(call, link: link)
        let ms = (ContinuousClock.now - start).components
        let elapsed = ms.seconds * 1000 + ms.attoseconds / 1_000_000_000_000_000
        log("tools/call \(call.name): \(reply.isError ? "tool error: " + reply.text : "ok") (\(elapsed) ms)")
        state.locked {
            // A cancelled request gets no reply (the client has stopped waiting for it).
            if cancelled.remove(key) == nil { write(reply.line) }
            running.remove(key)
            state.broadcast()
        }
    }
}
