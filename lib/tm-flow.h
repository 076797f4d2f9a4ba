/*
 * tmirror: OpenFlow flows as data, a table of them, and the difference
 * between two tables.
 *
 * The compiler produces a tm_flow_table of desired flows; the controller
 * keeps another of the flows it has installed, and sends only what
 * tm_flow_table_diff() says differs.  A flow is identified, as in OpenFlow
 * itself, by (table, priority, match); its cookie and actions are what a
 * modification changes.  Matches and actions are kept as text in ovs-ofctl
 * syntax, which is what golden tests compare and what an operator reads.
 */
#ifndef TM_FLOW_H
#define TM_FLOW_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/hmap.h"

struct ds;

/* Cookies: 16 owner bits ("tm"), a 24-bit session key and a 24-bit rule
 * key, so that every installed flow maps back to the rule that made it and
 * the controller never touches a flow that is not its own.  Flows of the
 * forwarding pipeline have session and rule key 0. */
#define TM_COOKIE_OWNER UINT64_C(0x746d000000000000)
#define TM_COOKIE_OWNER_MASK UINT64_C(0xffff000000000000)
#define TM_KEY_MAX 0xffffff

static inline uint64_t
tm_cookie(uint32_t session_key, uint32_t rule_key)
{
    return (TM_COOKIE_OWNER
            | ((uint64_t) (session_key & TM_KEY_MAX) << 24)
            | (rule_key & TM_KEY_MAX));
}

static inline bool
tm_cookie_is_ours(uint64_t cookie)
{
    return (cookie & TM_COOKIE_OWNER_MASK) == TM_COOKIE_OWNER;
}

static inline uint32_t
tm_cookie_session(uint64_t cookie)
{
    return (cookie >> 24) & TM_KEY_MAX;
}

static inline uint32_t
tm_cookie_rule(uint64_t cookie)
{
    return cookie & TM_KEY_MAX;
}

struct tm_flow {
    struct hmap_node node;      /* In struct tm_flow_table. */
    uint8_t table_id;
    uint16_t priority;
    uint64_t cookie;
    char *match;                /* ovs-ofctl syntax; "" matches all. */
    char *actions;              /* ovs-ofctl syntax. */
};

struct tm_flow_table {
    struct hmap flows;          /* Contains struct tm_flow. */
};

void tm_flow_table_init(struct tm_flow_table *);
void tm_flow_table_destroy(struct tm_flow_table *);
void tm_flow_table_clear(struct tm_flow_table *);
size_t tm_flow_table_count(const struct tm_flow_table *);

/* Adds a flow and returns true, or returns false and changes nothing if the
 * table already has a flow with the same (table, priority, match). */
bool tm_flow_table_add(struct tm_flow_table *, uint8_t table_id,
                       uint16_t priority, uint64_t cookie, const char *match,
                       const char *actions);

struct tm_flow *tm_flow_table_find(const struct tm_flow_table *,
                                   uint8_t table_id, uint16_t priority,
                                   const char *match);

/* Removes 'flow' from 'table' and frees it. */
void tm_flow_table_remove(struct tm_flow_table *, struct tm_flow *);

/* Moves every flow of 'src' into 'dst' (flows whose key is already in 'dst'
 * are freed: 'dst' wins), leaving 'src' empty. */
void tm_flow_table_merge(struct tm_flow_table *dst, struct tm_flow_table *src);

/* Appends 'flow' as one line of "ovs-ofctl add-flows" input, without a
 * newline: "cookie=0x..., table=N, priority=N, MATCH actions=ACTIONS". */
void tm_flow_format(const struct tm_flow *, struct ds *);

/* Returns the flows of 'table' sorted by table, then priority (highest
 * first), then match, in a malloc'd array of '*n' pointers. */
const struct tm_flow **tm_flow_table_sorted(const struct tm_flow_table *,
                                            size_t *n);

/* Appends every flow of 'table', sorted, one per line. */
void tm_flow_table_format(const struct tm_flow_table *, struct ds *);

/* What turns 'installed' into 'desired': flows to add (in 'desired' only),
 * to modify (same key, different cookie or actions; the pointer is to the
 * desired flow) and to delete (in 'installed' only).  The arrays point into
 * the two tables and are sorted like tm_flow_table_sorted(). */
struct tm_flow_diff {
    const struct tm_flow **adds;
    size_t n_adds;
    const struct tm_flow **mods;
    size_t n_mods;
    const struct tm_flow **dels;
    size_t n_dels;
};

void tm_flow_table_diff(const struct tm_flow_table *desired,
                        const struct tm_flow_table *installed,
                        struct tm_flow_diff *);
void tm_flow_diff_destroy(struct tm_flow_diff *);

#endif /* tm-flow.h */
