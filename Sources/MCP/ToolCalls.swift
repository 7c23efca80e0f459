// Running a tool: check its arguments, forward to nerved over the Unix socket (as the user who
// started `nerve mcp`, so the daemon's access rules apply), and shape the outcome. Anything that
// goes wrong here — bad arguments, a daemon that is down or refuses — is a tool error the model
// can read and act on, never a protocol error.
import JSON
import Wire

/// How tools reach the daemon; tests substitute a fake.
public protocol DaemonLink: Sendable {
    /// - Throws: `WireError` (daemon down, connection lost, or an error reply).
    func call(_ method: String, _ params: JSONObject) throws -> JSON
}

/// One connection per call: nothing to go stale when nerved restarts between calls.
public struct SocketLink: DaemonLink {
    public let path: String
    public init(path: String) { self.path = path }

    public func call(_ method: String, _ params: JSONObject) throws -> JSON {
        let client = try WireClient(path: path)
        defer { client.close() }
        return try client.call(method, params)
    }
}

/// A `tools/call` that passed the protocol checks, waiting to run.
public struct ToolCall: Sendable {
    public let id: JSON
    public let name: String
    public let arguments: JSONObject
    /// Whether the reply is shaped for the 2026-07-28 revision.
    public let modern: Bool
}

/// What a tool produced: readable text for the model, and the structured result.
struct ToolOutcome: Equatable {
    var text: String
    var structured: JSONObject?
    var isError: Bool

    static func failure(_ text: String) -> ToolOutcome { ToolOutcome(text: text, structured: nil, isError: true) }
}

/// An argument problem, reported to the model as a tool error.
private struct ArgumentProblem: Error { let message: String }

enum ToolRunner {
    static func run(_ call: ToolCall, link: DaemonLink) -> ToolOutcome {
        do {
            switch call.name {
            case "ask":
                let args = try Arguments(call.arguments, tool: "ask", known: ["question"])
                // Its length limit is nerved's (max_question_chars): ETOOBIG comes back as a tool error.
                let question = try args.text("question")
                let reply = try link.call("ask", JSONObject([("question", .string(question))]))
                return try ToolText.ask(reply)
            case "search":
                let args = try Arguments(call.arguments, tool: "search", known: ["query", "top", "path"])
                var params = JSONObject([("query", .string(try args.text("query")))])
                params["top"] = .int(Int64(try args.integer("top", in: Tools.topRange) ?? Tools.defaultTop))
                if let path = try args.optionalString("path") {
                    guard path.hasPrefix("/") else {
                        throw ArgumentProblem(message: "search: 'path' must be an absolute path (starting with /), found '\(path)'")
                    }
                    params["path"] = .string(path)
                }
                return try ToolText.search(try link.call("search", params))
            case "status":
                _ = try Arguments(call.arguments, tool: "status", known: [])
                return try ToolText.status(try link.call("status", JSONObject()))
            default:
                // Session refuses unknown tools before they get here.
                return .failure("no tool named '\(call.name)'")
            }
        } catch let p as ArgumentProblem {
            return .failure(p.message)
        } catch let e as WireError {
            return .failure(daemonFailure(e, tool: call.name))
        } catch let e as ToolText.UnexpectedReply {
            return .failure("nerved sent a reply this nerve does not understand: \(e.reason)")
        } catch {
            return .failure("\(call.name) failed: \(error)")
        }
    }

    /// The daemon's failure in words a model (and the user reading over its shoulder) can act on.
    static func daemonFailure(_ e: WireError, tool: String) -> String {
        switch e {
        case let .rpc(code, message, _):
            if code == .EMETHOD {
                return "this nerved does not offer '\(tool)' (\(message)); it is older than this nerve: upgrade and restart nerved"
            }
            return "nerved refused the request (\(code.rawValue)): \(message)"
        case .daemonNotRunning:
            return "the Nerve daemon is not running, so nothing can be looked up: \(e.description)"
        default:
            return "lost the connection to nerved: \(e.description)"
        }
    }
}

/// Typed access to a tool's arguments; unknown ones are refused so typos do not pass silently.
private struct Arguments {
    let values: JSONObject
    let tool: String

    init(_ values: JSONObject, tool: String, known: Set<String>) throws {
        self.values = values
        self.tool = tool
        for k in values.keys where !known.contains(k) {
            let list = known.sorted().joined(separator: ", ")
            throw ArgumentProblem(message: "\(tool): unknown argument '\(k)' (\(list.isEmpty ? "it takes none" : "known: " + list))")
        }
    }

    /// A required, non-blank string.
    func text(_ name: String) throws -> String {
        guard let v = values[name] else { throw ArgumentProblem(message: "\(tool): missing required argument '\(name)'") }
        guard case let .string(s) = v else { throw ArgumentProblem(message: "\(tool): '\(name)' must be a string, found \(v.typeName)") }
        guard s.contains(where: { !$0.isWhitespace }) else { throw ArgumentProblem(message: "\(tool): '\(name)' is empty") }
        return s
    }

    func optionalString(_ name: String) throws -> String? {
        guard let v = values[name], v != .null else { return nil }
        guard case let .string(s) = v else { throw ArgumentProblem(message: "\(tool): '\(name)' must be a string, found \(v.typeName)") }
        return s
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = values[name], v != .null else { return nil }
        guard let n = v.intValue else { throw ArgumentProblem(message: "\(tool): '\(name)' must be an integer, found \(v.typeName == "number" ? v.serialized() : v.typeName)") }
        guard range.contains(n) else {
            throw ArgumentProblem(message: "\(tool): '\(name)' must be between \(range.lowerBound) and \(range.upperBound), found \(n)")
        }
        return n
    }
}
