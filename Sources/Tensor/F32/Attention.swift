// Bidirectional multi-head scaled dot-product attention (encoder style, no cache) over several
// sequences packed end to end without padding: each token attends to exactly the tokens of its
// own sequence, which is what an attention mask over a padded batch computes.

extension F32 {
    /// Floats of scratch `attention` needs: per job (`Parallel.jobs(for: threads)`), the
    /// transposed keys of one head `[headDim, maxLength rounded up to 16]` and one row of scores.
    public static func attentionScratchCount(maxLength: Int, headDim: Int, threads: Int) -> Int {
        let padded = (maxLength + 15) / 16 * 16
        return Parallel.jobs(for: threads) * (headDim + 1) * padded
    }

    /// For every sequence s (tokens `offsets[s]..<offsets[s+1]`) and head h:
    /// `out[i, h] = Σ_j softmax_j(q_i·k_j / √headDim) · v_j` over the tokens j of s.
    /// - `qkv`: `[tokens, 3·hidden]`, each row `q | k | v` with `hidden = heads·headDim`, head h
    ///   at columns `h·headDim..<(h+1)·headDim` of each part.
    /// - `out`: `[tokens, hidden]`.
    /// - `scratch`: at least `attentionScratchCount(maxLength:headDim:threads:)` floats for the
    ///   longest sequence. Allocates nothing.
    public static func attention(qkv: UnsafePointer<Float>, offsets: UnsafeBufferPointer<Int>,
                                 heads: Int, headDim: Int, scratch: UnsafeMutablePointer<Float>,
                                 into out: UnsafeMutablePointer<Float>, threads: Int) {
        let sequences = offsets.count - 1
        if sequences <= 0 { return }
        var longest = 0
        for s in 0..<sequences { longest = max(longest, offsets[s + 1] - offsets[s]) }
        let padded = (longest + 15) / 16 * 16
        let pairs = sequences * heads
        let jobs = max(1, min(Parallel.jobs(for: threads), pairs))
        Parallel.run(jobs: jobs, threads: threads) { job in
            let kt = scratch + job * (headDim + 1) * padded          // [headDim, padded]
            let scores = kt + headDim * padded                       // [padded]
            for pair in Parallel.slice(pairs, parts: jobs, part: job) {
                let s = pair / heads, h = pair % heads
                attendHead(qkv, offsets[s], offsets[s + 1] - offsets[s], h, heads, headDim, kt, scores, out)
            }
        }
    }

    /// One head of one sequence of `length` tokens starting at row `start`.
    @inline(__always)
    static func attendHead(_ qkv: UnsafePointer<Float>, _ start: Int, _ length: Int, _ h: Int, _ heads: Int,
                           _ headDim: Int, _ kt: UnsafeMutablePointer<Float>, _ scores: UnsafeMutablePointer<Float>,
                           _ out: UnsafeMutablePointer<Float>) {
        if length == 0 { return }
        let hidden = heads * headDim, stride = 3 * hidden
        let padded = (length + 15) / 16 * 16
        let q = qkv + start * stride + h * headDim                   // row i at q + i·stride
        let k = q + hidden, v = q + 2 * hidden
        // Keys transposed so that one query's scores come out 16 keys per FMA, with no horizontal
        // sums: kt[d][j] = k_j[d], zero in the padding columns.
        for d in 0..<headDim {
            let row = kt + d * padded
            for j in 0..<length { row[j] = k[j * stride + d] }
            for j in length..<padded { row[j] = 0 }
        }
        let scale = F32x16(repeating: 1 / Float(headDim).squareRoot())
        let lane = F32x16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        for i in 0..<length {
            let qi = q + i * stride
            // Scores, 16 keys per vector. Four key chunks at a time (or, for the last chunks,
            // four partial sums over d) so that four independent FMA chains hide FMA latency.
            var j0 = 0
            while j0 + 64 <= padded {
                var a0 = F32x16.zero, a1 = F32x16.zero, a2 = F32x16.zero, a3 = F32x16.zero
                for d in 0..<headDim {
                    let qd = F32x16(repeating: qi[d]), row = kt + d * padded + j0
                    a0.addProduct(qd, load16(row)); a1.addProduct(qd, load16(row + 16))
                    a2.addProduct(qd, load16(row + 32)); a3.addProduct(qd, load16(row + 48))
                }
                store16(a0 * scale, scores + j0); store16(a1 * scale, scores + j0 + 16)
                store16(a2 * scale, scores + j0 + 32); store16(a3 * scale, scores + j0 + 48)
                j0 += 64
            }
            while j0 < padded {
                var a = (F32x16.zero, F32x16.zero, F32x16.zero, F32x16.zero)
                var d = 0
                while d + 4 <= headDim {
                    let row = kt + d * padded + j0
                    a.0.addProduct(F32x16(repeating: qi[d]), load16(row))
                    a.1.addProduct(F32x16(repeating: qi[d + 1]), load16(row + padded))
                    a.2.addProduct(F32x16(repeating: qi[d + 2]), load16(row + 2 * padded))
                    a.3.addProduct(F32x16(repeating: qi[d + 3]), load16(row + 3 * padded))
                    d += 4
                }
                while d < headDim { a.0.addProduct(F32x16(repeating: qi[d]), load16(kt + d * padded + j0)); d += 1 }
                store16(((a.0 + a.1) + (a.2 + a.3)) * scale, scores + j0)
                j0 += 16
            }
            // The padding columns (zero keys) are masked to −inf and the softmax runs over whole
            // vectors: cheaper than its scalar tail handling, and they come out exactly 0.
            let last = padded - 16
            let tail = load16(scores + last).replacing(with: -.infinity, where: lane .>= F32x16(repeating: Float(length - last)))
            store16(tail, scores + last)
            softmax(scores, count: padded)
            // out_i = Σ_j p_j · v_j, 16 output dims per vector, four partial sums over j.
            let o = out + (start + i) * hidden + h * headDim
            var d0 = 0
            while d0 + 16 <= headDim {
                var a = (F32x16.zero, F32x16.zero, F32x16.zero, F32x16.zero)
                let vd = v + d0
                var j = 0
                while j + 4 <= length {
                    a.0.addProduct(F32x16(repeating: scores[j]), load16(vd + j * stride))
                    a.1.addProduct(F32x16(repeating: scores[j + 1]), load16(vd + (j + 1) * stride))
                    a.2.addProduct(F32x16(repeating: scores[j + 2]), load16(vd + (j + 2) * stride))
                    a.3.addProduct(F32x16(repeating: scores[j + 3]), load16(vd + (j + 3) * stride))
                    j += 4
                }
                while j < length { a.0.addProduct(F32x16(repeating: scores[j]), load16(vd + j * stride)); j += 1 }
                store16((a.0 + a.1) + (a.2 + a.3), o + d0)
                d0 += 16
            }
            while d0 < headDim {
                var acc: Float = 0
                for j in 0..<length { acc += scores[j] * v[j * stride + d0] }
                o[d0] = acc
                d0 += 1
            }
        }
    }
}
