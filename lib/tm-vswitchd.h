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
