// Calibration files: what `nerve calibrate` learned for each answering stage — the weights that
// turn its evidence into a probability of being right, and the `accept` threshold that meets the
// target precision. A pipeline names one with a top-level `calibration = "FILE"`; a stage's own
// `accept` still wins over the file's.
import Config
import JSON
import Posix

public struct StageCalibration: Sendable, Equatable {
    public var accept: Double?
    /// Feature names, in the order of `weights`; a stage checks they are the ones it computes.
    public var features: [String]
    public var weights: [Double]
    public var bias: Double

    public init(accept: Double?, features: [String], weights: [Double], bias: Double) {
        self.accept = accept
        self.features = features
        self.weights = weights
        self.bias = bias
    }
}

public enum CalibrationFile {
    public static let supportedVersion = 1

    /// Reads `path`; problems become diagnostics against the calibration file (or `at` when it
    /// cannot be read at all).
    static func load(_ path: String, referencedFrom file: String, at: SourceLocation, _ d: inout Diagnostics) -> [String: StageCalibration] {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, limit: 4 << 20) } catch {
            d.error(at, "cannot read calibration file \(path): \(error)")
            return [:]
        }
        let table: TOMLTable
        do { table = try TOML.parse(bytes: bytes) } catch {
            d.list.append(Diagnostic(.error, file: path, at: error.location, error.message))
            return [:]
        }
        var cd = Diagnostics(file: path)
        defer { d.list += cd.list }
        if let v = table["version"], case let .integer(n) = v.value, n > supportedVersion {
            cd.error(v.location, "file is version \(n); this build supports up to \(supportedVersion)")
            return [:]
        }
        guard let stagesNode = table["stage"], case let .table(stages) = stagesNode.value else {
            cd.error(table.location, "a calibration file needs [stage.ID] tables")
            return [:]
        }
        var out: [String: StageCalibration] = [:]
        for e in stages.entries {
            guard case let .table(t) = e.node.value else {
                cd.error(e.keyLocation, "stage.\(e.key) must be a table")
                continue
            }
            var accept: Double?
            if let a = t["accept"] {
                switch a.value {
                case let .float(x) where (0...1).contains(x): accept = x
                case let .integer(n) where n == 0 || n == 1: accept = Double(n)
                default: cd.error(a.location, "accept must be a number between 0 and 1")
                }
            }
            let features = strings(t["features"], "features", &cd)
            let weights = numbers(t["weights"], "weights", &cd)
            var bias = 0.0
            if let b = t["bias"] {
                switch b.value {
                case let .float(x): bias = x
                case let .integer(n): bias = Double(n)
                default: cd.error(b.location, "bias must be a number")
                }
            }
            if features.count != weights.count {
                cd.error(t.location, "stage.\(e.key): \(features.count) features but \(weights.count) weights")
                continue
            }
            out[e.key] = StageCalibration(accept: accept, features: features, weights: weights, bias: bias)
        }
        return out
    }

    static func strings(_ node: TOMLNode?, _ name: String, _ d: inout Diagnostics) -> [String] {
        guard let node else { return [] }
        guard case let .array(items) = node.value else { d.error(node.location, "\(name) must be an array of strings"); return [] }
        return items.compactMap { if case let .string(s) = $0.value { return s }; d.error($0.location, "\(name) must hold strings"); return nil }
    }

    static func numbers(_ node: TOMLNode?, _ name: String, _ d: inout Diagnostics) -> [Double] {
        guard let node else { return [] }
        guard case let .array(items) = node.value else { d.error(node.location, "\(name) must be an array of numbers"); return [] }
        return items.compactMap {
            switch $0.value {
            case let .float(x): return x
            case let .integer(n): return Double(n)
            default: d.error($0.location, "\(name) must hold numbers"); return nil
            }
        }
    }

    /// A stage's calibration as a plan carries it to a worker.
    public static func json(_ c: StageCalibration) -> JSON {
        var o = JSONObject()
        if let a = c.accept { o["accept"] = .double(a) }
        o["features"] = .array(c.features.map { .string($0) })
        o["weights"] = .array(c.weights.map { .double($0) })
        o["bias"] = .double(c.bias)
        return .object(o)
    }

    /// The calibration `json` describes (the form `json(_:)` writes).
    /// - Throws: `PipelineError.port` saying what is malformed.
    public static func decode(_ j: JSON) throws -> StageCalibration {
        func bad(_ why: String) -> PipelineError { .port(stage: "", port: "calibration", reason: why) }
        guard let o = j.objectValue else { throw bad("must be an object") }
        let features = try (o["features"]?.arrayValue ?? []).map { f -> String in
            guard let s = f.stringValue else { throw bad("features must be strings") }
            return s
        }
        let weights = try (o["weights"]?.arrayValue ?? []).map { w -> Double in
            guard let x = w.doubleValue, x.isFinite else { throw bad("weights must be finite numbers") }
            return x
        }
        guard features.count == weights.count else { throw bad("\(features.count) features but \(weights.count) weights") }
        let bias = o["bias"]?.doubleValue ?? 0
        guard bias.isFinite else { throw bad("bias must be a finite number") }
        var accept: Double?
        if let a = o["accept"] {
            guard let x = a.doubleValue, (0...1).contains(x) else { throw bad("accept must be between 0 and 1") }
            accept = x
        }
        return StageCalibration(accept: accept, features: features, weights: weights, bias: bias)
    }

    /// The text of a calibration file: comment lines, then one [stage.ID] table per stage.
    public static func render(_ stages: [(id: String, calibration: StageCalibration)], comments: [String]) -> String {
        func num(_ x: Double) -> String {
            let s = String(x)
            return s.contains(".") || s.contains("e") || s.contains("inf") || s.contains("nan") ? s : s + ".0"
        }
        var out = comments.map { "# " + $0 }.joined(separator: "\n") + "\nversion = 1\n"
        for (id, c) in stages {
            out += "\n[stage.\(id)]\n"
            if let a = c.accept { out += "accept = \(num(a))\n" }
            out += "features = [" + c.features.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n"
            out += "weights = [" + c.weights.map(num).joined(separator: ", ") + "]\n"
            out += "bias = \(num(c.bias))\n"
        }
        return out
    }
}
