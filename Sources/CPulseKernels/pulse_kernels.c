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

NEUROMORPH_AVX2_CLONES
size_t neuromorph_soft_bounds_row_pulses(neuromorph_soft_bounds_block block, size_t base,
                                         const int32_t *columns, const uint8_t *counts, const bool *up,
                                         size_t hits, uint64_t *rng, neuromorph_ziggurat_tables tables,
                                         int32_t *deferred) {
    enum { L = 8 };
    const float margin_sd = 9.0f;           /* aggregationMargin in PulsedDeviceParameters.swift */
    uint64_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
    size_t deferred_count = 0;
    for (size_t g = 0; g < hits; g += L) {
        size_t lanes = hits - g < L ? hits - g : L;
        float w[L], lo[L], hi[L], step[L], slope[L], sign[L], xi[L];
        float base_single[L], noise_scale[L], mean[L], sd[L];
        unsigned n[L];
        int keep[L];
        int32_t hz[L];
        uint32_t iz[L];
        /* Gather (padding lanes repeat the group's first hit and are never kept). */
        for (size_t l = 0; l < L; l++) {
            size_t h = g + (l < lanes ? l : 0);
            size_t index = base + (size_t)columns[h];
            bool is_up = up[h];
            w[l] = block.weights[index];
            lo[l] = block.lower[index];
            hi[l] = block.upper[index];
            step[l] = is_up ? block.step_up[index] : block.step_down[index];
            float bound = is_up ? hi[l] : lo[l];
            bool sloped = is_up ? hi[l] > 0.0f : lo[l] < 0.0f;
            slope[l] = sloped ? (is_up ? 1.0f / bound : -1.0f / bound) : 0.0f;
            sign[l] = is_up ? 1.0f : -1.0f;
            n[l] = l < lanes ? (unsigned)counts[h] : 0u;
        }
        /* Device math without the noise draw, element-wise. */
        for (size_t l = 0; l < L; l++) {
            noise_scale[l] = step[l] * block.cycle_std;
            /* One pulse: the pulse loop's arithmetic (down: s(1 + slope w) = s(1 − (−slope) w)). */
            float signed_slope = sign[l] * slope[l];
            base_single[l] = step[l] * (1.0f - signed_slope * w[l]);
            /* n pulses: rⁿ by branch-free squaring over the 5 bits of n < 32. */
            float r = 1.0f - step[l] * slope[l];
            float decay = 1.0f - r;
            float rn = 1.0f, square = r;
            for (int j = 0; j < 5; j++) {
                rn *= 1.0f + (float)((n[l] >> j) & 1u) * (square - 1.0f);
                square *= square;
            }
            float q = sign[l] * step[l];
            float safe_decay = decay > 0.0f ? decay : 1.0f;
            float fixed_point = q / safe_decay;
            mean[l] = fixed_point + (w[l] - fixed_point) * rn;
            float variance = (1.0f - rn * rn) / (safe_decay * (1.0f + r));
            sd[l] = noise_scale[l] * sqrtf(variance);
            float margin = margin_sd * sd[l];
            int fits = fminf(w[l], mean[l]) - margin >= lo[l] && fmaxf(w[l], mean[l]) + margin <= hi[l];
            int closed = n[l] > 1 && n[l] < 32 && decay >= 1e-4f && r >= 0.0f && fits;
            keep[l] = n[l] == 1 || closed;
        }
        /* Normals for the kept lanes only, in lane order (a deferred hit draws nothing here,
           so a row that is deferred entirely leaves the stream as the pulse loop needs it). */
        for (size_t l = 0; l < L; l++) {
            hz[l] = 0;
            iz[l] = 127;            /* k[127] > 0: an idle lane is on the fast path */
            if (keep[l]) {
                uint64_t bits = xoshiro_next(s);
                hz[l] = (int32_t)(bits >> 32);
                iz[l] = (unsigned)(bits & 127);
            }
        }
        int all_fast = 1;
        for (size_t l = 0; l < L; l++) {
            uint32_t magnitude = hz[l] < 0 ? (uint32_t)0 - (uint32_t)hz[l] : (uint32_t)hz[l];
            all_fast &= magnitude < tables.k[iz[l]];
            xi[l] = (float)hz[l] * tables.w[iz[l]];
        }
        if (!all_fast) {
            for (size_t l = 0; l < L; l++) {
                uint32_t magnitude = hz[l] < 0 ? (uint32_t)0 - (uint32_t)hz[l] : (uint32_t)hz[l];
                if (keep[l] && !(magnitude < tables.k[iz[l]])) xi[l] = ziggurat_slow(hz[l], iz[l], s, tables);
            }
        }
        for (size_t l = 0; l < lanes; l++) {
            size_t h = g + l;
            if (!keep[l]) {
                deferred[deferred_count++] = (int32_t)h;
                continue;
            }
            float value;
            if (n[l] == 1) {
                float one_step = base_single[l] + noise_scale[l] * xi[l];
                value = fminf(fmaxf(w[l] + sign[l] * one_step, lo[l]), hi[l]);
            } else {
                value = mean[l] + sd[l] * xi[l];
            }
            block.weights[base + (size_t)columns[h]] = value;
        }
    }
    rng[0] = s[0]; rng[1] = s[1]; rng[2] = s[2]; rng[3] = s[3];
    return deferred_count;
}
