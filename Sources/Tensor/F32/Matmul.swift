// The f32 matrix multiply behind every Linear layer: y = act(x·Wᵀ + b) (+ residual), x row-major
// [rows, k], W prepacked as a PackedMatrix. Register-tiled 8×32 over the whole of k (each y tile
// is written once), rows taken in L2-sized chunks, split over threads by rows (or by output
// panels when there are too few rows).

/// An element-wise function fused into the matmul's final store, while the tile is in registers.
public enum Activation: Sendable {
    case none
    /// GELU, erf form (BERT's "gelu").
    case gelu
}

/// Namespace of the f32 kernels over raw buffers.
public enum F32 {
    /// Rows per register tile (see `tile8`).
    static let rowTile = 8
    /// Rows per chunk: the chunk's x rows stay in L2 while every panel of W streams past them
    /// (64 rows × k=1536 × 4 B = 384 KiB of the 1 MiB L2 here).
    static let rowChunk = 64

    /// `y[rows, n] = act(x[rows, k] · Wᵀ + bias) + residual`, with `n = weights.rows`,
    /// `k = weights.columns`; `bias` is `[n]` or nil, `residual` `[rows, n]` or nil and may not
    /// overlap `y` except exactly (each element is read before it is written); `y` must not overlap
    /// `x`. Allocates nothing. Work is split over up to `threads` threads.
    ///
    /// Why no blocking over k: a tile's 16 accumulators cover all of k, so y is written once;
    /// blocking k kept W in L1 but re-read and re-wrote y once per block, which for the
    /// [tokens, 1536] FFN activations meant streaming megabytes through L3 several times.
    /// Per input index the kernel reads 128 bytes of W (from L2) for 16 FMAs — well within L2
    /// bandwidth.
    public static func matmul(_ x: UnsafePointer<Float>, rows: Int, weights: PackedMatrix,
                              bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil,
                              activation: Activation = .none,
                              into y: UnsafeMutablePointer<Float>, threads: Int) {
        if rows <= 0 { return }
        let panels = weights.panels
        let rowTiles = (rows + rowTile - 1) / rowTile
        let wanted = Parallel.jobs(for: threads)
        // Rows are the better split (each job streams W once per chunk); with few rows (one
        // short query) split the output features instead so every core still works.
        let byRows = rowTiles >= 2 * wanted || rowTiles >= panels
        let jobs = max(1, min(wanted, byRows ? rowTiles : panels))
        Parallel.run(jobs: jobs, threads: threads) { job in
            let rowRange = byRows ? Parallel.slice(rows, parts: jobs, part: job, granule: rowTile) : 0..<rows
            let panelRange = byRows ? 0..<panels : Parallel.slice(panels, parts: jobs, part: job)
            var r0 = rowRange.lowerBound
            while r0 < rowRange.upperBound {
                let r1 = min(r0 + rowChunk, rowRange.upperBound)
                block(x, r0..<r1, weights, panelRange, bias, residual, activation, y)
                r0 = r1
            }
        }
    }

    /// The rows `rowRange` × panels `panelRange` of y, over all of k.
    @inline(__always)
    static func block(_ x: UnsafePointer<Float>, _ rowRange: Range<Int>, _ weights: PackedMatrix,
                      _ panelRange: Range<Int>, _ bias: UnsafePointer<Float>?, _ residual: UnsafePointer<Float>?,
                      _ activation: Activation, _ y: UnsafeMutablePointer<Float>) {
        let n = weights.rows, k = weights.columns, width = PackedMatrix.panelWidth
        for p in panelRange {
            let c0 = p * width
            let w = UnsafePointer(weights.storage + p * k * width)            // [k, 32]
            let e = Epilogue(bias: bias.map { $0 + c0 }, activation: activation, ldy: n)
            var r = rowRange.lowerBound
            if n - c0 >= width {
                while r + rowTile <= rowRange.upperBound {
                    tile8(x + r * k, k, w, k, y + r * n + c0, n, e.rows(from: r, column: c0, residual: residual))
                    r += rowTile
                }
            }
            // The last rows of a chunk (a short query has fewer than 8) in tiles of 4 and 2, so
            // they share W's loads instead of each streaming the panel once more.
            if n - c0 >= width {
                if r + 4 <= rowRange.upperBound {
                    tile4(x + r * k, k, w, k, y + r * n + c0, n, e.rows(from: r, column: c0, residual: residual))
                    r += 4
                }
                if r + 2 <= rowRange.upperBound {
                    tile2(x + r * k, k, w, k, y + r * n + c0, n, e.rows(from: r, column: c0, residual: residual))
                    r += 2
                }
            }
            while r < rowRange.upperBound {
                tile1(x + r * k, w, k, y + r * n + c0, min(width, n - c0), e.rows(from: r, column: c0, residual: residual))
                r += 1
            }
        }
    }

    /// The two ends of a tile's k loop: accumulators start from the bias; the store applies the
    /// activation and adds the residual.
    struct Epilogue {
        let bias: UnsafePointer<Float>?        // [32] at this panel's first column
        let activation: Activation
        let ldy: Int
        var residual: UnsafePointer<Float>? = nil   // [rows, n] at the tile's first row and column

        @inline(__always)
        func rows(from r: Int, column c0: Int, residual base: UnsafePointer<Float>?) -> Epilogue {
            var e = self
            e.residual = base.map { $0 + r * ldy + c0 }
            return e
        }

        @inline(__always)
        func start(_ y: UnsafeMutablePointer<Float>, _ offset: Int) -> F32x16 {
            if let bias { return load16(bias + offset) }
            return .zero
        }

        @inline(__always)
        func finish(_ v: F32x16, _ y: UnsafeMutablePointer<Float>, _ offset: Int, row: Int) {
            var v = v
            if case .gelu = activation { v = VectorMath.gelu(v) }
            if let residual { v += load16(residual + row * ldy + offset) }
            store16(v, y + offset)
        }
    }

    /// The micro-kernel: an 8-row × 32-column tile of y over `kc` input indices, 16 accumulators
    /// held in registers for the whole loop (8 broadcasts and 2 loads feed 16 FMAs per index).
    @inline(__always)
    static func tile8(_ x: UnsafePointer<Float>, _ ldx: Int, _ w: UnsafePointer<Float>, _ kc: Int,
                      _ y: UnsafeMutablePointer<Float>, _ ldy: Int, _ e: Epilogue) {
        let x0 = x + 0 &* ldx, y0 = y + 0 &* ldy
        let x1 = x + 1 &* ldx, y1 = y + 1 &* ldy
        let x2 = x + 2 &* ldx, y2 = y + 2 &* ldy
        let x3 = x + 3 &* ldx, y3 = y + 3 &* ldy
        let x4 = x + 4 &* ldx, y4 = y + 4 &* ldy
        let x5 = x + 5 &* ldx, y5 = y + 5 &* ldy
        let x6 = x + 6 &* ldx, y6 = y + 6 &* ldy
        let x7 = x + 7 &* ldx, y7 = y + 7 &* ldy
        var c00 = e.start(y0, 0), c01 = e.start(y0, 16)
        var c10 = e.start(y1, 0), c11 = e.start(y1, 16)
        var c20 = e.start(y2, 0), c21 = e.start(y2, 16)
        var c30 = e.start(y3, 0), c31 = e.start(y3, 16)
        var c40 = e.start(y4, 0), c41 = e.start(y4, 16)
        var c50 = e.start(y5, 0), c51 = e.start(y5, 16)
        var c60 = e.start(y6, 0), c61 = e.start(y6, 16)
        var c70 = e.start(y7, 0), c71 = e.start(y7, 16)
        var wp = w
        for k in 0..<kc {
            let w0 = load16(wp), w1 = load16(wp + 16)
            let a0 = F32x16(repeating: x0[k]); c00.addProduct(a0, w0); c01.addProduct(a0, w1)
            let a1 = F32x16(repeating: x1[k]); c10.addProduct(a1, w0); c11.addProduct(a1, w1)
            let a2 = F32x16(repeating: x2[k]); c20.addProduct(a2, w0); c21.addProduct(a2, w1)
            let a3 = F32x16(repeating: x3[k]); c30.addProduct(a3, w0); c31.addProduct(a3, w1)
            let a4 = F32x16(repeating: x4[k]); c40.addProduct(a4, w0); c41.addProduct(a4, w1)
            let a5 = F32x16(repeating: x5[k]); c50.addProduct(a5, w0); c51.addProduct(a5, w1)
            let a6 = F32x16(repeating: x6[k]); c60.addProduct(a6, w0); c61.addProduct(a6, w1)
            let a7 = F32x16(repeating: x7[k]); c70.addProduct(a7, w0); c71.addProduct(a7, w1)
            wp += 32
        }
        e.finish(c00, y0, 0, row: 0); e.finish(c01, y0, 16, row: 0)
        e.finish(c10, y1, 0, row: 1); e.finish(c11, y1, 16, row: 1)
        e.finish(c20, y2, 0, row: 2); e.finish(c21, y2, 16, row: 2)
        e.finish(c30, y3, 0, row: 3); e.finish(c31, y3, 16, row: 3)
        e.finish(c40, y4, 0, row: 4); e.finish(c41, y4, 16, row: 4)
        e.finish(c50, y5, 0, row: 5); e.finish(c51, y5, 16, row: 5)
        e.finish(c60, y6, 0, row: 6); e.finish(c61, y6, 16, row: 6)
        e.finish(c70, y7, 0, row: 7); e.finish(c71, y7, 16, row: 7)
    }

    /// `tile8` for 4 rows (the same arithmetic per element, so the same bits).
    @inline(__always)
    static func tile4(_ x: UnsafePointer<Float>, _ ldx: Int, _ w: UnsafePointer<Float>, _ kc: Int,
                      _ y: UnsafeMutablePointer<Float>, _ ldy: Int, _ e: Epilogue) {
        let x0 = x + 0 &* ldx, y0 = y + 0 &* ldy
        let x1 = x + 1 &* ldx, y1 = y + 1 &* ldy
        let x2 = x + 2 &* ldx, y2 = y + 2 &* ldy
        let x3 = x + 3 &* ldx, y3 = y + 3 &* ldy
        var c00 = e.start(y0, 0), c01 = e.start(y0, 16)
        var c10 = e.start(y1, 0), c11 = e.start(y1, 16)
        var c20 = e.start(y2, 0), c21 = e.start(y2, 16)
        var c30 = e.start(y3, 0), c31 = e.start(y3, 16)
        var wp = w
        for k in 0..<kc {
            let w0 = load16(wp), w1 = load16(wp + 16)
            let a0 = F32x16(repeating: x0[k]); c00.addProduct(a0, w0); c01.addProduct(a0, w1)
            let a1 = F32x16(repeating: x1[k]); c10.addProduct(a1, w0); c11.addProduct(a1, w1)
            let a2 = F32x16(repeating: x2[k]); c20.addProduct(a2, w0); c21.addProduct(a2, w1)
            let a3 = F32x16(repeating: x3[k]); c30.addProduct(a3, w0); c31.addProduct(a3, w1)
            wp += 32
        }
        e.finish(c00, y0, 0, row: 0); e.finish(c01, y0, 16, row: 0)
        e.finish(c10, y1, 0, row: 1); e.finish(c11, y1, 16, row: 1)
        e.finish(c20, y2, 0, row: 2); e.finish(c21, y2, 16, row: 2)
        e.finish(c30, y3, 0, row: 3); e.finish(c31, y3, 16, row: 3)
    }

    /// `tile8` for 2 rows.
    @inline(__always)
    static func tile2(_ x: UnsafePointer<Float>, _ ldx: Int, _ w: UnsafePointer<Float>, _ kc: Int,
                      _ y: UnsafeMutablePointer<Float>, _ ldy: Int, _ e: Epilogue) {
        let x0 = x, y0 = y, x1 = x + ldx, y1 = y + ldy
        var c00 = e.start(y0, 0), c01 = e.start(y0, 16)
        var c10 = e.start(y1, 0), c11 = e.start(y1, 16)
        var wp = w
        for k in 0..<kc {
            let w0 = load16(wp), w1 = load16(wp + 16)
            let a0 = F32x16(repeating: x0[k]); c00.addProduct(a0, w0); c01.addProduct(a0, w1)
            let a1 = F32x16(repeating: x1[k]); c10.addProduct(a1, w0); c11.addProduct(a1, w1)
            wp += 32
        }
        e.finish(c00, y0, 0, row: 0); e.finish(c01, y0, 16, row: 0)
        e.finish(c10, y1, 0, row: 1); e.finish(c11, y1, 16, row: 1)
    }

    /// One row × up to 32 columns: the remainder rows of a job and panels narrower than 32.
    @inline(__always)
    static func tile1(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ kc: Int,
                      _ y: UnsafeMutablePointer<Float>, _ width: Int, _ e: Epilogue) {
        if width == PackedMatrix.panelWidth {
            var c0 = e.start(y, 0), c1 = e.start(y, 16)
            for k in 0..<kc {
                let a = F32x16(repeating: x[k])
                c0.addProduct(a, load16(w + k * 32))
                c1.addProduct(a, load16(w + k * 32 + 16))
            }
            e.finish(c0, y, 0, row: 0)
            e.finish(c1, y, 16, row: 0)
            return
        }
        // A partial panel: accumulate all 32 lanes (the padding columns of W are zero), then
        // finish only the `width` real columns one by one, so nothing past y's row (or the
        // bias) is read or written.
        var sums = (F32x16.zero, F32x16.zero)
        for k in 0..<kc {
            let a = F32x16(repeating: x[k])
            sums.0.addProduct(a, load16(w + k * 32))
            sums.1.addProduct(a, load16(w + k * 32 + 16))
        }
        for j in 0..<width {
            var v = (j < 16 ? sums.0[j] : sums.1[j - 16]) + (e.bias?[j] ?? 0)
            if case .gelu = e.activation { v = VectorMath.gelu(F32x16(repeating: v))[0] }
            if let r = e.residual { v += r[j] }
            y[j] = v
        }
    }
}
