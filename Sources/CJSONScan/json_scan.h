// SIMD helpers for the Admission JSON parser's string scan, as static inline functions: Swift
// inlines them into the parser's loop, so they cost what their instructions cost (no call).
// SSE2 on x86_64 (always present there), NEON on aarch64, plain C elsewhere; all three give
// the same answer. Header only (a system-library target): nothing to compile or link.
#ifndef SMW_JSON_SCAN_H
#define SMW_JSON_SCAN_H
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__ARM_NEON) && defined(__aarch64__)
#include <arm_neon.h>
#endif

/// For the 16 bytes at `p` (all readable): returns a mask with bit k set when byte k needs the
/// string scanner's attention ('"', '\\', below 0x20, or 0x80 and above), and stores in
/// `*quotes` the mask of the bytes that are '"' (a subset). Byte 0 is the lowest bit, so the
/// first such byte is the returned mask's trailing zero count, and whether it closes the
/// string is one bit test of `*quotes` (a `bt` on x86_64). Two results rather than one packed
/// word: measured, the packed form cost 2 more instructions a string.
static inline uint32_t smw_json_string_mask16(const uint8_t *p, uint32_t *quotes) {
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    // Signed compare: 0x20 > b holds for b below 0x20 and for 0x80..0xFF (negative as int8).
    __m128i other = _mm_cmpgt_epi8(_mm_set1_epi8(0x20), v);
    *quotes = (uint32_t)_mm_movemask_epi8(quote);
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), other));
#elif defined(__ARM_NEON) && defined(__aarch64__)
    // No movemask on NEON: weight each lane's 0xFF by its bit and add each half's lanes.
    static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    uint8x16_t v = vld1q_u8(p);
    uint8x16_t quote = vceqq_u8(v, vdupq_n_u8('"'));
    uint8x16_t special = vorrq_u8(vorrq_u8(quote, vceqq_u8(v, vdupq_n_u8('\\'))),
                                  vorrq_u8(vcltq_u8(v, vdupq_n_u8(0x20)), vcgeq_u8(v, vdupq_n_u8(0x80))));
    uint8x16_t w = vld1q_u8(weights);
    uint8x16_t s = vandq_u8(special, w), q = vandq_u8(quote, w);
    *quotes = (uint32_t)vaddv_u8(vget_low_u8(q)) | (uint32_t)vaddv_u8(vget_high_u8(q)) << 8;
    return (uint32_t)vaddv_u8(vget_low_u8(s)) | (uint32_t)vaddv_u8(vget_high_u8(s)) << 8;
#else
    uint32_t special = 0, quoteBits = 0;
    for (int k = 0; k < 16; k++) {
        uint8_t b = p[k];
        if (b == '"') quoteBits |= (uint32_t)1 << k;
        if (b == '"' || b == '\\' || b < 0x20 || b >= 0x80) special |= (uint32_t)1 << k;
    }
    *quotes = quoteBits;
    return special;
#endif
}

#endif
