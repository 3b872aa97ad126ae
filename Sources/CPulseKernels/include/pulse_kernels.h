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

#endif
