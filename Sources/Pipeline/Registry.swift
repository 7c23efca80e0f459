// The closed set of stage kinds a daemon knows, and how port values cross a socket (JSON codecs)
// for stages that run out of process.
import JSON

public struct PortCodec: Sendable {
    public let encode: @Sendable (any Sendable) -> JSON
    /// - Throws: any error describing why the JSON is not a valid value of the type.
    public let decode: @Sendable (JSON) throws -> any Sendable

    public init(encode: @escaping @Sendable (any Sendable) -> JSON, decode: @escaping @Sendable (JSON) throws -> any Sendable) {
        self.encode = encode
        self.decode = decode
    }
}

public final class Registry: @unchecked Sendable {
    public private(set) var kinds: [String: StageKind] = [:]
    public private(set) var codecs: [PortType: PortCodec] = [:]

    public init() {}

    /// Adds a kind; registering the same name twice is a programming error.
    public func register(_ kind: StageKind) {
        precondition(kinds[kind.name] == nil, "stage kind '\(kind.name)' registered twice")
        kinds[kind.name] = kind
    }

    public func register(codec: PortCodec, for type: PortType) {
        codecs[type] = codec
    }

    public func kind(_ name: String) -> StageKind? { kinds[name] }

    /// Kind names usable in a pipeline of `role`, sorted.
    public func kindNames(for pipeline: String) -> [String] {
        kinds.values.filter { $0.pipelines.contains(pipeline) }.map(\.name).sorted()
    }
}
