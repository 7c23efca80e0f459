// Helpers shared by the VNNI kernel files (private to CKernels): the target attribute every
// kernel is compiled with, f16/f32 loads, activation-row addressing, and the byte dot products
// and horizontal sums whose order the kernels' results depend on.
#ifndef NERVE_VNNI_COMMON_H
#define NERVE_VNNI_COMMON_H

#include "nerve_kernels.h"

#include <immintrin.h>
#include <string.h>

#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma,f16c")))
#define INLINE static inline __attribute__((always_inline)) TARGET

INLINE float f16(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

INLINE float f32(const uint8_t *p) {
    float f;
    memcpy(&f, p, 4);
    return f;
}

INLINE const uint8_t *row_of(nerve_rows x, long t) {
    return (const uint8_t *)x.base + (x.index ? (long)x.index[t] : t) * x.stride;
}

/// Σ of 8 lanes as ggml's hsum_float_8: r = high + low; (r0 + r2) + (r1 + r3).
INLINE float hsum8(__m256 v) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

/// The 32 nibbles of 16 bytes: low nibbles in bytes 0–15, high nibbles in 16–31.
INLINE __m256i nibbles(const uint8_t *q) {
    __m128i b = _mm_loadu_si128((const __m128i *)q);
    __m128i m = _mm_set1_epi8(0x0F);
    return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(b, 4), m), _mm_and_si128(b, m));
}

/// 8 lanes of Σ_{k<4} a[4j+k]·b[4j+k], a unsigned, b signed bytes (exact in int32).
INLINE __m256i dot_us(__m256i a, __m256i b) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), a, b);
}

/// As dot_us for two signed operands (|a| times b with a's sign; exact for a in −128...127).
INLINE __m256i dot_ss(__m256i a, __m256i b) {
    return dot_us(_mm256_sign_epi8(a, a), _mm256_sign_epi8(b, a));
}

INLINE int32_t hsum_i32(__m256i v) {
    __m128i r = _mm_add_epi32(_mm256_extracti128_si256(v, 1), _mm256_castsi256_si128(v));
    r = _mm_add_epi32(r, _mm_shuffle_epi32(r, 0x4E));
    r = _mm_add_epi32(r, _mm_shuffle_epi32(r, 0xB1));
    return _mm_cvtsi128_si32(r);
}

// MARK: - Row-interleaved (packed) kernels: 16 rows in the 16 lanes of a 512-bit vector

/// 4 bytes at p (e.g. four activation quants) in every 32-bit lane.
INLINE __m512i bcast(const void *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/// acc + Σ_{k<4} u·s per lane (u unsigned, s signed bytes).
INLINE __m512i dpbusd(__m512i acc, __m512i u, __m512i s) { return _mm512_dpbusd_epi32(acc, u, s); }

/// Byte j (0...3) of every lane, zero-extended to 32 bits.
INLINE __m512i byte_u(__m512i v, int j) {
    return j == 3 ? _mm512_srli_epi32(v, 24) : _mm512_and_si512(_mm512_srli_epi32(v, 8 * j), _mm512_set1_epi32(0xFF));
}

/// Byte j (0...3) of every lane, sign-extended to 32 bits.
INLINE __m512i byte_s(__m512i v, int j) {
    return _mm512_srai_epi32(j == 3 ? v : _mm512_slli_epi32(v, 24 - 8 * j), 24);
}

/// 16 f16 values at p as floats.
INLINE __m512 f16x16(const uint8_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }

#endif
