/*
 * tmirror-controller: this hypervisor's row in the northbound database.
 */
#include <config.h>
#include "tm-hv.h"

#include <string.h>
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "sset.h"
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

void
tm_hv_update(const struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
             const char *name, const char *mode, int64_t nb_cfg,
             const struct sset *local_sources)
{
    const struct tmrec_hypervisor *hv, *found = NULL;

    TMREC_HYPERVISOR_FOR_EACH (hv, idl) {
        if (!strcmp(hv->name, name)) {
            found = hv;
            break;
        }
    }
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
