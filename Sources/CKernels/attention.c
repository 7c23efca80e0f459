// The two products of causal attention against a KV cache of f32 or f16 rows, for all query
// heads that share one key/value head (grouped-query attention reads each cached row once for
// the group). Rounding is CausalAttention's (Tensor/Engine/CausalAttention.swift), which follows
// llama.cpp's non-flash attention: scores as ggml_vec_dot_f32, weighted values as running sums
// over positions p mod P. The f16 → f32 conversion of cached rows is one instruction here, which
// Swift's generic SIMD conversion is not.
#include "vnni_common.h"

/// 16 elements of a cached row (f32, or f16 widened) starting at element i.
INLINE __m512 row16(const void *row, int half, long i) {
    if (half) return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)((const uint16_t *)row + i)));
    return _mm512_loadu_ps((const float *)row + i);
}

/// Lane i of the result = Σ of r[i]'s 16 lanes as halves, then quarters, then pairs (the order
/// of _mm512_reduce_add_ps and MatchedMath.sum16), for 16 vectors at once.
INLINE __m512 reduce16x16(const __m512 *r) {
    __m512 a[8], b[4], c[2];
    // halves: lanes 0–7 of a[k] = r[2k]'s, 8–15 = r[2k+1]'s
    for (int k = 0; k < 8; k++)
        a[k] = _mm512_add_ps(_mm512_shuffle_f32x4(r[2 * k], r[2 * k + 1], 0x44), _mm512_shuffle_f32x4(r[2 * k], r[2 * k + 1], 0xEE));
    // quarters: 128-bit chunk j of b[k] = item 4k + j (items: r[2·(2k + j/2) + j%2])
    for (int k = 0; k < 4; k++)
        b[k] = _mm512_add_ps(_mm512_shuffle_f32x4(a[2 * k], a[2 * k + 1], 0x88), _mm512_shuffle_f32x4(a[2 * k], a[2 * k + 1], 0xDD));
    // pairs: within each chunk, lanes (0,1) from the first operand, (2,3) from the second
    for (int k = 0; k < 2; k++)
        c[k] = _mm512_add_ps(_mm512_shuffle_ps(b[2 * k], b[2 * k + 1], 0x44), _mm512_shuffle_ps(b[2 * k], b[2 * k + 1], 0xEE));
    // c[k] chunk j = (items 8k + j, 8k + 4 + j) as lane pairs; the last pair leaves lane
    // 4j + t holding item 4t + j, which the permutation moves to lane 4t + j.
    const __m512 d = _mm512_add_ps(_mm512_shuffle_ps(c[0], c[1], 0x88), _mm512_shuffle_ps(c[0], c[1], 0xDD));
    const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
    return _mm512_permutexvar_ps(order, d);
}

TARGET int nerve_attention_scores(const float *q, long qstride, long heads, const void *k, long kstride, int half,
                                  long length, long n, float scale, float *s, long sstride) {
    if (n % 16 != 0 || n > 256 || heads > 16) return 0;
    const long ebytes = half ? 2 : 4, chunks = n / 16, full = n / 64 * 64;
    __m512 r[16][16];
    for (long p0 = 0; p0 < length; p0 += 16) {
        const int np = length - p0 < 16 ? (int)(length - p0) : 16;
        for (int i = 0; i < np; i++) {
            const uint8_t *kp = (const uint8_t *)k + (p0 + i) * kstride * ebytes;
            __m512 kv[16];
            for (long c = 0; c < chunks; c++) kv[c] = row16(kp, half, 16 * c);
            for (long h = 0; h < heads; h++) {
                const float *qh = q + h * qstride;
                __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
                for (long c = 0; c + 4 <= full / 16; c += 4) {
                    a0 = _mm512_fmadd_ps(_mm512_loadu_ps(qh + 16 * c), kv[c], a0);
                    a1 = _mm512_fmadd_ps(_mm512_loadu_ps(qh + 16 * c + 16), kv[c + 1], a1);
                    a2 = _mm512_fmadd_ps(_mm512_loadu_ps(qh + 16 * c + 32), kv[c + 2], a2);
                    a3 = _mm512_fmadd_ps(_mm512_loadu_ps(qh + 16 * c + 48), kv[c + 3], a3);
                }
                r[h][i] = _mm512_add_ps(_mm512_add_ps(a0, a2), _mm512_add_ps(a1, a3));
            }
        }
        for (long h = 0; h < heads; h++) {
            for (int i = np; i < 16; i++) r[h][i] = _mm512_setzero_ps();
            float out[16];
            _mm512_storeu_ps(out, reduce16x16(r[h]));
            for (int i = 0; i < np; i++) {
                float v = out[i];
                if (full < n) {   // the tail, one fused product at a time (MatchedMath.dot)
                    const uint8_t *kp = (const uint8_t *)k + (p0 + i) * kstride * ebytes;
                    for (long e = full; e < n; e++) {
                        const float ke = half ? _cvtsh_ss(((const uint16_t *)kp)[e]) : ((const float *)kp)[e];
                        v = __builtin_fmaf(q[h * qstride + e], ke, v);
                    }
                }
                s[h * sstride + p0 + i] = v * scale;
            }
        }
    }
    return 1;
}

/// Heads whose running sums for one residue class fit in 24 registers.
static long heads_per_pass(long n) { return n / 16 <= 8 ? 24 / (n / 16) : 1; }

long nerve_attention_values_scratch(long heads, long n, int partials) {
    const long per = heads_per_pass(n);
    return (heads < per ? heads : per) * partials * n;
}

TARGET int nerve_attention_values(const float *w, long wstride, long heads, const void *v, long vstride, int half,
                                  long length, long n, int partials, float *partial, float *out, long ostride) {
    if (n % 16 != 0 || n > 256 || (partials != 16 && partials != 64)) return 0;
    const long ebytes = half ? 2 : 4, chunks = n / 16;
    const int used = length < partials ? (int)length : partials;
    const long per = heads_per_pass(n);
    for (long h0 = 0; h0 < heads; h0 += per) {
        const long nh = heads - h0 < per ? heads - h0 : per;
        // partial[h][m][·] = Σ_{p ≡ m} w_p·v_p, fused in increasing p.
        for (int m = 0; m < used; m++) {
            __m512 acc[24];
            for (long j = 0; j < nh * chunks; j++) acc[j] = _mm512_setzero_ps();
            for (long p = m; p < length; p += partials) {
                const uint8_t *vp = (const uint8_t *)v + p * vstride * ebytes;
                for (long c = 0; c < chunks; c++) {
                    const __m512 x = row16(vp, half, 16 * c);
                    for (long h = 0; h < nh; h++)
                        acc[h * chunks + c] = _mm512_fmadd_ps(x, _mm512_set1_ps(w[(h0 + h) * wstride + p]), acc[h * chunks + c]);
                }
            }
            for (long h = 0; h < nh; h++)
                for (long c = 0; c < chunks; c++) _mm512_storeu_ps(partial + (h * partials + m) * n + 16 * c, acc[h * chunks + c]);
        }
        // Combine: lane l of ggml's accumulator is partial row l (16 sums) or, for 64,
        // (row l + row 32+l) + (row 16+l + row 48+l); the 16 lanes then as halves, quarters, pairs.
        for (long h = 0; h < nh; h++) {
            const float *ph = partial + h * partials * n;
            for (long c = 0; c < chunks; c++) {
                __m512 lane[16];
                for (int l = 0; l < 16; l++) {
                    const __m512 zero = _mm512_setzero_ps();
#define AT(m) ((m) < used ? _mm512_loadu_ps(ph + (m) * n + 16 * c) : zero)
                    lane[l] = partials == 64 ? _mm512_add_ps(_mm512_add_ps(AT(l), AT(32 + l)), _mm512_add_ps(AT(16 + l), AT(48 + l)))
                                             : AT(l);
#undef AT
                }
                __m512 hq[8];
                for (int j = 0; j < 8; j++) hq[j] = _mm512_add_ps(lane[j], lane[j + 8]);
                const __m512 q0 = _mm512_add_ps(hq[0], hq[4]), q1 = _mm512_add_ps(hq[1], hq[5]);
                const __m512 q2 = _mm512_add_ps(hq[2], hq[6]), q3 = _mm512_add_ps(hq[3], hq[7]);
                _mm512_storeu_ps(out + (h0 + h) * ostride + 16 * c, _mm512_add_ps(_mm512_add_ps(q0, q2), _mm512_add_ps(q1, q3)));
            }
        }
    }
    return 1;
}
