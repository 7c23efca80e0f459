// What a stage kind declares — its parameters (name, type, bounds, default), typed inputs and
// outputs, role, and a pure check of its parameters against each other — and how to bind a plan
// of it to resources. The declaration is all that linking reads; `bind` is the only place a kind
// touches the index, models or sockets, and it runs only after every pipeline linked.
import Config

/// How a kind takes part in a pipeline.
public enum StageRole: String, Sendable, Equatable {
    /// Produces the pipeline's starting values (the question, the files); needs no inputs.
    case source
    /// Transforms values.
    case transform
    /// Ends a branch (e.g. writes to the index); needs no consumer.
    case sink
    /// Answers the question; has an `accept` threshold and takes part in the cascade.
    case answering
}

/// A kind's declaration: everything the parse and link phases need, and nothing that binds.
public struct StageKindInfo: Sendable {
    public let name: String
    public let summary: String
    /// The pipelines this kind may appear in ("ask", "ingest").
    public let pipelines: Set<String>
    public let role: StageRole
    public let parameters: [ParameterSpec]
    public let inputs: [InputSpec]
    public let outputs: [OutputSpec]
    /// Problems with a plan's parameters taken together (e.g. one weight per input); each string
    /// is one error message. Pure: runs while linking, in the daemon and in a worker alike.
    public let check: @Sendable (StagePlan) -> [String]
    /// For kinds that run in a worker process the daemon supervises when the stage names a
    /// `socket`: the arguments of `nerved worker` for this plan (nil: the user runs the process).
    public let worker: (@Sendable (StagePlan) -> [String])?
    /// The feature names the kind's confidence is computed from, when it is calibrated; a
    /// calibration file must name exactly these.
    public let features: [String]?
    /// For kinds that choose among candidates with a learned selector: the candidates' feature
    /// names, which the stage's `<id>.selector.toml` must name exactly.
    public let selectorFeatures: [String]?
}

/// A registered kind: its declaration and how to bind it to resources of type `Resources`.
public struct StageKind<Resources>: Sendable {
    public let info: StageKindInfo
    public let bind: @Sendable (StagePlan, Resources) throws -> any Stage

    public init(name: String, summary: String, pipelines: Set<String>, role: StageRole, parameters: [ParameterSpec] = [],
                inputs: [InputSpec] = [], outputs: [OutputSpec] = [], features: [String]? = nil, selectorFeatures: [String]? = nil,
                check: @escaping @Sendable (StagePlan) -> [String] = { _ in [] },
                worker: (@Sendable (StagePlan) -> [String])? = nil,
                bind: @escaping @Sendable (StagePlan, Resources) throws -> any Stage) {
        info = StageKindInfo(name: name, summary: summary, pipelines: pipelines, role: role, parameters: parameters,
                             inputs: inputs, outputs: outputs, check: check, worker: worker, features: features,
                             selectorFeatures: selectorFeatures)
        self.bind = bind
    }

    public var name: String { info.name }
}
