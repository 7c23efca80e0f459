// The MCP protocol revisions this server speaks and the reserved names they define. The set is
// the one the official Python SDK (mcp 2.3.0) negotiates: it probes `server/discover` at
// 2026-07-28 and falls back to the `initialize` handshake, offering 2025-11-25.

public enum Revisions {
    /// Revisions negotiated with `initialize`, oldest first. Both have structured tool output
    /// (`outputSchema`, `structuredContent`) and no JSON-RPC batches; 2025-03-26 and older
    /// require servers to accept batches, so they are not offered.
    public static let handshake = ["2025-06-18", "2025-11-25"]
    /// What `initialize` answers when the client asks for a revision we do not speak.
    public static let latestHandshake = "2025-11-25"
    /// Stateless revisions: no handshake; every request carries its version and the client's
    /// capabilities in `params._meta`.
    public static let modern = ["2026-07-28"]
    public static var all: [String] { handshake + modern }

    /// `params._meta` keys of the 2026-07-28 per-request envelope, and the result stamp.
    public static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    public static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    public static let serverInfoKey = "io.modelcontextprotocol/serverInfo"

    /// Methods each era serves (unknown ones are -32601 in both).
    public static let handshakeMethods = ["initialize", "ping", "tools/list", "tools/call"]
    public static let modernMethods = ["server/discover", "tools/list", "tools/call"]
}
