// Q8_0, Q4_1 and Q5_0 weights repacked 16 rows at a time (as packed_k.c does for the K-quants): each
// 32-bit lane of a 512-bit vector belongs to one row, so a VNNI product against 4 broadcast
// activation bytes advances 16 rows and nothing is reduced across lanes. A packed group is as
// large as its 16 source rows. Per (row, token) the float work is DotKernels.q8_0 / .q4_1 / .q5_0's
// (Tensor/Quant/QuantDot*.swift), lane by lane: bit-identical results.
#include "vnni_common.h"

// MARK: - Layouts (one 32-column block × 16 rows; groups store their blocks in order)
//
// Q8_0, 544 bytes = 16 × 34:
//   [0, 32)    d of rows 0–15 (f16)
//   [32, 544)  8 vectors: vector i, lane r = row r's qs[4i ..< 4i + 4] + 128 (as unsigned bytes)
// Q4_1, 320 bytes = 16 × 20:
//   [0, 32)    d of rows 0–15 (f16)          [32, 64)   m of rows 0–15 (f16)
//   [64, 320)  4 vectors: vector v, lane r = row r's qs[4v ..< 4v + 4] (low nibbles: weights
//              4v + k, ggml's lane v; high nibbles: weights 16 + 4v + k, its lane 4 + v)
// Q5_0, 352 bytes = 16 × 22:
//   [0, 32)    d of rows 0–15 (f16)
//   [32, 96)   fifth bits: lane r, byte k, bit b = row r's bit of weight 4b + k (b < 4) or of
//              weight 16 + 4(b − 4) + k (b ≥ 4)
//   [96, 352)  4 vectors: vector v, lane r = row r's qs[4v ..< 4v + 4] (low nibbles: weights
//              4v + k, high nibbles: weights 16 + 4v + k)

enum { ROWS = 16, Q8_GROUP = 16 * 34, Q4_1_GROUP = 16 * 20, Q5_GROUP = 16 * 22, QA = 34, QA1 = 36 };

/// Which 32-element format a packed kernel runs.
enum { K_Q8_0, K_Q4_1, K_Q5_0 };

void nerve_pack_q8_0(const void *src, long row_bytes, long groups, long blocks, void *dst) {
    for (long g = 0; g < groups; g++) {
        for (long b = 0; b < blocks; b++) {
            uint8_t *out = (uint8_t *)dst + (g * blocks + b) * Q8_GROUP;
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *q = (const uint8_t *)src + (g * ROWS + r) * row_bytes + b * 34;
                memcpy(out + 2 * r, q, 2);
                for (int i = 0; i < 8; i++)
                    for (int k = 0; k < 4; k++) out[32 + 64 * i + 4 * r + k] = (uint8_t)(q[2 + 4 * i + k] ^ 0x80);
            }
        }
    }
}

void nerve_pack_q4_1(const void *src, long row_bytes, long groups, long blocks, void *dst) {
    for (long g = 0; g < groups; g++) {
        for (long b = 0; b < blocks; b++) {
            uint8_t *out = (uint8_t *)dst + (g * blocks + b) * Q4_1_GROUP;
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *q = (const uint8_t *)src + (g * ROWS + r) * row_bytes + b * 20;
                memcpy(out + 2 * r, q, 2);
                memcpy(out + 32 + 2 * r, q + 2, 2);
                for (int v = 0; v < 4; v++) memcpy(out + 64 + 64 * v + 4 * r, q + 4 + 4 * v, 4);
            }
        }
    }
}

void nerve_pack_q5_0(const void *src, long row_bytes, long groups, long blocks, void *dst) {
    for (long g = 0; g < groups; g++) {
        for (long b = 0; b < blocks; b++) {
            uint8_t *out = (uint8_t *)dst + (g * blocks + b) * Q5_GROUP;
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *q = (const uint8_t *)src + (g * ROWS + r) * row_bytes + b * 22;
                uint32_t qh;
                memcpy(&qh, q + 2, 4);
                memcpy(out + 2 * r, q, 2);
                for (int k = 0; k < 4; k++) {
                    uint8_t hb = 0;
                    for (int bit = 0; bit < 8; bit++) {
                        const int w = bit < 4 ? 4 * bit + k : 16 + 4 * (bit - 4) + k;
                        hb |= (uint8_t)(((qh >> w) & 1) << bit);
                    }
                    out[32 + 4 * r + k] = hb;
                }
                for (int v = 0; v < 4; v++) memcpy(out + 96 + 64 * v + 4 * r, q + 6 + 4 * v, 4);
            }
        }
    }
}

// MARK: - Per-token terms shared by all rows

/// Q8_0: the weights are stored + 128, so group i's sum needs 128·Σ_{k<4} a[4i + k] taken off:
/// ext[i] = −128·that (int32 × 8).
INLINE void q8_ext(const uint8_t *y, int32_t *ext) {
    const __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(1), _mm256_loadu_si256((const __m256i *)(y + 2)));
    _mm256_storeu_si256((__m256i *)ext, _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(s, 7)));
}

/// Q5_0 stores q + 16: ext = −16·Σ a over the block.
INLINE void q5_ext(const uint8_t *y, int32_t *ext) {
    const __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(1), _mm256_loadu_si256((const __m256i *)(y + 2)));
    *ext = -16 * hsum_i32(s);
}

// MARK: - Tiles: 16 rows × T tokens

/// A Q8_0 or Q4_1 group at `grp` against T tokens: per row eight fused accumulators, lane i fed
/// with dw·da·(Σ of products 4i..4i+3) each block, summed as MatchedMath.sum8 at the end; Q4_1
/// adds its min terms m·s (s = da·Σa from the Q8_1 block) fused into a ninth, added last.
INLINE void tile_lanes8(int kind, int T, const uint8_t *grp, long blocks, const uint8_t *const *x, const int32_t *ext,
                        __m512 *out) {
    const int q41 = kind == K_Q4_1;
    const long group = q41 ? Q4_1_GROUP : Q8_GROUP, ab = q41 ? QA1 : QA, aq = q41 ? 4 : 2;
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    __m512 acc[2][8], mins[2];
    for (int t = 0; t < T; t++) {
        mins[t] = _mm512_setzero_ps();
        for (int i = 0; i < 8; i++) acc[t][i] = _mm512_setzero_ps();
    }
    for (long b = 0; b < blocks; b++) {
        const uint8_t *p = grp + b * group;
        const __m512 dw = f16x16(p);
        __m512i w[8];
        if (q41) {
            for (int v = 0; v < 4; v++) {
                const __m512i q = _mm512_loadu_si512(p + 64 + 64 * v);
                w[v] = _mm512_and_si512(q, m4);
                w[4 + v] = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);
            }
        } else {
            for (int i = 0; i < 8; i++) w[i] = _mm512_loadu_si512(p + 32 + 64 * i);
        }
        const __m512 mw = q41 ? f16x16(p + 32) : _mm512_setzero_ps();
        for (int t = 0; t < T; t++) {
            const uint8_t *a = x[t] + b * ab;
            if (q41) mins[t] = _mm512_fmadd_ps(mw, _mm512_set1_ps(f16(a + 2)), mins[t]);
            const __m512 d = _mm512_mul_ps(dw, _mm512_set1_ps(f16(a)));
            for (int i = 0; i < 8; i++) {
                // Q4_1 lane i covers weights 4i..4i+3 (i < 4) or 16 + 4(i − 4).. — the same
                // activation bytes a[4i..4i+3] either way.
                const __m512i init = q41 ? _mm512_setzero_si512() : _mm512_set1_epi32(ext[((long)t * blocks + b) * 8 + i]);
                const __m512i s = dpbusd(init, w[i], bcast(a + aq + 4 * i));
                acc[t][i] = _mm512_fmadd_ps(d, _mm512_cvtepi32_ps(s), acc[t][i]);
            }
        }
    }
    for (int t = 0; t < T; t++) {
        const __m512 r0 = _mm512_add_ps(acc[t][4], acc[t][0]), r1 = _mm512_add_ps(acc[t][5], acc[t][1]);
        const __m512 r2 = _mm512_add_ps(acc[t][6], acc[t][2]), r3 = _mm512_add_ps(acc[t][7], acc[t][3]);
        out[t] = _mm512_add_ps(_mm512_add_ps(r0, r2), _mm512_add_ps(r1, r3));
        if (q41) out[t] = _mm512_add_ps(out[t], mins[t]);
    }
}

/// The Q5_0 group at `grp` against T tokens: exact block sums, then sum += dw·da·Float(s).
INLINE void tile_q5(int T, const uint8_t *grp, long blocks, const uint8_t *const *x, const int32_t *ext, __m512 *out) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m5 = _mm512_set1_epi8(0x10);
    __m512 acc[4];
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    for (long b = 0; b < blocks; b++) {
        const uint8_t *p = grp + b * Q5_GROUP;
        const __m512i hb = _mm512_loadu_si512(p + 32);
        __m512i s[4];
        for (int t = 0; t < T; t++) s[t] = _mm512_set1_epi32(ext[(long)t * blocks + b]);
        for (int v = 0; v < 4; v++) {
            const __m512i q = _mm512_loadu_si512(p + 96 + 64 * v);
            // ternary logic 0xF8 = A | (B & C): nibble | fifth bit moved to bit 4.
            const __m512i lo = _mm512_ternarylogic_epi32(_mm512_and_si512(q, m4), _mm512_slli_epi16(hb, 4 - v), m5, 0xF8);
            const __m512i hi = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(q, 4), m4),
                                                         _mm512_srli_epi16(hb, v), m5, 0xF8);
            for (int t = 0; t < T; t++) {
                const uint8_t *a = x[t] + b * QA + 2;
                s[t] = dpbusd(dpbusd(s[t], lo, bcast(a + 4 * v)), hi, bcast(a + 16 + 4 * v));
            }
        }
        const __m512 dw = f16x16(p);
        for (int t = 0; t < T; t++) {
            const __m512 d = _mm512_mul_ps(dw, _mm512_set1_ps(f16(x[t] + b * QA)));
            acc[t] = _mm512_add_ps(acc[t], _mm512_mul_ps(d, _mm512_cvtepi32_ps(s[t])));
        }
    }
    for (int t = 0; t < T; t++) out[t] = acc[t];
}

// MARK: - Driver

/// Groups [g0, g1) against tokens [0, ntok), in token blocks whose per-token terms fit the
/// stack buffer; T tokens per pass over a group (2 for Q8_0 and Q4_1, whose 8 accumulators per
/// token fill the registers sooner).
INLINE int linear_packed32(int kind, const uint8_t *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                           float *y, long ystride) {
    enum { EXT_BYTES = 48 * 1024 };
    _Alignas(64) int32_t ext[EXT_BYTES / 4];
    const long ext_per_token = kind == K_Q5_0 ? blocks : kind == K_Q8_0 ? blocks * 8 : 1;
    if (ext_per_token * 4 > EXT_BYTES) return 0;
    const int tile = kind == K_Q5_0 ? 4 : 2;
    long block_tokens = EXT_BYTES / 4 / ext_per_token;
    if (block_tokens > 32) block_tokens = 32;
    if (block_tokens > tile) block_tokens -= block_tokens % tile;
    const long group_bytes = blocks * (kind == K_Q5_0 ? Q5_GROUP : kind == K_Q8_0 ? Q8_GROUP : Q4_1_GROUP);
    for (long t0 = 0; t0 < ntok; t0 += block_tokens) {
        const long nt = ntok - t0 < block_tokens ? ntok - t0 : block_tokens;
        for (long t = 0; t < nt && kind != K_Q4_1; t++) {
            const uint8_t *row = row_of(x, t0 + t);
            for (long b = 0; b < blocks; b++) {
                if (kind == K_Q5_0) q5_ext(row + b * QA, ext + t * ext_per_token + b);
                else q8_ext(row + b * QA, ext + t * ext_per_token + b * 8);
            }
        }
        for (long g = g0; g < g1; g++) {
            const uint8_t *grp = w + g * group_bytes;
            for (long t = 0; t < nt; t += tile) {
                const int T = nt - t >= tile ? tile : (int)(nt - t);
                const uint8_t *xs[4];
                for (int j = 0; j < T; j++) xs[j] = row_of(x, t0 + t + j);
                __m512 out[4];
                const int32_t *e = ext + (kind == K_Q4_1 ? 0 : t * ext_per_token);
                if (kind == K_Q5_0) {
                    switch (T) {
                    case 4: tile_q5(4, grp, blocks, xs, e, out); break;
                    case 3: tile_q5(3, grp, blocks, xs, e, out); break;
                    case 2: tile_q5(2, grp, blocks, xs, e, out); break;
                    default: tile_q5(1, grp, blocks, xs, e, out); break;
                    }
                } else if (kind == K_Q8_0) {
                    if (T == 2) tile_lanes8(K_Q8_0, 2, grp, blocks, xs, e, out);
                    else tile_lanes8(K_Q8_0, 1, grp, blocks, xs, e, out);
                } else {
                    if (T == 2) tile_lanes8(K_Q4_1, 2, grp, blocks, xs, e, out);
                    else tile_lanes8(K_Q4_1, 1, grp, blocks, xs, e, out);
                }
                for (int j = 0; j < T; j++) _mm512_storeu_ps(y + (t0 + t + j) * ystride + g * ROWS, out[j]);
            }
        }
    }
    return 1;
}

TARGET int nerve_linear_packed_q8_0(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                                    float *y, long ystride) {
    return linear_packed32(K_Q8_0, (const uint8_t *)w, g0, g1, blocks, x, ntok, y, ystride);
}

TARGET int nerve_linear_packed_q4_1(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                                    float *y, long ystride) {
    return linear_packed32(K_Q4_1, (const uint8_t *)w, g0, g1, blocks, x, ntok, y, ystride);
}

TARGET int nerve_linear_packed_q5_0(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                                    float *y, long ystride) {
    return linear_packed32(K_Q5_0, (const uint8_t *)w, g0, g1, blocks, x, ntok, y, ystride);
}

// MARK: - Activations (ggml-cpu's x86 quantize_row_q8_0 / _q8_1, as ActivationQuant in Swift)

/// One block of 32: d = f16(max|x| / 127), q = round-half-even(x · 127 / max|x|); with `sum`
/// (Q8_1) s = f16(d · Σq), d unrounded. NaN inputs give 0 quants.
INLINE void quantize32(const float *x, uint8_t *y, int sum) {
    const __m512 sign = _mm512_set1_ps(-0.0f), magic = _mm512_set1_ps(12582912.0f);
    const __m512 v0 = _mm512_loadu_ps(x), v1 = _mm512_loadu_ps(x + 16);
    const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_andnot_ps(sign, v0), _mm512_andnot_ps(sign, v1)));
    const float d = amax / 127, id = amax != 0 ? 127 / amax : 0;
    const __m512 m = _mm512_set1_ps(id);
    __m512 r0 = _mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(v0, m), magic), magic);
    __m512 r1 = _mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(v1, m), magic), magic);
    // NaN lanes become 0 (ActivationQuant.int8)
    r0 = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(r0, r0, _CMP_ORD_Q), r0);
    r1 = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(r1, r1, _CMP_ORD_Q), r1);
    const __m512i q0 = _mm512_cvtps_epi32(r0), q1 = _mm512_cvtps_epi32(r1);
    const uint16_t hd = _cvtss_sh(d, 0);
    memcpy(y, &hd, 2);
    const int off = sum ? 4 : 2;
    _mm_storeu_si128((__m128i *)(y + off), _mm512_cvtsepi32_epi8(q0));
    _mm_storeu_si128((__m128i *)(y + off + 16), _mm512_cvtsepi32_epi8(q1));
    if (sum) {
        const int32_t total = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
        const uint16_t hs = _cvtss_sh(d * (float)total, 0);
        memcpy(y + 2, &hs, 2);
    }
}

TARGET void nerve_quantize_q8_0(const float *x, void *dst, long blocks) {
    for (long b = 0; b < blocks; b++) quantize32(x + 32 * b, (uint8_t *)dst + 34 * b, 0);
}

TARGET void nerve_quantize_q8_1(const float *x, void *dst, long blocks) {
    for (long b = 0; b < blocks; b++) quantize32(x + 32 * b, (uint8_t *)dst + 36 * b, 1);
}
