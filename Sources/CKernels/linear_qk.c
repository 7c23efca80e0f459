// AVX-512 VNNI kernels for the K-quants (Q4_K × Q8_K, Q6_K × Q8_K; see nerve_kernels.h):
// exact integer sums per 256-element super-block, then the float expression of the Swift kernels
// in Tensor/Quant/QuantDot.swift, so results are bit-identical to them.
#include "vnni_common.h"

// MARK: - K-quants (256-element super-blocks against Q8_K: d f32 at 0, qs[256] at 4, bsums[16] at 260)

/// The 8 six-bit scales and 8 mins of a Q4_K/Q5_K super-block, unpacked from the 12 bytes at s
/// (ggml's get_scale_min_k4, four at a time in 32-bit words): sub-block j < 4 keeps the low six
/// bits of s[j] (scale) and s[j+4] (min); j ≥ 4 takes a nibble of s[j+4] and the top two bits
/// of s[j-4] (scale) or s[j] (min).
INLINE void scales_mins(const uint8_t *s, uint8_t sc[8], uint8_t mn[8]) {
    uint32_t a, b, c;
    memcpy(&a, s, 4);
    memcpy(&b, s + 4, 4);
    memcpy(&c, s + 8, 4);
    const uint32_t lo6 = 0x3F3F3F3Fu, lo4 = 0x0F0F0F0Fu, top2 = 0x03030303u;
    uint32_t s0 = a & lo6, m0 = b & lo6;
    uint32_t s1 = (c & lo4) | (((a >> 6) & top2) << 4);
    uint32_t m1 = ((c >> 4) & lo4) | (((b >> 6) & top2) << 4);
    memcpy(sc, &s0, 4);
    memcpy(sc + 4, &s1, 4);
    memcpy(mn, &m0, 4);
    memcpy(mn + 4, &m1, 4);
}

/// v's 8 int32 lanes (each within int16) times k, via one multiply-add of 16-bit halves: the
/// high half of each lane (its sign extension) meets 0.
INLINE __m256i times(__m256i v, int32_t k) {
    return _mm256_madd_epi16(v, _mm256_set1_epi32(k));
}

/// Σ of 16 int32 lanes.
INLINE int32_t hsum_i32x16(__m512i v) {
    return hsum_i32(_mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1)));
}

/// 16 lanes of Σ_{k<4} a·b over 64 bytes (a unsigned, b signed), exact in int32.
INLINE __m512i dot_us64(__m512i a, __m512i b) {
    return _mm512_dpbusd_epi32(_mm512_setzero_si512(), a, b);
}

/// Q4_K (144 bytes: d, dmin f16 at 0 and 2, scales[12] at 4, qs[128] at 16) against T tokens.
/// Sub-blocks 2c and 2c+1 (the low and high nibbles of 32 bytes) meet 64 consecutive activation
/// bytes, so one 512-bit dot product covers both. Integer sums per super-block are exact in any
/// order; the float expression is QuantDot's.
INLINE void tile_q4_K(int T, const uint8_t *w, const uint8_t *const *x, long blocks, float *out) {
    float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (long b = 0; b < blocks; b++) {
        const uint8_t *q = w + b * 144;
        uint8_t sc[8], mn[8];
        scales_mins(q + 4, sc, mn);
        // mins, each repeated for its sub-block's two 16-sums: [m0 m0 m1 m1 ... m7 m7] as int16
        const __m256i mins16 = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)mn),
                                                                      _mm_loadl_epi64((const __m128i *)mn)));
        __m512i qz[4], scz[4];
        for (int c = 0; c < 4; c++) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(q + 16 + 32 * c));
            qz[c] = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_and_si256(v, m4)),
                                       _mm256_and_si256(_mm256_srli_epi16(v, 4), m4), 1);
            // each lane's scale in its low 16 bits (the lanes' sums fit int16, see `times`)
            scz[c] = _mm512_inserti64x4(_mm512_set1_epi32(sc[2 * c]), _mm256_set1_epi32(sc[2 * c + 1]), 1);
        }
        const float d = f16(q), dmin = f16(q + 2);
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < T; j++) {
            const uint8_t *y = x[j] + b * 292;
            __m512i acc = _mm512_setzero_si512();
            for (int c = 0; c < 4; c++) {
                __m512i p = dot_us64(qz[c], _mm512_loadu_si512((const void *)(y + 4 + 64 * c)));
                acc = _mm512_add_epi32(acc, _mm512_madd_epi16(p, scz[c]));
            }
            const __m256i bs = _mm256_loadu_si256((const __m256i *)(y + 260));
            const int32_t scaled = hsum_i32x16(acc), mins = hsum_i32(_mm256_madd_epi16(bs, mins16));
            const float da = f32(y);
            sum[j] += d * da * (float)scaled - dmin * da * (float)mins;
        }
    }
    for (int j = 0; j < T; j++) out[j] = sum[j];
}

/// Q6_K (210 bytes: ql[128] at 0, qh[64] at 128, scales[16] int8 at 192, d f16 at 208):
/// total = Σ_g scale_g·(Σ q·a − 32·bsum_g) = Σ_g scale_g·Σ q·a − 32·Σ_g scale_g·bsum_g.
INLINE void tile_q6_K(int T, const uint8_t *w, const uint8_t *const *x, long blocks, float *out) {
    float sum[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(0x03);
    for (long b = 0; b < blocks; b++) {
        const uint8_t *q = w + b * 210;
        __m256i qv[8];                      // the 256 6-bit values, 32 per (h, quarter)
        for (int h = 0; h < 2; h++) {
            __m256i high = _mm256_loadu_si256((const __m256i *)(q + 128 + 32 * h));
            for (int quarter = 0; quarter < 4; quarter++) {
                __m256i low = _mm256_loadu_si256((const __m256i *)(q + 64 * h + 32 * (quarter & 1)));
                if (quarter >> 1) low = _mm256_srli_epi16(low, 4);
                low = _mm256_and_si256(low, m4);
                __m256i hb = _mm256_and_si256(_mm256_srli_epi16(high, 2 * quarter), m2);
                qv[4 * h + quarter] = _mm256_or_si256(low, _mm256_slli_epi16(hb, 4));
            }
        }
        // 64 values per 512-bit vector; lanes 4i..4i+3 hold 16-value group 4k+i, whose scale
        // sits in each lane's low 16 bits (madd multiplies halves pairwise).
        __m512i qz[4], scz[4];
        for (int k = 0; k < 4; k++) {
            qz[k] = _mm512_inserti64x4(_mm512_castsi256_si512(qv[2 * k]), qv[2 * k + 1], 1);
            const int8_t *g = (const int8_t *)(q + 192 + 4 * k);
            const int32_t s0 = (uint16_t)(int16_t)g[0], s1 = (uint16_t)(int16_t)g[1];
            const int32_t s2 = (uint16_t)(int16_t)g[2], s3 = (uint16_t)(int16_t)g[3];
            scz[k] = _mm512_set_epi32(s3, s3, s3, s3, s2, s2, s2, s2, s1, s1, s1, s1, s0, s0, s0, s0);
        }
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(q + 192)));
        const float d = f16(q + 208);
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < T; j++) {
            const uint8_t *y = x[j] + b * 292;
            __m512i acc = _mm512_setzero_si512();
            for (int k = 0; k < 4; k++) {
                __m512i p = dot_us64(qz[k], _mm512_loadu_si512((const void *)(y + 4 + 64 * k)));
                acc = _mm512_add_epi32(acc, _mm512_madd_epi16(p, scz[k]));
            }
            const __m256i bs = _mm256_loadu_si256((const __m256i *)(y + 260));
            const int32_t total = hsum_i32x16(acc) - 32 * hsum_i32(_mm256_madd_epi16(bs, sc16));
            sum[j] += d * f32(y) * (float)total;
        }
    }
    for (int j = 0; j < T; j++) out[j] = sum[j];
}

/// One row against T (≤ 8) tokens; T is a constant in each instantiation, so the per-token
/// float sums stay in registers.
INLINE void tile_k(int six, int T, const uint8_t *w, const uint8_t *const *x, long blocks, float *out) {
    if (six) tile_q6_K(T, w, x, blocks, out);
    else tile_q4_K(T, w, x, blocks, out);
}

INLINE void linear_k(int six, const void *w, long row_bytes, long r0, long r1, long blocks,
                     nerve_rows x, long ntok, float *y, long ystride) {
    const uint8_t *wb = (const uint8_t *)w;
    float out[8];
    for (long t = 0; t < ntok; t += 8) {
        const int T = ntok - t >= 8 ? 8 : (int)(ntok - t);
        const uint8_t *xs[8];
        for (int j = 0; j < T; j++) xs[j] = row_of(x, t + j);
        for (long r = r0; r < r1; r++) {
            const uint8_t *row = wb + r * row_bytes;
            switch (T) {
            case 8: tile_k(six, 8, row, xs, blocks, out); break;
            case 7: tile_k(six, 7, row, xs, blocks, out); break;
            case 6: tile_k(six, 6, row, xs, blocks, out); break;
            case 5: tile_k(six, 5, row, xs, blocks, out); break;
            case 4: tile_k(six, 4, row, xs, blocks, out); break;
            case 3: tile_k(six, 3, row, xs, blocks, out); break;
            case 2: tile_k(six, 2, row, xs, blocks, out); break;
            default: tile_k(six, 1, row, xs, blocks, out); break;
            }
            for (int j = 0; j < T; j++) y[(t + j) * ystride + r] = out[j];
        }
    }
}

TARGET void nerve_linear_q4_K(const void *w, long row_bytes, long r0, long r1, long blocks,
                              nerve_rows x, long ntok, float *y, long ystride) {
    linear_k(0, w, row_bytes, r0, r1, blocks, x, ntok, y, ystride);
}

TARGET void nerve_linear_q6_K(const void *w, long row_bytes, long r0, long r1, long blocks,
                              nerve_rows x, long ntok, float *y, long ystride) {
    linear_k(1, w, row_bytes, r0, r1, blocks, x, ntok, y, ystride);
}
