/*
 * tmirror: our flows (tm_flow, ovs-ofctl text) as OpenFlow messages, and
 * the canonical text that makes them comparable with a switch's flows.
 *
 * The compiler writes flows the way a person would ("tcp,reg15=0x1,...");
 * a switch's flow dump comes back in OVS's own order and spelling.  To
 * compare the two after a reconnect, the controller turns every desired
 * flow into canonical text: it encodes the flow as the switch would
 * receive it, decodes it again, and formats the result with OVS's own
 * formatter, exactly as it formats a dumped flow.  Equal canonical text
 * then means "the switch has this flow".
 *
 * Pure: no I/O.
 */
#ifndef TM_OFP_H
#define TM_OFP_H 1

#include "compiler.h"
#include "openvswitch/ofp-protocol.h"

struct ofpbuf;
struct ofputil_flow_stats;
struct svec;
struct tm_flow;
struct tm_flow_table;

/* The OpenFlow version the controller speaks: bundles need 1.4 or later,
 * and 1.5 is what OVS 3.1 speaks best. */
#define TM_OFP_VERSION OFP15_VERSION
#define TM_OFP_PROTOCOL OFPUTIL_P_OF15_OXM

/* What a flow_mod does to 'flow' on the switch. */
enum tm_ofp_command {
    TM_OFP_ADD,         /* Adds it, or replaces a flow with its key. */
    TM_OFP_MODIFY,      /* Changes the actions of the flow with its key and
                         * its cookie, keeping its counters. */
    TM_OFP_DELETE,      /* Deletes the flow with its key and its cookie. */
};

/* Encodes 'flow' as a flow_mod for 'version'.  Returns NULL and stores the
 * message in '*msg', or a malloc'd error if the flow does not parse. */
char *tm_ofp_encode_flow_mod(const struct tm_flow *, enum tm_ofp_command,
                             enum ofp_version, struct ofpbuf **msg)
    OVS_WARN_UNUSED_RESULT;

/* Stores in '*match' and '*actions' (malloc'd) the canonical text of
 * 'flow'.  Returns NULL, or a malloc'd error if the flow does not parse. */
char *tm_ofp_canonicalize(const struct tm_flow *, char **match,
                          char **actions) OVS_WARN_UNUSED_RESULT;

/* Moves the canonical form of every flow of 'in' into 'out'; a flow that
 * does not parse is left out and described in 'warnings'.  'in' is left
 * empty. */
void tm_ofp_canonicalize_table(struct tm_flow_table *in,
                               struct tm_flow_table *out,
                               struct svec *warnings);

/* Adds the flow of a flow-stats reply to 'table', in canonical text. */
void tm_ofp_add_flow_stats(struct tm_flow_table *,
                           const struct ofputil_flow_stats *);

#endif /* tm-ofp.h */
