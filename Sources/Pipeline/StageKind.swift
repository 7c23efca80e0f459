// What a stage kind declares: its parameters (name, type, bounds, default), the typed inputs it
// accepts and the typed outputs it produces, and how to build a runnable stage from a checked
// configuration. The registry holds a closed set of kinds; nothing is resolved by name at run time.
import Config
import JSON

/// The type of a value flowing between stages, e.g. `text`, `hits`, `answer`.
public struct PortType: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

public struct InputSpec: Sendable {
    public let name: String
    public let type: PortType
    /// `many` inputs take any number of references (zero only when `optional`).
    public let many: Bool
    public let optional: Bool

    public init(_ name: String, _ type: PortType, many: Bool = false, optional: Bool = false) {
        self.name = name
        self.type = type
        self.many = many
        self.optional = optional
    }
}

public struct OutputSpec: Sendable {
    public let name: String
    public let type: PortType
    public init(_ name: String, _ type: PortType) {
        self.name = name
        self.type = type
    }
}

/// How a kind takes part in a pipeline.
public enum StageRole: Sendable, Equatable {
    /// Produces the pipeline's starting values (the question, the files); needs no inputs.
    case source
    /// Transforms values.
    case transform
    /// Ends a branch (e.g. writes to the index); needs no consumer.
    case sink
    /// Answers the question; has an `accept` threshold and takes part in the cascade.
    case answering
}

/// A registered stage kind.
public struct StageKind: Sendable {
    public let name: String
    public let summary: String
    /// The pipelines this kind may appear in ("ask", "ingest").
    public let pipelines: Set<String>
    public let role: StageRole
    public let parameters: [ParameterSpec]
    public let inputs: [InputSpec]
    public let outputs: [OutputSpec]
    public let make: @Sendable (StageConfig) throws -> any Stage
    /// For kinds that run in a worker process the daemon supervises when the stage names a
    /// `socket`: the arguments of `nerved worker` for this stage (nil: the user runs the process).
    public let worker: (@Sendable (StageConfig) -> [String])?

    public init(name: String, summary: String, pipelines: Set<String>, role: StageRole, parameters: [ParameterSpec] = [],
                inputs: [InputSpec] = [], outputs: [OutputSpec] = [], worker: (@Sendable (StageConfig) -> [String])? = nil,
                make: @escaping @Sendable (StageConfig) throws -> any Stage) {
        self.worker = worker
        self.name = name
        self.summary = summary
        self.pipelines = pipelines
        self.role = role
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
        self.make = make
    }
}

/// A stage's checked configuration, as its kind's `make` receives it.
public struct StageConfig: Sendable {
    public let id: String
    public let kind: String
    /// Every declared parameter, defaults filled in.
    public let parameters: [String: ParameterValue]
    /// The answering threshold (answering stages only).
    public let accept: Double?
    /// An external process implementing this stage (`socket = ...`).
    public let socket: String?
    /// The folder holding the pipeline file, for resolving relative paths in parameters.
    public let baseDirectory: String
    /// What the pipeline's calibration file says about this stage, if anything.
    public let calibration: StageCalibration?

    public init(id: String, kind: String, parameters: [String: ParameterValue], accept: Double?, socket: String?, baseDirectory: String,
                calibration: StageCalibration? = nil) {
        self.calibration = calibration
        self.id = id
        self.kind = kind
        self.parameters = parameters
        self.accept = accept
        self.socket = socket
        self.baseDirectory = baseDirectory
    }

    // The parse phase guarantees every declared parameter is present with its declared type, so
    // a miss here is a programming error in the kind (a name not in its table), not bad input.
    public func string(_ name: String) -> String {
        guard case let .string(s)? = parameters[name] else { preconditionFailure("\(kind): no string parameter '\(name)'") }
        return s
    }

    public func int(_ name: String) -> Int {
        guard case let .integer(n)? = parameters[name] else { preconditionFailure("\(kind): no integer parameter '\(name)'") }
        return n
    }

    public func double(_ name: String) -> Double {
        switch parameters[name] {
        case let .float(d)?: return d
        case let .integer(n)?: return Double(n)
        default: preconditionFailure("\(kind): no float parameter '\(name)'")
        }
    }

    public func bool(_ name: String) -> Bool {
        guard case let .boolean(b)? = parameters[name] else { preconditionFailure("\(kind): no boolean parameter '\(name)'") }
        return b
    }

    public func strings(_ name: String) -> [String] {
        guard case let .strings(s)? = parameters[name] else { preconditionFailure("\(kind): no strings parameter '\(name)'") }
        return s
    }

    /// A path parameter resolved against the pipeline file's folder.
    public func path(_ name: String) -> String {
        let p = string(name)
        if p.isEmpty || p.hasPrefix("/") { return p }
        return baseDirectory + "/" + p
    }
}

extension ParameterValue {
    /// The JSON form, as `stage.run` sends a stage's parameters to an external process.
    public var json: JSON {
        switch self {
        case let .string(s): return .string(s)
        case let .integer(n): return .int(Int64(n))
        case let .float(d): return .double(d)
        case let .boolean(b): return .bool(b)
        case let .strings(a): return .array(a.map { .string($0) })
        }
    }

    /// Back from JSON, checked against the declared type (external processes receive these).
    public init?(_ j: JSON, as type: ParameterType) {
        switch (type, j) {
        case (.string, .string(let s)), (.choice, .string(let s)): self = .string(s)
        case (.integer, _): guard let n = j.intValue else { return nil }; self = .integer(n)
        case (.float, _): guard let d = j.doubleValue else { return nil }; self = .float(d)
        case (.boolean, .bool(let b)): self = .boolean(b)
        case (.strings, .array(let a)):
            let s = a.compactMap(\.stringValue)
            guard s.count == a.count else { return nil }
            self = .strings(s)
        default: return nil
        }
    }
}
