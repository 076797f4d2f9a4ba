/*
 * tmirror: why a packet is mirrored or not (see tm-explain.h).
 */
#include <config.h>
#include "tm-explain.h"

#include <string.h>
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-flow.h"
#include "packets.h"
#include "tm-bindings.h"
#include "tm-parse.h"
#include "util.h"

void
tm_copy_format(const struct tm_copy *copy, struct ds *s)
{
    ds_put_cstr(s, "outer ");
    if (copy->has_src) {
        tm_ip_format(&copy->src, s);
    } else {
        ds_put_cstr(s, "(hypervisor)");
    }
    ds_put_cstr(s, " -> ");
    tm_ip_format(&copy->dst, s);
    ds_put_format(s, ", VNI %"PRIu32, copy->vni);
    if (copy->max_len) {
        ds_put_format(s, ", truncated to %"PRIu32" bytes", copy->max_len);
    } else {
        ds_put_cstr(s, ", not truncated");
    }
}

/* Parsing the packet. */

char *
tm_explain_parse_flow(const char *flow_text, struct flow *flow,
                      struct flow_wildcards *wc)
{
    char *error = parse_ofp_exact_flow(flow, wc, NULL, flow_text, NULL);
    if (error) {
        return error;
    }

    /* Metadata (in_port, registers, tunnel, conntrack...) comes before the
     * Ethernet source in OVS's field list.  The source and the direction
     * decide where a packet enters and leaves; the rest is no part of a
     * packet that a filter could look at. */
    for (int id = 0; id < MFF_ETH_SRC; id++) {
        const struct mf_field *mf = mf_from_id(id);
        if (!mf_is_all_wild(mf, wc)) {
            return xasprintf("%s: not a packet header field (the trace "
                             "chooses where the packet enters from "
                             "--source and --direction)", mf->name);
        }
    }

    /* A later fragment carries no transport header, so its ports can't be
     * what a port range matches. */
    if (flow->nw_frag & FLOW_NW_FRAG_LATER
        && (wc->masks.tp_src || wc->masks.tp_dst)) {
        return xasprintf("%s: a later fragment has no transport ports",
                         wc->masks.tp_src ? "tp_src" : "tp_dst");
    }
    return NULL;
}

/* Matching one rule. */

static bool
tm_flow_is_ipv4(const struct flow *flow)
{
    return flow->dl_type == htons(ETH_TYPE_IP);
}

static bool
tm_flow_is_ip(const struct flow *flow)
{
    return tm_flow_is_ipv4(flow) || flow->dl_type == htons(ETH_TYPE_IPV6);
}

/* The packet's source or destination address. */
static struct tm_ip
tm_flow_ip(const struct flow *flow, bool src)
{
    struct tm_ip ip;

    if (tm_flow_is_ipv4(flow)) {
        ip.family = AF_INET;
        in6_addr_set_mapped_ipv4(&ip.addr, src ? flow->nw_src : flow->nw_dst);
    } else {
        ip.family = AF_INET6;
        ip.addr = src ? flow->ipv6_src : flow->ipv6_dst;
    }
    return ip;
}

static bool
tm_cidr_contains(const struct tm_cidr *cidr, const struct tm_ip *ip)
{
    if (!cidr->set || !cidr->plen) {
        return true;
    }
    if (cidr->family != ip->family) {
        return false;
    }

    /* IPv4 addresses are IPv4-mapped: their prefix starts at bit 96. */
    unsigned int plen = cidr->plen + (ip->family == AF_INET ? 96 : 0);
    for (unsigned int i = 0; i < 16 && plen; i++) {
        unsigned int bits = MIN(plen, 8);
        uint8_t mask = 0xff << (8 - bits);
        if ((cidr->addr.s6_addr[i] ^ ip->addr.s6_addr[i]) & mask) {
            return false;
        }
        plen -= bits;
    }
    return true;
}

static void
tm_why_cidr(struct ds *why, const struct flow *flow, const struct tm_rule *r,
            bool src)
{
    const struct tm_cidr *cidr = src ? &r->src : &r->dst;
    struct tm_ip ip = tm_flow_ip(flow, src);

    if (!tm_cidr_contains(cidr, &ip)) {
        ds_put_format(why, "%s%s_%s ", why->length ? ", " : "",
                      ip.family == AF_INET ? "nw" : "ipv6",
                      src ? "src" : "dst");
        tm_ip_format(&ip, why);
        ds_put_cstr(why, " not in ");
        tm_cidr_format(cidr, why);
    }
}

static void
tm_why_ports(struct ds *why, const struct tm_port_range *range,
             ovs_be16 port_be, const char *field)
{
    uint16_t port = ntohs(port_be);

    if (range->set && (port < range->min || port > range->max)) {
        ds_put_format(why, "%s%s %"PRIu16" not in ", why->length ? ", " : "",
                      field, port);
        tm_port_range_format(range, why);
    }
}

/* The protocol number a rule requires, or 0 for "all". */
static uint8_t
tm_rule_nw_proto(const struct tm_rule *r)
{
    switch (r->protocol) {
    case TM_PROTO_TCP: return IPPROTO_TCP;
    case TM_PROTO_UDP: return IPPROTO_UDP;
    case TM_PROTO_ICMP: return IPPROTO_ICMP;
    case TM_PROTO_ICMPV6: return IPPROTO_ICMPV6;
    case TM_PROTO_ALL: return 0;
    }
    OVS_NOT_REACHED();
}

/* Returns true if 'flow' matches 'r', or false with the fields that do not
 * match in 'why' ("tp_dst 1233 not in 1234-1234").  A packet of the wrong
 * ethertype or protocol has no fields to compare beyond that. */
static bool
tm_rule_matches(const struct tm_rule *r, const struct flow *flow,
                struct ds *why)
{
    bool v4 = r->ethertype == TM_ETH_IPV4;
    uint16_t dl_type = v4 ? ETH_TYPE_IP : ETH_TYPE_IPV6;

    if (flow->dl_type != htons(dl_type)) {
        ds_put_format(why, "dl_type %#06"PRIx16" not in %s (%#06"PRIx16")",
                      ntohs(flow->dl_type), tm_ethertype_to_string(
                          r->ethertype), dl_type);
        return false;
    }

    uint8_t proto = tm_rule_nw_proto(r);
    if (proto && flow->nw_proto != proto) {
        ds_put_format(why, "nw_proto %"PRIu8" not in %s (%"PRIu8")",
                      flow->nw_proto, tm_protocol_to_string(r->protocol),
                      proto);
        return false;
    }

    tm_why_cidr(why, flow, r, true);
    tm_why_cidr(why, flow, r, false);
    if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
        tm_why_ports(why, &r->src_ports, flow->tp_src, "tp_src");
        tm_why_ports(why, &r->dst_ports, flow->tp_dst, "tp_dst");
    }
    return !why->length;
}

/* The walk. */

void
tm_explain_init(struct tm_explain *ex)
{
    memset(ex, 0, sizeof *ex);
    svec_init(&ex->notes);
}

void
tm_explain_destroy(struct tm_explain *ex)
{
    for (size_t i = 0; i < ex->n_sessions; i++) {
        struct tm_explain_session *es = &ex->sessions[i];
        for (size_t j = 0; j < es->n_rules; j++) {
            free(es->rules[j].why);
        }
        free(es->rules);
        free(es->why);
    }
    free(ex->sessions);
    free(ex->packet);
    free(ex->reason);
    svec_destroy(&ex->notes);
}

static const struct tm_plan_session *
tm_plan_find(const struct tm_source_plan *plan, const struct tm_session *s)
{
    for (size_t i = 0; i < plan->n; i++) {
        if (plan->sessions[i].session == s) {
            return &plan->sessions[i];
        }
    }
    return NULL;
}

/* Tries the rules of one planned session in order.  '*rank' counts the
 * source's rules of the direction as the compiler ranks them; 'decided'
 * says whether an earlier rule already decided.  Returns the matching
 * rule's entry, or NULL. */
static struct tm_explain_rule *
tm_explain_session_rules(const struct tm_plan_session *ps,
                         enum tm_direction dir, const struct flow *flow,
                         bool decided, unsigned int *rank,
                         struct tm_explain_session *es)
{
    struct tm_explain_rule *match = NULL;

    es->n_rules = ps->n_rules[dir];
    es->rules = xcalloc(MAX(es->n_rules, 1), sizeof *es->rules);
    for (size_t i = 0; i < es->n_rules; i++) {
        struct tm_explain_rule *er = &es->rules[i];
        const struct tm_rule *r = ps->rules[dir][i];

        er->rule = r;
        if (decided || match) {
            er->result = TM_EXPLAIN_RULE_NOT_REACHED;
        } else if ((*rank)++ >= TM_COMPILE_MAX_RANK) {
            er->result = TM_EXPLAIN_RULE_SKIPPED;
            er->why = xstrdup("too many rules for this source");
        } else if ((er->why = tm_compile_rule_problem(r)) != NULL) {
            er->result = TM_EXPLAIN_RULE_SKIPPED;
        } else {
            struct ds why = DS_EMPTY_INITIALIZER;
            if (tm_rule_matches(r, flow, &why)) {
                er->result = TM_EXPLAIN_MATCH;
                match = er;
                ds_destroy(&why);
            } else {
                er->result = TM_EXPLAIN_NO_MATCH;
                er->why = ds_steal_cstr(&why);
            }
        }
    }
    return match;
}

/* Why nothing is sent when no rule decided: 'n_rules' rules of the
 * direction were in the enabled sessions, 'n_tried' of them compiled and
 * tried. */
static char *
tm_explain_no_decision(const struct tm_explain *ex, const struct flow *flow,
                       size_t n_enabled, size_t n_rules, size_t n_tried)
{
    const char *dir = tm_direction_to_string(ex->direction);

    if (!ex->n_sessions) {
        return xasprintf("no session has source %s", ex->source->id);
    }
    if (!n_enabled) {
        return xasprintf("no enabled session has source %s (%"PRIuSIZE
                         " disabled)", ex->source->id, ex->n_sessions);
    }
    if (!n_rules) {
        return xasprintf("the enabled sessions of source %s have no %s "
                         "rules", ex->source->id, dir);
    }
    if (!n_tried) {
        return xasprintf("the compiler skips every %s rule of the enabled "
                         "sessions of source %s", dir, ex->source->id);
    }
    if (!tm_flow_is_ip(flow)) {
        return xasprintf("not an IP packet (dl_type %#06"PRIx16"): rules "
                         "match only IPv4 and IPv6", ntohs(flow->dl_type));
    }
    return xasprintf("no %s rule matches (%"PRIuSIZE" tried)", dir, n_tried);
}

void
tm_explain_run(const struct tm_model *model, const struct tm_bindings *b,
               const struct tm_port *source, enum tm_direction dir,
               const struct flow *flow, const struct flow_wildcards *wc,
               struct tm_explain *ex)
{
    const struct tm_session **all, **enabled;
    struct tm_source_plan plan;
    struct match match;
    struct ds packet = DS_EMPTY_INITIALIZER;

    ex->source = source;
    ex->direction = dir;
    ex->tunnel_mtu = b->tunnel_mtu;
    ex->nonlocal_src = b->nonlocal_src;
    match_init(&match, flow, wc);
    match_format(&match, NULL, &packet, OFP_DEFAULT_PRIORITY);
    ex->packet = ds_steal_cstr(&packet);

    /* Every session of the source in the compiler's order; the enabled
     * ones planned by the compiler itself. */
    ex->n_sessions = tm_compile_sessions_of_source(model, source->id, true,
                                                   &all);
    tm_compile_sort_sessions(all, ex->n_sessions);
    size_t n_enabled = tm_compile_sessions_of_source(model, source->id,
                                                     false, &enabled);
    tm_compile_plan(model, b, source, enabled, n_enabled, &plan, &ex->notes);

    ex->sessions = xcalloc(MAX(ex->n_sessions, 1), sizeof *ex->sessions);
    unsigned int rank = 0;
    size_t n_rules = 0, n_tried = 0;
    for (size_t i = 0; i < ex->n_sessions; i++) {
        struct tm_explain_session *es = &ex->sessions[i];
        const struct tm_plan_session *ps = tm_plan_find(&plan, all[i]);

        es->session = all[i];
        if (!ps) {
            es->state = TM_EXPLAIN_DISABLED;
            continue;
        } else if (ps->skipped) {
            es->state = TM_EXPLAIN_SESSION_SKIPPED;
            es->why = xstrdup(ps->skipped);
            continue;
        }

        bool decided = ex->rule != NULL;
        es->state = decided ? TM_EXPLAIN_NOT_REACHED : TM_EXPLAIN_TRIED;
        struct tm_explain_rule *er = tm_explain_session_rules(
            ps, dir, flow, decided, &rank, es);
        n_rules += es->n_rules;
        for (size_t j = 0; j < es->n_rules; j++) {
            enum tm_explain_rule_result result = es->rules[j].result;
            n_tried += (result == TM_EXPLAIN_MATCH
                        || result == TM_EXPLAIN_NO_MATCH);
        }
        if (!er) {
            continue;
        }

        ex->session = es->session;
        ex->rule = er->rule;
        if (er->rule->action == TM_ACCEPT) {
            ex->mirrored = true;
            ex->copy = (struct tm_copy) {
                .vni = es->session->vni,
                .dst = ps->target.ip,
                .has_src = ps->target.has_src,
                .src = ps->target.src,
                .max_len = ps->target.max_len,
            };
        } else {
            ex->reason = xasprintf("rule %s (priority %"PRIu32") of session "
                                   "%s rejects it", er->rule->id,
                                   er->rule->priority, es->session->id);
        }
    }
    if (!ex->rule) {
        ex->reason = tm_explain_no_decision(ex, flow, n_enabled, n_rules,
                                            n_tried);
    }

    tm_source_plan_destroy(&plan);
    free(all);
    free(enabled);
}

/* Formatting. */

static void
tm_put_session(struct ds *s, const struct tm_explain_session *es,
               enum tm_direction dir)
{
    const struct tm_session *session = es->session;

    ds_put_format(s, "session %s", session->id);
    if (session->name && session->name[0]) {
        ds_put_format(s, " (%s)", session->name);
    }
    ds_put_format(s, " priority=%"PRIu32" vni=%"PRIu32" packet_length=%"
                  PRIu32" target=%s:%s: ", session->priority, session->vni,
                  session->packet_length,
                  tm_target_type_to_string(session->target_type),
                  session->target_id);
    switch (es->state) {
    case TM_EXPLAIN_TRIED:
        ds_put_format(s, "considered, %"PRIuSIZE" %s rule%s\n", es->n_rules,
                      tm_direction_to_string(dir),
                      es->n_rules == 1 ? "" : "s");
        break;
    case TM_EXPLAIN_NOT_REACHED:
        ds_put_cstr(s, "not reached: an earlier rule decided\n");
        break;
    case TM_EXPLAIN_DISABLED:
        ds_put_cstr(s, "disabled: not considered\n");
        break;
    case TM_EXPLAIN_SESSION_SKIPPED:
        ds_put_format(s, "skipped by the compiler: %s\n", es->why);
        break;
    }

    for (size_t i = 0; i < es->n_rules; i++) {
        const struct tm_explain_rule *er = &es->rules[i];

        ds_put_format(s, "  rule %s priority=%"PRIu32" ", er->rule->id,
                      er->rule->priority);
        tm_rule_format_conditions(er->rule, s);
        switch (er->result) {
        case TM_EXPLAIN_MATCH:
            ds_put_cstr(s, ": matches\n");
            break;
        case TM_EXPLAIN_NO_MATCH:
            ds_put_format(s, ": does not match: %s\n", er->why);
            break;
        case TM_EXPLAIN_RULE_SKIPPED:
            ds_put_format(s, ": skipped by the compiler: %s\n", er->why);
            break;
        case TM_EXPLAIN_RULE_NOT_REACHED:
            ds_put_cstr(s, ": not reached\n");
            break;
        }
    }
}

void
tm_explain_format_verdict(const struct tm_explain *ex, struct ds *s)
{
    if (!ex->mirrored) {
        ds_put_format(s, "not mirrored: %s\n", ex->reason);
        return;
    }
    ds_put_format(s, "mirror: session %s -> target %s (%s), ",
                  ex->session->id, ex->session->target_id,
                  ex->session->target_type == TM_TARGET_ENI
                  ? "port" : "load balancer");
    tm_copy_format(&ex->copy, s);
    ds_put_char(s, '\n');
}

void
tm_explain_format(const struct tm_explain *ex, struct ds *s)
{
    ds_put_format(s, "source: %s", ex->source->id);
    if (ex->source->name && ex->source->name[0]) {
        ds_put_format(s, " (%s)", ex->source->name);
    }
    ds_put_format(s, ", direction %s (%s)\n",
                  tm_direction_to_string(ex->direction),
                  ex->direction == TM_INGRESS
                  ? "inbound: delivered to the source"
                  : "outbound: sent by the source");
    ds_put_format(s, "packet: %s\n", ex->packet);
    ds_put_cstr(s, "hypervisor");
    if (ex->facts_origin) {
        ds_put_format(s, " (%s)", ex->facts_origin);
    }
    ds_put_format(s, ": tunnel MTU %"PRIu32", outer source %s\n",
                  ex->tunnel_mtu, ex->nonlocal_src
                  ? "the source's address (allow_nonlocal_src)"
                  : "the hypervisor's address");

    for (size_t i = 0; i < ex->n_sessions; i++) {
        tm_put_session(s, &ex->sessions[i], ex->direction);
    }

    const char *note;
    size_t i;
    SVEC_FOR_EACH (i, note, &ex->notes) {
        ds_put_format(s, "note: %s\n", note);
    }

    if (ex->rule) {
        ds_put_format(s, "decision: rule %s (priority %"PRIu32") of session "
                      "%s (priority %"PRIu32"): %s\n", ex->rule->id,
                      ex->rule->priority, ex->session->id,
                      ex->session->priority,
                      tm_action_to_string(ex->rule->action));
    } else {
        ds_put_cstr(s, "decision: none\n");
    }
    tm_explain_format_verdict(ex, s);
}
