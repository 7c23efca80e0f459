// The client side: connect to nerved's socket, send one request, stream notifications to a
// callback, and return the result or the typed error. A dozen lines in any other language.
import JSON
import Posix

public final class WireClient {
    public let path: String
    private let fd: FileDescriptor
    private let reader: LineReader
    private var nextID: Int64 = 1

    /// Connects to the daemon. With `receiveTimeoutMs`, a reply that does not come within that
    /// long fails the call with `WireError.connection` (for peers that may hang).
    /// - Throws: `WireError.daemonNotRunning` when nothing listens at `path`.
    public init(path: String, maxLineBytes: Int = 64 << 20, receiveTimeoutMs: Int? = nil) throws {
        self.path = path
        do {
            fd = try UnixSocket.connect(path: path)
        } catch let e as PosixError {
            switch e {
            case .socketPathTooLong: throw WireError.connection(reason: e.description)
            default:
                let reason = e.errno == Errno.ENOENT ? "no socket file" : e.errno == Errno.ECONNREFUSED ? "nobody is listening" : e.description
                throw WireError.daemonNotRunning(path: path, reason: reason)
            }
        }
        if let ms = receiveTimeoutMs { UnixSocket.setReceiveTimeout(fd, ms: ms) }
        reader = LineReader(fd, limit: maxLineBytes)
    }

    /// Sends `method` with `params` and waits for its reply; notifications for this request are
    /// passed to `onNotification` as they arrive.
    /// - Throws: `WireError.rpc` for error replies, `.connection` when the daemon hangs up.
    public func call(_ method: String, _ params: JSONObject = JSONObject(),
                     onNotification: (String, JSONObject) -> Void = { _, _ in }) throws -> JSON {
        let id = JSON.int(nextID)
        nextID += 1
        try send(Request(id: id, method: method, params: params).encoded())
        while true {
            let line: LineReader.Line
            do { line = try reader.next() } catch { throw WireError.connection(reason: "\(error)") }
            guard case let .line(bytes) = line else {
                throw WireError.connection(reason: "nerved closed the connection before replying")
            }
            guard case let .object(o) = try? JSON.parse(bytes) else {
                throw WireError.malformedFrame(reason: String(decoding: bytes.prefix(200), as: UTF8.self))
            }
            if let m = o["method"]?.stringValue {
                onNotification(m, o["params"]?.objectValue ?? JSONObject())
                continue
            }
            if let err = o["error"]?.objectValue {
                let data = err["data"]?.objectValue ?? JSONObject()
                let code = data["code"]?.stringValue.flatMap(ErrorCode.init(rawValue:)) ?? .EINTERNAL
                let replyID = o["id"]
                // An error without our id (e.g. EBUSY on connect, ETOOBIG) still answers us.
                if replyID == id || replyID == nil || replyID == .null {
                    throw WireError.rpc(code: code, message: err["message"]?.stringValue ?? "", data: data)
                }
                continue
            }
            if o["id"] == id { return o["result"] ?? .null }
        }
    }

    /// Writes one raw line (tests use this to send malformed frames).
    public func send(_ line: String) throws {
        do { try fd.writeAll(Array((line + "\n").utf8)) } catch {
            throw WireError.connection(reason: "\(error)")
        }
    }

    /// Reads one raw line (tests).
    public func readLine() throws -> String? {
        guard case let .line(b) = try reader.next() else { return nil }
        return String(decoding: b, as: UTF8.self)
    }

    public func close() { fd.close() }
}
