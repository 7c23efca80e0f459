// The runtime side of a stage: what it receives, what it returns, and what it may know about the
// request it serves. Values are `any Sendable` tagged with their PortType; the linker has
// already checked every connection, so a stage can cast its inputs with confidence.
import JSON

/// A value on a port.
public struct PortValue: @unchecked Sendable {
    public let type: PortType
    public let value: any Sendable
    public init(_ type: PortType, _ value: any Sendable) {
        self.type = type
        self.value = value
    }
}

/// The values a stage receives, grouped by its declared input names.
public struct StageInputs: Sendable {
    public let values: [String: [PortValue]]

    public init(_ values: [String: [PortValue]]) { self.values = values }

    /// The single value of input `name`, or nil when absent or of another Swift type.
    public func one<T>(_ name: String, as: T.Type = T.self) -> T? {
        values[name]?.first?.value as? T
    }

    /// Every value of a `many` input, in `in = [...]` order.
    public func all<T>(_ name: String, as: T.Type = T.self) -> [T] {
        (values[name] ?? []).compactMap { $0.value as? T }
    }
}

/// A stage's outputs by output name; absent names mean "nothing produced" (e.g. no extractor matched).
public typealias StageOutputs = [String: any Sendable]

/// Answers carry a confidence the executor compares with the stage's `accept`.
public protocol ConfidenceCarrying: Sendable {
    var confidence: Double { get }
}

/// What a stage can learn about the run it is part of, and how it reports progress.
public protocol RunContext: AnyObject, Sendable {
    /// Request-scoped values (the question, the file being ingested, the asker's identity...).
    func value(_ key: String) -> (any Sendable)?
    /// Streams a notification to the client (progress, partial answer tokens).
    func emit(_ event: String, _ payload: JSONObject)
    /// Calls an out-of-process stage over its socket. `request` carries the stage's id, kind,
    /// checked parameters and JSON-encoded inputs (the wire method `stage.run`'s params).
    func callExternal(socket: String, request: JSONObject) throws -> JSON
}

/// A runnable stage, built once per (re)load from its checked configuration.
public protocol Stage: Sendable {
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs
}
