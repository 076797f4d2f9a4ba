/*
 * tmirror-controller: this hypervisor's row in the northbound database.
 */
#include <config.h>
#include "tm-hv.h"

#include <string.h>
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "sset.h"
#include "tm-counters.h"
#include "tmirror-idl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_hv);

int64_t
tm_hv_global_cfg(const struct ovsdb_idl *idl)
{
    const struct tmrec_tm_global *g = tmrec_tm_global_first(idl);
    return g ? g->nb_cfg : 0;
}

static bool
tm_hv_sources_equal(const struct tmrec_hypervisor *hv,
                    const struct sset *sources)
{
    if (hv->n_local_sources != sset_count(sources)) {
        return false;
    }
    for (size_t i = 0; i < hv->n_local_sources; i++) {
        if (!sset_contains(sources, hv->local_sources[i]->port_id)) {
            return false;
        }
    }
    return true;
}

static const struct tmrec_hypervisor *
tm_hv_find(const struct ovsdb_idl *idl, const char *name)
{
    const struct tmrec_hypervisor *hv;

    TMREC_HYPERVISOR_FOR_EACH (hv, idl) {
        if (!strcmp(hv->name, name)) {
            return hv;
        }
    }
    return NULL;
}

void
tm_hv_monitor_own_row(struct ovsdb_idl *idl, const char *name)
{
    struct ovsdb_idl_condition cond = OVSDB_IDL_CONDITION_INIT(&cond);

    tmrec_hypervisor_add_clause_name(&cond, OVSDB_F_EQ, name);
    tmrec_hypervisor_set_condition(idl, &cond);
    ovsdb_idl_condition_destroy(&cond);
}

bool
tm_hv_publish_counters(const struct ovsdb_idl *idl, const char *name,
                       const struct tm_counters *counters, long long int time)
{
    /* A database not yet upgraded to schema 1.1.0 has no counters: a
     * write to them would fail the whole transaction, nb_cfg included. */
    const struct tmrec_hypervisor *hv = tm_hv_find(idl, name);
    if (!hv || !tmrec_server_has_hypervisor_table_col_stats_packets(idl)) {
        return false;
    }

    /* Compared with what the row says, not with what was last written:
     * that stays right across reconnections, a restored database, and a
     * write that failed. */
    struct tm_counters current;
    tm_counters_init(&current);
    tm_counters_from_hypervisor(hv, &current);
    bool same = tm_counters_equal(&current, counters);
    tm_counters_destroy(&current);
    if (same) {
        return false;
    }

    size_t n = shash_count(&counters->by_key);
    const char **keys = xmalloc(MAX(n, 1) * sizeof *keys);
    int64_t *packets = xmalloc(MAX(n, 1) * sizeof *packets);
    int64_t *bytes = xmalloc(MAX(n, 1) * sizeof *bytes);
    const struct shash_node *node;
    size_t i = 0;

    SHASH_FOR_EACH (node, &counters->by_key) {
        const struct tm_counter *c = node->data;
        keys[i] = node->name;
        /* OVSDB integers are signed 64-bit: a counter would take
         * centuries at line rate to pass INT64_MAX, but never write a
         * negative one. */
        packets[i] = MIN(c->packets, INT64_MAX);
        bytes[i] = MIN(c->bytes, INT64_MAX);
        i++;
    }
    tmrec_hypervisor_set_stats_packets(hv, keys, packets, n);
    tmrec_hypervisor_set_stats_bytes(hv, keys, bytes, n);
    int64_t when = time;
    tmrec_hypervisor_set_stats_time(hv, &when, 1);
    free(keys);
    free(packets);
    free(bytes);
    return true;
}

void
tm_hv_update(const struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
             const char *name, const char *mode, int64_t nb_cfg,
             const struct sset *local_sources)
{
    const struct tmrec_hypervisor *found = tm_hv_find(idl, name);

    if (!found) {
        found = tmrec_hypervisor_insert(txn);
        tmrec_hypervisor_set_name(found, name);
        VLOG_INFO("registering as hypervisor \"%s\"", name);
    }
    if (mode && (!found->mode || strcmp(found->mode, mode))) {
        tmrec_hypervisor_set_mode(found, mode);
    }
    if (nb_cfg >= 0 && found->nb_cfg != nb_cfg) {
        tmrec_hypervisor_set_nb_cfg(found, nb_cfg);
    }
    if (!tm_hv_sources_equal(found, local_sources)) {
        const struct tmrec_port *port;
        struct tmrec_port **ports = xmalloc(
            MAX(sset_count(local_sources), 1) * sizeof *ports);
        size_t n = 0;

        TMREC_PORT_FOR_EACH (port, idl) {
            if (sset_contains(local_sources, port->port_id)) {
                ports[n++] = CONST_CAST(struct tmrec_port *, port);
            }
        }
        tmrec_hypervisor_set_local_sources(found, ports, n);
        free(ports);
    }
}
