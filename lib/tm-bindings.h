/*
 * tmirror: what the compiler needs to know about one hypervisor.
 *
 * The northbound model says which ports exist and what they mirror; the
 * bindings say which of them are on this hypervisor and at which OpenFlow
 * port, plus the facts about the mirror tunnel.  The controller fills them
 * in from the local Open_vSwitch database (Interface external_ids:iface-id,
 * ofport, MTU); tests and "tmirror-ctl compile" read them from JSON:
 *
 *   { "ports": { "PORT-ID": OFPORT, ... },
 *     "uplink": OFPORT,
 *     "local_mac": "xx:xx:xx:xx:xx:xx",
 *     "tunnel": { "ofport": OFPORT, "mtu": 1500, "nonlocal_src": true },
 *     "mirror_only": false }
 */
#ifndef TM_BINDINGS_H
#define TM_BINDINGS_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"
#include "openvswitch/shash.h"
#include "openvswitch/types.h"
#include "packets.h"

#define TM_MTU_DEFAULT 1500
#define TM_MTU_MIN 68
#define TM_MTU_MAX 65535

struct json;

struct tm_binding {
    char *port_id;
    uint16_t ofport;            /* 1-65279. */
};

struct tm_bindings {
    struct shash ports;         /* Port id -> struct tm_binding *. */
    uint16_t uplink_ofport;     /* Unknown unicast goes here; 0: none. */
    bool has_local_mac;         /* Frames to the bridge's own MAC go to */
    struct eth_addr local_mac;  /* its LOCAL port. */
    uint16_t tunnel_ofport;     /* The mirror VXLAN port; 0: none yet. */
    uint32_t tunnel_mtu;        /* Egress MTU toward mirror targets. */
    bool nonlocal_src;          /* The source VM's IP can be the outer
                                 * source (patched OVS). */
    bool mirror_only;           /* Only the two mirror stages: the host
                                 * has its own forwarding pipeline
                                 * (docs/pipeline.rst). */
};

void tm_bindings_init(struct tm_bindings *);
void tm_bindings_destroy(struct tm_bindings *);

/* Binds 'port_id' to 'ofport', replacing an earlier binding. */
void tm_bindings_set(struct tm_bindings *, const char *port_id,
                     uint16_t ofport);
const struct tm_binding *tm_bindings_find(const struct tm_bindings *,
                                          const char *port_id);

/* Checks that no two things share an OpenFlow port: bound ports, the
 * uplink and the tunnel.  Returns NULL or a malloc'd error naming both. */
char *tm_bindings_check(const struct tm_bindings *) OVS_WARN_UNUSED_RESULT;

/* Reads bindings from JSON (format above) into freshly initialized
 * 'bindings' and checks them with tm_bindings_check().  Returns NULL or a
 * malloc'd error naming the member. */
char *tm_bindings_from_json(const struct json *, struct tm_bindings *)
    OVS_WARN_UNUSED_RESULT;
char *tm_bindings_from_file(const char *file_name, struct tm_bindings *)
    OVS_WARN_UNUSED_RESULT;

#endif /* tm-bindings.h */
