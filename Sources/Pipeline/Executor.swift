// Runs a linked pipeline on demand: answering stages in declaration order (the cascade), each
// pulling in the stages it depends on, memoised; then every sink. A failed stage leaves its
// outputs absent and the run goes on, so a broken later route never hides an earlier answer.
import JSON
import Posix

public struct StageReport: Sendable {
    public enum Status: String, Sendable { case ran, skipped, failed }
    public let id: String
    public let kind: String
    public let status: Status
    public let ms: Double
    /// For answering stages: the answer's confidence.
    public let confidence: Double?
    /// Why it was skipped or how it failed.
    public let note: String?
}

public struct RunResult: Sendable {
    /// Outputs by stage id, then output name.
    public let outputs: [String: StageOutputs]
    public let reports: [StageReport]
    /// The answering stage whose answer is final, and its answer.
    public let finalStage: String?
    public let finalAnswer: (any ConfidenceCarrying)?
    /// Whether the final answer met its stage's `accept`.
    public let accepted: Bool
}

public enum Executor {
    public static func run(_ p: LinkedPipeline, context: RunContext) -> RunResult {
        var run = Run(p: p, context: context)
        var final: (Int, any ConfidenceCarrying)?
        var accepted = false
        for (i, s) in p.stages.enumerated() where s.kind.role == .answering {
            if accepted {
                run.skip(i, "an earlier stage's answer was accepted")
                continue
            }
            run.evaluate(i)
            guard let answer = run.outputs[i]?.values.compactMap({ $0 as? any ConfidenceCarrying }).first else { continue }
            if answer.confidence >= (s.config.accept ?? 1) {
                final = (i, answer)
                accepted = true
            } else if answer.confidence > (final?.1.confidence ?? -1) {
                final = (i, answer)
            }
        }
        for (i, s) in p.stages.enumerated() where s.kind.role == .sink { run.evaluate(i) }
        var outputs: [String: StageOutputs] = [:]
        for (i, o) in run.outputs { outputs[p.stages[i].id] = o }
        let reports = p.stages.indices.compactMap { run.reports[$0] }
        return RunResult(outputs: outputs, reports: reports, finalStage: final.map { p.stages[$0.0].id },
                         finalAnswer: final?.1, accepted: accepted)
    }
}

private struct Run {
    let p: LinkedPipeline
    let context: RunContext
    var outputs: [Int: StageOutputs] = [:]
    var reports: [Int: StageReport] = [:]

    init(p: LinkedPipeline, context: RunContext) {
        self.p = p
        self.context = context
    }

    mutating func skip(_ i: Int, _ why: String) {
        let s = p.stages[i]
        reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .skipped, ms: 0, confidence: nil, note: why)
    }

    mutating func evaluate(_ i: Int) {
        if reports[i] != nil { return }
        let s = p.stages[i]
        var values: [String: [PortValue]] = [:]
        for spec in s.kind.inputs {
            var got: [PortValue] = []
            for (src, out) in s.inputs[spec.name] ?? [] {
                evaluate(src)
                if let v = outputs[src]?[out] { got.append(PortValue(spec.type, v)) }
            }
            if got.isEmpty && !spec.optional && !(s.inputs[spec.name] ?? []).isEmpty {
                let sources = (s.inputs[spec.name] ?? []).map { p.stages[$0.stage].id + "." + $0.output }.joined(separator: ", ")
                skip(i, "no value for input '\(spec.name)' (from \(sources))")
                return
            }
            values[spec.name] = got
        }
        let start = ContinuousClock.now
        do {
            let out: StageOutputs
            if let socket = s.config.socket {
                out = try External.run(stage: s, socket: socket, inputs: values, codecs: p.codecs, context: context)
            } else {
                out = try s.stage.run(StageInputs(values), context)
            }
            outputs[i] = out
            let confidence = out.values.compactMap { ($0 as? any ConfidenceCarrying)?.confidence }.first
            reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .ran, ms: (ContinuousClock.now - start).milliseconds,
                                     confidence: confidence, note: nil)
        } catch {
            reports[i] = StageReport(id: s.id, kind: s.kind.name, status: .failed, ms: (ContinuousClock.now - start).milliseconds,
                                     confidence: nil, note: "\(error)")
        }
    }
}

/// Out-of-process stages: inputs and outputs cross the socket as JSON through the port codecs
/// the linker has checked exist.
enum External {
    static func run(stage s: LinkedStage, socket: String, inputs: [String: [PortValue]], codecs: [PortType: PortCodec],
                    context: RunContext) throws -> StageOutputs {
        var payload = JSONObject()
        for (name, vals) in inputs {
            guard let type = s.kind.inputs.first(where: { $0.name == name })?.type, let codec = codecs[type] else { continue }
            payload[name] = .array(vals.map { codec.encode($0.value) })
        }
        var request = JSONObject()
        request["stage"] = .string(s.id)
        request["kind"] = .string(s.kind.name)
        request["parameters"] = .object(JSONObject(s.config.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) }))
        if let a = s.config.accept { request["accept"] = .double(a) }
        request["inputs"] = .object(payload)
        let reply = try context.callExternal(socket: socket, request: request)
        var out: StageOutputs = [:]
        for spec in s.kind.outputs {
            guard let v = reply[spec.name], let codec = codecs[spec.type] else { continue }
            do { out[spec.name] = try codec.decode(v) } catch {
                throw PipelineError.stageFailed(stage: s.id, kind: s.kind.name, reason: "external output '\(spec.name)': \(error)")
            }
        }
        return out
    }
}
