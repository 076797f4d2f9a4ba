/*
 * Traffic counters per session and per rule, by model ids.
 *
 * A hypervisor's switch counts packets and bytes per flow; the controller
 * sums them by the session and rule keys in the flows' cookies
 * (controller/tm-stats.c) into a struct tm_counters, keyed by ids:
 *
 *   "SESSION"        what the session mirrored, over all its rules;
 *   "SESSION/RULE"   what one rule of the session's filter matched:
 *                    mirrored if the rule accepts, not mirrored if it
 *                    rejects.
 *
 * The same keys are the keys of the Hypervisor table's stats_packets and
 * stats_bytes columns, where each controller publishes its counters, so
 * that "tmirror-ctl stats" and the API can add up every hypervisor's.
 * Counters with the same key add up: that is all aggregation is.
 */
#ifndef TM_COUNTERS_H
#define TM_COUNTERS_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"
#include "openvswitch/shash.h"

struct ds;
struct json;
struct ovsdb_idl;
struct tm_model;
struct tm_session;
struct tmrec_hypervisor;

struct tm_counter {
    uint64_t packets;
    uint64_t bytes;
};

struct tm_counters {
    struct shash by_key;        /* Key as above -> struct tm_counter *. */
};

void tm_counters_init(struct tm_counters *);
void tm_counters_destroy(struct tm_counters *);
void tm_counters_clear(struct tm_counters *);

/* 'rule_id' NULL: the session's own (mirrored) counter. */
char *tm_counters_key(const char *session_id, const char *rule_id);
void tm_counters_add(struct tm_counters *, const char *session_id,
                     const char *rule_id, uint64_t packets, uint64_t bytes);
void tm_counters_add_all(struct tm_counters *dst,
                         const struct tm_counters *src);
/* Never NULL: a counter nobody reported is zero. */
struct tm_counter tm_counters_get(const struct tm_counters *,
                                  const char *session_id,
                                  const char *rule_id);
bool tm_counters_equal(const struct tm_counters *,
                       const struct tm_counters *);

/* One hypervisor's counters, as published in the northbound database. */
struct tm_counters_hv {
    char *name;
    long long int time;         /* Wall clock, ms; 0: never published. */
    struct tm_counters counters;
};

/* Every hypervisor's published counters and their sum. */
struct tm_counters_all {
    struct tm_counters total;
    struct tm_counters_hv *hvs; /* Sorted by name. */
    size_t n_hvs;
};

/* Adds what the Hypervisor 'row' published to 'counters'. */
void tm_counters_from_hypervisor(const struct tmrec_hypervisor *,
                                 struct tm_counters *);

/* Reads the Hypervisor rows of 'idl' into 'all' (initialized here). */
void tm_counters_read_nb(const struct ovsdb_idl *, struct tm_counters_all *);
void tm_counters_all_destroy(struct tm_counters_all *);

/* Appends the counters of every session of 'model' (or of the one whose
 * id or name is 'session', if nonnull) to 's': what each session
 * mirrored, and what each rule of its filter matched.  If 'all' is
 * nonnull, also what each hypervisor contributed, and when it said so,
 * relative to 'now' (wall clock, ms).  Returns NULL, or a malloc'd error
 * if 'session' names no session. */
char *tm_counters_format(const struct tm_model *, const struct tm_counters *,
                         const char *session,
                         const struct tm_counters_all *all,
                         long long int now, struct ds *s)
    OVS_WARN_UNUSED_RESULT;

/* The counters of 's' as a JSON object: "packets", "bytes", "rules" (one
 * per rule of its filter, in the filter's order) and, if 'all' is
 * nonnull, "hypervisors" (those that reported anything for 's'). */
struct json *tm_counters_session_to_json(const struct tm_model *,
                                         const struct tm_session *,
                                         const struct tm_counters *,
                                         const struct tm_counters_all *all);

/* A JSON array of tm_counters_session_to_json() for every session of
 * 'model' (or for the one whose id or name is 'session', if nonnull), in
 * '*jsonp'.  Returns NULL, or a malloc'd error (and NULL in '*jsonp') if
 * 'session' names no session. */
char *tm_counters_sessions_to_json(const struct tm_model *,
                                   const struct tm_counters *,
                                   const char *session,
                                   const struct tm_counters_all *all,
                                   struct json **jsonp)
    OVS_WARN_UNUSED_RESULT;

#endif /* tm-counters.h */
