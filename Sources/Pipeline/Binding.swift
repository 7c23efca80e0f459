// Binding: a linked plan becomes runnable stages attached to resources (index, models, sockets).
// The one place kinds' `bind` runs, in the daemon and in a worker alike. A stage that names a
// `socket` is bound to a RemoteStage instead, which sends its plan and inputs to the process
// serving that socket. Nothing a stage does to shared state happens here: effects wait for
// `install`, which the caller runs only once every pipeline of a set is bound.

/// A plan with its stages bound, index-aligned with `plan.stages`.
public final class BoundPipeline: Sendable {
    public let plan: PipelinePlan
    public let stages: [any Stage]
    let codecs: Catalog

    init(plan: PipelinePlan, stages: [any Stage], codecs: Catalog) {
        self.plan = plan
        self.stages = stages
        self.codecs = codecs
    }

    /// Applies the stages' own effects (see `Installing`), in declaration order.
    public func install() {
        for case let s as any Installing in stages { s.install() }
    }

    /// The bound stage with `id`.
    public func stage(_ id: String) -> (any Stage)? {
        plan.stages.firstIndex { $0.id == id }.map { stages[$0] }
    }

    /// Bound stages adopting protocol `P`, with their plans, in declaration order.
    public func stages<P>(as: P.Type) -> [(plan: StagePlan, stage: P)] {
        zip(plan.stages, stages).compactMap { p, s in (s as? P).map { (p, $0) } }
    }
}

public enum Binder {
    /// Binds every stage of `plan`.
    /// - Parameter transport: how to reach stages that run in other processes (nil: none can,
    ///   and a stage with a `socket` fails to bind).
    /// - Throws: `PipelineError.bind` naming the first stage that cannot be bound.
    public static func bind<R>(_ plan: PipelinePlan, registry: Registry<R>, resources: R,
                               transport: (any StageTransport)? = nil) throws -> BoundPipeline {
        let catalog = registry.catalog
        let stages = try plan.stages.map { p -> any Stage in
            if let socket = p.socket {
                guard let transport else {
                    throw PipelineError.bind(stage: p.id, kind: p.kind.name, reason: "no transport to reach \(socket) in this process")
                }
                return RemoteStage(plan: p, socket: socket, transport: transport, catalog: catalog)
            }
            return try bind(p, registry: registry, resources: resources)
        }
        return BoundPipeline(plan: plan, stages: stages, codecs: catalog)
    }

    /// Binds one stage in this process (a worker binds the plans it receives through here).
    public static func bind<R>(_ p: StagePlan, registry: Registry<R>, resources: R) throws -> any Stage {
        guard let kind = registry.kind(p.kind.name) else {
            throw PipelineError.unknownKind(kind: p.kind.name, hosted: registry.kinds.keys.sorted())
        }
        do { return try kind.bind(p, resources) } catch let e as PipelineError {
            throw e
        } catch {
            throw PipelineError.bind(stage: p.id, kind: p.kind.name, reason: "\(error)")
        }
    }
}
