// `nerve moefy`: turns a dense llama-family GGUF into a Mixture-of-Experts GGUF (MoEfication,
// Zhang et al. 2022). A dense FFN is already a sum over its neurons, so its neurons are split
// into E equal experts (balanced clustering by co-activation on calibration text), and a linear
// router per layer is fitted by least squares to predict each expert's contribution norm from the
// FFN input. Under Mixtral gating (softmax → top-k → renormalise) the router's logits are scaled
// so the k chosen weights are all ≈ 1/k, and each expert's down projection is multiplied by k:
// the chosen experts then sum to what the dense FFN would have produced from their neurons.
import Foundation
import GGUF
import Tensor

public struct MoefyOptions: Sendable {
    public var input: String
    public var output: String
    public var experts: Int
    public var active: Int
    /// Calibration tokens run through the dense model.
    public var tokens: Int
    /// Tokens per evaluation window.
    public var window: Int
    /// Tokens whose activations describe each neuron for clustering.
    public var clusterTokens: Int
    public var threads: Int
    public var seed: UInt64
    /// Neurons per layer kept in an always-on shared expert (0: none). The neurons carrying the
    /// most output energy on the calibration text are the ones every token would pick anyway.
    public var shared: Int

    public init(input: String, output: String, experts: Int, active: Int, shared: Int = 0, tokens: Int = 4096, window: Int = 512,
                clusterTokens: Int = 2048, threads: Int = Parallel.processors, seed: UInt64 = 0x5EED) {
        self.shared = shared
        self.input = input
        self.output = output
        self.experts = experts
        self.active = active
        self.tokens = tokens
        self.window = window
        self.clusterTokens = clusterTokens
        self.threads = threads
        self.seed = seed
    }
}

/// How well each layer's router does on the calibration tokens.
public struct MoefyLayerReport: Sendable {
    /// Share of the oracle top-k experts (largest contribution) the router also picks.
    public var routerRecall: Double
    /// Share of the dense FFN's summed squared expert contribution norms the chosen experts hold.
    public var capturedEnergy: Double
    /// The same share had the router picked the best k experts for every token (what the
    /// clustering allows; the gap to `capturedEnergy` is the router's).
    public var oracleEnergy: Double
    /// Tokens per expert when routing the calibration tokens.
    public var load: [Int]
}

public struct MoefyReport: Sendable {
    public var calibrationTokens: Int
    public var layers: [MoefyLayerReport]
    public var name: String
    public var seconds: Double
}

public enum Moefy {
    /// Converts `options.input` into `options.output`, learning from `calibrationText`.
    /// `progress(stage, done, total)` reports each phase.
    /// - Throws: `ModelError.hyperparameter` for a model or option this conversion cannot take
    ///   (not a dense llama-family model, width not divisible by the expert count, too little
    ///   text); model and file errors.
    public static func convert(_ o: MoefyOptions, calibrationText: String,
                               progress: (String, Int, Int) -> Void = { _, _, _ in }) throws -> MoefyReport {
        let start = ContinuousClock.now
        let model = try LanguageModel(path: o.input, options: LoadOptions(contextLength: o.window, threads: o.threads))
        let c = model.config
        try check(o, c)
        guard let tokenizer = model.tokenizer else { throw ModelError.hyperparameter(key: "tokenizer", value: "none", reason: "the model file has no tokenizer") }
        let all = tokenizer.encode(calibrationText, addSpecial: false)
        let windows = min(all.count, o.tokens) / o.window
        guard windows >= 1 else {
            throw ModelError.hyperparameter(key: "calibration", value: "\(all.count) tokens", reason: "needs at least \(o.window) tokens of text")
        }
        let capture = try ActivationCapture.run(model, tokens: Array(all.prefix(windows * o.window)), window: o.window) {
            progress("calibrate", $0, windows)
        }
        let n = capture.tokens
        var plans: [MoefyLayerPlan] = []
        var reports: [MoefyLayerReport] = []
        for l in 0..<c.layers {
            let (plan, report) = try fitLayer(l, capture, model: model, o)
            plans.append(plan)
            reports.append(report)
            progress("fit", l + 1, c.layers)
        }
        let sourceName = (try? model.file.metadata.string("general.name")) ?? "model"
        let sharedNote = o.shared > 0 ? " + shared \(o.shared)" : ""
        let name = "\(sourceName) MoEfied \(o.experts)x\((c.feedForward - o.shared) / o.experts) top-\(o.active)\(sharedNote) (nerve moefy, router fitted on \(n) tokens)"
        progress("write", 0, 1)
        try MoefyWriter(source: model.file, architecture: c.architecture.rawValue, layers: plans, experts: o.experts, active: o.active,
                        embedding: c.embedding, feedForward: c.feedForward, name: name, shared: o.shared).write(to: o.output)
        progress("write", 1, 1)
        let elapsed = (ContinuousClock.now - start).components
        return MoefyReport(calibrationTokens: n, layers: reports, name: name,
                           seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    static func check(_ o: MoefyOptions, _ c: DecoderConfig) throws {
        guard c.architecture == .llama, c.experts == 0, c.feedForward > 0 else {
            throw ModelError.hyperparameter(key: "general.architecture", value: c.architecture.rawValue + (c.experts > 0 ? " with \(c.experts) experts" : ""),
                                            reason: "moefy converts dense llama-family models")
        }
        guard o.shared >= 0, o.shared < c.feedForward else {
            throw ModelError.hyperparameter(key: "shared", value: "\(o.shared)", reason: "must be between 0 and the FFN width \(c.feedForward)")
        }
        guard o.experts >= 2, (c.feedForward - o.shared) % o.experts == 0 else {
            throw ModelError.hyperparameter(key: "experts", value: "\(o.experts)",
                                            reason: "must be at least 2 and divide the routed FFN width \(c.feedForward - o.shared)")
        }
        guard o.active >= 1, o.active <= o.experts else {
            throw ModelError.hyperparameter(key: "active", value: "\(o.active)", reason: "must be between 1 and the expert count \(o.experts)")
        }
    }

    /// Clusters layer `l`'s neurons, measures every expert's contribution on each calibration
    /// token, and fits the router.
    static func fitLayer(_ l: Int, _ cap: ActivationCapture, model: LanguageModel, _ o: MoefyOptions) throws -> (MoefyLayerPlan, MoefyLayerReport) {
        let c = model.config, e = c.embedding, ff = c.feedForward, n = cap.tokens
        let E = o.experts, K = o.active
        let act = cap.activations[l] // [n, ff]
        let input = cap.inputs[l] // [n, e]
        let down = try denseDown(l, model) // [e, ff]

        // The shared expert: the neurons with the most output energy, Σ_t a_tj² · ‖down[:, j]‖².
        var energy = [Double](repeating: 0, count: ff)
        for j in 0..<ff {
            var col = 0.0
            for r in 0..<e { col += Double(down[r * ff + j] * down[r * ff + j]) }
            var a2 = 0.0
            for t in 0..<n { a2 += Double(act[t * ff + j] * act[t * ff + j]) }
            energy[j] = col * a2
        }
        let shared = Array(energy.indices.sorted { energy[$0] > energy[$1] }.prefix(o.shared)).sorted()
        let routed = Array(Set(0..<ff).subtracting(shared)).sorted()

        // Neuron j is described by |a_j| over the first clusterTokens tokens: neurons that fire
        // together land in the same expert, so a token needs few experts.
        let sample = min(n, o.clusterTokens)
        var features = [Float](repeating: 0, count: routed.count * sample) // [routed, sample]
        for t in 0..<sample { for (i, j) in routed.enumerated() { features[i * sample + t] = abs(act[t * ff + j]) } }
        let groups = BalancedClustering.cluster(features, count: routed.count, dim: sample, clusters: E, seed: o.seed &+ UInt64(l))
            .map { $0.map { routed[$0] } }

        // Each expert's contribution norm per token: ‖down[:, S] · a_S‖ (dense down, f32).
        var norms = [Float](repeating: 0, count: n * E) // [n, E]
        for (k, group) in groups.enumerated() {
            let v = contributionNorms(group, act: act, down: down, e: e, ff: ff, n: n, threads: o.threads)
            for t in 0..<n { norms[t * E + k] = v[t] }
        }
        let sharedNorms = shared.isEmpty ? [Float](repeating: 0, count: n)
            : contributionNorms(shared, act: act, down: down, e: e, ff: ff, n: n, threads: o.threads)

        var fit = RidgeRegression(inputs: e, outputs: E)
        input.withUnsafeBufferPointer { ib in
            norms.withUnsafeBufferPointer { nb in
                guard let ip = ib.baseAddress, let np = nb.baseAddress else { return }
                for t in 0..<n { fit.add(x: ip + t * e, y: np + t * E) }
            }
        }
        guard var router = fit.solve() else {
            throw ModelError.hyperparameter(key: "calibration", value: "layer \(l)", reason: "the router's least-squares system is singular")
        }

        // Route the calibration tokens with the fitted router to report recall and balance.
        var predicted = [Float](repeating: 0, count: E)
        var recall = 0, load = [Int](repeating: 0, count: E)
        var captured = 0.0, total = 0.0, oracleCaptured = 0.0
        var sum = 0.0, sumSq = 0.0
        for t in 0..<n {
            for k in 0..<E {
                var s: Float = 0
                for d in 0..<e { s += router[k * e + d] * input[t * e + d] }
                predicted[k] = s
                sum += Double(s); sumSq += Double(s * s)
            }
            let chosen = topK(predicted, K)
            let oracle = Set(topK(Array(norms[(t * E)..<((t + 1) * E)]), K))
            recall += chosen.filter { oracle.contains($0) }.count
            let s2 = Double(sharedNorms[t] * sharedNorms[t])
            captured += s2
            oracleCaptured += s2
            for k in oracle { oracleCaptured += Double(norms[t * E + k] * norms[t * E + k]) }
            total += s2
            for k in chosen { load[k] += 1; captured += Double(norms[t * E + k] * norms[t * E + k]) }
            for k in 0..<E { total += Double(norms[t * E + k] * norms[t * E + k]) }
        }
        // Mixtral gating renormalises softmax over the chosen k; near-equal logits make each
        // weight ≈ 1/k, which the ×k on the down projection undoes. Scale so the logits' spread
        // is a few hundredths: the ranking (all routing needs) survives, the weights stay even.
        let count = Double(n * E)
        let std = (sumSq / count - (sum / count) * (sum / count)).squareRoot()
        let alpha = Float(std > 0 ? 0.02 / std : 1)
        for i in router.indices { router[i] *= alpha }
        return (MoefyLayerPlan(groups: groups, shared: shared, router: router),
                MoefyLayerReport(routerRecall: Double(recall) / Double(n * K), capturedEnergy: total > 0 ? captured / total : 0,
                                  oracleEnergy: total > 0 ? oracleCaptured / total : 0, load: load))
    }

    /// The dense down projection of layer `l`, dequantised: `[embedding, feedForward]`.
    static func denseDown(_ l: Int, _ model: LanguageModel) throws -> [Float] {
        let e = model.config.embedding, ff = model.config.feedForward
        let downView = try model.file.view(named: "blk.\(l).ffn_down.weight")
        guard let downFormat = QuantFormat(rawValue: downView.type.rawValue) else {
            throw ModelError.unsupportedTensorType(name: downView.info.name, type: downView.type.name)
        }
        var down = [Float](repeating: 0, count: e * ff) // [e, ff]
        down.withUnsafeMutableBufferPointer { d in
            guard let p = d.baseAddress else { return }
            for r in 0..<e {
                if let src = downView.row(r).baseAddress { dequantize(type: downFormat, src: src, dst: p + r * ff, count: ff) }
            }
        }
        return down
    }

    /// Per token, ‖down[:, group] · a[group]‖: what the group's neurons add to the FFN output.
    static func contributionNorms(_ group: [Int], act: [Float], down: [Float], e: Int, ff: Int, n: Int, threads: Int) -> [Float] {
        let width = group.count
        var sub = [Float](repeating: 0, count: e * width) // [e, width]
        var x = [Float](repeating: 0, count: n * width) // [n, width]
        var y = [Float](repeating: 0, count: n * e) // [n, e]
        for r in 0..<e { for (i, j) in group.enumerated() { sub[r * width + i] = down[r * ff + j] } }
        for t in 0..<n { for (i, j) in group.enumerated() { x[t * width + i] = act[t * ff + j] } }
        sub.withUnsafeBufferPointer { sb in
            guard let sp = sb.baseAddress else { return }
            let packed = PackedMatrix(weights: sp, rows: e, columns: width)
            x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    guard let xp = xb.baseAddress, let yp = yb.baseAddress else { return }
                    F32.matmul(xp, rows: n, weights: packed, bias: nil, into: yp, threads: threads)
                }
            }
        }
        var out = [Float](repeating: 0, count: n)
        for t in 0..<n {
            var s: Float = 0
            for d in 0..<e { s += y[t * e + d] * y[t * e + d] }
            out[t] = s.squareRoot()
        }
        return out
    }

    /// Indices of the k largest values, largest first.
    static func topK(_ v: [Float], _ k: Int) -> [Int] {
        Array(v.indices.sorted { v[$0] > v[$1] }.prefix(k))
    }
}

/// The dense model's FFN inputs (after the FFN norm) and SwiGLU activations for every
/// calibration token and layer, captured through the forward pass's tap.
struct ActivationCapture {
    var tokens = 0
    /// Per layer, `[tokens, embedding]`.
    var inputs: [[Float]]
    /// Per layer, `[tokens, feedForward]`.
    var activations: [[Float]]

    static func run(_ model: LanguageModel, tokens: [Int32], window: Int, progress: (Int) -> Void) throws -> ActivationCapture {
        let c = model.config
        final class Box: @unchecked Sendable {
            var cap: ActivationCapture
            var lastNorm: [Float] = []
            init(_ c: ActivationCapture) { cap = c }
        }
        let box = Box(ActivationCapture(inputs: Array(repeating: [], count: c.layers), activations: Array(repeating: [], count: c.layers)))
        for l in 0..<c.layers {
            box.cap.inputs[l].reserveCapacity(tokens.count * c.embedding)
            box.cap.activations[l].reserveCapacity(tokens.count * c.feedForward)
        }
        model.tap = { name, buffer in
            guard let dash = name.lastIndex(of: "-"), let layer = Int(name[name.index(after: dash)...]) else { return }
            switch name[..<dash] {
            case "norm": box.lastNorm = Array(buffer) // the FFN norm is the layer's last norm before ffn_swiglu
            case "ffn_swiglu":
                box.cap.inputs[layer].append(contentsOf: box.lastNorm)
                box.cap.activations[layer].append(contentsOf: buffer)
            default: break
            }
        }
        defer { model.tap = nil }
        for w in 0..<(tokens.count / window) {
            model.reset()
            try model.evaluate(Array(tokens[(w * window)..<((w + 1) * window)]))
            progress(w + 1)
        }
        model.reset()
        box.cap.tokens = tokens.count / window * window
        return box.cap
    }
}
