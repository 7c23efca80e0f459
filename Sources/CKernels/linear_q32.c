// AVX-512 VNNI kernels for the 32-element formats (Q4_1 × Q8_1, Q8_0 × Q8_0, Q4_0 × Q8_0; see
// nerve_kernels.h) and the CPU check. A tile of R rows × T tokens shares each unpacked weight
// block across the tokens and each activation block across the rows. Per (row, token) the float
// work is exactly that of the Swift kernels in Tensor/Quant/QuantDot.swift, which is ggml's x86
// order: eight float lanes, each fed one fused d_w·d_a·(Σ of 4 byte products) per block, summed
// at the end as (x0+x4 + x2+x6) + (x1+x5 + x3+x7). Built with -ffp-contract=off so that only
// the fused multiply-adds written here are fused.
#include "vnni_common.h"

int nerve_kernels_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
           __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

// MARK: - 32-element formats

enum { Q4_1 = 0, Q8_0 = 1, Q4_0 = 2 };

/// Bytes of one weight block and of one activation block.
INLINE long wblock(int kind) { return kind == Q4_1 ? 20 : kind == Q8_0 ? 34 : 18; }
INLINE long ablock(int kind) { return kind == Q4_1 ? 36 : 34; }

/// out[i*T + j] = row i · token j for R consecutive rows at w.
INLINE void tile32(int kind, int R, int T, const uint8_t *w, long row_bytes, const uint8_t *const *x,
                   long blocks, float *out) {
    __m256 acc[8][4];
    __m128 mins[8];
    for (int i = 0; i < R; i++) {
        mins[i] = _mm_setzero_ps();
        for (int j = 0; j < T; j++) acc[i][j] = _mm256_setzero_ps();
    }
    const long wb = wblock(kind), ab = ablock(kind);
    for (long b = 0; b < blocks; b++) {
        __m256i qy[4];
        float dy[4], sy[4] = {0, 0, 0, 0};
        for (int j = 0; j < T; j++) {
            const uint8_t *y = x[j] + b * ab;
            dy[j] = f16(y);
            if (kind == Q4_1) sy[j] = f16(y + 2);
            qy[j] = _mm256_loadu_si256((const __m256i *)(y + (kind == Q4_1 ? 4 : 2)));
        }
        __m128 s4 = _mm_loadu_ps(sy);
        for (int i = 0; i < R; i++) {
            const uint8_t *q = w + i * row_bytes + b * wb;
            if (T == 1) _mm_prefetch((const char *)(q + 8 * wb), _MM_HINT_T0);
            float dw = f16(q);
            __m256i qx;
            if (kind == Q4_1) {
                mins[i] = _mm_fmadd_ps(_mm_set1_ps(f16(q + 2)), s4, mins[i]);
                qx = nibbles(q + 4);
            } else if (kind == Q8_0) {
                qx = _mm256_loadu_si256((const __m256i *)(q + 2));
            } else {
                qx = _mm256_sub_epi8(nibbles(q + 2), _mm256_set1_epi8(8));
            }
            for (int j = 0; j < T; j++) {
                __m256i p = kind == Q4_1 ? dot_us(qx, qy[j]) : dot_ss(qx, qy[j]);
                acc[i][j] = _mm256_fmadd_ps(_mm256_set1_ps(dw * dy[j]), _mm256_cvtepi32_ps(p), acc[i][j]);
            }
        }
    }
    for (int i = 0; i < R; i++) {
        float m[4];
        _mm_storeu_ps(m, mins[i]);
        for (int j = 0; j < T; j++) out[i * T + j] = kind == Q4_1 ? hsum8(acc[i][j]) + m[j] : hsum8(acc[i][j]);
    }
}

/// tile32 for an even T = 2P: two tokens share one 512-bit vector (lanes 0–7 the first, 8–15 the
/// second), so each weight block meets two activation blocks in one dot product. Per lane the
/// operations are tile32's: dw·dy rounded, then fused into that (row, token)'s eight lanes.
INLINE void tile32_pairs(int kind, int R, int P, const uint8_t *w, long row_bytes, const uint8_t *const *x,
                         long blocks, float *out) {
    const int T = 2 * P;
    __m512 acc[4][2];
    __m128 mins[4];
    for (int i = 0; i < R; i++) {
        mins[i] = _mm_setzero_ps();
        for (int j = 0; j < P; j++) acc[i][j] = _mm512_setzero_ps();
    }
    const long wb = wblock(kind), ab = ablock(kind);
    const int yq = kind == Q4_1 ? 4 : 2;
    for (long b = 0; b < blocks; b++) {
        __m512i qy[2];
        __m512 dy[2];
        float sy[4] = {0, 0, 0, 0};
        for (int j = 0; j < P; j++) {
            const uint8_t *y0 = x[2 * j] + b * ab, *y1 = x[2 * j + 1] + b * ab;
            qy[j] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(y0 + yq))),
                                       _mm256_loadu_si256((const __m256i *)(y1 + yq)), 1);
            dy[j] = _mm512_insertf32x8(_mm512_set1_ps(f16(y0)), _mm256_set1_ps(f16(y1)), 1);
            if (kind == Q4_1) { sy[2 * j] = f16(y0 + 2); sy[2 * j + 1] = f16(y1 + 2); }
        }
        __m128 s4 = _mm_loadu_ps(sy);
        for (int i = 0; i < R; i++) {
            const uint8_t *q = w + i * row_bytes + b * wb;
            const __m512 dw = _mm512_set1_ps(f16(q));
            __m256i qx;
            if (kind == Q4_1) {
                mins[i] = _mm_fmadd_ps(_mm_set1_ps(f16(q + 2)), s4, mins[i]);
                qx = nibbles(q + 4);
            } else if (kind == Q8_0) {
                qx = _mm256_loadu_si256((const __m256i *)(q + 2));
            } else {
                qx = _mm256_sub_epi8(nibbles(q + 2), _mm256_set1_epi8(8));
            }
            __m512i qz = _mm512_broadcast_i64x4(qx), az = qz;
            if (kind != Q4_1) az = _mm512_abs_epi8(qz);
            for (int j = 0; j < P; j++) {
                __m512i yy = qy[j];
                if (kind != Q4_1) yy = _mm512_mask_sub_epi8(yy, _mm512_movepi8_mask(qz), _mm512_setzero_si512(), yy);
                __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), az, yy);
                acc[i][j] = _mm512_fmadd_ps(_mm512_mul_ps(dw, dy[j]), _mm512_cvtepi32_ps(p), acc[i][j]);
            }
        }
    }
    for (int i = 0; i < R; i++) {
        float m[4];
        _mm_storeu_ps(m, mins[i]);
        for (int j = 0; j < P; j++) {
            const float a = hsum8(_mm512_castps512_ps256(acc[i][j]));
            const float c = hsum8(_mm512_extractf32x8_ps(acc[i][j], 1));
            out[i * T + 2 * j] = kind == Q4_1 ? a + m[2 * j] : a;
            out[i * T + 2 * j + 1] = kind == Q4_1 ? c + m[2 * j + 1] : c;
        }
    }
}

/// Runs tile32 over rows [r0, r1) × tokens [0, ntok): 8 rows at a time for one token (decode),
/// 4 × 4 for many (prefill).
INLINE void linear32(int kind, const void *w, long row_bytes, long r0, long r1, long blocks,
                     nerve_rows x, long ntok, float *y, long ystride) {
    const uint8_t *wb = (const uint8_t *)w;
    float out[32];
    for (long t = 0; t < ntok; t += 4) {
        const int T = ntok - t >= 4 ? 4 : (int)(ntok - t);
        const uint8_t *xs[4];
        for (int j = 0; j < T; j++) xs[j] = row_of(x, t + j);
        long r = r0;
        if (T == 1) {
            for (; r + 8 <= r1; r += 8) {
                tile32(kind, 8, 1, wb + r * row_bytes, row_bytes, xs, blocks, out);
                for (int i = 0; i < 8; i++) y[t * ystride + r + i] = out[i];
            }
        }
        for (; r + 4 <= r1; r += 4) {
            switch (T) {
            case 4: tile32_pairs(kind, 4, 2, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            case 3: tile32(kind, 4, 3, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            case 2: tile32_pairs(kind, 4, 1, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            default: tile32(kind, 4, 1, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            }
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < T; j++) y[(t + j) * ystride + r + i] = out[i * T + j];
        }
        for (; r < r1; r++) {
            switch (T) {
            case 4: tile32(kind, 1, 4, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            case 3: tile32(kind, 1, 3, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            case 2: tile32(kind, 1, 2, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            default: tile32(kind, 1, 1, wb + r * row_bytes, row_bytes, xs, blocks, out); break;
            }
            for (int j = 0; j < T; j++) y[(t + j) * ystride + r] = out[j];
        }
    }
}

TARGET void nerve_linear_q4_1(const void *w, long row_bytes, long r0, long r1, long blocks,
                              nerve_rows x, long ntok, float *y, long ystride) {
    linear32(Q4_1, w, row_bytes, r0, r1, blocks, x, ntok, y, ystride);
}

TARGET void nerve_linear_q8_0(const void *w, long row_bytes, long r0, long r1, long blocks,
                              nerve_rows x, long ntok, float *y, long ystride) {
    linear32(Q8_0, w, row_bytes, r0, r1, blocks, x, ntok, y, ystride);
}

TARGET void nerve_linear_q4_0(const void *w, long row_bytes, long r0, long r1, long blocks,
                              nerve_rows x, long ntok, float *y, long ystride) {
    linear32(Q4_0, w, row_bytes, r0, r1, blocks, x, ntok, y, ystride);
}

