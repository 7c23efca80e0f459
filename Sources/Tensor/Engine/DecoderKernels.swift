// The small per-token kernels of a decoder: RMS norm, rotary position embedding (both pairings),
// SwiGLU, softmax-with-argmax helpers. Each follows the order of float operations of ggml's CPU
// ops (cited per function) so that our activations track llama.cpp's to float rounding.
import Foundation   // cosf/sinf for the rotary tables (once per token, not per element)

/// Decoder kernels over raw buffers.
public enum DecoderKernels {
    /// `y = x / sqrt(mean(x²) + eps) ⊙ weight` over `count` elements; `y` may be `x`.
    /// ref: ggml-cpu ops.cpp ggml_compute_forward_rms_norm_f32: the squares are summed in
    /// double, in order (a float SIMD sum would differ in the last bit, see MatchedMath), the
    /// scale is float, and x·scale is rounded before the weight multiplies it.
    public static func rmsNorm(_ x: UnsafePointer<Float>, count n: Int, weight: UnsafePointer<Float>?,
                               eps: Float, into y: UnsafeMutablePointer<Float>) {
        var sum: Double = 0
        for i in 0..<n { sum += Double(x[i] * x[i]) }
        let mean = Float(sum / Double(n))
        let scale = 1 / (mean + eps).squareRoot()
        let s = F32x16(repeating: scale)
        var i = 0
        if let weight {
            while i &+ 16 <= n { store16(load16(x + i) * s * load16(weight + i), y + i); i &+= 16 }
            while i < n { y[i] = x[i] * scale * weight[i]; i &+= 1 }
        } else {
            while i &+ 16 <= n { store16(load16(x + i) * s, y + i); i &+= 16 }
            while i < n { y[i] = x[i] * scale; i &+= 1 }
        }
    }

    /// Fills `table[2i], table[2i+1]` with cos and sin of the rotation angle of pair i
    /// (i < nRot/2) at `position`: θ_i = freqScale · position · base^(−2i/nRot) / factor_i.
    /// ref: ggml-cpu ops.cpp ggml_rope_cache_init — θ is advanced by repeated multiplication by
    /// base^(−2/nRot) in float, exactly as there, so angles agree to the last bit.
    public static func ropeTable(position: Int, nRot: Int, base: Float, freqScale: Float,
                                 factors: UnsafePointer<Float>?, into table: UnsafeMutablePointer<Float>) {
        let thetaScale = powf(base, -2 / Float(nRot))
        var theta = Float(position)
        for i in 0..<(nRot / 2) {
            let ff = factors?[i] ?? 1
            let angle = freqScale * (theta / ff)
            table[2 &* i] = cosf(angle)
            table[2 &* i &+ 1] = sinf(angle)
            theta *= thetaScale
        }
    }

    /// Rotates the first `nRot` dimensions of each of `heads` heads (`headDim` apart) of `x` by
    /// `table` (from `ropeTable`). `neox` pairs dimension i with i + nRot/2 (GPT-NeoX/Qwen/OLMoE
    /// layout); otherwise dimensions 2i and 2i+1 (llama's original layout). ref: ggml-cpu ops.cpp
    /// rotate_pairs with GGML_ROPE_TYPE_NORMAL / GGML_ROPE_TYPE_NEOX. GCC contracts its
    /// `x0·cos − x1·sin` to fma(x0, cos, −(x1·sin)) (and likewise the second line); measured
    /// against llama.cpp's tensors, so we fuse the same products.
    public static func rope(_ x: UnsafeMutablePointer<Float>, heads: Int, headDim: Int, nRot: Int,
                            table: UnsafePointer<Float>, neox: Bool) {
        let half = nRot / 2
        for h in 0..<heads {
            let v = x + h &* headDim
            if neox {
                for i in 0..<half {
                    let c = table[2 &* i], s = table[2 &* i &+ 1]
                    let x0 = v[i], x1 = v[i &+ half]
                    v[i] = (-(x1 * s)).addingProduct(x0, c)
                    v[i &+ half] = (x1 * c).addingProduct(x0, s)
                }
            } else {
                for i in 0..<half {
                    let c = table[2 &* i], s = table[2 &* i &+ 1]
                    let x0 = v[2 &* i], x1 = v[2 &* i &+ 1]
                    v[2 &* i] = (-(x1 * s)).addingProduct(x0, c)
                    v[2 &* i &+ 1] = (x1 * c).addingProduct(x0, s)
                }
            }
        }
    }

    /// `y = silu(gate) ⊙ up` over `count` elements; `y` may alias either input. silu as
    /// ggml_vec_swiglu_f32 computes it (MatchedMath.silu: 16 lanes at a time, libm for the tail).
    public static func swiglu(gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count n: Int,
                              into y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i &+ 16 <= n {
            store16(MatchedMath.silu(load16(gate + i)) * load16(up + i), y + i)
            i &+= 16
        }
        while i < n {
            y[i] = MatchedMath.silu(gate[i]) * up[i]
            i &+= 1
        }
    }

    /// `y += scale · x` over `count` elements.
    public static func addScaled(_ x: UnsafePointer<Float>, scale: Float, count n: Int, into y: UnsafeMutablePointer<Float>) {
        var i = 0
        let s = F32x16(repeating: scale)
        while i &+ 16 <= n { store16(load16(y + i).addingProduct(load16(x + i), s), y + i); i &+= 16 }
        while i < n { y[i] += scale * x[i]; i &+= 1 }
    }

    /// `y += x · scale` with the product rounded before the add (ggml_mul then ggml_add, as
    /// llama.cpp weighs and sums expert outputs), over `count` elements.
    public static func addProduct(_ x: UnsafePointer<Float>, scale: Float, count n: Int, into y: UnsafeMutablePointer<Float>) {
        var i = 0
        let s = F32x16(repeating: scale)
        while i &+ 16 <= n { store16(load16(y + i) + load16(x + i) * s, y + i); i &+= 16 }
        while i < n { y[i] = y[i] + x[i] * scale; i &+= 1 }
    }

    /// `y += x` over `count` elements (a residual connection).
    public static func add(_ x: UnsafePointer<Float>, count n: Int, into y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i &+ 16 <= n { store16(load16(y + i) + load16(x + i), y + i); i &+= 16 }
        while i < n { y[i] += x[i]; i &+= 1 }
    }

    /// `x *= scale` over `count` elements.
    public static func scale(_ x: UnsafeMutablePointer<Float>, by scale: Float, count n: Int) {
        var i = 0
        let s = F32x16(repeating: scale)
        while i &+ 16 <= n { store16(load16(x + i) * s, x + i); i &+= 16 }
        while i < n { x[i] *= scale; i &+= 1 }
    }

    /// Softmax in place over `count` (> 0) finite-or-−inf elements, rounding as llama.cpp's
    /// (see `MatchedMath.softmax`; unpadded: a whole row such as a router's).
    public static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        MatchedMath.softmax(x, count: count, padded: false)
    }
}
