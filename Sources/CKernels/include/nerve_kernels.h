// Kernels that Swift cannot express well (AVX-512 VNNI byte dot products, f16 widening, lane
// shuffles) for the decoder: the linear layers (on the file's layout or on weights repacked 16
// rows per group), the activation quantisers feeding them, and attention's two products. Each
// computes with the same float operations, in the same order, as the portable Swift code
// (Tensor/Quant/QuantDot and Quantize, Tensor/Engine/ActivationQuant and CausalAttention), so
// results are bit-identical; Tensor calls them only when nerve_kernels_available() says the CPU
// can run them (runtime dispatch; the files are compiled without -march).
#ifndef NERVE_KERNELS_H
#define NERVE_KERNELS_H

#include <stdint.h>

/// 1 when the CPU supports AVX-512 F/BW/DQ/VL with VNNI, FMA and F16C; 0 otherwise.
int nerve_kernels_available(void);

/// Activation rows: logical row t at base + (index ? index[t] : t) * stride bytes.
typedef struct {
    const void *base;
    long stride;
    const int32_t *index;
} nerve_rows;

/// y[t * ystride + r] = Σ W[r] · x[t] for r in [r0, r1), t in [0, ntok): W rows of `row_bytes`
/// bytes holding `blocks` blocks, x rows in the weight format's activation format.
/// Q4_1 × Q8_1, Q8_0 × Q8_0, Q4_0 × Q8_0 (32-element blocks); Q4_K × Q8_K, Q6_K × Q8_K (256).
void nerve_linear_q4_1(const void *w, long row_bytes, long r0, long r1, long blocks,
                       nerve_rows x, long ntok, float *y, long ystride);
void nerve_linear_q8_0(const void *w, long row_bytes, long r0, long r1, long blocks,
                       nerve_rows x, long ntok, float *y, long ystride);
void nerve_linear_q4_0(const void *w, long row_bytes, long r0, long r1, long blocks,
                       nerve_rows x, long ntok, float *y, long ystride);
void nerve_linear_q4_K(const void *w, long row_bytes, long r0, long r1, long blocks,
                       nerve_rows x, long ntok, float *y, long ystride);
void nerve_linear_q6_K(const void *w, long row_bytes, long r0, long r1, long blocks,
                       nerve_rows x, long ntok, float *y, long ystride);

/// Q4_K and Q6_K matrices repacked in groups of 16 rows (see packed_k.c for the layouts): bytes
/// of one packed group super-block (16 × the format's block size, so a packed matrix is exactly
/// as large as its source), and the packers: `groups` × 16 rows of `row_bytes` bytes
/// (`blocks` super-blocks each) at src into dst.
long nerve_packed_q4_K_bytes(void);
long nerve_packed_q6_K_bytes(void);
void nerve_pack_q4_K(const void *src, long row_bytes, long groups, long blocks, void *dst);
void nerve_pack_q6_K(const void *src, long row_bytes, long groups, long blocks, void *dst);

/// The same for Q8_0 and Q5_0 (packed_q32.c).
void nerve_pack_q8_0(const void *src, long row_bytes, long groups, long blocks, void *dst);
void nerve_pack_q5_0(const void *src, long row_bytes, long groups, long blocks, void *dst);
void nerve_pack_q4_1(const void *src, long row_bytes, long groups, long blocks, void *dst);

/// As nerve_linear_q4_K / _q6_K for rows [16·g0, 16·g1) of a packed matrix, with the same bits.
/// Returns 0 (and does nothing) when rows are too long for the kernel's per-token scratch
/// (more than 3072 super-blocks for Q4_K, 768 for Q6_K); the caller then uses the row kernels.
int nerve_linear_packed_q4_K(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                             float *y, long ystride);
int nerve_linear_packed_q6_K(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                             float *y, long ystride);
/// The same for Q8_0, Q5_0 (against Q8_0 activations) and Q4_1 (against Q8_1); bits as
/// DotKernels.q8_0 / .q5_0 / .q4_1. 0 when rows are longer than 1536 blocks (Q8_0) or 12288 (Q5_0).
int nerve_linear_packed_q8_0(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                             float *y, long ystride);
int nerve_linear_packed_q5_0(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                             float *y, long ystride);
int nerve_linear_packed_q4_1(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                             float *y, long ystride);

/// Attention scores of `heads` query rows (row h at q + h·qstride floats) against `length`
/// cached key rows (row p at element p·kstride of k; f16 when `half`, else f32), n elements
/// each: s[h·sstride + p] = scale · (q_h · k_p), the dot in ggml_vec_dot_f32's order (four
/// 16-lane fused accumulators over each 64 elements, (a0 + a2) + (a1 + a3), lanes summed as
/// halves, quarters, pairs; the n mod 64 tail fused one at a time). 0 (nothing done) unless
/// n is a multiple of 16 up to 256 and heads ≤ 16.
int nerve_attention_scores(const float *q, long qstride, long heads, const void *k, long kstride, int half,
                           long length, long n, float scale, float *s, long sstride);

/// out[h·ostride + d] = Σ_p w[h·wstride + p] · v_p[d] over `length` cached value rows (as the
/// keys above), as `partials` (16 or 64) running fused sums — position p feeds sum p mod
/// partials, in increasing p — combined as ggml reduces them (for 64: (a_l + a_32+l) +
/// (a_16+l + a_48+l) per lane l; then the 16 lanes as halves, quarters, pairs).
/// `partial`: scratch of nerve_attention_values_scratch(heads, n, partials) floats.
/// 0 (nothing done) unless n is a multiple of 16 up to 256.
int nerve_attention_values(const float *w, long wstride, long heads, const void *v, long vstride, int half,
                           long length, long n, int partials, float *partial, float *out, long ostride);
long nerve_attention_values_scratch(long heads, long n, int partials);

/// `blocks` × 256 floats as Q8_K blocks (292 bytes: d, 256 quants, 16 sums of 16), exactly as
/// ggml's quantize_row_q8_K_ref and Tensor's BlockQ8_K.quantize (NaN inputs give −128).
void nerve_quantize_q8_K(const float *x, void *dst, long blocks);

/// `blocks` × 32 floats as Q8_0 (34-byte blocks) or Q8_1 (36: d, s = d·Σq, quants) blocks,
/// exactly as Tensor's ActivationQuant (ggml-cpu's x86 quantize_row_q8_0 / _q8_1).
void nerve_quantize_q8_0(const float *x, void *dst, long blocks);
void nerve_quantize_q8_1(const float *x, void *dst, long blocks);

#endif
