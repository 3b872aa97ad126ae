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

#endif
