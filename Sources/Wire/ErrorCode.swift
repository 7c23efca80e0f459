// The closed set of stable error codes clients match on (never on the prose), and the JSON-RPC
// numeric code each travels with. docs/protocol.md lists the same table; keep them in step.

/// A stable symbolic error code, sent as `error.data.code`.
public enum ErrorCode: String, Sendable, CaseIterable {
    /// The line was not JSON, or not a JSON-RPC 2.0 request.
    case EPROTO
    /// The request line exceeded the maximum line length.
    case ETOOBIG
    /// No such method.
    case EMETHOD
    /// Missing or wrongly typed parameters.
    case EPARAMS
    /// The daemon is at capacity (connections or queued work); retry later.
    case EBUSY
    /// The index is missing, unreadable or from a newer version.
    case ENOINDEX
    /// A pipeline file failed to parse or link.
    case EPIPELINE
    /// A model could not be loaded or failed while running.
    case EMODEL
    /// The caller may not do or see this.
    case EACCES
    /// A named file or folder does not exist.
    case ENOENT
    /// The daemon is shutting down and takes no new work.
    case ESHUTDOWN
    /// The frontier model endpoint failed.
    case EFRONTIER
    /// A file-system or database error while doing the work.
    case EIO
    /// A bug: an error the daemon did not expect.
    case EINTERNAL

    /// The JSON-RPC 2.0 `error.code` sent with this symbol.
    public var rpcCode: Int {
        switch self {
        case .EPROTO: return -32700
        case .ETOOBIG: return -32600
        case .EMETHOD: return -32601
        case .EPARAMS: return -32602
        case .EINTERNAL: return -32603
        case .EBUSY: return -32001
        case .ENOINDEX: return -32002
        case .EPIPELINE: return -32003
        case .EMODEL: return -32004
        case .EACCES: return -32005
        case .ENOENT: return -32006
        case .ESHUTDOWN: return -32007
        case .EFRONTIER: return -32008
        case .EIO: return -32009
        }
    }
}
