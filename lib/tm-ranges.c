/*
 * tmirror: port ranges as bitwise masks (see tm-ranges.h).
 */
#include <config.h>
#include "tm-ranges.h"

/* Think of the 65536 ports as the leaves of a binary trie: each prefix
 * (value, mask) pair is one trie node, the aligned block of 2^k ports
 * [value, value + 2^k - 1].  Two nodes are either nested or disjoint, so an
 * exact cover of [min, max] uses only nodes inside the range, and each of
 * them lies within exactly one maximal such node (one whose parent is not
 * inside the range).  The maximal nodes are disjoint and themselves cover
 * the range, and every cover needs at least one node within each of them,
 * so they are the unique minimal cover.
 *
 * The greedy loop below emits exactly the maximal nodes.  At each step
 * 'lo' is either 'min' or one past the end of a maximal node, so the
 * maximal node holding 'lo' cannot also hold 'lo - 1' (which is outside the
 * range or in a different maximal node): it starts at 'lo'.  It is then the
 * largest aligned block starting at 'lo' that does not pass 'max', which is
 * the block the loop picks.
 *
 * The arithmetic is in 32 bits so that a block may end at 65535 and 'lo'
 * may step to 65536 without wrapping, and so that 'lo' = 0 can be given the
 * full 2^16 alignment. */
size_t
tm_range_to_masks(uint16_t min, uint16_t max,
                  struct tm_masked_port out[TM_RANGE_MAX_MASKS])
{
    uint32_t lo = min;
    uint32_t hi = max;
    size_t n = 0;

    while (lo <= hi) {
        /* The largest block aligned at 'lo' is given by its lowest set bit;
         * 0 is aligned to every size, up to the whole port space. */
        uint32_t size = lo ? lo & -lo : UINT32_C(1) << 16;

        while (lo + size - 1 > hi) {
            size >>= 1;
        }
        out[n].value = lo;
        out[n].mask = ~(size - 1) & UINT16_MAX;
        n++;
        lo += size;
    }
    return n;
}
