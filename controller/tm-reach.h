/*
 * tmirror-controller: can the mirror copies reach their targets?
 *
 * Native tunneling sends a copy only if ovs-vswitchd has a route to the
 * target and knows the MAC address of the next hop.  Without a route the
 * copy is dropped (counted, with ovs-patches/ 0004, in the coverage counter
 * drop_action_tunnel_routing_failed); without the neighbour, the switch
 * sends an ARP or ND request and drops the copy.  Both are silent in the
 * datapath, so this module:
 *
 *   - seeds the tunnel neighbour cache (tnl/neigh/set) with the MAC of
 *     every target port that is on a link of the switch, as soon as a
 *     session to it is active here, again after the switch restarts, and
 *     every minute (entries expire);
 *   - every few seconds, reads the routing-failure counter and logs, rate
 *     limited, how many copies were lost; and checks every target without
 *     a known MAC (a load balancer's VIP) for a route and a resolved
 *     neighbour, logging each one that has neither.
 */
#ifndef TM_REACH_H
#define TM_REACH_H 1

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct tm_engine;
struct tm_model;

struct tm_reach *tm_reach_create(void);
void tm_reach_destroy(struct tm_reach *);

/* Sets the targets: those of the enabled sessions that have a source
 * compiled on this hypervisor. */
void tm_reach_set_targets(struct tm_reach *, const struct tm_model *,
                          const struct tm_engine *);

/* Asks the switch at 'ctl' again about everything, now (it restarted). */
void tm_reach_reset(struct tm_reach *);

void tm_reach_run(struct tm_reach *, const char *ctl);
void tm_reach_wait(const struct tm_reach *);

/* Stores in '*failures' the copies lost so far to routing failures, as
 * counted by the switch since the controller started watching, across the
 * switch's restarts.  Returns false if the switch does not count them
 * (stock), or was not asked yet. */
bool tm_reach_routing_failures(const struct tm_reach *, uint64_t *failures);

void tm_reach_format(const struct tm_reach *, struct ds *);

#endif /* tm-reach.h */
