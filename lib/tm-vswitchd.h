/*
 * tmirror: questions to the running ovs-vswitchd, through its unixctl
 * socket (what "ovs-appctl" does): which routes and neighbours its native
 * tunneling uses, its coverage counters, and seeding a neighbour, for the
 * controller; ofproto/trace for "tmirror-ctl trace --live".
 *
 * Calls are synchronous and local; each returns quickly or fails when the
 * switch is not running.
 */
#ifndef TM_VSWITCHD_H
#define TM_VSWITCHD_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"

/* The control socket of the ovs-vswitchd whose pidfile is in the OVS run
 * directory (ovs_rundir(), i.e. $OVS_RUNDIR), malloc'd, or NULL if there
 * is none. */
char *tm_vswitchd_ctl_path(void);

/* Runs 'command' with 'argc' arguments.  Returns 0 and stores the reply in
 * '*reply' (malloc'd), or a positive errno value (connection failed) or -1
 * (the command failed; '*reply' then holds its error). */
int tm_vswitchd_call(const char *ctl, const char *command, int argc,
                     const char *argv[], char **reply);

/* The value of coverage counter 'name'; false if it can't be read (a stock
 * switch lacks the counters of ovs-patches/). */
bool tm_vswitchd_counter(const char *ctl, const char *name,
                         uint64_t *value);

/* A coverage counter of ovs-vswitchd followed across the switch's
 * restarts: 'total' is what it counted since it was first read.  Each
 * ovs-vswitchd process counts from 0 and has a control socket of its own
 * (its pid is in the name), so all of a value read from a new socket is
 * new: no count is lost or counted twice when the switch restarts. */
struct tm_vswitchd_tally {
    char *ctl;                  /* Socket of the last value read, or NULL. */
    uint64_t last;              /* That value. */
    uint64_t total;
};

/* Reads coverage counter 'name' from the switch at 'ctl' and adds what it
 * counted since the last read to 'tally->total'; the first read only takes
 * the value as the starting point.  Returns the increase (0 if the counter
 * can't be read now). */
uint64_t tm_vswitchd_tally_update(struct tm_vswitchd_tally *,
                                  const char *ctl, const char *name);

/* Whether the counter was ever read: a stock switch lacks the counters of
 * ovs-patches/. */
static inline bool
tm_vswitchd_tally_valid(const struct tm_vswitchd_tally *tally)
{
    return tally->ctl != NULL;
}

void tm_vswitchd_tally_destroy(struct tm_vswitchd_tally *);

/* The bridge through which native tunneling reaches 'ip', and whether 'ip'
 * is on that bridge's link (no gateway).  Returns false if there is no
 * route. */
bool tm_vswitchd_route(const char *ctl, const char *ip, char **bridge,
                       bool *on_link);

/* The source address that native tunneling uses toward 'ip' (the "src"
 * of "ovs/route/lookup"), malloc'd, or NULL if there is no route. */
char *tm_vswitchd_route_src(const char *ctl, const char *ip);

/* Seeds the tunnel neighbour cache: 'ip' is at 'mac' behind 'bridge'. */
int tm_vswitchd_neigh_set(const char *ctl, const char *bridge,
                          const char *ip, const char *mac);

/* Whether the tunnel neighbour cache has a live entry for 'ip'. */
bool tm_vswitchd_neigh_known(const char *ctl, const char *ip);

#endif /* tm-vswitchd.h */
