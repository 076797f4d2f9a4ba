/*
 * Unit tests for tm-ranges: port ranges as (value, mask) pairs.
 *
 * The cover is checked against the definition rather than against the
 * algorithm: for each range, every one of the 65536 ports is matched
 * against every pair, and the number of pairs is compared with an optimum
 * computed independently by walking the binary trie of ports.
 */
#include <config.h>
#include "tm-ranges.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include "tm-test.h"

/* Ports that sit on or next to power-of-two boundaries, where an off-by-one
 * in alignment or block size would show. */
static const uint16_t edge_ports[] = {
    0, 1, 2, 3, 127, 128, 255, 256, 1023, 1024, 1025, 4095, 4096,
    32767, 32768, 32769, 65279, 65280, 65533, 65534, 65535,
};
#define N_EDGE_PORTS (sizeof edge_ports / sizeof *edge_ports)

/* Ranges worth naming: the extremes, single ports, and well-known cases. */
static const uint16_t named_ranges[][2] = {
    { 1, 65535 }, { 1, 65534 }, { 0, 65535 }, { 0, 0 }, { 65535, 65535 },
    { 1, 1 }, { 80, 80 }, { 1234, 1234 }, { 32768, 32768 },
    { 1000, 2000 }, { 1024, 65535 }, { 10000, 10001 }, { 79, 81 },
    { 2, 65533 }, { 0, 65534 }, { 32767, 32768 }, { 49152, 65535 },
};
#define N_NAMED_RANGES (sizeof named_ranges / sizeof *named_ranges)

#define N_RANDOM_RANGES 200

/* A fixed-seed xorshift32 generator, so that a failure reproduces. */
static uint32_t
random_next(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Returns a pseudo-random range.  Half are spread over the whole port
 * space; the other half have a width drawn from every power-of-two scale,
 * since uniform endpoints would almost never give a narrow range. */
static void
random_range(uint32_t *state, uint16_t *min, uint16_t *max)
{
    uint16_t a = random_next(state);
    uint16_t b;

    if (random_next(state) & 1) {
        b = random_next(state);
    } else {
        uint32_t width = random_next(state)
                         & ((UINT32_C(1) << (random_next(state) % 17)) - 1);
        b = a + width > UINT16_MAX ? UINT16_MAX : a + width;
    }
    *min = a < b ? a : b;
    *max = a < b ? b : a;
}

/* Returns the size of the minimal prefix cover of [min, max] within the
 * trie node of 2^bits ports starting at 'lo': a node inside the range is
 * one pair, a node outside needs none, and any other node needs the covers
 * of its two halves. */
static size_t
optimal_count(uint32_t lo, int bits, uint32_t min, uint32_t max)
{
    uint32_t hi = lo + (UINT32_C(1) << bits) - 1;

    if (hi < min || lo > max) {
        return 0;
    } else if (lo >= min && hi <= max) {
        return 1;
    } else {
        uint32_t half = UINT32_C(1) << (bits - 1);
        return (optimal_count(lo, bits - 1, min, max)
                + optimal_count(lo + half, bits - 1, min, max));
    }
}

/* Checks the structure of the cover of [min, max] in 'masks': its size is
 * the optimum, every mask is a prefix mask, every value lies within its
 * mask, and the values ascend.  Returns true if all of that holds.  If not,
 * and 'report' is true, prints the first problem; callers that check many
 * thousands of ranges pass false after a first failure, so that a broken
 * build's output stays readable. */
static bool
check_structure(uint16_t min, uint16_t max,
                const struct tm_masked_port masks[], size_t n, bool report)
{
    size_t best = optimal_count(0, 16, min, max);
    const char *problem = NULL;
    size_t i;

    if (n != best || n > TM_RANGE_MAX_MASKS) {
        if (report) {
            fprintf(stderr, "\n[%u, %u]: %zu pairs, optimum is %zu\n",
                    min, max, n, best);
        }
        return false;
    }
    for (i = 0; i < n && !problem; i++) {
        /* 'wild' is the low bits the pair ignores; for a prefix mask they
         * form 2^k - 1, which shares no bit with 2^k. */
        uint16_t wild = ~masks[i].mask;

        if (wild & (uint16_t) (wild + 1)) {
            problem = "mask is not a prefix";
        } else if (masks[i].value & wild) {
            problem = "value has bits outside mask";
        } else if (i > 0 && masks[i].value <= masks[i - 1].value) {
            problem = "value does not ascend";
        }
    }
    if (problem && report) {
        i--;
        fprintf(stderr, "\n[%u, %u]: pair %zu (%#x, %#x): %s\n",
                min, max, i, masks[i].value, masks[i].mask, problem);
    }
    return !problem;
}

/* Checks that every port in [min, max] matches exactly one pair in 'masks'
 * and every other port matches none.  The per-port loop does no assertion
 * of its own, so that 65536 ports per range stay cheap, and reports only
 * the first bad port.  Returns true if all ports are right. */
static bool
check_membership(uint16_t min, uint16_t max,
                 const struct tm_masked_port masks[], size_t n)
{
    uint16_t values[TM_RANGE_MAX_MASKS];
    uint16_t mask_bits[TM_RANGE_MAX_MASKS];

    /* Copying the pairs into two flat arrays keeps the inner loop below
     * simple enough for the compiler to unroll or vectorize, which matters
     * at 65536 ports times hundreds of ranges, under sanitizers too. */
    if (n > TM_RANGE_MAX_MASKS) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        values[i] = masks[i].value;
        mask_bits[i] = masks[i].mask;
    }
    for (uint32_t p = 0; p <= UINT16_MAX; p++) {
        unsigned int matches = 0;
        unsigned int expected = p >= min && p <= max;

        for (size_t i = 0; i < n; i++) {
            matches += (p & mask_bits[i]) == values[i];
        }
        if (matches != expected) {
            fprintf(stderr, "\n[%u, %u]: port %"PRIu32" matches %u pairs, "
                    "expected %u\n", min, max, p, matches, expected);
            return false;
        }
    }
    return true;
}

/* Converts [min, max] and checks the result exhaustively. */
static void
check_range(uint16_t min, uint16_t max)
{
    struct tm_masked_port masks[TM_RANGE_MAX_MASKS];
    size_t n = tm_range_to_masks(min, max, masks);

    CU_ASSERT(check_structure(min, max, masks, n, true));
    CU_ASSERT(check_membership(min, max, masks, n));
}

static void
test_named_ranges(void)
{
    for (size_t i = 0; i < N_NAMED_RANGES; i++) {
        check_range(named_ranges[i][0], named_ranges[i][1]);
    }
}

/* The sizes that tm-ranges.h promises, each an independent known value:
 * [1, 65534] is the worst case, 2 * 16 - 2. */
static void
test_known_counts(void)
{
    struct tm_masked_port masks[TM_RANGE_MAX_MASKS];

    CU_ASSERT_EQUAL(tm_range_to_masks(1, 65534, masks), 30);
    CU_ASSERT_EQUAL(tm_range_to_masks(1000, 2000, masks), 8);
    CU_ASSERT_EQUAL(tm_range_to_masks(1024, 65535, masks), 6);
    CU_ASSERT_EQUAL(tm_range_to_masks(1, 65535, masks), 16);
    CU_ASSERT_EQUAL(tm_range_to_masks(0, 65535, masks), 1);
    CU_ASSERT_EQUAL(masks[0].value, 0);
    CU_ASSERT_EQUAL(masks[0].mask, 0);
    CU_ASSERT_EQUAL(tm_range_to_masks(80, 80, masks), 1);
    CU_ASSERT_EQUAL(masks[0].value, 80);
    CU_ASSERT_EQUAL(masks[0].mask, 0xffff);
    CU_ASSERT_EQUAL(tm_range_to_masks(65535, 65535, masks), 1);
    CU_ASSERT_EQUAL(masks[0].value, 65535);
    CU_ASSERT_EQUAL(masks[0].mask, 0xffff);

    /* Spelled out in full, so that a reader can see the expected shape:
     * 1000-1007, 1008-1023, 1024-1535, 1536-1791, 1792-1919, 1920-1983,
     * 1984-1999, 2000. */
    static const struct tm_masked_port expected[] = {
        { 1000, 0xfff8 }, { 1008, 0xfff0 }, { 1024, 0xfe00 },
        { 1536, 0xff00 }, { 1792, 0xff80 }, { 1920, 0xffc0 },
        { 1984, 0xfff0 }, { 2000, 0xffff },
    };
    size_t n = tm_range_to_masks(1000, 2000, masks);
    CU_ASSERT_EQUAL_FATAL(n, sizeof expected / sizeof *expected);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(masks[i].value, expected[i].value);
        CU_ASSERT_EQUAL(masks[i].mask, expected[i].mask);
    }
}

/* Every range whose ends are both edge ports, exhaustively. */
static void
test_edge_ranges(void)
{
    for (size_t i = 0; i < N_EDGE_PORTS; i++) {
        for (size_t j = i; j < N_EDGE_PORTS; j++) {
            check_range(edge_ports[i], edge_ports[j]);
        }
    }
}

static void
test_random_ranges(void)
{
    uint32_t state = 0x2545f491;

    for (int i = 0; i < N_RANDOM_RANGES; i++) {
        uint16_t min, max;

        random_range(&state, &min, &max);
        check_range(min, max);
    }
}

/* Every range within the lowest and the highest 256 ports, about 66,000 in
 * all.  Checking all ports for each would be slow, so this checks the
 * structure and optimal size, and that the pairs tile [min, max] end to end
 * without gap or overlap, which for prefix pairs is the same thing. */
static void
test_all_small_ranges(void)
{
    static const uint32_t bases[] = { 0, 65280 };
    unsigned int failures = 0;

    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        for (uint32_t min = bases[b]; min < bases[b] + 256; min++) {
            for (uint32_t max = min; max < bases[b] + 256; max++) {
                struct tm_masked_port masks[TM_RANGE_MAX_MASKS];
                size_t n = tm_range_to_masks(min, max, masks);
                bool structure_ok = check_structure(min, max, masks, n,
                                                    !failures);
                bool tiles = structure_ok;
                uint32_t next = min;

                for (size_t i = 0; tiles && i < n; i++) {
                    tiles = masks[i].value == next;
                    next += (uint16_t) ~masks[i].mask + 1;
                }
                tiles = tiles && next == max + 1;
                if (!tiles && !failures++ && structure_ok) {
                    fprintf(stderr, "\n[%"PRIu32", %"PRIu32"]: pairs do "
                            "not tile the range\n", min, max);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static int
ranges_suite(void)
{
    CU_pSuite suite = CU_add_suite("ranges", NULL, NULL);

    if (!suite
        || !CU_add_test(suite, "named ranges", test_named_ranges)
        || !CU_add_test(suite, "known counts", test_known_counts)
        || !CU_add_test(suite, "edge ranges", test_edge_ranges)
        || !CU_add_test(suite, "random ranges", test_random_ranges)
        || !CU_add_test(suite, "all small ranges", test_all_small_ranges)) {
        return CU_get_error();
    }
    return 0;
}
TM_TEST_SUITE(ranges_suite);
