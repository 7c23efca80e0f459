// One MCP message per line: decoding a client's line into a request, a notification or a (stray)
// response, and encoding replies. Everything that is not a single well-formed JSON-RPC 2.0
// object is refused here, with the id when it could be read.
import JSON

enum Incoming: Equatable {
    case request(id: JSON, method: String, params: JSONObject)
    case notification(method: String, params: JSONObject)
    /// A reply from the client to a request of ours; this server sends none, so it is dropped.
    case response(id: JSON?)
}

/// A line that could not be decoded, with its id when the id was readable.
struct Refusal: Error {
    let id: JSON?
    let error: MCPError
}

enum Message {
    static func decode(_ line: [UInt8]) -> Result<Incoming, Refusal> {
        let value: JSON
        do { value = try JSON.parse(line) } catch {
            return .failure(Refusal(id: nil, error: .parse(reason: "\(error)")))
        }
        let o: JSONObject
        switch value {
        case let .object(obj): o = obj
        case .array:
            return .failure(Refusal(id: nil, error: .invalidRequest(reason:
                "JSON-RPC batches (arrays) are not part of MCP since revision 2025-06-18; send one message per line")))
        default:
            return .failure(Refusal(id: nil, error: .invalidRequest(reason: "a message must be a JSON object, found \(value.typeName)")))
        }
        // The id is echoed in the error reply only when it is one MCP allows.
        var id: JSON?
        switch o["id"] {
        case nil: id = nil
        case let .string(s)?: id = .string(s)
        case let .int(n)?: id = .int(n)
        case let other?:
            return .failure(Refusal(id: nil, error: .invalidRequest(reason: "id must be a string or an integer, found \(other == .null ? "null" : other.typeName)")))
        }
        guard o["jsonrpc"] == "2.0" else {
            return .failure(Refusal(id: id, error: .invalidRequest(reason: "missing \"jsonrpc\": \"2.0\"")))
        }
        guard let m = o["method"] else {
            if o["result"] != nil || o["error"] != nil { return .success(.response(id: id)) }
            return .failure(Refusal(id: id, error: .invalidRequest(reason: "a message needs a \"method\" (or \"result\"/\"error\" for a response)")))
        }
        guard case let .string(method) = m else {
            return .failure(Refusal(id: id, error: .invalidRequest(reason: "\"method\" must be a string, found \(m.typeName)")))
        }
        var params = JSONObject()
        switch o["params"] {
        case nil: break
        case let .object(p)?: params = p
        case let other?:
            return .failure(Refusal(id: id, error: .invalidParams(reason: "params must be an object, found \(other.typeName)")))
        }
        if let id { return .success(.request(id: id, method: method, params: params)) }
        return .success(.notification(method: method, params: params))
    }

    /// A success reply line (no newline).
    static func result(id: JSON, _ result: JSONObject) -> String {
        JSON.object(JSONObject([("jsonrpc", "2.0"), ("id", id), ("result", .object(result))])).serialized()
    }

    /// An error reply line; `id` is null when the request's id could not be read.
    static func error(id: JSON?, _ e: MCPError) -> String {
        var err = JSONObject([("code", .int(Int64(e.code))), ("message", .string(e.description))])
        if let data = e.data { err["data"] = data }
        return JSON.object(JSONObject([("jsonrpc", "2.0"), ("id", id ?? .null), ("error", .object(err))])).serialized()
    }
}
