/*
 * tmirror: port ranges as bitwise masks.
 *
 * OpenFlow matches a transport port with a value and a bit mask, so a range
 * such as 1000-2000 has to become a set of (value, mask) pairs whose union
 * is exactly the range.  The pairs returned here are the minimal prefix
 * cover: at most 2w - 2 = 30 pairs for a 16-bit port ([1, 65534] is the
 * worst case), 8 for [1000, 2000], 6 for [1024, 65535].
 */
#ifndef TM_RANGES_H
#define TM_RANGES_H 1

#include <stddef.h>
#include <stdint.h>

#define TM_RANGE_MAX_MASKS 30

struct tm_masked_port {
    uint16_t value;             /* Bits outside 'mask' are zero. */
    uint16_t mask;              /* A prefix mask: ones, then zeros. */
};

/* Stores in 'out' the minimal set of prefix (value, mask) pairs whose union
 * is exactly [min, max] and returns how many there are.  The pairs come in
 * ascending order of value and do not overlap.  Requires min <= max.
 * [0, 65535] is the single pair (0, 0). */
size_t tm_range_to_masks(uint16_t min, uint16_t max,
                         struct tm_masked_port out[TM_RANGE_MAX_MASKS]);

#endif /* tm-ranges.h */
