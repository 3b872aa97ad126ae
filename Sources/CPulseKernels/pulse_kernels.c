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
