// A stage as planned: its kind's declaration, its checked parameters (every one present, of its
// declared type and within its bounds), its accept threshold, calibration and resolved inputs.
// A plan touches no resource; binding turns it into a runnable stage. The same plan travels to a
// worker process (PlanCodec.swift), so both bind from identical values.
import Config
import Learn

public struct StagePlan: Sendable {
    public let id: String
    public let kind: StageKindInfo
    /// Every declared parameter, defaults filled in.
    public let parameters: [String: ParameterValue]
    /// The answering threshold (answering stages only).
    public let accept: Double?
    /// An external process implementing this stage (`socket = ...`), as an absolute path.
    public let socket: String?
    /// The folder holding the pipeline file, for resolving relative paths in parameters.
    public let baseDirectory: String
    /// The learned model that turns this stage's evidence into a calibrated probability, if the
    /// pipeline's calibration folder has one for it.
    public let calibration: LearnedModel?
    /// The learned selector that ranks the stage's candidates (`<id>.selector.toml`), for kinds
    /// that choose among candidates.
    public let selector: LearnedModel?
    /// The stage's `in = [...]` references, in order (for parameters that pair with them).
    public let references: [String]
    /// For each declared input name, the (stage index, output name) pairs feeding it, in `in`
    /// order. Empty in a worker, which runs the stage alone.
    public let wiring: [String: [(stage: Int, output: String)]]
    /// Where the stage is declared (nil for a plan received over a socket).
    public let location: SourceLocation?

    public init(id: String, kind: StageKindInfo, parameters: [String: ParameterValue], accept: Double? = nil, socket: String? = nil,
                baseDirectory: String = ".", calibration: LearnedModel? = nil, selector: LearnedModel? = nil, references: [String] = [],
                wiring: [String: [(stage: Int, output: String)]] = [:], location: SourceLocation? = nil) {
        self.id = id
        self.kind = kind
        self.parameters = parameters
        self.accept = accept
        self.socket = socket
        self.baseDirectory = baseDirectory
        self.calibration = calibration
        self.selector = selector
        self.references = references
        self.wiring = wiring
        self.location = location
    }

    // Planning guarantees every declared parameter is present with its declared type, so a miss
    // here means a kind reading a name missing from its own table: a programming error caught by
    // the kinds' tests, never something a pipeline file or a request can cause.
    public func string(_ name: String) -> String {
        guard case let .string(s)? = parameters[name] else { preconditionFailure("\(kind.name): no string parameter '\(name)'") }
        return s
    }

    public func int(_ name: String) -> Int {
        guard case let .integer(n)? = parameters[name] else { preconditionFailure("\(kind.name): no integer parameter '\(name)'") }
        return n
    }

    public func double(_ name: String) -> Double {
        switch parameters[name] {
        case let .float(d)?: return d
        case let .integer(n)?: return Double(n)
        default: preconditionFailure("\(kind.name): no float parameter '\(name)'")
        }
    }

    public func bool(_ name: String) -> Bool {
        guard case let .boolean(b)? = parameters[name] else { preconditionFailure("\(kind.name): no boolean parameter '\(name)'") }
        return b
    }

    public func strings(_ name: String) -> [String] {
        guard case let .strings(s)? = parameters[name] else { preconditionFailure("\(kind.name): no strings parameter '\(name)'") }
        return s
    }

    public func floats(_ name: String) -> [Double] {
        guard case let .floats(x)? = parameters[name] else { preconditionFailure("\(kind.name): no floats parameter '\(name)'") }
        return x
    }

    /// A path parameter resolved against the pipeline file's folder.
    public func path(_ name: String) -> String {
        let p = string(name)
        if p.isEmpty || p.hasPrefix("/") { return p }
        return baseDirectory + "/" + p
    }
}

/// A pipeline that passed both checks: stages in declaration order (which is also the cascade
/// order of answering stages). Only the linker constructs one; only a plan can be bound.
public struct PipelinePlan: Sendable {
    /// "ask" or "ingest".
    public let role: String
    public let path: String
    public let stages: [StagePlan]
    /// Warnings found while linking (e.g. a stage whose outputs nobody uses).
    public let warnings: [Diagnostic]

    init(role: String, path: String, stages: [StagePlan], warnings: [Diagnostic]) {
        self.role = role
        self.path = path
        self.stages = stages
        self.warnings = warnings
    }

    public func stage(_ id: String) -> StagePlan? { stages.first { $0.id == id } }
}
