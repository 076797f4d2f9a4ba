/*
 * tmirror: the rule compiler (see tm-compile.h).
 */
#include <config.h>
#include "tm-compile.h"

#include <string.h>
#include "flow.h"
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "sset.h"
#include "svec.h"
#include "tm-bindings.h"
#include "tm-flow.h"
#include "tm-model.h"
#include "tm-parse.h"
#include "tm-ranges.h"
#include "util.h"

#define TM_PIPELINE_COOKIE tm_cookie(0, 0)

/* Conjunction ids are (ofport << 8 | rank): unique within a table, and
 * stable when unrelated sources or rules change, so that an incremental
 * change does not rewrite other sources' flows. */
#define TM_CONJ_MAX_RANK 255

static void OVS_PRINTF_FORMAT(2, 3)
tm_warn(struct svec *warnings, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    svec_add_nocopy(warnings, xvasprintf(format, args));
    va_end(args);
}

/* Adds a flow.  Valid input never yields two flows with one key, but
 * bindings can be inconsistent while a hypervisor changes (two ports on one
 * OpenFlow port for a moment): then the first flow stays and the conflict
 * is reported, rather than the compiler trusting its input. */
static void
tm_add(struct tm_flow_table *flows, struct svec *warnings, uint8_t table_id,
       uint16_t priority, uint64_t cookie, const char *match,
       const char *actions)
{
    if (!tm_flow_table_add(flows, table_id, priority, cookie, match,
                           actions)) {
        tm_warn(warnings, "conflicting flows for table=%"PRIu8", "
                "priority=%"PRIu16", %s: kept the first, dropped \"%s\" "
                "(are two ports bound to one OpenFlow port?)", table_id,
                priority, match, actions);
    }
}

uint32_t
tm_compile_max_len(uint32_t packet_length, uint32_t mtu, int family)
{
    uint32_t overhead = (family == AF_INET ? TM_VXLAN_OVERHEAD_IPV4
                         : TM_VXLAN_OVERHEAD_IPV6);
    uint32_t fit = mtu > overhead ? mtu - overhead : 0;
    uint32_t len = MIN(packet_length, fit);

    return MAX(len, TM_MIN_MAX_LEN);
}

/* Pipeline. */

/* The OpenFlow ports that L2 forwarding knows, ascending and each once:
 * every bound port, the uplink and LOCAL. */
struct tm_outputs {
    uint16_t *ofports;
    size_t n;
};

static int
tm_compare_ofports(const void *a_, const void *b_)
{
    uint16_t a = *(const uint16_t *) a_;
    uint16_t b = *(const uint16_t *) b_;
    return a < b ? -1 : a > b;
}

static void
tm_collect_outputs(const struct tm_bindings *b, struct tm_outputs *out)
{
    struct shash_node *node;
    size_t n = 0;

    out->ofports = xmalloc((shash_count(&b->ports) + 2)
                           * sizeof *out->ofports);
    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        out->ofports[n++] = binding->ofport;
    }
    if (b->uplink_ofport) {
        out->ofports[n++] = b->uplink_ofport;
    }
    out->ofports[n++] = ofp_to_u16(OFPP_LOCAL);
    qsort(out->ofports, n, sizeof *out->ofports, tm_compare_ofports);

    out->n = 0;
    for (size_t i = 0; i < n; i++) {
        if (!out->n || out->ofports[out->n - 1] != out->ofports[i]) {
            out->ofports[out->n++] = out->ofports[i];
        }
    }
}

static void
tm_put_port_name(struct ds *s, uint16_t ofport)
{
    if (ofport == ofp_to_u16(OFPP_LOCAL)) {
        ds_put_cstr(s, "LOCAL");
    } else {
        ds_put_format(s, "%"PRIu16, ofport);
    }
}

/* Sends the packet to table 40 once for each of 'outputs' but 'except'. */
static void
tm_put_flood_actions(struct ds *actions, const struct tm_outputs *outputs,
                     uint16_t except)
{
    for (size_t i = 0; i < outputs->n; i++) {
        uint16_t ofport = outputs->ofports[i];
        if (ofport != except) {
            ds_put_format(actions, "load:%#"PRIx16"->%s,resubmit(,%d),",
                          ofport, TM_REG_OUTPORT_NXM, TM_TABLE_ACL_TO_VM);
        }
    }
    if (actions->length) {
        ds_chomp(actions, ',');
    } else {
        ds_put_cstr(actions, "drop");
    }
}

static void
tm_compile_l2(const struct tm_model *model, const struct tm_bindings *b,
              struct tm_flow_table *flows, struct svec *warnings)
{
    const uint64_t cookie = TM_PIPELINE_COOKIE;
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;
    struct tm_outputs outputs;
    struct sset macs = SSET_INITIALIZER(&macs);
    const struct shash_node **nodes = shash_sort(&b->ports);
    size_t i;

    /* Known unicast MACs. */
    for (i = 0; i < shash_count(&b->ports); i++) {
        const struct tm_binding *binding = nodes[i]->data;
        const struct tm_port *port = tm_model_find_port(model,
                                                        binding->port_id);
        if (!port || !port->has_mac) {
            tm_warn(warnings, "port \"%s\" (OpenFlow port %"PRIu16") has "
                    "no MAC address in the model: frames to it are "
                    "forwarded as unknown unicast", binding->port_id,
                    binding->ofport);
            continue;
        }
        ds_clear(&match);
        ds_put_format(&match, "dl_dst="ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
        if (!sset_add(&macs, ds_cstr(&match))) {
            tm_warn(warnings, "port \"%s\" has the same MAC address as "
                    "another local port: %s ignored", binding->port_id,
                    ds_cstr(&match));
            continue;
        }
        ds_clear(&actions);
        ds_put_format(&actions, "load:%#"PRIx16"->%s,resubmit(,%d)",
                      binding->ofport, TM_REG_OUTPORT_NXM,
                      TM_TABLE_ACL_TO_VM);
        tm_add(flows, warnings, TM_TABLE_L2, TM_PRIO_PORT, cookie,
               ds_cstr(&match),
               ds_cstr(&actions));
    }
    free(nodes);
    if (b->has_local_mac) {
        ds_clear(&match);
        ds_put_format(&match, "dl_dst="ETH_ADDR_FMT,
                      ETH_ADDR_ARGS(b->local_mac));
        if (sset_add(&macs, ds_cstr(&match))) {
            ds_clear(&actions);
            ds_put_format(&actions, "load:%#"PRIx16"->%s,resubmit(,%d)",
                          ofp_to_u16(OFPP_LOCAL), TM_REG_OUTPORT_NXM,
                          TM_TABLE_ACL_TO_VM);
            tm_add(flows, warnings, TM_TABLE_L2, TM_PRIO_PORT, cookie,
                   ds_cstr(&match), ds_cstr(&actions));
        } else {
            tm_warn(warnings, "the bridge's own MAC address is also a "
                    "port's: %s", ds_cstr(&match));
        }
    }
    sset_destroy(&macs);

    /* Broadcast and multicast: one flow per input port, so that a frame is
     * never sent back where it came from (nor mirrored as "inbound" to the
     * port that sent it), and a catch-all for other inputs. */
    tm_collect_outputs(b, &outputs);
    for (i = 0; i < outputs.n; i++) {
        uint16_t in_port = outputs.ofports[i];
        ds_clear(&match);
        ds_put_cstr(&match, "in_port=");
        tm_put_port_name(&match, in_port);
        ds_put_cstr(&match, ",dl_dst=01:00:00:00:00:00/01:00:00:00:00:00");
        ds_clear(&actions);
        tm_put_flood_actions(&actions, &outputs, in_port);
        tm_add(flows, warnings, TM_TABLE_L2, TM_PRIO_FLOOD, cookie,
               ds_cstr(&match),
               ds_cstr(&actions));
    }
    ds_clear(&actions);
    tm_put_flood_actions(&actions, &outputs, 0);
    tm_add(flows, warnings, TM_TABLE_L2, TM_PRIO_FLOOD_OTHER, cookie,
           "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", ds_cstr(&actions));
    free(outputs.ofports);

    /* Unknown unicast. */
    ds_clear(&actions);
    if (b->uplink_ofport) {
        ds_put_format(&actions, "load:%#"PRIx16"->%s,resubmit(,%d)",
                      b->uplink_ofport, TM_REG_OUTPORT_NXM,
                      TM_TABLE_ACL_TO_VM);
    } else {
        ds_put_cstr(&actions, "drop");
    }
    tm_add(flows, warnings, TM_TABLE_L2, TM_PRIO_DEFAULT, cookie, "",
           ds_cstr(&actions));

    ds_destroy(&match);
    ds_destroy(&actions);
}

/* Table 50's flows that keep packets out of the inbound stage: mirror
 * copies, and a frame a VM addresses to itself (never delivered, since OVS
 * does not output to the input port, so not "inbound" either).  In
 * mirror-only mode they just end the stage; otherwise they continue to the
 * output stage. */
static void
tm_compile_skips(const struct tm_bindings *b, struct tm_flow_table *flows,
                 struct svec *warnings)
{
    const uint64_t cookie = TM_PIPELINE_COOKIE;
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;
    struct shash_node *node;

    ds_put_format(&match, "%s=%#x/%#x", TM_REG_FLAGS, TM_FLAG_MIRROR_COPY,
                  TM_FLAG_MIRROR_COPY);
    if (b->mirror_only) {
        ds_put_cstr(&actions, "drop");
    } else {
        ds_put_format(&actions, "resubmit(,%d)", TM_TABLE_OUTPUT);
    }
    tm_add(flows, warnings, TM_TABLE_MIRROR_IN, TM_PRIO_SKIP, cookie,
           ds_cstr(&match), ds_cstr(&actions));

    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        ds_clear(&match);
        ds_put_format(&match, "in_port=%"PRIu16",%s=%#"PRIx16,
                      binding->ofport, TM_REG_OUTPORT, binding->ofport);
        tm_add(flows, warnings, TM_TABLE_MIRROR_IN, TM_PRIO_SKIP, cookie,
               ds_cstr(&match), ds_cstr(&actions));
    }
    ds_destroy(&match);
    ds_destroy(&actions);
}

void
tm_compile_pipeline(const struct tm_model *model,
                    const struct tm_bindings *b, struct tm_flow_table *flows,
                    struct svec *warnings)
{
    const uint64_t cookie = TM_PIPELINE_COOKIE;
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;
    struct shash_node *node;

    /* An interface whose iface-id the cloud does not know: forwarded, but
     * never a mirror source or target, which someone should hear of. */
    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        if (!tm_model_find_port(model, binding->port_id)) {
            tm_warn(warnings, "bound port \"%s\" (OpenFlow port %"PRIu16") "
                    "is not in the model", binding->port_id,
                    binding->ofport);
        }
    }

    if (b->mirror_only) {
        tm_compile_skips(b, flows, warnings);
        return;
    }

    /* T0: traffic from VM ports goes through the "from VM" stages. */
    ds_put_format(&actions, "resubmit(,%d)", TM_TABLE_ACL_FROM_VM);
    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        ds_clear(&match);
        ds_put_format(&match, "in_port=%"PRIu16, binding->ofport);
        tm_add(flows, warnings, TM_TABLE_CLASSIFY, TM_PRIO_PORT, cookie,
               ds_cstr(&match), ds_cstr(&actions));
    }

    /* The mirror tunnel only sends.  With remote_ip=flow it would accept
     * VXLAN from anyone who can reach this host on UDP 4789 and hand the
     * decapsulated frames to L2 forwarding: into VMs, or flooded.  Drop
     * whatever arrives on it. */
    if (b->tunnel_ofport) {
        ds_clear(&match);
        ds_put_format(&match, "in_port=%"PRIu16, b->tunnel_ofport);
        tm_add(flows, warnings, TM_TABLE_CLASSIFY, TM_PRIO_PORT, cookie,
               ds_cstr(&match), "drop");
    }

    /* Mirror copies re-enter the bridge through LOCAL after tnl_push when
     * the route to the target leaves through this bridge: flag them so
     * that the inbound stage never mirrors a mirror. */
    ds_clear(&actions);
    ds_put_format(&actions, "load:%#x->%s,resubmit(,%d)",
                  TM_FLAG_MIRROR_COPY, TM_FLAG_MIRROR_COPY_NXM, TM_TABLE_L2);
    for (int v6 = 0; v6 < 2; v6++) {
        ds_clear(&match);
        ds_put_format(&match, "in_port=LOCAL,%s,tp_dst=%d",
                      v6 ? "udp6" : "udp", TM_VXLAN_PORT);
        tm_add(flows, warnings, TM_TABLE_CLASSIFY, TM_PRIO_PORT, cookie,
               ds_cstr(&match), ds_cstr(&actions));
    }

    /* Everything else (uplink, LOCAL) skips the "from VM" stages. */
    ds_clear(&actions);
    ds_put_format(&actions, "resubmit(,%d)", TM_TABLE_L2);
    tm_add(flows, warnings, TM_TABLE_CLASSIFY, TM_PRIO_DEFAULT, cookie, "",
           ds_cstr(&actions));

    /* Default "continue" in the ACL hooks and mirror stages. */
    static const uint8_t chain[][2] = {
        { TM_TABLE_ACL_FROM_VM, TM_TABLE_MIRROR_OUT },
        { TM_TABLE_MIRROR_OUT, TM_TABLE_L2 },
        { TM_TABLE_ACL_TO_VM, TM_TABLE_MIRROR_IN },
        { TM_TABLE_MIRROR_IN, TM_TABLE_OUTPUT },
    };
    for (size_t i = 0; i < ARRAY_SIZE(chain); i++) {
        ds_clear(&actions);
        ds_put_format(&actions, "resubmit(,%d)", chain[i][1]);
        tm_add(flows, warnings, chain[i][0], TM_PRIO_DEFAULT, cookie, "",
               ds_cstr(&actions));
    }

    tm_compile_skips(b, flows, warnings);

    tm_compile_l2(model, b, flows, warnings);

    ds_clear(&actions);
    ds_put_format(&actions, "output:%s", TM_REG_OUTPORT_NXM);
    tm_add(flows, warnings, TM_TABLE_OUTPUT, TM_PRIO_DEFAULT, cookie, "",
           ds_cstr(&actions));

    ds_destroy(&match);
    ds_destroy(&actions);
}

/* Mirror flows. */

static int
tm_session_compare(const void *a_, const void *b_)
{
    const struct tm_session *a = *(const struct tm_session **) a_;
    const struct tm_session *b = *(const struct tm_session **) b_;

    if (a->priority != b->priority) {
        return a->priority < b->priority ? -1 : 1;
    }
    return strcmp(a->id, b->id);
}

static int
tm_rule_compare(const void *a_, const void *b_)
{
    const struct tm_rule *a = *(const struct tm_rule **) a_;
    const struct tm_rule *b = *(const struct tm_rule **) b_;

    if (a->priority != b->priority) {
        return a->priority < b->priority ? -1 : 1;
    }
    return strcmp(a->id, b->id);
}

/* Resolves the outer addresses and truncation of 's''s copies from
 * 'source'.  IPv4 underlay if the target has an IPv4 address, else IPv6.
 * Returns NULL, or why the session can't be compiled (malloc'd). */
static char *
tm_resolve_target(const struct tm_model *model, const struct tm_bindings *b,
                  const struct tm_session *s, const struct tm_port *source,
                  struct tm_compile_target *target, struct svec *warnings)
{
    const struct tm_ip *ip = NULL;

    if (s->target_type == TM_TARGET_ENI) {
        const struct tm_port *port = tm_model_find_port(model, s->target_id);
        if (port) {
            ip = tm_port_find_ip(port, AF_INET);
            if (!ip) {
                ip = tm_port_find_ip(port, AF_INET6);
            }
        }
    } else {
        const struct tm_lb *lb = tm_model_find_lb(model, s->target_id);
        if (lb && lb->has_vip) {
            ip = &lb->vip;
        }
    }
    if (!ip) {
        return xasprintf("its target %s \"%s\" does not exist or has no IP "
                         "address", tm_target_type_to_string(s->target_type),
                         s->target_id);
    }

    memset(target, 0, sizeof *target);
    target->ip = *ip;
    if (b->nonlocal_src) {
        const struct tm_ip *src = tm_port_find_ip(source, ip->family);
        if (src) {
            target->has_src = true;
            target->src = *src;
        } else {
            tm_warn(warnings, "session \"%s\": source \"%s\" has no IPv%d "
                    "address, so its copies leave with this hypervisor's "
                    "address as outer source", s->id, source->id,
                    ip->family == AF_INET ? 4 : 6);
        }
    }
    target->max_len = tm_compile_max_len(s->packet_length, b->tunnel_mtu,
                                         ip->family);
    return NULL;
}

static void
tm_put_tunnel_actions(struct ds *actions, const struct tm_session *s,
                      const struct tm_compile_target *target,
                      uint16_t tunnel_ofport)
{
    bool v4 = target->ip.family == AF_INET;

    ds_put_cstr(actions, "clone(set_field:");
    tm_ip_format(&target->ip, actions);
    ds_put_format(actions, "->%s,set_field:%#"PRIx32"->tun_id,",
                  v4 ? "tun_dst" : "tun_ipv6_dst", s->vni);
    if (target->has_src) {
        ds_put_cstr(actions, "set_field:");
        tm_ip_format(&target->src, actions);
        ds_put_format(actions, "->%s,", v4 ? "tun_src" : "tun_ipv6_src");
    }
    ds_put_format(actions, "output(port=%"PRIu16",max_len=%"PRIu32"))",
                  tunnel_ofport, target->max_len);
}

/* The ovs-ofctl protocol keyword for a rule: it also makes the match IP
 * only, which is why non-IP frames never match a rule. */
static const char *
tm_protocol_keyword(const struct tm_rule *rule)
{
    bool v4 = rule->ethertype == TM_ETH_IPV4;

    switch (rule->protocol) {
    case TM_PROTO_ALL: return v4 ? "ip" : "ipv6";
    case TM_PROTO_TCP: return v4 ? "tcp" : "tcp6";
    case TM_PROTO_UDP: return v4 ? "udp" : "udp6";
    case TM_PROTO_ICMP: return v4 ? "icmp" : NULL;
    case TM_PROTO_ICMPV6: return v4 ? NULL : "icmp6";
    }
    return NULL;
}

/* Whether 'cidr' can be matched in a rule of 'rule''s ethertype. */
static bool
tm_cidr_fits(const struct tm_rule *rule, const struct tm_cidr *cidr)
{
    bool v4 = rule->ethertype == TM_ETH_IPV4;

    return (!cidr->set || !cidr->plen
            || (cidr->family == (v4 ? AF_INET : AF_INET6)
                && cidr->plen <= (v4 ? 32 : 128)));
}

/* Appends the match on 'rule''s source or destination CIDR block, which
 * tm_cidr_fits(). */
static void
tm_put_cidr(struct ds *match, const struct tm_rule *rule, bool src)
{
    const struct tm_cidr *cidr = src ? &rule->src : &rule->dst;
    bool v4 = rule->ethertype == TM_ETH_IPV4;
    unsigned int full = v4 ? 32 : 128;

    if (!cidr->set || !cidr->plen) {
        return;
    }
    ds_put_format(match, ",%s_%s=", v4 ? "nw" : "ipv6", src ? "src" : "dst");
    if (cidr->plen == full) {
        struct tm_ip ip = { .family = cidr->family, .addr = cidr->addr };
        tm_ip_format(&ip, match);
    } else {
        tm_cidr_format(cidr, match);
    }
}

char *
tm_compile_rule_problem(const struct tm_rule *rule)
{
    bool tcp_udp = (rule->protocol == TM_PROTO_TCP
                    || rule->protocol == TM_PROTO_UDP);

    if (!tm_protocol_keyword(rule)
        || (!tcp_udp && (rule->src_ports.set || rule->dst_ports.set))
        || (rule->src_ports.set && rule->src_ports.min > rule->src_ports.max)
        || (rule->dst_ports.set
            && rule->dst_ports.min > rule->dst_ports.max)) {
        return xasprintf("protocol %s, ethertype %s and its port ranges do "
                         "not fit together",
                         tm_protocol_to_string(rule->protocol),
                         tm_ethertype_to_string(rule->ethertype));
    }
    if (!tm_cidr_fits(rule, &rule->src) || !tm_cidr_fits(rule, &rule->dst)) {
        return xasprintf("a CIDR block does not match ethertype %s",
                         tm_ethertype_to_string(rule->ethertype));
    }
    return NULL;
}

static void
tm_put_port_mask(struct ds *match, const char *field,
                 const struct tm_masked_port *m)
{
    if (m->mask == UINT16_MAX) {
        ds_put_format(match, ",%s=%"PRIu16, field, m->value);
    } else if (m->mask) {
        ds_put_format(match, ",%s=%#"PRIx16"/%#"PRIx16, field, m->value,
                      m->mask);
    }
}

static size_t
tm_port_masks(const struct tm_port_range *range,
              struct tm_masked_port masks[TM_RANGE_MAX_MASKS])
{
    if (!range->set) {
        masks[0].value = masks[0].mask = 0;
        return 1;
    }
    return tm_range_to_masks(range->min, range->max, masks);
}

/* Emits the flows of one rule for one source at one priority. */
static void
tm_compile_rule(const struct tm_rule *rule, const struct tm_session *s,
                const struct tm_compile_target *target,
                const struct tm_bindings *b,
                uint16_t ofport, enum tm_direction dir, unsigned int rank,
                struct tm_flow_table *flows, struct svec *warnings)
{
    uint8_t table = dir == TM_EGRESS ? TM_TABLE_MIRROR_OUT
                                     : TM_TABLE_MIRROR_IN;
    int next = dir == TM_EGRESS ? TM_TABLE_L2 : TM_TABLE_OUTPUT;
    uint16_t priority = TM_PRIO_RULE_TOP - rank;
    uint64_t cookie = tm_cookie(s->key, rule->key);
    const char *proto = tm_protocol_keyword(rule);
    struct tm_masked_port src_masks[TM_RANGE_MAX_MASKS];
    struct tm_masked_port dst_masks[TM_RANGE_MAX_MASKS];
    struct ds base = DS_EMPTY_INITIALIZER;
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;
    char *problem = tm_compile_rule_problem(rule);

    if (problem) {
        tm_warn(warnings, "rule \"%s\" of session \"%s\" skipped: %s",
                rule->id, s->id, problem);
        free(problem);
        return;
    }

    /* The match every flow of this rule shares. */
    if (dir == TM_EGRESS) {
        ds_put_format(&base, "in_port=%"PRIu16, ofport);
    } else {
        ds_put_format(&base, "%s=%#"PRIx16, TM_REG_OUTPORT, ofport);
    }
    ds_put_format(&base, ",%s", proto);
    tm_put_cidr(&base, rule, true);
    tm_put_cidr(&base, rule, false);

    /* Accept mirrors once and continues; reject just continues.  In
     * mirror-only mode the host resubmitted to this stage and continues by
     * itself, and a reject still has to be a flow, so that rules after it
     * don't match. */
    if (rule->action == TM_ACCEPT) {
        tm_put_tunnel_actions(&actions, s, target, b->tunnel_ofport);
    }
    if (!b->mirror_only) {
        ds_put_format(&actions, "%sresubmit(,%d)",
                      actions.length ? "," : "", next);
    } else if (!actions.length) {
        ds_put_cstr(&actions, "drop");
    }

    size_t n_src = tm_port_masks(&rule->src_ports, src_masks);
    size_t n_dst = tm_port_masks(&rule->dst_ports, dst_masks);
    if (n_src * n_dst <= n_src + n_dst + 1 || rank > TM_CONJ_MAX_RANK) {
        /* The cross product is no larger than a conjunction. */
        for (size_t i = 0; i < n_src; i++) {
            for (size_t j = 0; j < n_dst; j++) {
                ds_clear(&match);
                ds_put_buffer(&match, base.string, base.length);
                tm_put_port_mask(&match, "tp_src", &src_masks[i]);
                tm_put_port_mask(&match, "tp_dst", &dst_masks[j]);
                tm_add(flows, warnings, table, priority, cookie,
                       ds_cstr(&match),
                       ds_cstr(&actions));
            }
        }
    } else {
        /* conjunction(id, 1/2) over source ports, (id, 2/2) over
         * destination ports: n_src + n_dst + 1 flows instead of
         * n_src * n_dst. */
        uint32_t conj_id = ((uint32_t) ofport << 8) | rank;
        char *conj_actions;

        for (int clause = 1; clause <= 2; clause++) {
            const struct tm_masked_port *masks = (clause == 1 ? src_masks
                                                  : dst_masks);
            size_t n = clause == 1 ? n_src : n_dst;

            conj_actions = xasprintf("conjunction(%"PRIu32",%d/2)", conj_id,
                                     clause);
            for (size_t i = 0; i < n; i++) {
                ds_clear(&match);
                ds_put_buffer(&match, base.string, base.length);
                tm_put_port_mask(&match, clause == 1 ? "tp_src" : "tp_dst",
                                 &masks[i]);
                tm_add(flows, warnings, table, priority, cookie,
                       ds_cstr(&match),
                       conj_actions);
            }
            free(conj_actions);
        }
        ds_clear(&match);
        ds_put_format(&match, "conj_id=%"PRIu32",%s", conj_id,
                      ds_cstr(&base));
        tm_add(flows, warnings, table, priority, cookie, ds_cstr(&match),
               ds_cstr(&actions));
    }

    ds_destroy(&base);
    ds_destroy(&match);
    ds_destroy(&actions);
}

void
tm_compile_sort_sessions(const struct tm_session **sessions, size_t n)
{
    qsort(sessions, n, sizeof *sessions, tm_session_compare);
}

void
tm_compile_plan(const struct tm_model *model, const struct tm_bindings *b,
                const struct tm_port *source,
                const struct tm_session *const *sessions, size_t n,
                struct tm_source_plan *plan, struct svec *warnings)
{
    const struct tm_session **sorted = xmalloc(MAX(n, 1) * sizeof *sorted);

    memcpy(sorted, sessions, n * sizeof *sorted);

    /* Sessions in priority order; their targets resolved once. */
    tm_compile_sort_sessions(sorted, n);
    plan->n = n;
    plan->sessions = xcalloc(MAX(n, 1), sizeof *plan->sessions);
    for (size_t i = 0; i < n; i++) {
        struct tm_plan_session *ps = &plan->sessions[i];
        const struct tm_session *s = sorted[i];

        ps->session = s;
        ps->skipped = tm_resolve_target(model, b, s, source, &ps->target,
                                        warnings);
        if (!ps->skipped) {
            ps->filter = tm_model_find_filter(model, s->filter_id);
            if (!ps->filter) {
                ps->skipped = xasprintf("its filter \"%s\" does not exist",
                                        s->filter_id);
            }
        }
        if (ps->skipped) {
            ps->filter = NULL;
            continue;
        }

        /* Its rules of each direction, by priority. */
        const struct tm_filter *f = ps->filter;
        for (int dir = 0; dir < TM_N_DIRECTIONS; dir++) {
            const struct tm_rule **rules = xmalloc(
                MAX(f->n_rules, 1) * sizeof *rules);
            size_t n_rules = 0;
            for (size_t j = 0; j < f->n_rules; j++) {
                if (f->rules[j]->direction == dir) {
                    rules[n_rules++] = f->rules[j];
                }
            }
            qsort(rules, n_rules, sizeof *rules, tm_rule_compare);
            ps->rules[dir] = rules;
            ps->n_rules[dir] = n_rules;
        }
    }
    free(sorted);
}

void
tm_source_plan_destroy(struct tm_source_plan *plan)
{
    for (size_t i = 0; i < plan->n; i++) {
        struct tm_plan_session *ps = &plan->sessions[i];
        free(ps->skipped);
        for (int dir = 0; dir < TM_N_DIRECTIONS; dir++) {
            free(ps->rules[dir]);
        }
    }
    free(plan->sessions);
}

/* Compiles the mirror flows of the source bound at 'binding', given the
 * sessions that list it. */
static void
tm_compile_source__(const struct tm_model *model,
                    const struct tm_bindings *b,
                    const struct tm_binding *binding,
                    const struct tm_session *const *sessions,
                    size_t n_sessions, struct tm_flow_table *flows,
                    struct svec *warnings)
{
    const struct tm_port *source = tm_model_find_port(model,
                                                      binding->port_id);
    struct tm_source_plan plan;

    if (!n_sessions) {
        return;
    }
    if (!b->tunnel_ofport) {
        tm_warn(warnings, "source \"%s\" not mirrored: the mirror tunnel "
                "port does not exist yet", binding->port_id);
        return;
    }
    if (!source) {
        tm_warn(warnings, "source \"%s\" not mirrored: no such port in "
                "the model", binding->port_id);
        return;
    }

    tm_compile_plan(model, b, source, sessions, n_sessions, &plan, warnings);
    for (size_t i = 0; i < plan.n; i++) {
        if (plan.sessions[i].skipped) {
            tm_warn(warnings, "session \"%s\" skipped: %s",
                    plan.sessions[i].session->id, plan.sessions[i].skipped);
        }
    }
    for (int dir = 0; dir < TM_N_DIRECTIONS; dir++) {
        unsigned int rank = 0;

        for (size_t i = 0; i < plan.n; i++) {
            const struct tm_plan_session *ps = &plan.sessions[i];
            if (ps->skipped) {
                continue;
            }
            for (size_t j = 0; j < ps->n_rules[dir]; j++) {
                if (rank >= TM_COMPILE_MAX_RANK) {
                    tm_warn(warnings, "source \"%s\": too many rules, rule "
                            "\"%s\" and those after it skipped",
                            binding->port_id, ps->rules[dir][j]->id);
                    break;
                }
                tm_compile_rule(ps->rules[dir][j], ps->session, &ps->target,
                                b, binding->ofport, dir, rank++, flows,
                                warnings);
            }
        }
    }
    tm_source_plan_destroy(&plan);
}

size_t
tm_compile_sessions_of_source(const struct tm_model *model,
                              const char *port_id, bool include_disabled,
                              const struct tm_session ***sessions)
{
    size_t n = 0;

    *sessions = xmalloc(MAX(model->n_sessions, 1) * sizeof **sessions);
    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        if (!s->enabled && !include_disabled) {
            continue;
        }
        for (size_t j = 0; j < s->n_sources; j++) {
            if (!strcmp(s->sources[j], port_id)) {
                (*sessions)[n++] = s;
                break;
            }
        }
    }
    return n;
}

void
tm_compile_source(const struct tm_model *model, const struct tm_bindings *b,
                  const char *port_id, struct tm_flow_table *flows,
                  struct svec *warnings)
{
    const struct tm_binding *binding = tm_bindings_find(b, port_id);
    const struct tm_session **sessions;

    if (!binding) {
        return;
    }
    size_t n = tm_compile_sessions_of_source(model, port_id, false,
                                             &sessions);
    tm_compile_source__(model, b, binding, sessions, n, flows, warnings);
    free(sessions);
}

void
tm_compile_index_sources(const struct tm_model *model,
                         const struct tm_bindings *b, struct shash *by_source)
{
    /* One pass over all sessions, not one per source, so that a hypervisor
     * with many sources compiles in linear time. */
    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        if (!s->enabled) {
            continue;
        }
        for (size_t j = 0; j < s->n_sources; j++) {
            if (!tm_bindings_find(b, s->sources[j])) {
                continue;
            }
            struct tm_session_list *list = shash_find_data(by_source,
                                                           s->sources[j]);
            if (!list) {
                list = xzalloc(sizeof *list);
                shash_add(by_source, s->sources[j], list);
            }
            if (list->n && list->sessions[list->n - 1] == s) {
                continue;       /* A source listed twice. */
            }
            if (list->n >= list->allocated) {
                list->sessions = x2nrealloc(list->sessions, &list->allocated,
                                            sizeof *list->sessions);
            }
            list->sessions[list->n++] = s;
        }
    }
}

void
tm_compile_index_destroy(struct shash *by_source)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, by_source) {
        struct tm_session_list *list = node->data;
        free(list->sessions);
        free(list);
    }
    shash_destroy(by_source);
}

void
tm_compile_source_sessions(const struct tm_model *model,
                           const struct tm_bindings *b, const char *port_id,
                           const struct tm_session_list *list,
                           struct tm_flow_table *flows,
                           struct svec *warnings)
{
    const struct tm_binding *binding = tm_bindings_find(b, port_id);

    if (binding && list && list->n) {
        tm_compile_source__(model, b, binding, list->sessions, list->n,
                            flows, warnings);
    }
}

void
tm_compile(const struct tm_model *model, const struct tm_bindings *b,
           struct tm_flow_table *flows, struct svec *warnings)
{
    struct shash by_source = SHASH_INITIALIZER(&by_source);
    struct shash_node *node;

    tm_compile_pipeline(model, b, flows, warnings);
    tm_compile_index_sources(model, b, &by_source);

    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        tm_compile_source_sessions(model, b, binding->port_id,
                                   shash_find_data(&by_source,
                                                   binding->port_id),
                                   flows, warnings);
    }
    tm_compile_index_destroy(&by_source);
}
