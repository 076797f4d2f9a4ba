/*
 * tmirror: the local Open_vSwitch database (see tm-vswitch.h).
 */
#include <config.h>
#include "tm-vswitch.h"

#include <string.h>
#include "openvswitch/vlog.h"
#include "flow.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "svec.h"
#include "tm-bindings.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(tm_vswitch);

void
tm_vswitch_register(struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_external_ids);

    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_fail_mode);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_datapath_type);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_other_config);

    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);

    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_type);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_options);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport_request);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_mtu);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_mac_in_use);
}

const char *
tm_vswitch_system_id(struct ovsdb_idl *idl)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    return ovs ? smap_get(&ovs->external_ids, "system-id") : NULL;
}

const struct ovsrec_bridge *
tm_vswitch_find_bridge(struct ovsdb_idl *idl, const char *name)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

/* The interface named 'name' on 'br', or NULL. */
static const struct ovsrec_interface *
tm_find_iface(const struct ovsrec_bridge *br, const char *name)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        for (size_t j = 0; j < port->n_interfaces; j++) {
            if (!strcmp(port->interfaces[j]->name, name)) {
                return port->interfaces[j];
            }
        }
    }
    return NULL;
}

/* An OpenFlow port number for a VM port, or 0. */
static uint16_t
tm_iface_ofport(const struct ovsrec_interface *iface)
{
    if (iface->n_ofport && iface->ofport[0] > 0
        && iface->ofport[0] < ofp_to_u16(OFPP_MAX)) {
        return iface->ofport[0];
    }
    return 0;
}

static void
tm_create_bridge(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                 const struct tm_vswitch_config *cfg)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    if (!ovs) {
        return;
    }

    struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, cfg->bridge);
    ovsrec_interface_set_type(iface, "internal");

    struct ovsrec_port *port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, cfg->bridge);
    ovsrec_port_set_interfaces(port, &iface, 1);

    struct ovsrec_bridge *br = ovsrec_bridge_insert(txn);
    ovsrec_bridge_set_name(br, cfg->bridge);
    /* Without flows of ours the bridge must drop, not fall back to a
     * learning switch that would bypass the mirror stages. */
    ovsrec_bridge_set_fail_mode(br, "secure");
    if (cfg->datapath_type) {
        ovsrec_bridge_set_datapath_type(br, cfg->datapath_type);
    }
    const struct smap oc = SMAP_CONST1(&oc, "disable-in-band", "true");
    ovsrec_bridge_set_other_config(br, &oc);
    ovsrec_bridge_set_ports(br, &port, 1);
    ovsrec_open_vswitch_update_bridges_addvalue(ovs, br);
    VLOG_INFO("creating integration bridge %s", cfg->bridge);
}

static void
tm_tunnel_options(const struct tm_vswitch_config *cfg, struct smap *options)
{
    smap_add(options, "remote_ip", "flow");
    smap_add(options, "key", "flow");
    if (cfg->nonlocal_src) {
        smap_add(options, "local_ip", "flow");
        smap_add(options, "allow_nonlocal_src", "true");
    }
    if (cfg->truncate_to_fit) {
        smap_add(options, "truncate_to_fit", "true");
    }
}

static void
tm_ensure_tunnel(struct ovsdb_idl_txn *txn, const struct ovsrec_bridge *br,
                 const struct ovsrec_interface *iface,
                 const struct tm_vswitch_config *cfg)
{
    struct smap options = SMAP_INITIALIZER(&options);

    tm_tunnel_options(cfg, &options);
    if (!iface) {
        iface = ovsrec_interface_insert(txn);
        ovsrec_interface_set_name(iface, cfg->tunnel_port);
        ovsrec_interface_set_type(iface, "vxlan");
        ovsrec_interface_set_options(iface, &options);

        struct ovsrec_port *port = ovsrec_port_insert(txn);
        ovsrec_port_set_name(port, cfg->tunnel_port);
        ovsrec_port_set_interfaces(port,
                                   (struct ovsrec_interface **) &iface, 1);
        ovsrec_bridge_update_ports_addvalue(br, port);
        VLOG_INFO("creating mirror tunnel port %s on %s", cfg->tunnel_port,
                  br->name);
    } else if (strcmp(iface->type, "vxlan")
               || !smap_equal(&iface->options, &options)) {
        ovsrec_interface_set_type(iface, "vxlan");
        ovsrec_interface_set_options(iface, &options);
        VLOG_INFO("setting the options of mirror tunnel port %s (%s)",
                  cfg->tunnel_port, cfg->nonlocal_src
                  ? "source VM addresses as outer sources"
                  : "hypervisor address as outer source");
    }
    smap_destroy(&options);
}

void
tm_vswitch_run(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
               const struct tm_vswitch_config *cfg,
               struct tm_bindings *b, struct svec *warnings)
{
    const struct ovsrec_bridge *br = tm_vswitch_find_bridge(idl, cfg->bridge);

    if (!br) {
        if (txn) {
            tm_create_bridge(idl, txn, cfg);
        }
        svec_add_nocopy(warnings, xasprintf("integration bridge %s does not "
                                            "exist yet", cfg->bridge));
        return;
    }

    const struct ovsrec_interface *tunnel = tm_find_iface(br,
                                                          cfg->tunnel_port);
    if (txn) {
        tm_ensure_tunnel(txn, br, tunnel, cfg);
    }
    if (tunnel && !strcmp(tunnel->type, "vxlan")) {
        b->tunnel_ofport = tm_iface_ofport(tunnel);
        b->nonlocal_src = (smap_get_bool(&tunnel->options,
                                         "allow_nonlocal_src", false)
                           && !strcmp(smap_get_def(&tunnel->options,
                                                   "local_ip", ""), "flow"));
    }

    const struct ovsrec_interface *local = tm_find_iface(br, cfg->bridge);
    b->tunnel_mtu = cfg->tunnel_mtu;
    if (!b->tunnel_mtu) {
        b->tunnel_mtu = (local && local->n_mtu && local->mtu[0] >= TM_MTU_MIN
                         && local->mtu[0] <= TM_MTU_MAX
                         ? local->mtu[0] : TM_MTU_DEFAULT);
    }
    if (local && local->mac_in_use
        && eth_addr_from_string(local->mac_in_use, &b->local_mac)) {
        b->has_local_mac = true;
    }

    if (cfg->uplink) {
        const struct ovsrec_interface *uplink = tm_find_iface(br,
                                                             cfg->uplink);
        if (uplink && tm_iface_ofport(uplink)) {
            b->uplink_ofport = tm_iface_ofport(uplink);
        } else {
            svec_add_nocopy(warnings, xasprintf(
                "uplink %s is not a port of %s (yet): unknown unicast is "
                "dropped", cfg->uplink, cfg->bridge));
        }
    }

    /* VM ports.  An iface-id on two interfaces (a migration in progress, a
     * stale port) binds to the lower OpenFlow port, and says so. */
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            const char *id = smap_get(&iface->external_ids, "iface-id");
            uint16_t ofport = tm_iface_ofport(iface);

            if (!id || !ofport || iface == tunnel
                || ofport == b->uplink_ofport) {
                continue;
            }
            const struct tm_binding *old = tm_bindings_find(b, id);
            if (old && old->ofport != ofport) {
                svec_add_nocopy(warnings, xasprintf(
                    "iface-id %s is on OpenFlow ports %"PRIu16" and %"PRIu16
                    ": using %"PRIu16, id, old->ofport, ofport,
                    MIN(old->ofport, ofport)));
                if (old->ofport < ofport) {
                    continue;
                }
            }
            tm_bindings_set(b, id, ofport);
        }
    }
}
