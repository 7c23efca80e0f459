// The learned models that turn answering stages' evidence into calibrated probabilities, read at
// plan time: a pipeline names a folder (`calibration = "calibration"`) holding one model file per
// answering stage, `<stage id>.toml` (docs/learned-models.md, written by `nerve calibrate`), and a
// target precision (`target_precision = 0.95`) whose threshold in each file becomes that stage's
// `accept`. Reading a file is part of planning: it touches nothing else.
import Config
import Learn
import Posix

enum Calibrations {
    /// The model files in `folder` for the stages `ids`: `<id>.toml` (the confidence model) and
    /// `<id>.selector.toml` (a candidate selector), each present file parsed, every problem a
    /// diagnostic against that file.
    static func load(folder: String, ids: [String], _ d: inout Diagnostics) -> [String: LearnedModel] {
        var out: [String: LearnedModel] = [:]
        for id in ids {
            for name in [id, id + ".selector"] {
                let path = folder + "/" + name + ".toml"
                guard FileSystem.exists(path) else { continue }
                do {
                    out[name] = try LearnedModel.parse(bytes: try FileSystem.read(path, limit: ModelLimits.fileBytes + 1), file: path)
                } catch let e as LearnError {
                    d.list.append(Diagnostic(.error, file: e.place?.file ?? path, at: e.place?.location, e.message))
                } catch {
                    d.list.append(Diagnostic(.error, file: path, at: nil, "cannot read the stage's learned model: \(error)"))
                }
            }
        }
        return out
    }

    /// The accept threshold `model` gives for `target` precision: its threshold's `accept`, or 1
    /// (accept nothing: confidences stay below 1, see `Confidence.maximum`) when no threshold met
    /// the target on the calibration data; nil when the file has no threshold for that target.
    static func accept(_ model: LearnedModel, target: Double) -> Double?? {
        guard let t = model.thresholds.first(where: { abs($0.targetPrecision - target) < 1e-9 }) else { return nil }
        return .some(t.accept ?? 1)
    }
}

extension LearnedModel {
    /// P(right) for a candidate's margin, kept below 1 (see `Confidence.maximum`).
    public func probability(margin: Double) -> Double {
        min(calibrator?.probability(margin) ?? logistic(margin), Confidence.maximum)
    }
}
