#ifndef NEUROMORPH_PULSE_KERNELS_H
#define NEUROMORPH_PULSE_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// The coincidences of one row train with a sample's active column trains (the inner loop
/// of the stochastic pulsed update, Gokmen & Vlasov 2016): for every active column c,
/// k_c = popcount(row_train & column_trains[c]). Columns with k_c > 0 are written, in
/// order, to hit_columns (column_index[c]), hit_counts (k_c) and hit_up
/// (row_negative != column_negative[c]: d·x < 0 raises the weight); k_c is added to
/// pulse_counts[column_index[c]]. Returns the number of hits.
///
/// Compiled for the baseline x86-64 ISA and for CPUs with POPCNT (chosen at load time):
/// baseline Swift has no popcount instruction.
size_t neuromorph_row_coincidences(uint64_t row_train, bool row_negative,
                                   const uint64_t *column_trains, const int32_t *column_index,
                                   const bool *column_negative, size_t count,
                                   int32_t *hit_columns, uint8_t *hit_counts, bool *hit_up,
                                   uint32_t *pulse_counts);

/// Stochastic pulse trains of `bit_length` ≤ 64 slots (aihwkit's stochastic translator):
/// slot t of train k fires when a 32-bit uniform u is below `⌊p_k·(2³² − 256)⌋`, the
/// comparison of CrossbarArray.pulseTrain (p ≥ 1: every slot fires; NaN: none, without a draw,
/// where the Swift conversion would have trapped). Each uniform is drawn top
/// byte first — u < T ⟺ u₈ < T₈, or u₈ = T₈ and the low 24 bits are below T's — so one 64-bit
/// draw decides eight slots and only a tie (1 in 256) draws again: the same probability per
/// slot from a quarter of the draws. Draws from the xoshiro256++ state `rng` (advanced in place).
void neuromorph_pulse_trains(const float *probabilities, size_t count, uint32_t bit_length, uint64_t *rng,
                             uint64_t *trains);

/// The Ziggurat tables of NeuromorphCore's `Ziggurat` (Marsaglia & Tsang 2000, 128 layers):
/// `k` fast-accept thresholds, `w` value scales, `f` densities at the layer edges.
typedef struct {
    const uint32_t *k;
    const float *w;
    const float *f;
} neuromorph_ziggurat_tables;

/// The devices of one crossbar block of soft-bounds devices with additive cycle-to-cycle
/// noise (aihwkit `SoftBoundsDevice` / `SoftBoundsReferenceDevice`, `mult_noise = False`):
/// weights, per-device bounds and step sizes, row-major, and the noise scale `dw_min_std`
/// in units of each device's step.
typedef struct {
    float *weights;
    const float *lower;
    const float *upper;
    const float *step_up;
    const float *step_down;
    float cycle_std;
} neuromorph_soft_bounds_block;

/// One row's coincidences applied to soft-bounds devices with additive noise, eight at a
/// time (the device math is element-wise; the bounds, steps and weights are gathered).
///
/// For hit h (device `base + columns[h]`, `counts[h]` pulses, direction `up[h]`), with
/// `s` the device's step in that direction, `slope⁺ = 1/b_max`, `slope⁻ = 1/|b_min|`:
/// - one pulse: `w ← clip(w ± (s(1 ∓ slope w) + s·σ·ξ))`, exactly the pulse;
/// - n = 2…31 pulses: the n-fold affine map in closed form (`r = 1 − s·slope`,
///   `q = ±s`): mean `f + (w − f) rⁿ` with `f = q/(1 − r)`, variance `s²σ² (1 − r²ⁿ)/(1 − r²)`,
///   used only when the mean ± 9 sd stays inside the bounds and `1 − r ≥ 1e-4`.
/// Every other hit (longer trains, nearly constant steps, paths near a bound) is not
/// applied: its index into the hit list is written to `deferred` for the caller's
/// pulse-by-pulse loop. ξ are standard normals by the Ziggurat method from the
/// xoshiro256++ state `rng` (advanced in place): eight 64-bit draws per group of eight
/// hits, then, lane by lane, the wedge and tail continuation of the lanes outside the
/// fast region. Returns the number of deferred hits.
///
/// Only exactly rounded operations (+ − × ÷ √, min/max, compares; no contraction), so
/// the result does not depend on which instruction set the clone uses.
size_t neuromorph_soft_bounds_row_pulses(neuromorph_soft_bounds_block block, size_t base,
                                         const int32_t *columns, const uint8_t *counts, const bool *up,
                                         size_t hits, uint64_t *rng, neuromorph_ziggurat_tables tables,
                                         int32_t *deferred);

/// A block of soft-bounds devices for ``neuromorph_soft_bounds_train_batch``: the buffers of
/// ``neuromorph_soft_bounds_block``, the per-device pulse counter of the crossbar and, for
/// devices with write noise, the per-device write counter (NULL without).
typedef struct {
    neuromorph_soft_bounds_block block;
    uint32_t *pulse_counts;
    uint32_t *write_counts;
} neuromorph_soft_bounds_rows;

/// A batch of rank-one pulse-train updates on a block of `rows × columns` devices.
/// `column_trains[b·padded_columns + j]` is sample b's train for column j (bit t = slot t,
/// at most 31 slots) with bit 31 set where x_bj < 0, and 0 for columns without pulses
/// (also the padding up to `padded_columns`, a multiple of 8); `row_trains[i·samples + b]`
/// is row i's train for sample b (0: none) and `row_negative[i·samples + b]` whether d_bi < 0.
///
/// Column reads (optional, `read_columns` NULL: none): after sample b, column
/// `read_columns[b]` (−1: none) is read — every row's device weight goes to
/// `read_weights[b·rows + i]` and, with write counters, its count to `read_writes[b·rows + i]`
/// (the transfer reads of Tiki-Taka inside a mini-batch).
typedef struct {
    size_t samples;
    size_t rows;
    size_t columns;
    size_t padded_columns;
    const uint32_t *column_trains;
    const uint32_t *row_trains;
    const bool *row_negative;
    const int32_t *read_columns;
    float *read_weights;
    uint32_t *read_writes;
} neuromorph_train_batch;

/// The int32 scratch ``neuromorph_soft_bounds_train_batch`` needs for a batch: the active
/// samples and signed row trains per row, the read buckets and live groups, a block of 512
/// normals with its slow-path list, and one device's pulse directions (31·samples + 32 bytes).
static inline size_t neuromorph_train_batch_scratch(neuromorph_train_batch batch) {
    return batch.rows * (2 * batch.samples + 1) + 2 * (batch.padded_columns / 8) + 1 + batch.samples
           + 2 * 512 + (31 * batch.samples + 32) / 4 + 1;
}

/// Every sample's rank-one update of a batch applied to soft-bounds devices with additive
/// noise (the pulsed update of Gokmen & Vlasov 2016 with aihwkit's device semantics), with
/// each device's state kept in registers across the samples: for device (i, j) and the
/// samples b in order, `n = popcount(row_i,b & column_b,j)` pulses, up where d·x < 0;
/// `pulse_counts` gains n and `write_counts` one per update with n > 0.
///
/// Composition: one pulse is the affine map `w ← b + (w − b)·r + s·σ·ξ` (b the bound the
/// pulse moves towards, `r = 1 − s/|b|`), so any sequence of pulses leaves the weight
/// Gaussian with mean m (the noiseless path: n pulses map m to `b + (m − b)·rⁿ`) and
/// variance V (`V ← K − (K − V)·r²ⁿ`, `K = (sσ)²/(1 − r²)`). The kernel carries (m, V) across
/// the samples and draws the noise (one normal per device) every 8 active samples, at a
/// column read and at the end — drawing a Gaussian early is exact. This is exact as long as
/// no clip acts, which is taken to hold while the path stays `aggregationMargin` = 9 sd of
/// the accumulated noise inside both bounds; a device that would come closer is realized at
/// that sample and the sample composed alone from there, or, when that too comes within the
/// margin, its pulses are applied one at a time, each clipped (the reference semantics).
/// Devices that start within 20 sd of one pulse's noise of a bound (and devices with r < 0 or
/// a decay below 1e−4) get all their pulses one at a time, each clipped.
///
/// Normals: the Ziggurat on four xoshiro256++ lanes (two normals per 64-bit draw) seeded from
/// `lane_seed` (SplitMix64), drawn ahead in blocks of 512 and used in order; the Ziggurat's
/// slow region draws from the scalar state `rng` (advanced in place). `scratch` holds
/// ``neuromorph_train_batch_scratch`` int32 values. Only exactly rounded operations, so the
/// result does not depend on the instruction set of the clone.
void neuromorph_soft_bounds_train_batch(neuromorph_soft_bounds_rows devices, neuromorph_train_batch batch,
                                        uint64_t lane_seed, uint64_t *rng, neuromorph_ziggurat_tables tables,
                                        int32_t *scratch);

#endif
