// Q4_K and Q6_K weights repacked 16 rows at a time so that each 32-bit lane of a 512-bit vector
// belongs to one row: a VNNI dot product against 4 activation bytes broadcast to every lane then
// advances 16 rows at once, and no horizontal sum is ever needed (the old row-at-a-time kernels
// in linear_qk.c spent most of their instructions reducing vectors to scalars per super-block).
// The packed group is exactly as large as the 16 rows it came from. Per (row, token) the integer
// sums per super-block are exact and the float expression is DotKernels.q4_K / .q6_K's
// (Tensor/Quant/QuantDot.swift), lane by lane, so results are bit-identical to them.
#include "vnni_common.h"

// MARK: - Layouts (one super-block of 256 columns × 16 rows; groups store their blocks in order)
//
// Q4_K, 2304 bytes = 16 × 144:
//   [0, 32)     d of rows 0–15 (f16)          [32, 64)   dmin of rows 0–15 (f16)
//   [64, 256)   the 12 scale bytes of each row as three vectors: bytes 0–3, 4–7, 8–11 of row r
//               in lane r
//   [256, 2304) 32 vectors of quants: vector v, lane r = row r's qs[4v ..< 4v + 4]; their low
//               nibbles are weights 64c + 4s + (0...3) and their high nibbles weights
//               64c + 32 + 4s + (0...3), with v = 8c + s (ggml's Q4_K nibble order)
// Q6_K, 3360 bytes = 16 × 210:
//   [0, 32)     d of rows 0–15 (f16)
//   [32, 288)   scales: vector k, lane r, byte j = row r's int8 scale of group 4k + j
//   [288, 3360) for each 16-weight group g, 192 bytes L0, L1, H; lane r, byte j holds weights
//               w = 16g + j + 4i (i = 0...3) of row r as 6-bit values: L0 = lo4(w0) | lo4(w1) << 4,
//               L1 = lo4(w2) | lo4(w3) << 4, H = hi2(w0) | hi2(w1) << 2 | hi2(w2) << 4 | hi2(w3) << 6

enum { ROWS = 16, Q4K_GROUP = 16 * 144, Q6K_GROUP = 16 * 210, QK = 256, Q8K = 292 };

long nerve_packed_q4_K_bytes(void) { return Q4K_GROUP; }
long nerve_packed_q6_K_bytes(void) { return Q6K_GROUP; }

void nerve_pack_q4_K(const void *src, long row_bytes, long groups, long blocks, void *dst) {
    for (long g = 0; g < groups; g++) {
        for (long b = 0; b < blocks; b++) {
            uint8_t *out = (uint8_t *)dst + (g * blocks + b) * Q4K_GROUP;
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *q = (const uint8_t *)src + (g * ROWS + r) * row_bytes + b * 144;
                memcpy(out + 2 * r, q, 2);
                memcpy(out + 32 + 2 * r, q + 2, 2);
                for (int k = 0; k < 3; k++) memcpy(out + 64 + 64 * k + 4 * r, q + 4 + 4 * k, 4);
                for (int v = 0; v < 32; v++) memcpy(out + 256 + 64 * v + 4 * r, q + 16 + 4 * v, 4);
            }
        }
    }
}

/// The 256 unsigned 6-bit values of a Q6_K block (before the −32 offset), in weight order:
/// weight 128h + 32k + l takes the low or high nibble of ql[64h + 32(k & 1) + l] (k < 2: low)
/// and bits 2k, 2k+1 of qh[32h + l] (ggml's dequantize_row_q6_K).
static void q6_values(const uint8_t *q, uint8_t *v) {
    for (int h = 0; h < 2; h++) {
        const uint8_t *ql = q + 64 * h, *qh = q + 128 + 32 * h;
        uint8_t *o = v + 128 * h;
        for (int l = 0; l < 32; l++) {
            o[l] = (uint8_t)((ql[l] & 0xF) | (qh[l] & 3) << 4);
            o[32 + l] = (uint8_t)((ql[32 + l] & 0xF) | ((qh[l] >> 2) & 3) << 4);
            o[64 + l] = (uint8_t)((ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4);
            o[96 + l] = (uint8_t)((ql[32 + l] >> 4) | ((qh[l] >> 6) & 3) << 4);
        }
    }
}

void nerve_pack_q6_K(const void *src, long row_bytes, long groups, long blocks, void *dst) {
    uint8_t v[256];
    for (long g = 0; g < groups; g++) {
        for (long b = 0; b < blocks; b++) {
            uint8_t *out = (uint8_t *)dst + (g * blocks + b) * Q6K_GROUP;
            for (int r = 0; r < ROWS; r++) {
                const uint8_t *q = (const uint8_t *)src + (g * ROWS + r) * row_bytes + b * 210;
                memcpy(out + 2 * r, q + 208, 2);
                for (int k = 0; k < 4; k++) memcpy(out + 32 + 64 * k + 4 * r, q + 192 + 4 * k, 4);
                q6_values(q, v);
                for (int grp = 0; grp < 16; grp++) {
                    uint8_t *o = out + 288 + 192 * grp + 4 * r;
                    const uint8_t *w = v + 16 * grp;
                    for (int j = 0; j < 4; j++) {
                        o[j] = (uint8_t)((w[j] & 0xF) | (w[4 + j] & 0xF) << 4);
                        o[64 + j] = (uint8_t)((w[8 + j] & 0xF) | (w[12 + j] & 0xF) << 4);
                        o[128 + j] = (uint8_t)(w[j] >> 4 | (w[4 + j] >> 4) << 2 | (w[8 + j] >> 4) << 4 | (w[12 + j] >> 4) << 6);
                    }
                }
            }
        }
    }
}

// MARK: - Per-token terms shared by all rows (computed once per call from the Q8_K bsums)

/// Q4_K's min term needs Σ_j min_j · bsum32_j with bsum32_j the sum of sub-block j's 32 quants
/// (|bsum32| ≤ 4064). As bytes for a VNNI product: bsum32 = 128·high + low, low in 0...127,
/// high in −32...31. ext[0..8) the lows, ext[8..16) the highs.
INLINE void q4k_ext(const uint8_t *y, int8_t *ext) {
    const __m256i bs = _mm256_loadu_si256((const __m256i *)(y + 260));
    const __m256i s32 = _mm256_madd_epi16(bs, _mm256_set1_epi16(1));
    _mm_storel_epi64((__m128i *)ext, _mm256_cvtepi32_epi8(_mm256_and_si256(s32, _mm256_set1_epi32(127))));
    _mm_storel_epi64((__m128i *)(ext + 8), _mm256_cvtepi32_epi8(_mm256_srai_epi32(s32, 7)));
}

/// Q6_K stores q + 32: each 16-weight group's sum needs 32·bsum_g subtracted (int32 × 16).
INLINE void q6k_ext(const uint8_t *y, int32_t *ext) {
    const __m512i bs = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i *)(y + 260)));
    _mm512_storeu_si512(ext, _mm512_slli_epi32(bs, 5));
}

// MARK: - Tiles: 16 rows × T tokens

/// acc[t] (16 rows) += the Q4_K group at `grp` (`blocks` super-blocks) · token t.
/// x[t]: token t's Q8_K row; ext: [T][blocks][16] from q4k_ext.
INLINE void tile_q4k(int T, const uint8_t *grp, long blocks, const uint8_t *const *x, const int8_t *ext,
                     __m512 *acc) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m6 = _mm512_set1_epi8(0x3F), m2 = _mm512_set1_epi8(0x30);
    for (long b = 0; b < blocks; b++) {
        const uint8_t *p = grp + b * Q4K_GROUP;
        const __m512i A = _mm512_loadu_si512(p + 64), B = _mm512_loadu_si512(p + 128), C = _mm512_loadu_si512(p + 192);
        // Six-bit scales and mins (ggml's get_scale_min_k4): bytes j of lanes = sub-block j (j < 4)
        // or j + 4.
        const __m512i sc03 = _mm512_and_si512(A, m6), mn03 = _mm512_and_si512(B, m6);
        const __m512i sc47 = _mm512_or_si512(_mm512_and_si512(C, m4), _mm512_and_si512(_mm512_srli_epi32(A, 2), m2));
        const __m512i mn47 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(C, 4), m4),
                                             _mm512_and_si512(_mm512_srli_epi32(B, 2), m2));
        __m512i S[4];
        for (int t = 0; t < T; t++) S[t] = _mm512_setzero_si512();
        for (int c = 0; c < 4; c++) {
            __m512i lo[4], hi[4];
            for (int t = 0; t < T; t++) lo[t] = hi[t] = _mm512_setzero_si512();
            for (int s = 0; s < 8; s++) {
                const __m512i v = _mm512_loadu_si512(p + 256 + 64 * (8 * c + s));
                const __m512i ql = _mm512_and_si512(v, m4), qh = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
                for (int t = 0; t < T; t++) {
                    const uint8_t *a = x[t] + b * Q8K + 4 + 64 * c + 4 * s;
                    lo[t] = dpbusd(lo[t], ql, bcast(a));
                    hi[t] = dpbusd(hi[t], qh, bcast(a + 32));
                }
            }
            const __m512i src = c < 2 ? sc03 : sc47;
            const __m512i s0 = byte_u(src, (2 * c) & 3), s1 = byte_u(src, (2 * c + 1) & 3);
            for (int t = 0; t < T; t++)
                S[t] = _mm512_add_epi32(S[t], _mm512_add_epi32(_mm512_mullo_epi32(lo[t], s0), _mm512_mullo_epi32(hi[t], s1)));
        }
        const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
        const __m512 dmin = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p + 32)));
        for (int t = 0; t < T; t++) {
            const int8_t *e = ext + ((long)t * blocks + b) * 16;
            __m512i low = dpbusd(dpbusd(_mm512_setzero_si512(), mn03, bcast(e)), mn47, bcast(e + 4));
            __m512i high = dpbusd(dpbusd(_mm512_setzero_si512(), mn03, bcast(e + 8)), mn47, bcast(e + 12));
            const __m512i M = _mm512_add_epi32(low, _mm512_slli_epi32(high, 7));
            const __m512 da = _mm512_set1_ps(f32(x[t] + b * Q8K));
            // DotKernels.q4_K: sum += d·da·Float(scaled) − dmin·da·Float(mins), left to right.
            const __m512 pos = _mm512_mul_ps(_mm512_mul_ps(d, da), _mm512_cvtepi32_ps(S[t]));
            const __m512 neg = _mm512_mul_ps(_mm512_mul_ps(dmin, da), _mm512_cvtepi32_ps(M));
            acc[t] = _mm512_add_ps(acc[t], _mm512_sub_ps(pos, neg));
        }
    }
}

/// acc[t] (16 rows) += the Q6_K group at `grp` · token t. ext: [T][blocks][16] int32 from q6k_ext.
INLINE void tile_q6k(int T, const uint8_t *grp, long blocks, const uint8_t *const *x, const int32_t *ext,
                     __m512 *acc) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m2 = _mm512_set1_epi8(0x30);
    for (long b = 0; b < blocks; b++) {
        const uint8_t *p = grp + b * Q6K_GROUP;
        __m512i S[4];
        for (int t = 0; t < T; t++) S[t] = _mm512_setzero_si512();
        for (int k = 0; k < 4; k++) {
            const __m512i scales = _mm512_loadu_si512(p + 32 + 64 * k);
            for (int j = 0; j < 4; j++) {
                const int g = 4 * k + j;
                const uint8_t *q = p + 288 + 192 * g;
                const __m512i L0 = _mm512_loadu_si512(q), L1 = _mm512_loadu_si512(q + 64), H = _mm512_loadu_si512(q + 128);
                // (lo4 | hi2 << 4) per byte; ternary logic 0xF8 = A | (B & C).
                const __m512i q0 = _mm512_ternarylogic_epi32(_mm512_and_si512(L0, m4), _mm512_slli_epi16(H, 4), m2, 0xF8);
                const __m512i q1 = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(L0, 4), m4),
                                                             _mm512_slli_epi16(H, 2), m2, 0xF8);
                const __m512i q2 = _mm512_ternarylogic_epi32(_mm512_and_si512(L1, m4), H, m2, 0xF8);
                const __m512i q3 = _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(L1, 4), m4),
                                                             _mm512_srli_epi16(H, 2), m2, 0xF8);
                const __m512i sc = byte_s(scales, j);
                for (int t = 0; t < T; t++) {
                    const uint8_t *a = x[t] + b * Q8K + 4 + 16 * g;
                    // Two independent chains (their sum is exact in any order).
                    __m512i s = dpbusd(_mm512_set1_epi32(-ext[((long)t * blocks + b) * 16 + g]), q0, bcast(a));
                    __m512i s2 = dpbusd(_mm512_setzero_si512(), q1, bcast(a + 4));
                    s = dpbusd(s, q2, bcast(a + 8));
                    s2 = dpbusd(s2, q3, bcast(a + 12));
                    s = _mm512_add_epi32(s, s2);
                    S[t] = _mm512_add_epi32(S[t], _mm512_mullo_epi32(s, sc));
                }
            }
        }
        const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p));
        for (int t = 0; t < T; t++) {
            const __m512 da = _mm512_set1_ps(f32(x[t] + b * Q8K));
            // DotKernels.q6_K: sum += d·da·Float(total).
            acc[t] = _mm512_add_ps(acc[t], _mm512_mul_ps(_mm512_mul_ps(d, da), _mm512_cvtepi32_ps(S[t])));
        }
    }
}

// MARK: - Drivers

/// Tokens per pass over a group: the weights are unpacked once per pass, the per-token sums
/// stay in registers.
enum { TILE_T = 4 };

/// Runs groups [g0, g1) against tokens [0, ntok) in token blocks whose per-token terms fit a
/// bounded stack buffer, each block against every group (a group's weights stay in L1/L2 while
/// the block's tokens pass over them).
INLINE void linear_packed(int six, const uint8_t *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                          float *y, long ystride) {
    enum { EXT_BYTES = 48 * 1024 };
    _Alignas(64) uint8_t ext[EXT_BYTES];
    const long ext_per_token = blocks * (six ? 64 : 16);
    long block_tokens = EXT_BYTES / ext_per_token;
    if (block_tokens > 32) block_tokens = 32;
    if (block_tokens > TILE_T) block_tokens -= block_tokens % TILE_T;
    const long group_bytes = blocks * (six ? Q6K_GROUP : Q4K_GROUP);
    for (long t0 = 0; t0 < ntok; t0 += block_tokens) {
        const long nt = ntok - t0 < block_tokens ? ntok - t0 : block_tokens;
        for (long t = 0; t < nt; t++) {
            const uint8_t *row = row_of(x, t0 + t);
            for (long b = 0; b < blocks; b++) {
                if (six) q6k_ext(row + b * Q8K, (int32_t *)(ext + t * ext_per_token) + b * 16);
                else q4k_ext(row + b * Q8K, (int8_t *)(ext + t * ext_per_token) + b * 16);
            }
        }
        for (long g = g0; g < g1; g++) {
            const uint8_t *grp = w + g * group_bytes;
            for (long t = 0; t < nt; t += TILE_T) {
                const int T = nt - t >= TILE_T ? TILE_T : (int)(nt - t);
                const uint8_t *xs[TILE_T];
                for (int j = 0; j < T; j++) xs[j] = row_of(x, t0 + t + j);
                __m512 acc[TILE_T];
                for (int j = 0; j < T; j++) acc[j] = _mm512_setzero_ps();
                const uint8_t *e = ext + t * ext_per_token;
#define TILE(n)                                                                              \
    case n:                                                                                  \
        if (six) tile_q6k(n, grp, blocks, xs, (const int32_t *)e, acc);                      \
        else tile_q4k(n, grp, blocks, xs, (const int8_t *)e, acc);                           \
        break;
                switch (T) { TILE(4) TILE(3) TILE(2) default: TILE(1) }
#undef TILE
                for (int j = 0; j < T; j++) _mm512_storeu_ps(y + (t0 + t + j) * ystride + g * ROWS, acc[j]);
            }
        }
    }
}

TARGET int nerve_linear_packed_q4_K(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                                    float *y, long ystride) {
    if (blocks * 16 > 48 * 1024) return 0;
    linear_packed(0, (const uint8_t *)w, g0, g1, blocks, x, ntok, y, ystride);
    return 1;
}

TARGET int nerve_linear_packed_q6_K(const void *w, long g0, long g1, long blocks, nerve_rows x, long ntok,
                                    float *y, long ystride) {
    if (blocks * 64 > 48 * 1024) return 0;
    linear_packed(1, (const uint8_t *)w, g0, g1, blocks, x, ntok, y, ystride);
    return 1;
}

// MARK: - Activations

TARGET void nerve_quantize_q8_K(const float *x, void *dst, long blocks) {
    const __m512 sign = _mm512_set1_ps(-0.0f), magic = _mm512_set1_ps(12582912.0f);
    for (long b = 0; b < blocks; b++) {
        const float *xb = x + 256 * b;
        uint8_t *y = (uint8_t *)dst + b * Q8K;
        // max |x| ignoring NaN (max_ps returns its second operand when either is NaN)
        __m512 vmax = _mm512_setzero_ps();
        for (int i = 0; i < 16; i++) vmax = _mm512_max_ps(_mm512_andnot_ps(sign, _mm512_loadu_ps(xb + 16 * i)), vmax);
        const float amax = _mm512_reduce_max_ps(vmax);
        if (amax == 0) {
            memset(y, 0, Q8K);
            continue;
        }
        // the first value of that magnitude, with its sign (quantize_row_q8_K_ref's `max`)
        float extreme = 0;
        for (int i = 0; i < 16; i++) {
            const __mmask16 m = _mm512_cmp_ps_mask(_mm512_andnot_ps(sign, _mm512_loadu_ps(xb + 16 * i)), _mm512_set1_ps(amax), _CMP_EQ_OQ);
            if (m) {
                extreme = xb[16 * i + __builtin_ctz(m)];
                break;
            }
        }
        const float iscale = -127.0f / extreme;
        const __m512 vs = _mm512_set1_ps(iscale);
        for (int g = 0; g < 16; g++) {
            // round half to even by the 1.5·2²³ trick (ggml's nearest_int), saturate to int8
            const __m512 v = _mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(vs, _mm512_loadu_ps(xb + 16 * g)), magic), magic);
            __m512i q = _mm512_cvtps_epi32(v);
            q = _mm512_max_epi32(_mm512_min_epi32(q, _mm512_set1_epi32(127)), _mm512_set1_epi32(-128));
            _mm_storeu_si128((__m128i *)(y + 4 + 16 * g), _mm512_cvtepi32_epi8(q));
            const int16_t sum = (int16_t)_mm512_reduce_add_epi32(q);
            memcpy(y + 260 + 2 * g, &sum, 2);
        }
        const float d = 1 / iscale;
        memcpy(y, &d, 4);
    }
}
