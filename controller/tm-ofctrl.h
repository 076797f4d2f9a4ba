/*
 * tmirror-controller: the OpenFlow connection to the integration bridge.
 *
 * Keeps two flow tables, the desired one (from tm-engine) and the one the
 * switch has, and turns the first into the second:
 *
 *   - On every (re)connection it dumps the flows whose cookie carries the
 *     tmirror owner bits, once, and takes that as what is installed.  It
 *     never deletes everything and reinstalls: a controller restart
 *     against a running switch sends nothing at all if nothing changed,
 *     so traffic never blinks.
 *   - Then, whenever the desired flows differ from the installed ones, it
 *     sends only the difference, as one bundle with OFPBF_ORDERED |
 *     OFPBF_ATOMIC: the switch publishes all of it at once or, if one
 *     message is bad, none of it.  A barrier follows; its reply marks the
 *     configuration sequence number of those desired flows as applied.
 *   - Flows without our owner bits are never modified or deleted: every
 *     modification and deletion matches our exact cookie.
 */
#ifndef TM_OFCTRL_H
#define TM_OFCTRL_H 1

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/hmap.h"

struct ds;
struct tm_flow_table;

struct tm_ofctrl *tm_ofctrl_create(void);
void tm_ofctrl_destroy(struct tm_ofctrl *);

/* Connects to 'target' (e.g. "unix:/var/run/openvswitch/br-int.mgmt"), or
 * keeps the connection if it already is that target. */
void tm_ofctrl_set_target(struct tm_ofctrl *, const char *target);

/* If not connected, tries to connect now rather than at the end of the
 * current back-off (the Open_vSwitch database just changed: the switch may
 * have come back). */
void tm_ofctrl_kick(struct tm_ofctrl *);

/* Reads the switch's flows again and corrects whatever differs (for
 * "recompute": someone may have changed our flows by hand). */
void tm_ofctrl_resync(struct tm_ofctrl *);

void tm_ofctrl_run(struct tm_ofctrl *);
void tm_ofctrl_wait(struct tm_ofctrl *);

/* True once connected and the switch's flows are known. */
bool tm_ofctrl_is_ready(const struct tm_ofctrl *);

/* Changes every time a new connection is made (0 before the first). */
unsigned int tm_ofctrl_connection_seqno(const struct tm_ofctrl *);

/* Sends what it takes to make the switch's flows 'desired', which reflect
 * configuration 'cfg', unless a bundle is already on its way (then the
 * next call does it).  'desired_seqno' must change whenever 'desired'
 * may have: while it and the switch's flows stay the same, a call costs
 * nothing. */
void tm_ofctrl_put(struct tm_ofctrl *, const struct tm_flow_table *desired,
                   uint64_t desired_seqno, int64_t cfg);

/* The configuration sequence number that the switch is known to have
 * applied: -1 until one is. */
int64_t tm_ofctrl_applied_cfg(const struct tm_ofctrl *);

/* Traffic counters of our flows, from the switch's flow statistics (so
 * they survive controller restarts), summed by cookie.  The controller asks
 * for them every few seconds; tm_ofctrl_counters() returns the last
 * complete set, or NULL before the first. */
struct tm_flow_counter {
    struct hmap_node node;      /* In the hmap, by hash of 'cookie'. */
    uint64_t cookie;
    uint64_t packets;
    uint64_t bytes;
    bool mirrors;               /* A flow with this cookie sends copies. */
};
void tm_ofctrl_request_counters(struct tm_ofctrl *);
const struct hmap *tm_ofctrl_counters(const struct tm_ofctrl *,
                                      long long int *when);

/* Counters and state, for "tmirror-controller status" and the tests. */
struct tm_ofctrl_stats {
    uint64_t connections;       /* Successful connections. */
    uint64_t resyncs;           /* Flow dumps completed. */
    uint64_t bundles;           /* Bundles committed. */
    uint64_t bundle_failures;   /* Bundles the switch refused. */
    uint64_t flow_adds, flow_mods, flow_dels;  /* In committed bundles. */
    uint64_t installed;         /* Flows the switch has, of ours. */
};
void tm_ofctrl_get_stats(const struct tm_ofctrl *, struct tm_ofctrl_stats *);
void tm_ofctrl_format_status(const struct tm_ofctrl *, struct ds *);

#endif /* tm-ofctrl.h */
