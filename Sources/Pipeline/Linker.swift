// Phase two of the pipeline check: resolve every `in` reference to an existing output of a type
// the stage accepts, reject cycles and stages the source cannot reach, check the pipeline has
// what its role needs and each stage's parameters taken together, and produce the plan. Nothing
// is bound here. Only this file constructs PipelinePlan.
import Config

enum Linker {
    static func link(_ decls: [StageDecl], role: String, path: String, catalog: Catalog, base: String, _ d: inout Diagnostics) -> PipelinePlan? {
        let index = Dictionary(uniqueKeysWithValues: decls.enumerated().map { ($1.id, $0) })
        var wiring: [[String: [(stage: Int, output: String)]]] = Array(repeating: [:], count: decls.count)
        var consumers: [Set<Int>] = Array(repeating: [], count: decls.count)

        for (i, decl) in decls.enumerated() {
            for (ref, at) in decl.refs {
                guard let (src, output) = resolve(ref, at: at, from: decl, decls: decls, index: index, &d) else { continue }
                guard let type = decls[src].kind.outputs.first(where: { $0.name == output })?.type else { continue }
                let slots = decl.kind.inputs.filter { $0.type == type }
                guard !slots.isEmpty else {
                    let accepted = decl.kind.inputs.map { "\($0.name) (\($0.type))" }.joined(separator: ", ")
                    d.error(at, "'\(ref)' is of type '\(type)', which stage '\(decl.id)' (\(decl.kind.name)) does not take",
                            notes: [accepted.isEmpty ? "'\(decl.kind.name)' takes no inputs" : "its inputs: \(accepted)"])
                    continue
                }
                guard let slot = slots.first(where: { $0.takesMany || (wiring[i][$0.name] ?? []).isEmpty }) else {
                    d.error(at, "stage '\(decl.id)' takes one '\(type)' input and already has one",
                            notes: ["remove '\(ref)' or the earlier reference"])
                    continue
                }
                wiring[i][slot.name, default: []].append((src, output))
                consumers[src].insert(i)
            }
            for spec in decl.kind.inputs where !spec.optional && (wiring[i][spec.name] ?? []).isEmpty && !hasUnresolvedRef(decl, spec, decls, index) {
                let candidates = decls.flatMap { other in
                    other.kind.outputs.filter { $0.type == spec.type && other.id != decl.id }.map { "'\(other.id).\($0.name)'" }
                }
                d.error(decl.location, "stage '\(decl.id)' (\(decl.kind.name)) needs an input of type '\(spec.type)' for '\(spec.name)'",
                        notes: candidates.isEmpty ? ["no stage in this pipeline produces '\(spec.type)'"]
                            : ["add one of \(candidates.joined(separator: ", ")) to its in = [...]"])
            }
            if decl.socket != nil {
                let types = decl.kind.inputs.map(\.type) + decl.kind.outputs.map(\.type)
                for t in Set(types) where catalog.portCodecs[t] == nil {
                    d.error(decl.location, "stage '\(decl.id)' cannot run out of process: values of type '\(t)' cannot cross a socket")
                }
            }
        }
        if d.hasErrors { return nil }

        checkCycles(decls, wiring, &d)
        if d.hasErrors { return nil }
        checkReachability(decls, consumers, &d)
        checkRole(decls, role: role, &d)
        for (i, decl) in decls.enumerated() where consumers[i].isEmpty && decl.kind.role != .sink && decl.kind.role != .answering {
            d.warning(decl.location, "the outputs of stage '\(decl.id)' are never used")
        }
        if d.hasErrors { return nil }

        let stages = decls.enumerated().map { i, decl in
            StagePlan(id: decl.id, kind: decl.kind, parameters: decl.parameters, accept: decl.accept, socket: decl.socket,
                      baseDirectory: base, calibration: decl.calibration, selector: decl.selector, references: decl.refs.map(\.ref), wiring: wiring[i],
                      location: decl.location)
        }
        for plan in stages {
            for problem in PlanCheck.problems(plan) { d.error(plan.location, problem) }
            if plan.kind.features != nil, plan.calibration == nil {
                d.warning(plan.location, "stage '\(plan.id)' has no learned model, so its confidence is a score, not a calibrated probability",
                          notes: ["fit one with `nerve calibrate QUESTIONS.jsonl`, then set calibration = \"calibration\" and target_precision at the top"])
            }
        }
        if d.hasErrors { return nil }
        return PipelinePlan(role: role, path: path, stages: stages, warnings: d.list.filter { $0.severity == .warning })
    }

    /// Whether the missing input is explained by a reference that already failed to resolve
    /// (then the resolution error is the one worth reading).
    static func hasUnresolvedRef(_ decl: StageDecl, _ spec: InputSpec, _ decls: [StageDecl], _ index: [String: Int]) -> Bool {
        decl.refs.contains { ref, _ in
            let parts = ref.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let src = index[parts[0]] else { return true }
            return !decls[src].kind.outputs.contains { $0.name == parts[1] }
        }
    }

    static func resolve(_ ref: String, at: SourceLocation, from decl: StageDecl, decls: [StageDecl], index: [String: Int],
                        _ d: inout Diagnostics) -> (Int, String)? {
        let parts = ref.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            d.error(at, "input '\(ref)' must name a stage output as \"stage.output\"")
            return nil
        }
        guard let src = index[parts[0]] else {
            var notes = Suggest.didYouMean(parts[0], among: decls.map(\.id)).map { [$0] } ?? []
            notes.append("stages in this file: " + decls.map(\.id).joined(separator: ", "))
            d.error(at, "no stage named '\(parts[0])'", notes: notes)
            return nil
        }
        if decls[src].id == decl.id {
            d.error(at, "stage '\(decl.id)' cannot take its own output as input")
            return nil
        }
        let outputs = decls[src].kind.outputs
        guard outputs.contains(where: { $0.name == parts[1] }) else {
            var notes = Suggest.didYouMean(parts[1], among: outputs.map(\.name)).map { [$0] } ?? []
            notes.append(outputs.isEmpty ? "'\(parts[0])' (\(decls[src].kind.name)) has no outputs"
                         : "outputs of '\(parts[0])': " + outputs.map { "\($0.name) (\($0.type))" }.joined(separator: ", "))
            d.error(at, "stage '\(parts[0])' has no output '\(parts[1])'", notes: notes)
            return nil
        }
        return (src, parts[1])
    }

    static func checkCycles(_ decls: [StageDecl], _ wiring: [[String: [(stage: Int, output: String)]]], _ d: inout Diagnostics) {
        var state = [Int](repeating: 0, count: decls.count) // 0 new, 1 on stack, 2 done
        var stack: [Int] = []
        var reported = false
        func visit(_ i: Int) {
            if reported { return }
            state[i] = 1
            stack.append(i)
            for src in wiring[i].values.flatMap({ $0.map(\.stage) }) {
                if state[src] == 1 {
                    let cycle = stack[(stack.lastIndex(of: src) ?? 0)...].map { decls[$0].id } + [decls[src].id]
                    d.error(decls[src].location, "stages form a cycle: " + cycle.reversed().joined(separator: " -> "))
                    reported = true
                    return
                }
                if state[src] == 0 { visit(src) }
            }
            stack.removeLast()
            state[i] = 2
        }
        for i in decls.indices where state[i] == 0 { visit(i) }
    }

    static func checkReachability(_ decls: [StageDecl], _ consumers: [Set<Int>], _ d: inout Diagnostics) {
        var reached = Set<Int>()
        var work = decls.indices.filter { decls[$0].kind.role == .source }
        reached.formUnion(work)
        while let i = work.popLast() {
            for c in consumers[i] where reached.insert(c).inserted { work.append(c) }
        }
        for (i, decl) in decls.enumerated() where !reached.contains(i) {
            d.error(decl.location, "stage '\(decl.id)' is unreachable: no path leads to it from the pipeline's source",
                    notes: decl.refs.isEmpty ? ["give it inputs with in = [...]"] : [])
        }
    }

    static func checkRole(_ decls: [StageDecl], role: String, _ d: inout Diagnostics) {
        let top = SourceLocation(line: 1, column: 1)
        let sources = decls.filter { $0.kind.role == .source }
        if sources.isEmpty {
            d.error(top, "the \(role) pipeline has no source stage", notes: [role == "ask" ? "add a stage of kind 'query'" : "add a stage of kind 'walk'"])
        } else if sources.count > 1 {
            d.error(sources[1].location, "the \(role) pipeline has more than one source stage ('\(sources[0].id)' and '\(sources[1].id)')")
        }
        if role == "ask", !decls.contains(where: { $0.kind.role == .answering }) {
            d.error(top, "the ask pipeline has no answering stage", notes: ["add a stage of kind 'answer.extract' with an accept threshold"])
        }
        if role == "ingest", !decls.contains(where: { $0.kind.role == .sink }) {
            d.error(top, "the ingest pipeline has no sink stage", notes: ["add a stage of kind 'index.write'"])
        }
    }
}
