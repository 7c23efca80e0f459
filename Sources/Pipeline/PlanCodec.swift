// A stage plan as JSON, for the `stage.run` wire method: the daemon sends the plan of a stage that
// runs in a worker, and the worker decodes it through the same parameter table and the same
// plan checks as the pipeline loader, then binds it with the same code. So a stage in a worker is
// the same stage: same parameters, same calibration, same diagnostics for bad values.
import Config
import JSON
import Learn

public enum PlanCodec {
    public static func encode(_ plan: StagePlan) -> JSON {
        var o = JSONObject()
        o["id"] = .string(plan.id)
        o["kind"] = .string(plan.kind.name)
        o["parameters"] = .object(JSONObject(plan.parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value.json) }))
        if let a = plan.accept { o["accept"] = .double(a) }
        o["base"] = .string(plan.baseDirectory)
        o["references"] = .array(plan.references.map { .string($0) })
        // The model file's own text: the worker parses it with the same reader as the loader.
        if let c = plan.calibration { o["calibration"] = .string(c.render()) }
        if let s = plan.selector { o["selector"] = .string(s.render()) }
        return .object(o)
    }

    /// The plan `json` describes, checked as a pipeline file's stage would be.
    /// - Throws: `PipelineError.invalid` with the diagnostics (file "stage.run"), or
    ///   `.unknownKind` when this process does not host the kind.
    public static func decode(_ json: JSON, catalog: Catalog) throws -> StagePlan {
        var d = Diagnostics(file: "stage.run")
        guard let o = json.objectValue, let id = o["id"]?.stringValue, let kindName = o["kind"]?.stringValue else {
            d.error(nil, "a stage plan needs 'id' and 'kind' strings")
            throw PipelineError.invalid(diagnostics: d.list)
        }
        guard let kind = catalog.kind(kindName) else {
            throw PipelineError.unknownKind(kind: kindName, hosted: catalog.kinds.keys.sorted())
        }
        var given: [(key: String, keyLocation: SourceLocation?, raw: RawParameter)] = []
        if let p = o["parameters"] {
            guard let params = p.objectValue else {
                d.error(nil, "'parameters' must be an object, found \(p.typeName)")
                throw PipelineError.invalid(diagnostics: d.list)
            }
            given = params.map { (key: $0.key, keyLocation: nil, raw: raw($0.value)) }
        }
        let parameters = ParameterTable.check(given, kind: kind, stageLocation: nil, &d)
        var accept: Double?
        if let a = o["accept"] {
            if let x = a.doubleValue, (0...1).contains(x) { accept = x } else { d.error(nil, "'accept' must be a number between 0 and 1") }
        } else if kind.role == .answering {
            d.error(nil, "answering stage '\(id)' needs an 'accept' threshold")
        }
        func model(_ key: String) -> LearnedModel? {
            guard let c = o[key] else { return nil }
            guard let text = c.stringValue else {
                d.error(nil, "'\(key)' must be a learned model file's text, found \(c.typeName)")
                return nil
            }
            do { return try LearnedModel.parse(bytes: Array(text.utf8), file: "stage.run " + key) } catch {
                d.error(nil, "\(key): \(error)")
                return nil
            }
        }
        let calibration = model("calibration"), selector = model("selector")
        let references = (o["references"]?.arrayValue ?? []).compactMap(\.stringValue)
        let plan = StagePlan(id: id, kind: kind, parameters: parameters, accept: accept, baseDirectory: o["base"]?.stringValue ?? ".",
                             calibration: calibration, selector: selector, references: references)
        if !d.hasErrors { for problem in PlanCheck.problems(plan) { d.error(nil, problem) } }
        if d.hasErrors { throw PipelineError.invalid(diagnostics: d.list) }
        return plan
    }

    static func raw(_ j: JSON) -> RawParameter {
        switch j {
        case let .string(s): return RawParameter(.string(s))
        case let .int(n): return RawParameter(.integer(n))
        case let .double(x): return RawParameter(.float(x))
        case let .bool(b): return RawParameter(.boolean(b))
        case let .array(a): return RawParameter(.array(a.map(raw)))
        default: return RawParameter(.other(typeName: j.typeName))
        }
    }
}

/// The checks of a plan that look at its parameters together: the kind's own rule, and that a
/// calibration names exactly the features the kind computes.
enum PlanCheck {
    static func problems(_ plan: StagePlan) -> [String] {
        var out = plan.kind.check(plan).map { "stage '\(plan.id)' (\(plan.kind.name)): \($0)" }
        if let c = plan.calibration {
            if let features = plan.kind.features {
                if c.features != features {
                    out.append("stage '\(plan.id)': the calibration's features \(c.features) are not the ones '\(plan.kind.name)' computes \(features); re-run `nerve calibrate`")
                }
            } else {
                out.append("stage '\(plan.id)' (\(plan.kind.name)) computes no calibrated confidence, but the calibration folder has a model for it")
            }
        }
        switch (plan.kind.selectorFeatures, plan.selector) {
        case let (wanted?, s?) where s.features != wanted:
            out.append("stage '\(plan.id)': the selector's features \(s.features) are not the ones '\(plan.kind.name)' computes \(wanted); re-run `nerve calibrate`")
        case (_?, nil) where plan.calibration != nil:
            out.append("stage '\(plan.id)' has a confidence model but no \(plan.id).selector.toml to choose its candidates with; re-run `nerve calibrate`")
        case (nil, _?):
            out.append("stage '\(plan.id)' (\(plan.kind.name)) does not choose among candidates, but the calibration folder has a selector for it")
        default: break
        }
        return out
    }
}

extension ParameterValue {
    /// The JSON form, as a plan carries a stage's parameters to a worker.
    public var json: JSON {
        switch self {
        case let .string(s): return .string(s)
        case let .integer(n): return .int(Int64(n))
        case let .float(d): return .double(d)
        case let .boolean(b): return .bool(b)
        case let .strings(a): return .array(a.map { .string($0) })
        case let .floats(a): return .array(a.map { .double($0) })
        }
    }
}
