// The protocol state of one stdio connection. The era is settled by the first request served:
// `initialize` opens a handshake connection (2025-06-18 / 2025-11-25), a request carrying the
// 2026-07-28 `_meta` envelope opens a stateless one; a later message from the other era is
// refused. `receive` does no I/O — a line in, a reply line (or a tool call to run) out; `complete`
// runs a tool call through the daemon link it is given.
import JSON

public final class Session {
    public enum Era: Equatable {
        case undecided
        /// Opened by `initialize`, at the negotiated revision.
        case handshake(version: String)
        case modern
    }

    /// What the server does with one incoming line.
    public enum Step {
        /// Nothing to send (a notification, a stray response, a blank line).
        case none
        /// Send this line.
        case reply(String)
        /// Run this tool (possibly on another thread), then send `Session.reply(to:outcome:)`.
        case call(ToolCall)
        /// The client cancelled the request with this id.
        case cancel(JSON)
    }

    public private(set) var era: Era = .undecided
    /// Whether a handshake client has said `notifications/initialized` (informational).
    public private(set) var clientInitialized = false
    let serverInfo: JSONObject
    /// Why the last refused message was refused (for the stderr log).
    public private(set) var lastRefusal: String?

    public init(version: String) {
        serverInfo = JSONObject([("name", "nerve"), ("title", "Nerve"), ("version", .string(version))])
    }

    static let instructions = """
    Nerve answers questions from the user's own document folders, which it keeps indexed. \
    Use `ask` for a question in natural language: the answer comes with its sources (file paths \
    and line or page spans) and says plainly when it is not confident. Use `search` to read the \
    best-matching passages yourself, optionally only under one folder. Use `status` to see what is \
    indexed. Cite the file paths you relied on.
    """

    public func receive(_ line: [UInt8]) -> Step {
        lastRefusal = nil
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { return .none }
        switch Message.decode(line) {
        case let .failure(r):
            return refuse(id: r.id, r.error)
        case .success(.response):
            lastRefusal = "ignored a response: this server sends no requests"
            return .none
        case let .success(.notification(method, params)):
            return notification(method, params)
        case let .success(.request(id, method, params)):
            do { return try request(id, method, params) } catch let e as MCPError {
                return refuse(id: id, e)
            } catch {
                return refuse(id: id, .invalidRequest(reason: "\(error)"))
            }
        }
    }

    private func refuse(id: JSON?, _ e: MCPError) -> Step {
        lastRefusal = e.description
        return .reply(Message.error(id: id, e))
    }

    private func notification(_ method: String, _ params: JSONObject) -> Step {
        switch method {
        case "notifications/initialized":
            if case .handshake = era { clientInitialized = true }
            return .none
        case "notifications/cancelled":
            if let id = params["requestId"], id.stringValue != nil || id.intValue != nil { return .cancel(id) }
            return .none
        default:
            // Progress, roots and anything newer: nothing for this server to do.
            return .none
        }
    }

    private var methodsServed: [String] {
        switch era {
        case .undecided: return Revisions.handshakeMethods + ["server/discover"]
        case .handshake: return Revisions.handshakeMethods
        case .modern: return Revisions.modernMethods
        }
    }

    private func request(_ id: JSON, _ method: String, _ params: JSONObject) throws -> Step {
        guard (Revisions.handshakeMethods + Revisions.modernMethods).contains(method) else {
            throw MCPError.methodNotFound(method: method, available: methodsServed)
        }
        // `initialize` does not exist at 2026 revisions, even when a client stamps the envelope on it.
        if method == "initialize" { return .reply(Message.result(id: id, try initialize(params))) }
        let enveloped = params["_meta"]?.objectValue?[Revisions.protocolVersionKey] != nil
        if method == "ping" && !enveloped {
            guard era != .modern else { throw MCPError.methodNotFound(method: method, available: methodsServed) }
            // Allowed before initialize too: a client may check the server is alive.
            return .reply(Message.result(id: id, JSONObject()))
        }
        if enveloped || method == "server/discover" || era == .modern {
            if case let .handshake(v) = era {
                throw MCPError.invalidRequest(reason: "this connection negotiated revision \(v) with initialize; "
                    + "requests carrying the 2026-07-28 `_meta` envelope are not accepted on it")
            }
            try checkEnvelope(params)
            guard Revisions.modernMethods.contains(method) else {
                throw MCPError.methodNotFound(method: method, available: Revisions.modernMethods)
            }
            era = .modern
            return try serve(id, method, params, modern: true)
        }
        guard case .handshake = era else {
            throw MCPError.invalidRequest(reason: "the session is not initialized: send `initialize` first "
                + "(or, at revision 2026-07-28, carry the `_meta` envelope on every request)")
        }
        return try serve(id, method, params, modern: false)
    }

    private func initialize(_ params: JSONObject) throws -> JSONObject {
        switch era {
        case .modern:
            throw MCPError.unsupportedVersion(requested: params["protocolVersion"]?.stringValue ?? "", supported: Revisions.modern,
                                              reason: "this connection serves revision 2026-07-28, which has no initialize handshake")
        case let .handshake(v):
            throw MCPError.invalidRequest(reason: "already initialized (revision \(v)); initialize is sent once per connection")
        case .undecided: break
        }
        guard case let .string(requested)? = params["protocolVersion"] else {
            throw MCPError.invalidParams(reason: "initialize needs 'protocolVersion' (a string)")
        }
        guard params["capabilities"]?.objectValue != nil else {
            throw MCPError.invalidParams(reason: "initialize needs 'capabilities' (an object)")
        }
        guard let info = params["clientInfo"]?.objectValue, info["name"]?.stringValue != nil, info["version"]?.stringValue != nil else {
            throw MCPError.invalidParams(reason: "initialize needs 'clientInfo' (an object with string 'name' and 'version')")
        }
        // The client's revision when we speak it; otherwise ours, and the client decides whether to go on.
        let version = Revisions.handshake.contains(requested) ? requested : Revisions.latestHandshake
        era = .handshake(version: version)
        return JSONObject([
            ("protocolVersion", .string(version)),
            ("capabilities", capabilities),
            ("serverInfo", .object(serverInfo)),
            ("instructions", .string(Self.instructions)),
        ])
    }

    private var capabilities: JSON { ["tools": ["listChanged": false]] }

    /// The 2026-07-28 per-request envelope: version and client capabilities, every time.
    private func checkEnvelope(_ params: JSONObject) throws {
        let keys = [Revisions.protocolVersionKey, Revisions.clientCapabilitiesKey]
        guard let meta = params["_meta"]?.objectValue else {
            throw MCPError.invalidParams(reason: "params._meta must be an object carrying \(keys.joined(separator: " and "))")
        }
        let missing = keys.filter { meta[$0] == nil }
        guard missing.isEmpty else {
            throw MCPError.invalidParams(reason: "params._meta lacks \(missing.joined(separator: " and "))")
        }
        guard case let .string(version)? = meta[Revisions.protocolVersionKey] else {
            throw MCPError.invalidParams(reason: "\(Revisions.protocolVersionKey) must be a string")
        }
        guard meta[Revisions.clientCapabilitiesKey]?.objectValue != nil else {
            throw MCPError.invalidParams(reason: "\(Revisions.clientCapabilitiesKey) must be an object")
        }
        guard Revisions.modern.contains(version) else {
            throw MCPError.unsupportedVersion(requested: version, supported: Revisions.modern,
                                              reason: "requests with the `_meta` envelope are served at these revisions")
        }
    }

    private func serve(_ id: JSON, _ method: String, _ params: JSONObject, modern: Bool) throws -> Step {
        switch method {
        case "server/discover":
            var r = JSONObject([
                ("supportedVersions", .array(Revisions.all.map(JSON.string))),
                ("capabilities", capabilities),
                ("instructions", .string(Self.instructions)),
            ])
            Self.cacheable(&r)
            return .reply(Message.result(id: id, stamp(r, modern: true)))
        case "tools/list":
            if let cursor = params["cursor"], cursor != .null {
                throw MCPError.invalidParams(reason: "unknown cursor \(cursor.serialized()): every tool is listed on the first page")
            }
            var r = JSONObject([("tools", .array(Tools.all.map(\.definition)))])
            if modern { Self.cacheable(&r) }
            return .reply(Message.result(id: id, stamp(r, modern: modern)))
        case "tools/call":
            guard case let .string(name)? = params["name"] else {
                throw MCPError.invalidParams(reason: "tools/call needs 'name' (a string)")
            }
            guard Tools.named(name) != nil else {
                throw MCPError.invalidParams(reason: "Unknown tool: '\(name)' (tools: \(Tools.names.joined(separator: ", ")))")
            }
            var arguments = JSONObject()
            switch params["arguments"] {
            case nil, .null?: break
            case let .object(a)?: arguments = a
            case let other?: throw MCPError.invalidParams(reason: "tools/call 'arguments' must be an object, found \(other.typeName)")
            }
            return .call(ToolCall(id: id, name: name, arguments: arguments, modern: modern))
        default:
            throw MCPError.methodNotFound(method: method, available: methodsServed)
        }
    }

    /// Listings never change while this process runs; they hold no user data.
    private static func cacheable(_ r: inout JSONObject) {
        r["ttlMs"] = .int(3_600_000)
        r["cacheScope"] = "public"
    }

    /// 2026-07-28 results say what they are and who answered.
    private func stamp(_ r: JSONObject, modern: Bool) -> JSONObject {
        guard modern else { return r }
        var out = r
        out["resultType"] = "complete"
        out["_meta"] = .object(JSONObject([(Revisions.serverInfoKey, .object(serverInfo))]))
        return out
    }

    /// Runs a tool call against the daemon and returns its reply line. Safe from any thread: it
    /// reads only constants of the session.
    public func complete(_ call: ToolCall, link: DaemonLink) -> ToolReply {
        let outcome = ToolRunner.run(call, link: link)
        var r = JSONObject([("content", [["type": "text", "text": .string(outcome.text)]])])
        if let s = outcome.structured { r["structuredContent"] = .object(s) }
        if outcome.isError { r["isError"] = true }
        return ToolReply(line: Message.result(id: call.id, stamp(r, modern: call.modern)), isError: outcome.isError, text: outcome.text)
    }
}

/// A finished tool call: the line to send, and for the log whether it failed and what it said.
public struct ToolReply: Sendable {
    public let line: String
    public let isError: Bool
    public let text: String
}
