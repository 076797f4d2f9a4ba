/*
 * tmirror: an explanation compared with the running switch
 * ("tmirror-ctl trace --live").
 *
 * lib/tm-explain says, from the model, what a source does with a packet.
 * This module asks the hypervisor's ovs-vswitchd the same question with
 * ofproto/trace on the integration bridge, whose flows tmirror-controller
 * compiled from that model, reads the mirror copies out of the datapath
 * actions (VNI, outer destination and source, truncation), and compares
 * them with the copies the model predicts, copy by copy.
 *
 * The packet is made concrete from the local Open_vSwitch database, read
 * the way the controller reads it (lib/tm-vswitch): inbound, it arrives
 * from LOCAL (or --in-port) addressed to the source's MAC; outbound, it
 * enters from the source's OpenFlow port.  Every copy the packet makes on
 * the bridge counts: a packet from another local source is also outbound
 * for that source, and one a source sends to another local port (or
 * floods) is also inbound for the ports that receive it, so the model's
 * side includes those explanations too.  The switch's copies come in
 * pipeline order (outbound stage, then inbound stage per receiving port in
 * OpenFlow port order), and so do the model's.
 *
 * The parsing and the comparison are pure and unit-tested; tm_live_run()
 * does the I/O.
 */
#ifndef TM_LIVE_H
#define TM_LIVE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "compiler.h"
#include "tm-explain.h"

struct ds;
struct flow;
struct flow_wildcards;
struct tm_bindings;
struct tm_model;
struct tm_port;

/* A list of copies. */
struct tm_copies {
    struct tm_copy *copies;
    size_t n, allocated;
};

void tm_copies_init(struct tm_copies *);
void tm_copies_destroy(struct tm_copies *);
void tm_copies_add(struct tm_copies *, const struct tm_copy *);

/* Reads the mirror copies from the "Datapath actions:" line of
 * ofproto/trace output 'trace': each tnl_push(...) (userspace datapath) or
 * set(tunnel(...)) (kernel datapath) is one copy, truncated by the last
 * trunc(N) since the previous copy.  Stores a copy of that line in
 * '*actions' (malloc'd) if nonnull.  Returns NULL or a malloc'd error. */
char *tm_live_parse_trace(const char *trace, struct tm_copies *,
                          char **actions) OVS_WARN_UNUSED_RESULT;

/* Compares the model's copies with the switch's, in order.  Returns true if
 * they agree; otherwise appends what differs to 'why'.  An expected copy
 * whose outer source is not known is not compared on its source. */
bool tm_live_compare(const struct tm_copies *model,
                     const struct tm_copies *sw, struct ds *why);

/* Where and how to ask: the controller's own defaults and options. */
struct tm_live_options {
    const char *bridge;         /* Integration bridge ("br-int"). */
    const char *tunnel_port;    /* Mirror VXLAN port ("tm-vxlan"). */
    uint32_t tunnel_mtu;        /* 0: the bridge's own, as the controller. */
    const char *in_port;        /* Inbound: where the packet enters: LOCAL
                                 * (NULL), an OpenFlow port number, or a
                                 * port id bound on the bridge. */
    const char *ovs_db;         /* NULL: unix:$OVS_RUNDIR/db.sock. */
    long long int timeout_ms;   /* 0: wait forever for the database. */
};

/* Reads this hypervisor's bindings (ports, tunnel port, MTU, outer source
 * mode) from the local Open_vSwitch database into freshly initialized 'b',
 * as tmirror-controller reads them.  Returns NULL or a malloc'd error. */
char *tm_live_read_bindings(const struct tm_live_options *,
                            struct tm_bindings *b) OVS_WARN_UNUSED_RESULT;

/* Runs ofproto/trace for the packet of 'ex' (explained with bindings 'b'
 * for its source and direction, from 'flow_text', parsed into 'flow' and
 * 'wc') on the running ovs-vswitchd, and compares.  If 'ex''s copy leaves
 * with the hypervisor's address, fills in which one the switch uses.
 * Appends the "live:" lines and the AGREE or DISAGREE line to 'out' and
 * sets '*agree'.  Returns NULL, or a malloc'd error if the comparison could
 * not be made. */
char *tm_live_run(const struct tm_live_options *, const struct tm_model *,
                  const struct tm_bindings *b, struct tm_explain *ex,
                  const char *flow_text, const struct flow *,
                  const struct flow_wildcards *, struct ds *out,
                  bool *agree) OVS_WARN_UNUSED_RESULT;

#endif /* tm-live.h */
