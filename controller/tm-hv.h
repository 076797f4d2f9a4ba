/*
 * tmirror-controller: this hypervisor's row in the northbound database.
 *
 * The Hypervisor table is how the rest of the system sees the controllers:
 * each writes its name, its mode ("patched" or "stock", see
 * ovs-patches/README.rst), the mirror sources bound on it, and nb_cfg, the
 * configuration sequence number (TM_Global.nb_cfg) whose flows its switch
 * has confirmed with a barrier.  "tmirror-ctl --wait=hv" waits on the
 * last one.
 */
#ifndef TM_HV_H
#define TM_HV_H 1

#include <stdbool.h>
#include <stdint.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sset;
struct tm_counters;

/* TM_Global.nb_cfg, or 0 if the database has no TM_Global row yet. */
int64_t tm_hv_global_cfg(const struct ovsdb_idl *);

/* Makes the row of 'name' say 'mode' (NULL: unknown yet), 'nb_cfg' (if
 * nonnegative) and 'local_sources' (port ids), in 'txn', writing only the
 * columns that differ. */
void tm_hv_update(const struct ovsdb_idl *, struct ovsdb_idl_txn *,
                  const char *name, const char *mode, int64_t nb_cfg,
                  const struct sset *local_sources);

/* Makes the IDL replicate only the row of 'name' from the Hypervisor
 * table: with counters in every row, each controller would otherwise
 * receive every other hypervisor's counters whenever they change. */
void tm_hv_monitor_own_row(struct ovsdb_idl *, const char *name);

/* Writes 'counters' (see tm-counters.h), read from the switch at wall
 * clock 'time' (ms), into the stats_packets, stats_bytes and stats_time
 * columns of the row of 'name', in the IDL's open transaction, unless the
 * row already says the same counters.  Returns true if it wrote. */
bool tm_hv_publish_counters(const struct ovsdb_idl *, const char *name,
                            const struct tm_counters *, long long int time);

#endif /* tm-hv.h */
