// The runtime side of a stage: the values it receives (by declared input, typed), the values it
// returns (checked against its declared outputs by the executor), and what it may know about the
// request it serves (typed context keys). Stages that take part in a run's lifecycle or produce
// many items adopt the role protocols at the end of this file.
import JSON

/// A value on a port, with the `stage.output` reference it came from.
struct PortValue: @unchecked Sendable {
    let type: PortType
    let value: any Sendable
    let source: String
}

/// The values a stage receives, grouped by its declared input names.
public struct StageInputs: Sendable {
    let stage: String
    let specs: [InputSpec]
    let values: [String: [PortValue]]

    init(stage: String, specs: [InputSpec], values: [String: [PortValue]]) {
        self.stage = stage
        self.specs = specs
        self.values = values
    }

    /// Inputs built by hand (tests, a worker decoding a request): `values` by input name, each
    /// with the reference it came from.
    public init(stage: String, specs: [InputSpec], sourced: [String: [(source: String, value: any Sendable)]]) throws {
        var values: [String: [PortValue]] = [:]
        for (name, list) in sourced {
            guard let spec = specs.first(where: { $0.name == name }) else {
                throw PipelineError.port(stage: stage, port: name, reason: "the stage declares no input '\(name)'")
            }
            for (source, v) in list {
                guard spec.type.admits(v) else {
                    throw PipelineError.port(stage: stage, port: name, reason: "expected \(spec.type.valueTypeName), found \(type(of: v))")
                }
                values[name, default: []].append(PortValue(type: spec.type, value: v, source: source))
            }
        }
        self.init(stage: stage, specs: specs, values: values)
    }

    private func checked<V>(_ name: String, _ port: Port<V>) throws -> [(source: String, value: V)] {
        guard let spec = specs.first(where: { $0.name == name }), spec.type == port.type else {
            throw PipelineError.port(stage: stage, port: name, reason: "the stage declares no '\(port.type)' input named '\(name)'")
        }
        return try (values[name] ?? []).map { v in
            guard let typed = v.value as? V else {
                throw PipelineError.port(stage: stage, port: name, reason: "expected \(port.type.valueTypeName), found \(type(of: v.value))")
            }
            return (v.source, typed)
        }
    }

    /// The value of a required single input (the executor runs a stage only when it has one).
    public func one<V>(_ name: String, _ port: Port<V>) throws -> V {
        guard let v = try checked(name, port).first?.value else {
            throw PipelineError.port(stage: stage, port: name, reason: "no value arrived on input '\(name)'")
        }
        return v
    }

    /// The value of an optional input, nil when unconnected or its stage produced nothing.
    public func optional<V>(_ name: String, _ port: Port<V>) throws -> V? {
        try checked(name, port).first?.value
    }

    /// Every value of a `many` (or `first`) input, in `in = [...]` order, with its source reference.
    public func all<V>(_ name: String, _ port: Port<V>) throws -> [(source: String, value: V)] {
        try checked(name, port)
    }
}

/// What a stage produced, by output name. The executor checks each entry against the stage's
/// declared outputs (name and type); an absent name means "nothing produced".
public struct StageOutputs: Sendable {
    struct Entry: @unchecked Sendable {
        let type: PortType
        let value: any Sendable
    }

    var entries: [String: Entry] = [:]

    public init() {}

    public init<V>(_ name: String, _ port: Port<V>, _ value: V) {
        set(name, port, value)
    }

    public mutating func set<V>(_ name: String, _ port: Port<V>, _ value: V) {
        entries[name] = Entry(type: port.type, value: value)
    }

    /// The value of output `name` when it is of `port`'s type.
    public func value<V>(_ name: String, _ port: Port<V>) -> V? {
        guard let e = entries[name], e.type == port.type else { return nil }
        return e.value as? V
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The first value of `port`'s type, whatever its output name (for stages that take an item
    /// from a source they do not name).
    public func first<V>(_ port: Port<V>) -> V? {
        entries.values.lazy.filter { $0.type == port.type }.compactMap { $0.value as? V }.first
    }

    /// The answer among the outputs, for answering stages.
    public var answer: (any ConfidenceCarrying)? {
        entries.values.lazy.compactMap { $0.value as? any ConfidenceCarrying }.first
    }
}

/// Answers carry a confidence the executor compares with the stage's `accept`.
public protocol ConfidenceCarrying: Sendable {
    var confidence: Double { get }
}

public enum Confidence {
    /// The largest confidence an answer may claim: a probability of exactly 1 is never warranted
    /// by finite data, and `accept = 1` is how a pipeline (or a calibration that met no target)
    /// says "accept nothing".
    public static let maximum = 1 - 1e-6
}

/// A request-scoped value a stage can read from its run context, typed by its key.
public struct ContextKey<Value: Sendable>: Sendable, Hashable {
    public let name: String
    public init(_ name: String) { self.name = name }
}

/// What a stage can learn about the run it is part of, and how it reports progress.
public protocol RunContext: AnyObject, Sendable {
    /// The request-scoped value under `key` (the question, the asker, the index snapshot...).
    func value<V>(_ key: ContextKey<V>) -> V?
    /// Streams a notification to the client (progress, partial answer tokens).
    func emit(_ event: String, _ payload: JSONObject)
}

extension RunContext {
    /// The value under `key`, or an error naming what the stage needed and did not get.
    public func require<V>(_ key: ContextKey<V>, for stage: String) throws -> V {
        guard let v = value(key) else { throw PipelineError.missingContext(stage: stage, key: key.name) }
        return v
    }
}

/// A runnable stage, bound once per (re)load from its plan and its resources.
public protocol Stage: Sendable {
    func run(_ inputs: StageInputs, _ context: RunContext) throws -> StageOutputs
}

/// A stage whose run reads its inputs and nothing else (not the context, not the snapshot): the
/// executor may run it on a thread of its own while the stages beside it run (the question's
/// embedding while BM25 searches).
public protocol ContextFreeStage: Stage {}

/// A stage with effects of its own to apply once its whole pipeline set is bound and about to
/// serve (e.g. vector search setting the index's graph parameters). Never called for a set that
/// failed to bind, so a rejected reload changes nothing.
public protocol Installing: Stage {
    func install()
}

/// A source that yields many items per run (the ingest walker yields one per file). The run's
/// orchestrator feeds each item through the rest of the pipeline.
public protocol ProducingStage: Stage {
    func produce(_ context: RunContext, _ each: (StageOutputs) throws -> Void) throws
}

/// A sink that decides, per item from the source, whether the rest of the pipeline has work to do
/// (the index writer skips files it already mirrors), and records how each admitted item ended.
public protocol AdmittingStage: Stage {
    /// The item to run the pipeline on (it may replace it, e.g. with the file's bytes, read
    /// once), or nil when there is nothing to do.
    func admit(_ item: StageOutputs, _ context: RunContext) throws -> StageOutputs?
    /// Called after the pipeline ran on an admitted item, with what every stage did.
    func complete(_ item: StageOutputs, _ result: RunResult, _ context: RunContext) throws
}

/// A stage with work at the start and end of a run (beyond its per-item work): `begin` in
/// declaration order before the first item, `finish` in reverse order after the last.
public protocol RunLifecycle: Stage {
    func begin(_ context: RunContext) throws
    func finish(_ context: RunContext) throws
}
