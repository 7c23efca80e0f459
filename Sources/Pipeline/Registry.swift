// The closed set of stage kinds a process knows, and the JSON codecs that let port values and
// request-scoped context values cross a socket to a stage running in another process. The
// Catalog is the registry without binding: what parsing and linking read.
import JSON

/// JSON form of one port type's values.
public struct PortCodec: Sendable {
    public let encode: @Sendable (any Sendable) throws -> JSON
    /// - Throws: any error describing why the JSON is not a valid value of the type.
    public let decode: @Sendable (JSON) throws -> any Sendable

    public init<V: Sendable>(_ port: Port<V>, encode: @escaping @Sendable (V) -> JSON, decode: @escaping @Sendable (JSON) throws -> V) {
        self.encode = { value in
            guard let v = value as? V else { throw PipelineError.port(stage: "", port: port.type.name, reason: "cannot encode \(type(of: value))") }
            return encode(v)
        }
        self.decode = { try decode($0) }
    }
}

/// JSON form of one context value, so a remote stage sees the same question and asker.
public struct ContextCodec: Sendable {
    public let name: String
    /// The value in `context` as JSON, nil when absent.
    public let encode: @Sendable (RunContext) -> JSON?
    /// Stores the decoded value into a remote context's values.
    public let decode: @Sendable (JSON, inout RemoteContextValues) throws -> Void

    public init<V: Sendable>(_ key: ContextKey<V>, encode: @escaping @Sendable (V) -> JSON, decode: @escaping @Sendable (JSON) throws -> V) {
        name = key.name
        self.encode = { ctx in ctx.value(key).map(encode) }
        self.decode = { json, values in values.set(key, try decode(json)) }
    }
}

/// Context values decoded from a `stage.run` request.
public struct RemoteContextValues: Sendable {
    struct Box: @unchecked Sendable { let value: any Sendable }
    var values: [String: Box] = [:]
    public init() {}
    public mutating func set<V: Sendable>(_ key: ContextKey<V>, _ v: V) { values[key.name] = Box(value: v) }
    public func value<V>(_ key: ContextKey<V>) -> V? { values[key.name]?.value as? V }
}

/// What linking needs of the registry: declarations and which types can cross a socket.
public struct Catalog: Sendable {
    public let kinds: [String: StageKindInfo]
    public let portCodecs: [PortType: PortCodec]
    public let contextCodecs: [ContextCodec]

    public func kind(_ name: String) -> StageKindInfo? { kinds[name] }

    /// Kind names usable in a pipeline of `role`, sorted.
    public func kindNames(for pipeline: String) -> [String] {
        kinds.values.filter { $0.pipelines.contains(pipeline) }.map(\.name).sorted()
    }
}

public final class Registry<Resources>: @unchecked Sendable {
    public private(set) var kinds: [String: StageKind<Resources>] = [:]
    private var portCodecs: [PortType: PortCodec] = [:]
    private var contextCodecs: [ContextCodec] = []

    public init() {}

    /// Adds a kind; registering the same name twice is a programming error.
    public func register(_ kind: StageKind<Resources>) {
        precondition(kinds[kind.name] == nil, "stage kind '\(kind.name)' registered twice")
        kinds[kind.name] = kind
    }

    public func register<V>(_ port: Port<V>, codec: PortCodec) {
        portCodecs[port.type] = codec
    }

    public func register(context codec: ContextCodec) {
        contextCodecs.append(codec)
    }

    public func kind(_ name: String) -> StageKind<Resources>? { kinds[name] }

    public var catalog: Catalog {
        Catalog(kinds: kinds.mapValues(\.info), portCodecs: portCodecs, contextCodecs: contextCodecs)
    }
}
