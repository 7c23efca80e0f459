// The socket side of the protocol: a listening Unix socket, one accept thread, one thread per
// connection reading lines (blocking I/O never touches the Swift concurrency pool), replies
// written under a per-connection lock so progress notifications and results never interleave.
import JSON
import Posix

/// What a handler knows about the request it serves, and how it streams notifications.
public final class RequestContext: @unchecked Sendable {
    /// The peer's credentials (nil in process, where there is no socket).
    public let peer: PeerCredentials?
    public let requestID: JSON?
    private let send: @Sendable (String) -> Void

    public init(peer: PeerCredentials?, requestID: JSON?, send: @escaping @Sendable (String) -> Void) {
        self.peer = peer
        self.requestID = requestID
        self.send = send
    }

    /// Sends a notification; by convention `params.id` carries the request id it belongs to.
    public func notify(_ method: String, _ params: JSONObject) {
        var p = params
        if let requestID, p["id"] == nil { p["id"] = requestID }
        send(Frame.notification(method: method, params: p))
    }
}

/// Handles one decoded request and returns its result.
public protocol RequestHandler: Sendable {
    /// - Throws: `WireError` (its code becomes the error reply's `data.code`); any other error is EINTERNAL.
    func handle(_ request: Request, context: RequestContext) throws -> JSON
}

public struct ServerOptions: Sendable {
    public var path: String
    public var mode: UInt32 = 0o600
    public var group: UInt32?
    public var maxLineBytes: Int = 1 << 20
    public var maxConnections: Int = 256

    public init(path: String) { self.path = path }
}

public final class Server: @unchecked Sendable {
    public let options: ServerOptions
    private let handler: RequestHandler
    private let log: @Sendable (String) -> Void
    private var listener: FileDescriptor?
    private let state = Condition()
    private var connections: [Int: FileDescriptor] = [:]
    private var nextConnection = 0
    private var inFlight = 0
    private var draining = false

    public init(options: ServerOptions, handler: RequestHandler, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.handler = handler
        self.log = log
    }

    /// Binds the socket and starts the accept thread.
    /// - Throws: `PosixError` (path too long, address in use, permissions).
    public func start() throws {
        let fd = try UnixSocket.listen(path: options.path, mode: options.mode, group: options.group)
        listener = fd
        try Threads.spawn(name: "accept") { [self] in acceptLoop(fd) }
    }

    private func acceptLoop(_ fd: FileDescriptor) {
        while true {
            let conn: FileDescriptor
            do {
                conn = try UnixSocket.accept(fd)
            } catch {
                if state.locked({ draining }) || fd.rawValue < 0 { return }
                if (error as? PosixError)?.errno == Errno.EINTR { continue }
                log("accept failed: \(error)")
                if (error as? PosixError)?.errno == 9 || (error as? PosixError)?.errno == 22 { return } // EBADF/EINVAL: closed
                continue
            }
            let peer = try? UnixSocket.peerCredentials(conn)
            let admitted: Int? = state.locked {
                if draining || connections.count >= options.maxConnections { return nil }
                nextConnection += 1
                connections[nextConnection] = conn
                return nextConnection
            }
            guard let id = admitted else {
                let why: ErrorCode = state.locked({ draining }) ? .ESHUTDOWN : .EBUSY
                let line = Frame.error(id: nil, code: why, message: why == .EBUSY
                    ? "too many connections (limit \(options.maxConnections))" : "nerved is shutting down")
                try? conn.writeAll(Array((line + "\n").utf8))
                conn.close()
                continue
            }
            log("connection \(id) from \(peer.map { "\($0) user=\(Identity.userName($0.uid))" } ?? "unknown peer")")
            do {
                try Threads.spawn(name: "conn") { [self] in
                    serve(conn, peer: peer)
                    state.locked { _ = connections.removeValue(forKey: id) }
                    conn.close()
                }
            } catch {
                log("cannot start connection thread: \(error)")
                state.locked { _ = connections.removeValue(forKey: id) }
                conn.close()
            }
        }
    }

    private func serve(_ conn: FileDescriptor, peer: PeerCredentials?) {
        let reader = LineReader(conn, limit: options.maxLineBytes)
        let writeLock = PthreadMutex()
        let send: @Sendable (String) -> Void = { line in
            writeLock.withLock { try? conn.writeAll(Array((line + "\n").utf8)) }
        }
        while true {
            let next: LineReader.Line
            do { next = try reader.next() } catch { return }
            switch next {
            case .end: return
            case let .tooLong(limit):
                send(Frame.error(id: nil, code: .ETOOBIG, message: "request line longer than \(limit) bytes",
                                 data: JSONObject([("limit", .int(Int64(limit)))])))
            case let .line(bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0d || $0 == 0x09 }) { continue }
                switch Frame.decodeRequest(bytes) {
                case let .failure(f):
                    send(Self.errorLine(id: f.id, f.error))
                case let .success(request):
                    let admitted = state.locked { () -> Bool in
                        if draining { return false }
                        inFlight += 1
                        return true
                    }
                    guard admitted else {
                        if let id = request.id {
                            send(Frame.error(id: id, code: .ESHUTDOWN, message: "nerved is shutting down"))
                        }
                        continue
                    }
                    let context = RequestContext(peer: peer, requestID: request.id, send: send)
                    let reply = Self.reply(handler, request, context)
                    if request.id != nil { send(reply) }
                    state.locked { inFlight -= 1; state.broadcast() }
                }
            }
        }
    }

    /// Runs a handler and turns its outcome into a reply line (shared with the in-process harness).
    public static func reply(_ handler: RequestHandler, _ request: Request, _ context: RequestContext) -> String {
        do {
            let result = try handler.handle(request, context: context)
            return Frame.result(id: request.id ?? .null, result)
        } catch let e as WireError {
            return errorLine(id: request.id, e)
        } catch {
            return Frame.error(id: request.id, code: .EINTERNAL, message: "\(error)")
        }
    }

    static func errorLine(id: JSON?, _ e: WireError) -> String {
        switch e {
        case let .rpc(code, message, data): return Frame.error(id: id, code: code, message: message, data: data)
        default: return Frame.error(id: id, code: .EINTERNAL, message: e.description)
        }
    }

    /// Stops accepting, lets in-flight requests finish (up to `timeoutMs`), then closes every
    /// connection and removes the socket file. Returns the number of requests still running.
    @discardableResult
    public func drain(timeoutMs: Int) -> Int {
        state.locked { draining = true }
        if let listener {
            listener.shutdownSocket()
            listener.close()
        }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        let left: Int = state.locked {
            while inFlight > 0 && ContinuousClock.now < deadline { _ = state.wait(ms: 50) }
            return inFlight
        }
        let open = state.locked { Array(connections.values) }
        for c in open { c.shutdownSocket() }
        try? FileSystem.remove(options.path)
        return left
    }

    /// Requests currently being handled.
    public var activeRequests: Int { state.locked { inFlight } }
    public var openConnections: Int { state.locked { connections.count } }
}
