// A pipeline that passed both checks. Only the linker constructs one, and only a LinkedPipeline
// can be run, so an unchecked file can never reach the executor.
import Config

public struct LinkedStage: Sendable {
    public let id: String
    public let kind: StageKind
    public let config: StageConfig
    public let stage: any Stage
    /// For each declared input name, the (stage index, output name) pairs feeding it, in `in` order.
    public let inputs: [String: [(stage: Int, output: String)]]
    public let location: SourceLocation
}

public final class LinkedPipeline: Sendable {
    /// "ask" or "ingest".
    public let role: String
    public let path: String
    /// Stages in declaration order (which is also the cascade order of answering stages).
    public let stages: [LinkedStage]
    /// Warnings found while linking (e.g. a stage whose outputs nobody uses).
    public let warnings: [Diagnostic]
    /// JSON codecs for the port types that cross a socket (out-of-process stages).
    public let codecs: [PortType: PortCodec]

    init(role: String, path: String, stages: [LinkedStage], warnings: [Diagnostic], codecs: [PortType: PortCodec]) {
        self.codecs = codecs
        self.role = role
        self.path = path
        self.stages = stages
        self.warnings = warnings
    }

    public func stage(_ id: String) -> LinkedStage? { stages.first { $0.id == id } }

    /// The first stage of a given kind (e.g. the ingest walker).
    public func first(kind: String) -> LinkedStage? { stages.first { $0.kind.name == kind } }
}
