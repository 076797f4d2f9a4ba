/*
 * tmirror: the local Open_vSwitch database of a hypervisor.
 *
 * Reads what the compiler needs to know about this hypervisor (struct
 * tm_bindings): which VM ports are on the integration bridge and at which
 * OpenFlow port (Interface external_ids:iface-id and ofport, as OVN binds
 * them), the uplink, the bridge's own MAC, and the mirror tunnel port.
 *
 * Also owns that tunnel port: it creates it (type vxlan, remote_ip=flow,
 * key=flow; with the patched switch also local_ip=flow,
 * allow_nonlocal_src=true and truncate_to_fit=true) and puts its options
 * back if someone changes them.  It creates the bridge too if it does not
 * exist (fail_mode=secure, as ovn-controller does), so that a hypervisor
 * needs no setup beyond running the controller.
 *
 * The controller uses it to program the bridge; "tmirror-ctl trace --live"
 * reads the same bindings (without a transaction) to know what the
 * controller compiled from.
 */
#ifndef TM_VSWITCH_H
#define TM_VSWITCH_H 1

#include <stdbool.h>
#include <stdint.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct ovsrec_bridge;
struct svec;
struct tm_bindings;

struct tm_vswitch_config {
    const char *bridge;         /* Integration bridge, e.g. "br-int". */
    const char *datapath_type;  /* For a bridge we create; NULL: default. */
    const char *tunnel_port;    /* Name of the mirror VXLAN port. */
    const char *uplink;         /* Port for unknown unicast, or NULL. */
    uint32_t tunnel_mtu;        /* 0: the bridge interface's MTU. */
    bool nonlocal_src;          /* Configure the patched options. */
    bool truncate_to_fit;
};

/* Registers the tables and columns the controller reads and writes. */
void tm_vswitch_register(struct ovsdb_idl *);

/* Fills 'bindings' (freshly initialized) from 'idl'.  With a 'txn', also
 * creates the bridge and the tunnel port, or corrects the port's options,
 * as needed.  Problems (an iface-id on two interfaces, no uplink port of
 * that name, ...) go to 'warnings'. */
void tm_vswitch_run(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                    const struct tm_vswitch_config *, struct tm_bindings *,
                    struct svec *warnings);

/* The bridge named 'name', or NULL. */
const struct ovsrec_bridge *tm_vswitch_find_bridge(struct ovsdb_idl *,
                                                   const char *name);

/* external_ids:system-id of the Open_vSwitch row, or NULL. */
const char *tm_vswitch_system_id(struct ovsdb_idl *);

#endif /* tm-vswitch.h */
