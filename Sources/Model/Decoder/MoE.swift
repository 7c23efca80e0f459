// The mixture-of-experts block: router → softmax → top-k → per-architecture renormalisation →
// only the chosen experts' weights are read → weighted sum; per-expert load counters per layer.
// Tokens are grouped by expert, so in prefill each expert's weights stream once for all its
// tokens. ref: llama.cpp src/llama-graph.cpp build_moe_ffn (softmax gating, norm_w, w_scale).
import Tensor

/// How router logits become the experts a token uses, as llama.cpp's build_moe_ffn with
/// softmax gating computes it.
public enum MoERouting {
    /// llama.cpp clamps the sum of the chosen weights below by the smallest normal f16 before
    /// dividing ("Avoid division by zero").
    public static let minimumWeightSum: Float = 6.103515625e-5

    /// Softmax over all `experts` logits (in place: `logits` becomes the probabilities), the
    /// `used` most probable experts best first (ties: lower id first) into `ids`, their
    /// probabilities into `weights` — divided by their sum when `normalize`, then multiplied by
    /// `scale` unless it is 0 or 1.
    public static func route(logits: UnsafeMutablePointer<Float>, experts: Int, used: Int, normalize: Bool,
                             scale: Float = 0, ids: UnsafeMutablePointer<Int32>, weights: UnsafeMutablePointer<Float>) {
        DecoderKernels.softmax(logits, count: experts)
        for s in 0..<used {
            var best = -1
            var bestP = -Float.infinity
            for e in 0..<experts where logits[e] > bestP {
                var taken = false
                for j in 0..<s where ids[j] == Int32(e) { taken = true }
                if !taken { best = e; bestP = logits[e] }
            }
            if best < 0 {                          // NaN probabilities: take the first free ids
                best = (0..<experts).first { e in !(0..<s).contains { ids[$0] == Int32(e) } } ?? 0
                bestP = 0
            }
            ids[s] = Int32(best)
            weights[s] = bestP
        }
        if normalize {
            // ggml_sum_rows adds in double, then rounds once.
            var total: Double = 0
            for s in 0..<used { total += Double(weights[s]) }
            let sum = max(Float(total), minimumWeightSum)
            for s in 0..<used { weights[s] /= sum }
        }
        if scale != 0 && scale != 1 {
            for s in 0..<used { weights[s] *= scale }
        }
    }

    /// `route` on an array: the chosen experts, best first, with their weights.
    public static func route(logits: [Float], used: Int, normalize: Bool, scale: Float = 0) -> [(expert: Int, weight: Float)] {
        var p = logits
        var ids = [Int32](repeating: 0, count: used), w = [Float](repeating: 0, count: used)
        p.withUnsafeMutableBufferPointer { pb in
            ids.withUnsafeMutableBufferPointer { ib in
                w.withUnsafeMutableBufferPointer { wb in
                    if let pp = pb.baseAddress, let ip = ib.baseAddress, let wp = wb.baseAddress {
                        route(logits: pp, experts: logits.count, used: used, normalize: normalize, scale: scale, ids: ip, weights: wp)
                    }
                }
            }
        }
        return (0..<used).map { (Int(ids[$0]), w[$0]) }
    }
}

extension ForwardPass {
    /// `blockOut = Σ_slots weight · expert(h)` for every token (plus the shared expert, by the
    /// architectures that have one). Counts each choice in `expertCounts`.
    func mixtureOfExperts(_ w: MoEWeights, layer: Int) {
        guard let m = state.moe else { return }
        let c = config, n = tokens, ne = c.experts, k = c.expertsUsed, e = c.embedding
        let width = w.experts.width
        let acts = state.activations
        acts.prepare(h, stride: e, tokens: n, width: e)

        // Router: logits [n, experts] → probabilities → chosen [n, k] and weights [n, k].
        let logits = m.routerLogits.floats, chosen = m.chosen.ints, weights = m.weights.floats
        linear(w.router, into: logits, stride: ne)
        for t in 0..<n {
            MoERouting.route(logits: logits + t * ne, experts: ne, used: k, normalize: c.normalizeExpertWeights,
                             ids: chosen + t * k, weights: weights + t * k)
        }
        let counts = layer * ne
        for a in 0..<(n * k) { expertCounts[counts + Int(chosen[a])] += 1 }
        if routingLog != nil { routingLog?[layer].append(contentsOf: UnsafeBufferPointer(start: chosen, count: n * k)) }

        // Group (token, slot) assignments by expert (a counting sort): expert x's tokens are
        // tokenOf[start[x] ..< start[x+1]]; slotOf[t·k + s] says where (t, s)'s row went.
        let start = m.expertStart.ints, tokenOf = m.tokenOf.ints, slotOf = m.slotOf.ints
        for x in 0...ne { start[x] = 0 }
        for a in 0..<(n * k) { start[Int(chosen[a]) + 1] += 1 }
        for x in 0..<ne { start[x + 1] += start[x] }
        let fill = m.expertScratch.ints                       // next free assignment per expert
        for x in 0..<ne { fill[x] = start[x] }
        for t in 0..<n {
            for s in 0..<k {
                let x = Int(chosen[t * k + s])
                let a = Int(fill[x])
                fill[x] += 1
                tokenOf[a] = Int32(t)
                slotOf[t * k + s] = Int32(a)
            }
        }

        // gate and up of every chosen expert over its tokens: [assignments, width] each.
        let gate = m.gate.floats, up = m.up.floats
        let xg = acts.rows(w.experts.gate.stacked.format.linearActivationFormat, pool: pool)
        let xu = acts.rows(w.experts.up.stacked.format.linearActivationFormat, pool: pool)
        forEachExpertChunk(rows: width, starts: start, experts: ne, jobsPerExpert: 2) { x, job, rows in
            let first = Int(start[x]), count = Int(start[x + 1]) - first
            let tensor = job == 0 ? w.experts.gate : w.experts.up
            let src = job == 0 ? xg : xu
            let rowsIn = ActivationRows(base: src.base, stride: src.stride, index: tokenOf + first)
            Linear.multiply(tensor.expert(x), rows: rows, x: rowsIn, tokens: count,
                            y: (job == 0 ? gate : up) + first * width, yStride: width)
        }

        // silu(gate) ⊙ up, converted to the down projections' activation format.
        let assignments = n * k
        let downFormat = w.experts.down.stacked.format.linearActivationFormat
        let hidden = m.hidden.pointer, hiddenBytes = m.hiddenRowBytes
        let small = assignments * width < 1 << 16           // decode: a few microseconds, no hand-off
        pool.parallelFor(assignments, grain: small ? assignments : max(1, pool.grain(assignments, perThread: 2))) { range in
            for a in range {
                let g = gate + a * width
                DecoderKernels.swiglu(gate: g, up: up + a * width, count: width, into: g)
                quantizeActivations(g, count: width, format: downFormat, into: hidden + a * hiddenBytes)
            }
        }

        // down of every chosen expert: [assignments, embedding].
        let down = m.down.floats
        forEachExpertChunk(rows: e, starts: start, experts: ne, jobsPerExpert: 1) { x, _, rows in
            let first = Int(start[x]), count = Int(start[x + 1]) - first
            let rowsIn = ActivationRows(base: UnsafeRawPointer(hidden + first * hiddenBytes), stride: hiddenBytes)
            Linear.multiply(w.experts.down.expert(x), rows: rows, x: rowsIn, tokens: count,
                            y: down + first * e, yStride: e)
        }

        // Weighted sum in slot order (best expert first), as llama.cpp multiplies the expert
        // outputs by their weights (rounded) and then adds the views one by one.
        let out = blockOut
        pool.parallelFor(n, grain: n < 8 ? n : pool.grain(n, perThread: 2)) { range in
            for t in range {
                let o = out + t * e
                for s in 0..<k {
                    let row = down + Int(slotOf[t * k + s]) * e, wt = weights[t * k + s]
                    if s == 0 {
                        for i in 0..<e { o[i] = row[i] * wt }
                    } else {
                        DecoderKernels.addProduct(row, scale: wt, count: e, into: o)
                    }
                }
            }
        }
    }

    /// Runs `body(expert, job, rowRange)` for every expert with tokens, every job index below
    /// `jobsPerExpert` and every row chunk of `rows`, spread over the pool. Chunks are whole
    /// 16-row groups, about 16 per thread over all experts' work: in decode a chunk of 16 rows
    /// was ~1 µs of streaming, too little for the cost of a kernel call.
    private func forEachExpertChunk(rows: Int, starts: UnsafeMutablePointer<Int32>, experts: Int, jobsPerExpert: Int,
                                    _ body: (Int, Int, Range<Int>) -> Void) {
        guard let m = state.moe else { return }
        // Active experts, packed: expertScratch[i] is the i-th expert with tokens.
        let active = m.expertScratch.ints
        var count = 0
        for x in 0..<experts where starts[x + 1] > starts[x] {
            active[count] = Int32(x)
            count += 1
        }
        let unit = Linear.rowGrain
        let grain = min(max(unit, pool.grain(count * jobsPerExpert * rows, perThread: 16, minimum: unit) / unit * unit),
                        (rows + unit - 1) / unit * unit)
        let chunks = (rows + grain - 1) / grain
        let perExpert = chunks * jobsPerExpert
        pool.parallelFor(count * perExpert, grain: 1) { items in
            for item in items {
                let x = Int(active[item / perExpert])
                let r = item % perExpert
                let job = r / chunks, chunk = r % chunks
                body(x, job, (chunk * grain)..<min(rows, (chunk + 1) * grain))
            }
        }
    }
}
