#include "pulse_kernels.h"

#if defined(__x86_64__) && defined(__clang__)
#define NEUROMORPH_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define NEUROMORPH_POPCNT_CLONES
#endif

NEUROMORPH_POPCNT_CLONES
size_t neuromorph_row_coincidences(uint64_t row_train, bool row_negative,
                                   const uint64_t *column_trains, const int32_t *column_index,
                                   const bool *column_negative, size_t count,
                                   int32_t *hit_columns, uint8_t *hit_counts, bool *hit_up,
                                   uint32_t *pulse_counts) {
    size_t hits = 0;
    for (size_t c = 0; c < count; c++) {
        unsigned k = (unsigned)__builtin_popcountll(row_train & column_trains[c]);
        int32_t column = column_index[c];
        /* Branch-free compaction: every column writes the next slot, which advances only
           on a hit. */
        hit_columns[hits] = column;
        hit_counts[hits] = (uint8_t)k;
        hit_up[hits] = row_negative != column_negative[c];
        pulse_counts[column] += k;
        hits += (k != 0);
    }
    return hits;
}

/* ---- Soft-bounds devices with additive noise, eight coincidences at a time ---- */

#include <math.h>

#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__clang__)
#define NEUROMORPH_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NEUROMORPH_AVX2_CLONES
#endif

static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256++ (Blackman & Vigna 2019): NeuromorphCore's SeededGenerator, step for step. */
static inline uint64_t xoshiro_next(uint64_t *s) {
    uint64_t result = rotl64(s[0] + s[3], 23) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

static inline float uniform24(uint64_t *s) { return (float)(xoshiro_next(s) >> 40) * 0x1p-24f; }

/* The Ziggurat's wedges and tail (Ziggurat.slowPath in NeuromorphCore, same draws). */
static float ziggurat_slow(int32_t hz, unsigned iz, uint64_t *s, neuromorph_ziggurat_tables t) {
    const float tail_start = 3.44262f;
    for (;;) {
        if (iz == 0) {
            float x, y;
            do {
                x = -logf(1.0f - uniform24(s)) / tail_start;
                y = -logf(1.0f - uniform24(s));
            } while (y + y < x * x);
            return hz > 0 ? tail_start + x : -(tail_start + x);
        }
        float x = (float)hz * t.w[iz];
        if (t.f[iz] + uniform24(s) * (t.f[iz - 1] - t.f[iz]) < expf(-0.5f * x * x)) return x;
        uint64_t bits = xoshiro_next(s);
        hz = (int32_t)(bits >> 32);
        iz = (unsigned)(bits & 127);
        uint32_t magnitude = hz < 0 ? (uint32_t)0 - (uint32_t)hz : (uint32_t)hz;
        if (magnitude < t.k[iz]) return (float)hz * t.w[iz];
    }
}

typedef float v8f __attribute__((ext_vector_type(8)));
typedef int32_t v8i __attribute__((ext_vector_type(8)));

/* Element-wise select, minimum and maximum (Swift's min/max: `y < x ? y : x`, `y >= x ? y : x`).
   (Macros: vector arguments would change the ABI of the baseline clone.) */
#define v8_select(mask, a, b) ((v8f)(((v8i)(mask) & (v8i)(a)) | (~(v8i)(mask) & (v8i)(b))))
#define v8_min(x, y) v8_select((y) < (x), (y), (x))
#define v8_max(x, y) v8_select((y) >= (x), (y), (x))

NEUROMORPH_AVX2_CLONES
size_t neuromorph_soft_bounds_row_pulses(neuromorph_soft_bounds_block block, size_t base,
                                         const int32_t *columns, const uint8_t *counts, const bool *up,
                                         size_t hits, uint64_t *rng, neuromorph_ziggurat_tables tables,
                                         int32_t *deferred) {
    enum { L = 8 };
    uint64_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
    size_t deferred_count = 0;
    const v8f one = 1.0f, zero = 0.0f;
    for (size_t g = 0; g < hits; g += L) {
        size_t lanes = hits - g < L ? hits - g : L;
        float w_[L], lo_[L], hi_[L], su_[L], sd_[L];
        int32_t up_[L], n_[L];
        /* Gather (padding lanes repeat the group's first hit, with no pulses: never kept). */
        for (size_t l = 0; l < L; l++) {
            size_t h = g + (l < lanes ? l : 0);
            size_t index = base + (size_t)columns[h];
            w_[l] = block.weights[index];
            lo_[l] = block.lower[index];
            hi_[l] = block.upper[index];
            su_[l] = block.step_up[index];
            sd_[l] = block.step_down[index];
            up_[l] = up[h] ? -1 : 0;
            n_[l] = l < lanes ? (int32_t)counts[h] : 0;
        }
        v8f w, lo, hi, su, sd;
        v8i is_up, n;
        __builtin_memcpy(&w, w_, sizeof w);
        __builtin_memcpy(&lo, lo_, sizeof lo);
        __builtin_memcpy(&hi, hi_, sizeof hi);
        __builtin_memcpy(&su, su_, sizeof su);
        __builtin_memcpy(&sd, sd_, sizeof sd);
        __builtin_memcpy(&is_up, up_, sizeof is_up);
        __builtin_memcpy(&n, n_, sizeof n);
        /* Device math without the noise draw. slope⁺ = 1/b_max, slope⁻ = −1/b_min (0 when the
           bound is on the wrong side); the down step s(1 + slope w) is s(1 − (−slope) w). */
        v8f step = v8_select(is_up, su, sd);
        v8f bound = v8_select(is_up, hi, lo);
        v8i sloped = (is_up & (hi > zero)) | (~is_up & (lo < zero));
        v8f inverse = one / v8_select(sloped, bound, one);
        v8f slope = v8_select(sloped, v8_select(is_up, inverse, -inverse), zero);
        v8f sign = v8_select(is_up, one, -one);
        v8f noise_scale = step * block.cycle_std;
        v8f signed_slope = sign * slope;
        v8f single_nominal = step * (one - signed_slope * w);
        /* n pulses: rⁿ by branch-free squaring over the 5 bits of n < 32. */
        v8f r = one - step * slope;
        v8f decay = one - r;
        v8f rn = one, square = r;
        for (int j = 0; j < 5; j++) {
            v8f bit = __builtin_convertvector((n >> j) & 1, v8f);
            rn *= one + bit * (square - one);
            square *= square;
        }
        v8f q = sign * step;
        v8f safe_decay = v8_select(decay > zero, decay, one);
        v8f fixed_point = q / safe_decay;
        v8f mean = fixed_point + (w - fixed_point) * rn;
        v8f variance = (one - rn * rn) / (safe_decay * (one + r));
        v8f sd_n = noise_scale * __builtin_elementwise_sqrt(variance);
        v8f margin = 9.0f * sd_n;                  /* aggregationMargin in PulsedDeviceParameters.swift */
        v8i fits = (v8_min(w, mean) - margin >= lo) & (v8_max(w, mean) + margin <= hi);
        v8i closed = (n > 1) & (n < 32) & (decay >= 1e-4f) & (r >= zero) & fits;
        v8i keep = (n == 1) | closed;
        int32_t keep_[L];
        __builtin_memcpy(keep_, &keep, sizeof keep_);
        /* Normals for the kept lanes only, in lane order (a deferred hit draws nothing here,
           so a row deferred entirely leaves the stream as the pulse loop needs it). */
        float xi_[L];
        for (size_t l = 0; l < L; l++) {
            xi_[l] = 0.0f;
            if (keep_[l]) {
                uint64_t bits = xoshiro_next(s);
                int32_t hz = (int32_t)(bits >> 32);
                unsigned iz = (unsigned)(bits & 127);
                uint32_t magnitude = hz < 0 ? (uint32_t)0 - (uint32_t)hz : (uint32_t)hz;
                xi_[l] = magnitude < tables.k[iz] ? (float)hz * tables.w[iz] : ziggurat_slow(hz, iz, s, tables);
            }
        }
        v8f xi;
        __builtin_memcpy(&xi, xi_, sizeof xi);
        v8f single = v8_min(v8_max(w + sign * (single_nominal + noise_scale * xi), lo), hi);
        v8f many = mean + sd_n * xi;
        v8f value = v8_select(n == 1, single, many);
        float value_[L];
        __builtin_memcpy(value_, &value, sizeof value_);
        for (size_t l = 0; l < lanes; l++) {
            size_t h = g + l;
            if (keep_[l]) {
                block.weights[base + (size_t)columns[h]] = value_[l];
            } else {
                deferred[deferred_count++] = (int32_t)h;
            }
        }
    }
    rng[0] = s[0]; rng[1] = s[1]; rng[2] = s[2]; rng[3] = s[3];
    return deferred_count;
}
