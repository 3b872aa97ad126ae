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
/* rⁿ lane by lane for 0 ≤ n < 32, by branch-free squaring over the bits of n (two bits when
   every n < 4, the common case, else five). */
#define v8_power(r, n, out) do { \
    v8f square_ = (r); \
    v8f power_ = v8_select(((n) << 31) >> 31, square_, (v8f)1.0f); \
    square_ *= square_; \
    power_ *= v8_select(((n) << 30) >> 31, square_, (v8f)1.0f); \
    for (int j_ = 2; j_ < 5; j_++) { \
        square_ *= square_; \
        power_ *= v8_select(((n) << (31 - j_)) >> 31, square_, (v8f)1.0f); \
    } \
    (out) = power_; \
} while (0)

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
        v8f rn;
        v8_power(r, n, rn);
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

/* ---- Stochastic pulse trains ---- */

typedef uint8_t v16u8 __attribute__((ext_vector_type(16)));

/* Bit l of the result: lane l of a byte mask (0xFF or 0) is set. */
static inline __attribute__((always_inline)) uint32_t byte_mask_bits(const v16u8 *mask) {
    uint64_t low, high;
    v16u8 ones = *mask & (uint8_t)1;
    __builtin_memcpy(&low, &ones, 8);
    __builtin_memcpy(&high, (const char *)&ones + 8, 8);
    return (uint32_t)((low * 0x0102040810204080ull) >> 56) | ((uint32_t)((high * 0x0102040810204080ull) >> 56) << 8);
}

void neuromorph_pulse_trains(const float *probabilities, size_t count, uint32_t bit_length, uint64_t *rng,
                             uint64_t *trains) {
    uint64_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
    const uint64_t all = bit_length >= 64 ? ~0ull : (1ull << bit_length) - 1;
    for (size_t k = 0; k < count; k++) {
        const float p = probabilities[k];
        if (p >= 1) { trains[k] = all; continue; }
        /* NaN (a diverged gradient): no pulses, no draws — the step's loss check stops the run */
        if (p != p) { trains[k] = 0; continue; }
        const uint32_t threshold = (uint32_t)(p * 4294967040.0f);   /* the largest Float below 2³² */
        const uint8_t top = (uint8_t)(threshold >> 24);
        const uint32_t low = threshold & 0xffffffu;
        uint64_t train = 0;
        for (uint32_t slot = 0; slot < bit_length; slot += 16) {
            const uint32_t left = bit_length - slot;
            uint64_t draws[2] = {xoshiro_next(s), left > 8 ? xoshiro_next(s) : 0};
            v16u8 u;
            __builtin_memcpy(&u, draws, sizeof u);
            const uint32_t valid = left >= 16 ? 0xffffu : (1u << left) - 1;
            const v16u8 below_mask = (v16u8)(u < top), tie_mask = (v16u8)(u == top);
            uint32_t below = byte_mask_bits(&below_mask) & valid;
            /* a tie on the top byte (1 in 256): the low 24 bits decide */
            for (uint32_t ties = byte_mask_bits(&tie_mask) & valid; ties; ties &= ties - 1)
                if ((uint32_t)(xoshiro_next(s) >> 40) < low) below |= 1u << __builtin_ctz(ties);
            train |= (uint64_t)below << slot;
        }
        trains[k] = train;
    }
    rng[0] = s[0]; rng[1] = s[1]; rng[2] = s[2]; rng[3] = s[3];
}

/* ---- A whole batch of rank-one pulse-train updates on a block of soft-bounds devices ---- */

typedef uint64_t v4u64 __attribute__((ext_vector_type(4)));
typedef uint32_t v8u __attribute__((ext_vector_type(8)));

static inline uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Four xoshiro256++ generators side by side, lane l one stream (Blackman & Vigna 2019);
   each 64-bit draw serves two normals, one per 32-bit half. */
typedef struct { v4u64 s0, s1, s2, s3; } lanes4;

/* (Macros and pointers, not vector arguments: those would change the baseline clone's ABI.) */
#define rotl_v(x, k) (((x) << (uint64_t)(k)) | ((x) >> (uint64_t)(64 - (k))))

static inline __attribute__((always_inline)) void lanes4_next(lanes4 *g, v4u64 *out) {
    v4u64 result = rotl_v(g->s0 + g->s3, 23) + g->s0;
    v4u64 t = g->s1 << 17;
    g->s2 ^= g->s0;
    g->s3 ^= g->s1;
    g->s1 ^= g->s2;
    g->s0 ^= g->s3;
    g->s2 ^= t;
    g->s3 = rotl_v(g->s3, 45);
    *out = result;
}

/* One standard normal from the scalar stream (the 32-bit Ziggurat of NeuromorphCore). */
static inline __attribute__((always_inline)) float scalar_normal(uint64_t *s, neuromorph_ziggurat_tables t) {
    uint64_t bits = xoshiro_next(s);
    int32_t hz = (int32_t)(bits >> 32);
    unsigned iz = (unsigned)(bits & 127);
    uint32_t magnitude = hz < 0 ? (uint32_t)0 - (uint32_t)hz : (uint32_t)hz;
    return magnitude < t.k[iz] ? (float)hz * t.w[iz] : ziggurat_slow(hz, iz, s, t);
}

/* The lanes of a mask (all ones or zero per lane) as bits 0…7: one sign-mask instruction
   with AVX (a bool vector's bits; the reduction it replaces took seven). */
typedef _Bool v8b __attribute__((ext_vector_type(8)));
static inline __attribute__((always_inline)) unsigned lane_bits_of(const v8i *mask) {
    const v8b bits = __builtin_convertvector(*mask < 0, v8b);
    unsigned char byte;
    __builtin_memcpy(&byte, &bits, 1);
    return byte;
}
#define lane_bits(mask) ({ const v8i mask_ = (v8i)(mask); lane_bits_of(&mask_); })

/* Standard normals drawn ahead in blocks of POOL_SIZE and handed out in order, by the Ziggurat
   method from the four lanes: per 32-bit half u of a 64-bit draw, h = u >> 8 (signed, 24 bits)
   and layer i = u & 127 (disjoint bits). With ⌈k_i/2⁸⌉ and w_i·2⁸ it is exactly the 32-bit
   method on h·2⁸ (|h| < ⌈k_i/2⁸⌉ ⟺ |h·2⁸| < k_i, and the products are equal). The fast region
   eight at a time without a branch; the wedges and tail (about 1 % of draws) afterwards from
   the scalar stream, so no draw waits on a slow one (about 3 cycles a normal instead of 8). */
enum { POOL_SIZE = 512 };
/* Devices closer to a bound than this many sd of one pulse's noise are pulsed one at a time;
   the others realize their composed noise every REALIZE_EVERY active samples (a power of 2). */
enum { NEAR_BOUND_SDS = 20, REALIZE_EVERY = 8 };
typedef struct {
    lanes4 lanes;
    uint64_t *scalar;
    neuromorph_ziggurat_tables tables;
    float *values;         /* [POOL_SIZE] */
    int32_t *slow;         /* [POOL_SIZE]: positions that need the slow path */
    size_t next, size;     /* the next unused value, the current block's size */
} normal_pool;

/* Blocks start at 64 normals and double up to POOL_SIZE, so a call that needs only a few
   (a transfer's one-column write) draws only a few. */
static inline __attribute__((always_inline)) void pool_refill(normal_pool *p) {
    size_t slow_count = 0;
    p->size = p->size == 0 ? 64 : (2 * p->size < POOL_SIZE ? 2 * p->size : POOL_SIZE);
    for (size_t q = 0; q < p->size; q += 8) {
        v4u64 bits;
        lanes4_next(&p->lanes, &bits);
        v8u halves = (v8u)bits;
        v8i hz = (v8i)halves >> 8;
        v8u iz = halves & 127u;
        v8u magnitude = (v8u)((hz ^ (hz >> 31)) - (hz >> 31));
        v8u kk;
        v8f scale;
        for (int l = 0; l < 8; l++) { kk[l] = p->tables.k[iz[l]]; scale[l] = p->tables.w[iz[l]]; }
        kk = (kk + 255u) >> 8;
        v8f x = __builtin_convertvector(hz, v8f) * (scale * 256.0f);
        /* a slow lane keeps its draw in place of the value, for the pass below */
        v8i slow = (v8i)(magnitude >= kk);
        v8f marked = v8_select(slow, (v8f)halves, x);
        __builtin_memcpy(p->values + q, &marked, sizeof marked);
        /* appended without a branch (about one vector in eleven has a slow lane, and a loop
           over its bits mispredicted on entry and exit) */
        const unsigned slow_lanes = lane_bits(slow);
        for (int l = 0; l < 8; l++) {
            p->slow[slow_count] = (int32_t)(q + (size_t)l);
            slow_count += (slow_lanes >> l) & 1u;
        }
    }
    for (size_t k = 0; k < slow_count; k++) {
        uint32_t halves;
        __builtin_memcpy(&halves, p->values + p->slow[k], sizeof halves);
        int32_t hz = (int32_t)halves >> 8;
        p->values[p->slow[k]] = ziggurat_slow((int32_t)((uint32_t)hz << 8), halves & 127u, p->scalar, p->tables);
    }
    p->next = 0;
}

static inline __attribute__((always_inline)) float pool_normal(normal_pool *p) {
    if (__builtin_expect(p->next == p->size, 0)) pool_refill(p);
    return p->values[p->next++];
}

/* Eight normals, one per lane (a block's last few are skipped rather than split). */
#define pool_normals8(p, out) do { \
    if (__builtin_expect((p)->next + 8 > (p)->size, 0)) pool_refill(p); \
    __builtin_memcpy(&(out), (p)->values + (p)->next, sizeof(out)); \
    (p)->next += 8; \
} while (0)

/* n pulses towards bound b, one at a time, each clipped: w ← clip(w·r + (b·(1 − r) + σₛ·ξ)),
   the affine form of the soft-bounds pulse (r = 1 − s/|b|, σₛ = s·dw_min_std), with the
   pulse's offset formed off the path from one pulse to the next. */
static inline __attribute__((always_inline)) float clipped_pulses(float w, int n, float b, float r, float noise,
                                                                   float lo, float hi, normal_pool *p) {
    const float fixed = b * (1.0f - r);
    for (int k = 0; k < n; k++) {
        const float offset = fixed + noise * pool_normal(p);
        w = w * r + offset;
        w = w < lo ? lo : w;
        w = hi < w ? hi : w;
    }
    return w;
}

/* The pulse-by-pulse soft-bounds loop for one device (additive noise): the reference
   semantics, used where the closed form is not (r < 0 or a tiny decay). */
static float soft_bounds_pulse_loop(float w, int n, int up, float lo, float hi, float su, float sd, float std,
                                    normal_pool *p) {
    const float slope_up = hi > 0 ? 1.0f / hi : 0.0f, slope_down = lo < 0 ? -1.0f / lo : 0.0f;
    for (int k = 0; k < n; k++) {
        float xi = pool_normal(p);
        if (up) {
            float step = su * (1.0f - slope_up * w) + su * std * xi;
            w = w + step;
        } else {
            float step = sd * (1.0f + slope_down * w) + sd * std * xi;
            w = w - step;
        }
        w = w < lo ? lo : w;           /* Swift clamp: min(max(w, lo), hi) */
        w = hi < w ? hi : w;
    }
    return w;
}

/* Population count of eight 32-bit lanes (a nibble table with AVX2, SWAR otherwise). */
#define popcount8(v, out) do { (out) = (v8i)__builtin_elementwise_popcount((v8u)(v)); } while (0)

/* One device near a bound through all its row's active samples, pulse by pulse, each pulse
   clipped (the reference semantics), with the reads of its column. The samples' pulses are
   first laid out as one list of directions (each sample writes 32 and keeps n), so the pulse
   loop runs without a branch per sample. `directions` holds B·31 + 32 bytes. */
static inline __attribute__((always_inline)) void device_pulse_by_pulse(
    float *w_io, uint32_t *pc_io, uint32_t *wc_io, float lo, float hi, float su, float sd, float r_up, float r_down,
    float noise_up, float noise_down, int composable, float std,
    const int32_t *samples, int32_t n_active, const uint32_t *words, const uint32_t *trains, size_t P,
    const int32_t *reads, int32_t n_reads, int32_t column, neuromorph_train_batch batch, size_t i, normal_pool *p,
    uint8_t *directions) {
    float w = *w_io;
    uint32_t pc = *pc_io, wc = *wc_io;
    const float bounds[2] = {lo, hi}, rs[2] = {r_down, r_up}, noises[2] = {noise_down, noise_up};
    int32_t a = 0;
    for (int32_t k = 0; k <= n_reads; k++) {
        const int32_t last = k < n_reads ? reads[k] : (int32_t)batch.samples;
        if (k < n_reads && batch.read_columns[last] != column) continue;
        /* this segment's pulses: the samples up to the read */
        size_t count = 0;
        uint32_t writes = 0;
        for (; a < n_active && samples[a] <= last; a++) {
            const int32_t b = samples[a];
            const uint32_t word = words[b], train = trains[(size_t)b * P];
            const uint32_t n = (uint32_t)__builtin_popcount(train & word & 0x7fffffffu);
            const uint8_t up = (uint8_t)((train ^ word) >> 31);
            __builtin_memset(directions + count, up, 32);
            count += n;
            writes += n != 0;
        }
        if (composable) {
            for (size_t q = 0; q < count; q++) {
                const int up = directions[q];
                w = clipped_pulses(w, 1, bounds[up], rs[up], noises[up], lo, hi, p);
            }
        } else {
            for (size_t q = 0; q < count; q++)
                w = soft_bounds_pulse_loop(w, 1, directions[q], lo, hi, su, sd, std, p);
        }
        pc += (uint32_t)count;
        wc += writes;
        if (k < n_reads) {
            batch.read_weights[(size_t)last * batch.rows + i] = w;
            if (batch.read_writes) batch.read_writes[(size_t)last * batch.rows + i] = wc;
        }
    }
    *w_io = w; *pc_io = pc; *wc_io = wc;
}

NEUROMORPH_AVX2_CLONES
void neuromorph_soft_bounds_train_batch(neuromorph_soft_bounds_rows devices, neuromorph_train_batch batch,
                                        uint64_t lane_seed, uint64_t *rng, neuromorph_ziggurat_tables tables,
                                        int32_t *scratch) {
    enum { L = 8 };
    const size_t B = batch.samples, C = batch.columns, P = batch.padded_columns, rows = batch.rows;
    uint64_t s[4] = {rng[0], rng[1], rng[2], rng[3]};
    lanes4 g;
    {
        uint64_t seed = lane_seed;
        uint64_t w0[4], w1[4], w2[4], w3[4];
        for (int l = 0; l < 4; l++) {
            w0[l] = splitmix64(&seed); w1[l] = splitmix64(&seed);
            w2[l] = splitmix64(&seed); w3[l] = splitmix64(&seed);
        }
        __builtin_memcpy(&g.s0, w0, sizeof g.s0); __builtin_memcpy(&g.s1, w1, sizeof g.s1);
        __builtin_memcpy(&g.s2, w2, sizeof g.s2); __builtin_memcpy(&g.s3, w3, sizeof g.s3);
    }
    normal_pool pool_state = {g, s, tables, (float *)0, (int32_t *)0, 0, 0};
    normal_pool *pool = &pool_state;
    /* Per row, the samples whose row train fired, in order. */
    int32_t *active = scratch;                 /* [rows × B] */
    int32_t *active_count = scratch + rows * B; /* [rows] */
    for (size_t i = 0; i < rows; i++) {
        int32_t count = 0;
        for (size_t b = 0; b < B; b++) {
            active[i * B + (size_t)count] = (int32_t)b;
            count += batch.row_trains[i * B + b] != 0;
        }
        active_count[i] = count;
    }
    /* Column reads, bucketed by group of eight columns: group_reads[group_start[g]…] are the
       samples whose read column lies in group g, in sample order. */
    const size_t groups = P / L;
    int32_t *group_start = active_count + rows;  /* [groups + 1] */
    int32_t *group_reads = group_start + groups + 1; /* [B] */
    for (size_t q = 0; q <= groups; q++) group_start[q] = 0;
    if (batch.read_columns) {
        for (size_t b = 0; b < B; b++)
            if (batch.read_columns[b] >= 0) group_start[(size_t)batch.read_columns[b] / L + 1]++;
        for (size_t q = 0; q < groups; q++) group_start[q + 1] += group_start[q];
        for (size_t q = 0; q < groups; q++) {
            int32_t fill = group_start[q];
            for (size_t b = 0; b < B; b++)
                if (batch.read_columns[b] >= 0 && (size_t)batch.read_columns[b] / L == q) group_reads[fill++] = (int32_t)b;
        }
    }
    /* The groups any sample's column trains reach, or that are read (a transfer's write to
       one column visits one group per row). */
    int32_t *live_groups = group_reads + B;       /* [groups] */
    size_t n_live = 0;
    for (size_t q = 0; q < groups; q++) {
        v8u any = 0;
        for (size_t b = 0; b < B; b++) {
            v8u column;
            __builtin_memcpy(&column, batch.column_trains + b * P + q * L, sizeof column);
            any |= column;
        }
        if (__builtin_reduce_or(any) != 0 || group_start[q + 1] > group_start[q]) live_groups[n_live++] = (int32_t)q;
    }
    /* Per row and sample, the row train with the sign of d in bit 31 (the column trains carry
       the sign of x there): the coincidences are the common bits below 31, and the pulses go
       up where the two bits 31 differ (d·x < 0). */
    uint32_t *row_words = (uint32_t *)(live_groups + groups);  /* [rows × B] */
    pool->values = (float *)(row_words + rows * B);             /* [POOL_SIZE] */
    pool->slow = (int32_t *)(pool->values + POOL_SIZE);         /* [POOL_SIZE] */
    uint8_t *directions = (uint8_t *)(pool->slow + POOL_SIZE);  /* [31·B + 32] */
    for (size_t k = 0; k < rows * B; k++)
        row_words[k] = (batch.row_trains[k] & 0x7fffffffu) | (batch.row_negative[k] ? 0x80000000u : 0u);
    const v8f one = 1.0f, zero = 0.0f;
    const v8i lane_index = {0, 1, 2, 3, 4, 5, 6, 7};
    const float std = devices.block.cycle_std;
    /* Rows outer, groups of eight columns inside (contiguous device buffers), the row's
       active samples innermost (a group's weights stay in registers across them). */
    for (size_t i = 0; i < rows; i++) {
        const int32_t n_active = active_count[i];
        if (n_active == 0 && group_start[groups] == 0) continue;
        const int32_t *samples = active + i * B;
        const uint32_t *words = row_words + i * B;
        for (size_t live = 0; live < n_live; live++) {
            const size_t c0 = (size_t)live_groups[live] * L;
            const int32_t *reads = group_reads + group_start[c0 / L];
            const int32_t n_reads = group_start[c0 / L + 1] - group_start[c0 / L];
            const size_t index = i * C + c0;
            const size_t lanes = C - c0 < L ? C - c0 : L;
            v8f w, lo, hi, su, sd;
            v8u pc, wc = 0;
            if (lanes == L) {
                __builtin_memcpy(&w, devices.block.weights + index, sizeof w);
                __builtin_memcpy(&lo, devices.block.lower + index, sizeof lo);
                __builtin_memcpy(&hi, devices.block.upper + index, sizeof hi);
                __builtin_memcpy(&su, devices.block.step_up + index, sizeof su);
                __builtin_memcpy(&sd, devices.block.step_down + index, sizeof sd);
                __builtin_memcpy(&pc, devices.pulse_counts + index, sizeof pc);
                if (devices.write_counts) __builtin_memcpy(&wc, devices.write_counts + index, sizeof wc);
            } else {
                /* The last group: padding lanes get harmless devices (they never coincide). */
                float w_[L], lo_[L], hi_[L], su_[L], sd_[L];
                uint32_t pc_[L], wc_[L];
                for (size_t l = 0; l < L; l++) {
                    int valid = l < lanes;
                    w_[l] = valid ? devices.block.weights[index + l] : 0.0f;
                    lo_[l] = valid ? devices.block.lower[index + l] : -1.0f;
                    hi_[l] = valid ? devices.block.upper[index + l] : 1.0f;
                    su_[l] = valid ? devices.block.step_up[index + l] : 0.0f;
                    sd_[l] = valid ? devices.block.step_down[index + l] : 0.0f;
                    pc_[l] = valid ? devices.pulse_counts[index + l] : 0u;
                    wc_[l] = valid && devices.write_counts ? devices.write_counts[index + l] : 0u;
                }
                __builtin_memcpy(&w, w_, sizeof w); __builtin_memcpy(&lo, lo_, sizeof lo);
                __builtin_memcpy(&hi, hi_, sizeof hi); __builtin_memcpy(&su, su_, sizeof su);
                __builtin_memcpy(&sd, sd_, sizeof sd); __builtin_memcpy(&pc, pc_, sizeof pc);
                __builtin_memcpy(&wc, wc_, sizeof wc);
            }
            /* Per-direction constants of the affine pulse maps (slope⁺ = 1/b_max, slope⁻ = −1/b_min,
               r = 1 − s·slope, one pulse w ← b + (w − b)·r + s·σ·ξ), and K = (sσ)²/(1 − r²), the
               variance the noise of an endless train settles at. */
            v8i up_sloped = (v8i)(hi > zero), down_sloped = (v8i)(lo < zero);
            v8f r_up = one - su * v8_select(up_sloped, one / v8_select(up_sloped, hi, one), zero);
            v8f r_down = one - sd * v8_select(down_sloped, -(one / v8_select(down_sloped, lo, one)), zero);
            v8f decay_up = one - r_up, decay_down = one - r_down;
            v8i composable = up_sloped & down_sloped & (v8i)(decay_up >= 1e-4f) & (v8i)(decay_down >= 1e-4f)
                             & (v8i)(r_up >= zero) & (v8i)(r_down >= zero);
            v8f noise_up = su * std, noise_down = sd * std;
            v8f settled_up = (noise_up * noise_up) / (v8_select(composable, decay_up, one) * (one + r_up));
            v8f settled_down = (noise_down * noise_down) / (v8_select(composable, decay_down, one) * (one + r_down));
            /* Composition across the samples: the pulse maps are affine with additive Gaussian
               noise, so after any sequence the weight is Gaussian with mean m (the noiseless path)
               and variance V, drawn once at the end. Exact while no clip can act: the path's
               distance to each bound stays ≥ 9 sd of the noise accumulated so far
               (aggregationMargin); a lane that would come closer is realized there (below).
               Devices that start within NEAR_BOUND_SDS sd of one pulse's noise of a bound (or
               are not composable) would do so at almost every sample: they get their pulses
               one at a time after the group (device_pulse_by_pulse); the rest compose. */
            v8f near_start = v8_min(w - lo, hi - w);
            const v8i by_pulse = ~composable | (v8i)(near_start < (float)NEAR_BOUND_SDS * v8_max(noise_up, noise_down));
            const v8u composing = (v8u)~by_pulse;
            v8f m = w, V = zero;
            int32_t a = 0;
            /* The samples up to each read (a read after sample b), then the rest. */
            for (int32_t k = 0; k <= n_reads; k++) {
                const int32_t last = k < n_reads ? reads[k] : (int32_t)B;
                for (; a < n_active && samples[a] <= last; a++) {
                    const size_t b = (size_t)samples[a];
                    const uint32_t word = words[b];
                    v8u column;
                    __builtin_memcpy(&column, batch.column_trains + b * P + c0, sizeof column);
                    v8i n;
                    popcount8(column & (word & 0x7fffffffu) & composing, n);
                    v8i is_up = (v8i)(column ^ word) >> 31;
                    v8f r = v8_select(is_up, r_up, r_down);
                    v8f settled = v8_select(is_up, settled_up, settled_down);
                    v8f bound = v8_select(is_up, hi, lo);
                    v8f rn;
                    v8_power(r, n, rn);
                    v8f m_next = bound + (m - bound) * rn;
                    v8f V_next = settled - (settled - V) * (rn * rn);
                    /* the path's distance to the nearer bound (both ≥ 0 on composable lanes) */
                    v8f near = v8_min(v8_min(m, m_next) - lo, hi - v8_max(m, m_next));
                    v8i fits = (v8i)(near * near >= 81.0f * V_next);  /* (aggregationMargin sd)²; hit lanes compose */
                    v8i hit_lanes = n > 0, per_sample = hit_lanes & ~fits;
                    /* Advance every hit lane (n = 0 lanes untouched: no rounding) and put failed
                       lanes back below: the next sample's state then waits only on the composition,
                       not on the margin test (the branch is predicted not taken). */
                    const v8f m_before = m, V_before = V;
                    m = v8_select(hit_lanes, m_next, m);
                    V = v8_select(hit_lanes, V_next, V);
                    pc += (v8u)n;
                    wc -= (v8u)hit_lanes;  /* a mask lane is −1 */
                    if (__builtin_expect(__builtin_reduce_or(per_sample) != 0, 0)) {
                        m = v8_select(per_sample, m_before, m);
                        V = v8_select(per_sample, V_before, V);
                        /* Realize the group's accumulated noise and compose this sample from
                           there; a lane whose sample alone comes within the margin of a bound gets
                           its pulses one at a time, each clipped (the reference semantics), lane by
                           lane from the scalar stream (about one lane update in fifty). */
                        if (__builtin_reduce_or(per_sample & (v8i)(V > zero)) != 0) {
                            /* The vector of normals serves every lane with pending noise, not just
                               the failed ones: realizing a Gaussian early is always exact, and a
                               lane flushed now fails later less often. */
                            v8f xi;
                            pool_normals8(pool, xi);
                            v8i pending = (v8i)(V > zero);
                            v8f realized = v8_min(v8_max(m + __builtin_elementwise_sqrt(V) * xi, lo), hi);
                            m = v8_select(pending, realized, m);
                            V = v8_select(pending, zero, V);
                        }
                        v8f m_alone = bound + (m - bound) * rn;
                        v8f V_alone = settled - settled * (rn * rn);
                        v8f near_alone = v8_min(v8_min(m, m_alone) - lo, hi - v8_max(m, m_alone));
                        v8i alone = per_sample & (v8i)(near_alone * near_alone >= 81.0f * V_alone);
                        m = v8_select(alone, m_alone, m);
                        V = v8_select(alone, V_alone, V);
                        v8i exact = per_sample & ~alone;
                        for (unsigned lanes_left = lane_bits(exact); lanes_left; lanes_left &= lanes_left - 1) {
                            const int l = __builtin_ctz(lanes_left);
                            const float value = clipped_pulses(m[l], n[l], bound[l], r[l],
                                                               is_up[l] ? noise_up[l] : noise_down[l], lo[l], hi[l], pool);
                            m = v8_select(lane_index == l, (v8f)value, m);
                        }
                    }
                    /* Every REALIZE_EVERY active samples the group's composed noise is drawn
                       (realizing a Gaussian early is exact): V then never grows far, and far
                       fewer lanes come within the margin (a fixed period: no branch to mispredict). */
                    if ((a & (REALIZE_EVERY - 1)) == REALIZE_EVERY - 1) {
                        v8f xi;
                        pool_normals8(pool, xi);
                        m = v8_min(v8_max(m + __builtin_elementwise_sqrt(V) * xi, lo), hi);
                        V = zero;
                    }
                }
                if (k < n_reads) {
                    /* The read after sample `last`: the lane's weight realized (its composed noise
                       drawn), then copied out with its write count. */
                    const size_t b = (size_t)last;
                    const int lane = batch.read_columns[b] - (int32_t)c0;
                    if (by_pulse[lane]) continue;
                    if (V[lane] > 0.0f) {
                        float value = m[lane] + __builtin_elementwise_sqrt(V[lane]) * pool_normal(pool);
                        value = value < lo[lane] ? lo[lane] : value;
                        m[lane] = hi[lane] < value ? hi[lane] : value;
                        V[lane] = 0.0f;
                    }
                    batch.read_weights[b * rows + i] = m[lane];
                    if (batch.read_writes) batch.read_writes[b * rows + i] = wc[lane];
                }
            }
            /* The composed noise, one normal per device. */
            if (__builtin_reduce_or((v8i)(V > zero)) != 0) {
                v8f xi;
                pool_normals8(pool, xi);
                m = v8_select((v8i)(V > zero), v8_min(v8_max(m + __builtin_elementwise_sqrt(V) * xi, lo), hi), m);
            }
            if (__builtin_reduce_or(by_pulse) != 0) {
                float m_[L];
                uint32_t pc_[L], wc_[L];
                __builtin_memcpy(m_, &m, sizeof m_);
                __builtin_memcpy(pc_, &pc, sizeof pc_); __builtin_memcpy(wc_, &wc, sizeof wc_);
                for (unsigned left = lane_bits(by_pulse) & ((1u << lanes) - 1); left; left &= left - 1) {
                    const int l = __builtin_ctz(left);
                    device_pulse_by_pulse(&m_[l], &pc_[l], &wc_[l], lo[l], hi[l], su[l], sd[l], r_up[l], r_down[l],
                                          noise_up[l], noise_down[l], composable[l] != 0, std, samples, n_active, words,
                                          batch.column_trains + c0 + (size_t)l, P, reads, n_reads,
                                          (int32_t)(c0 + (size_t)l), batch, i, pool, directions);
                }
                __builtin_memcpy(&m, m_, sizeof m); __builtin_memcpy(&pc, pc_, sizeof pc);
                __builtin_memcpy(&wc, wc_, sizeof wc);
            }
            w = m;
            if (lanes == L) {
                __builtin_memcpy(devices.block.weights + index, &w, sizeof w);
                __builtin_memcpy(devices.pulse_counts + index, &pc, sizeof pc);
                if (devices.write_counts) __builtin_memcpy(devices.write_counts + index, &wc, sizeof wc);
            } else {
                for (size_t l = 0; l < lanes; l++) {
                    devices.block.weights[index + l] = w[l];
                    devices.pulse_counts[index + l] = pc[l];
                    if (devices.write_counts) devices.write_counts[index + l] = wc[l];
                }
            }
        }
    }
    (void)g;
    rng[0] = s[0]; rng[1] = s[1]; rng[2] = s[2]; rng[3] = s[3];
}
