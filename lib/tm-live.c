/*
 * tmirror: an explanation compared with the running switch (see
 * tm-live.h).
 */
#include <config.h>
#include "tm-live.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "dirs.h"
#include "flow.h"
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "svec.h"
#include "timeval.h"
#include "tm-bindings.h"
#include "tm-model.h"
#include "tm-nb-write.h"
#include "tm-parse.h"
#include "tm-vswitch.h"
#include "tm-vswitchd.h"
#include "util.h"
#include "vswitch-idl.h"

void
tm_copies_init(struct tm_copies *copies)
{
    memset(copies, 0, sizeof *copies);
}

void
tm_copies_destroy(struct tm_copies *copies)
{
    free(copies->copies);
}

void
tm_copies_add(struct tm_copies *copies, const struct tm_copy *copy)
{
    if (copies->n >= copies->allocated) {
        copies->copies = x2nrealloc(copies->copies, &copies->allocated,
                                    sizeof *copies->copies);
    }
    copies->copies[copies->n++] = *copy;
}

/* Parsing datapath actions. */

/* Just past the parenthesis that closes the one at 'open', or 'limit' if
 * none does before it. */
static const char *
tm_paren_end(const char *open, const char *limit)
{
    int depth = 0;

    for (const char *p = open; p < limit; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')' && !--depth) {
            return p + 1;
        }
    }
    return limit;
}

/* The first 'needle' in [start, end), or NULL. */
static const char *
tm_find(const char *start, const char *end, const char *needle)
{
    return start < end ? memmem(start, end - start, needle, strlen(needle))
                       : NULL;
}

/* The value of the field "KEY=" that starts a member of [start, end)
 * (after '(' or ','), up to the next ',' or ')', malloc'd, or NULL. */
static char *
tm_field_value(const char *start, const char *end, const char *key)
{
    size_t len = strlen(key);

    for (const char *p = start; (p = tm_find(p, end, key)) != NULL;
         p += len) {
        if (p > start && (p[-1] == '(' || p[-1] == ',') && p + len < end
            && p[len] == '=') {
            const char *v = p + len + 1;
            return xmemdup0(v, MIN(strcspn(v, ",)"), end - v));
        }
    }
    return NULL;
}

static char *
tm_parse_copy_ip(const char *start, const char *end, const char *key,
                 struct tm_ip *ip, bool *found)
{
    char *value = tm_field_value(start, end, key);
    char *error = NULL;

    *found = value != NULL;
    if (value) {
        error = tm_parse_ip(key, value, ip);
    }
    free(value);
    return error;
}

/* Parses the copy whose marker ("tnl_push(" or "set(tunnel(") spans
 * [start, end). */
static char *
tm_parse_copy(const char *start, const char *end, bool push,
              struct tm_copy *copy)
{
    const char *ip_start = start, *ip_end = end;
    const char *src_key = "src", *dst_key = "dst";
    char *vni = NULL, *error;
    bool has_dst = false;

    if (push) {
        /* tnl_push(...,header(...,eth(...),ipv4(src=A,dst=B,...),udp(...),
         *                     vxlan(flags=...,vni=0xN)),out_port(P)) */
        const char *vxlan = tm_find(start, end, "vxlan(");
        if (vxlan) {
            vni = tm_field_value(vxlan, tm_paren_end(vxlan + 5, end),
                                 "vni");
        }
        ip_start = tm_find(start, end, "ipv4(");
        if (!ip_start) {
            ip_start = tm_find(start, end, "ipv6(");
        }
        ip_end = ip_start ? tm_paren_end(ip_start + 4, end) : NULL;
    } else {
        /* set(tunnel(tun_id=0xN,src=A,dst=B,...)) or, over IPv6,
         * set(tunnel(tun_id=0xN,ipv6_src=A,ipv6_dst=B,...)). */
        vni = tm_field_value(start, end, "tun_id");
        if (tm_find(start, end, "ipv6_dst=")) {
            src_key = "ipv6_src";
            dst_key = "ipv6_dst";
        }
    }

    memset(copy, 0, sizeof *copy);
    if (!vni) {
        error = xstrdup("no VNI");
    } else if (!ip_start) {
        error = xstrdup("no outer IP header");
    } else {
        char *end_ptr;
        errno = 0;
        unsigned long long value = strtoull(vni, &end_ptr, 0);
        error = (errno || *end_ptr || end_ptr == vni || value > UINT32_MAX
                 ? xasprintf("bad VNI \"%.32s\"", vni) : NULL);
        copy->vni = value;
    }
    if (!error) {
        error = tm_parse_copy_ip(ip_start, ip_end, dst_key, &copy->dst,
                                 &has_dst);
    }
    if (!error && !has_dst) {
        error = xstrdup("no outer destination");
    }
    if (!error) {
        error = tm_parse_copy_ip(ip_start, ip_end, src_key, &copy->src,
                                 &copy->has_src);
    }
    free(vni);
    return error;
}

char *
tm_live_parse_trace(const char *trace, struct tm_copies *copies,
                    char **actions)
{
    static const char label[] = "Datapath actions: ";
    const char *line = trace;

    /* The line that starts with the label. */
    while (line && strncmp(line, label, strlen(label))) {
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    if (!line) {
        return xstrdup("ofproto/trace printed no datapath actions");
    }
    line += strlen(label);
    const char *eol = line + strcspn(line, "\n");
    if (actions) {
        *actions = xmemdup0(line, eol - line);
    }

    const char *p = line;
    for (;;) {
        const char *push = tm_find(p, eol, "tnl_push(");
        const char *set = tm_find(p, eol, "set(tunnel(");
        const char *mark = (push && (!set || push < set)) ? push : set;
        if (!mark) {
            return NULL;
        }

        const char *open = mark + (mark == push ? 8 : 3);
        const char *end = tm_paren_end(open, eol);
        struct tm_copy copy;
        char *error = tm_parse_copy(open, end, mark == push, &copy);
        if (error) {
            /* Quote the start of the action only: errors stay short. */
            int len = MIN(end - mark, 64);
            char *wrapped = xasprintf("datapath action %.*s%s: %s", len,
                                      mark, len < end - mark ? "..." : "",
                                      error);
            free(error);
            return wrapped;
        }

        /* The truncation that applies: the last trunc(N) since the
         * previous copy. */
        for (const char *t = p; (t = tm_find(t, mark, "trunc(")) != NULL;
             t++) {
            copy.max_len = strtoul(t + 6, NULL, 10);
        }
        tm_copies_add(copies, &copy);
        p = end;
    }
}

/* Comparing. */

static bool
tm_ip_equals(const struct tm_ip *a, const struct tm_ip *b)
{
    return a->family == b->family && ipv6_addr_equals(&a->addr, &b->addr);
}

static void
tm_put_difference(struct ds *why, size_t i, const char *what,
                  const char *on_switch, const char *in_model)
{
    ds_put_format(why, "%scopy %"PRIuSIZE": %s %s on the switch, %s in the "
                  "model", why->length ? "; " : "", i + 1, what, on_switch,
                  in_model);
}

static void
tm_compare_ip(struct ds *why, size_t i, const char *what,
              const struct tm_ip *sw, const struct tm_ip *model)
{
    if (!tm_ip_equals(sw, model)) {
        struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
        tm_ip_format(sw, &a);
        tm_ip_format(model, &b);
        tm_put_difference(why, i, what, ds_cstr(&a), ds_cstr(&b));
        ds_destroy(&a);
        ds_destroy(&b);
    }
}

static void
tm_compare_uint(struct ds *why, size_t i, const char *what, uint32_t sw,
                uint32_t model)
{
    if (sw != model) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%"PRIu32, sw);
        snprintf(b, sizeof b, "%"PRIu32, model);
        tm_put_difference(why, i, what, a, b);
    }
}

bool
tm_live_compare(const struct tm_copies *model, const struct tm_copies *sw,
                struct ds *why)
{
    size_t old_length = why->length;

    if (model->n != sw->n) {
        ds_put_format(why, "the model sends %"PRIuSIZE" cop%s, the switch "
                      "%"PRIuSIZE, model->n, model->n == 1 ? "y" : "ies",
                      sw->n);
        return false;
    }
    for (size_t i = 0; i < model->n; i++) {
        const struct tm_copy *m = &model->copies[i];
        const struct tm_copy *s = &sw->copies[i];

        tm_compare_uint(why, i, "VNI", s->vni, m->vni);
        tm_compare_ip(why, i, "outer destination", &s->dst, &m->dst);
        if (m->has_src && !s->has_src) {
            tm_put_difference(why, i, "outer source", "unknown", "known");
        } else if (m->has_src) {
            tm_compare_ip(why, i, "outer source", &s->src, &m->src);
        }
        tm_compare_uint(why, i, "truncation", s->max_len, m->max_len);
    }
    return why->length == old_length;
}

/* Asking the switch. */

char *
tm_live_read_bindings(const struct tm_live_options *o, struct tm_bindings *b)
{
    char *remote = (o->ovs_db ? xstrdup(o->ovs_db)
                    : xasprintf("unix:%s/db.sock", ovs_rundir()));
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, &ovsrec_idl_class,
                                             false, true);
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    char *error;

    tm_vswitch_register(idl);
    error = tm_nb_sync(idl, o->timeout_ms ? time_msec() + o->timeout_ms : 0);
    if (error) {
        char *wrapped = xasprintf("--live: Open_vSwitch database %s: %s",
                                  remote, error);
        free(error);
        error = wrapped;
    } else if (!tm_vswitch_find_bridge(idl, o->bridge)) {
        error = xasprintf("--live: no bridge %s in the Open_vSwitch "
                          "database %s (--bridge)", o->bridge, remote);
    } else {
        /* Read exactly as the controller reads them, without a
         * transaction: nothing is changed. */
        struct tm_vswitch_config cfg = {
            .bridge = o->bridge,
            .tunnel_port = o->tunnel_port,
            .tunnel_mtu = o->tunnel_mtu,
        };
        tm_vswitch_run(idl, NULL, &cfg, b, &warnings);
    }
    svec_destroy(&warnings);
    ovsdb_idl_destroy(idl);
    free(remote);
    return error;
}

/* Fills in the outer source of a copy that leaves with the hypervisor's
 * address: the switch's route toward the target says which. */
static void
tm_live_resolve_source(const char *ctl, struct tm_copy *copy,
                       struct ds *lines)
{
    if (copy->has_src) {
        return;
    }

    struct ds dst = DS_EMPTY_INITIALIZER;
    tm_ip_format(&copy->dst, &dst);
    char *src = tm_vswitchd_route_src(ctl, ds_cstr(&dst));
    char *error = src ? tm_parse_ip("src", src, &copy->src)
                      : xstrdup("no route");
    if (error) {
        ds_put_format(lines, "live: note: the switch has no route to %s "
                      "(%s): outer source not compared\n", ds_cstr(&dst),
                      error);
    } else {
        copy->has_src = true;
    }
    free(error);
    free(src);
    ds_destroy(&dst);
}

/* The packet, and who else sees it. */
struct tm_live_trace {
    struct ds flow;             /* For ofproto/trace. */
    struct tm_copies expected;  /* The model's copies, in pipeline order, */
    struct svec labels;         /* and what each one is. */
    struct ds lines;            /* "live: also ..." lines. */
    const char *ctl;            /* ovs-vswitchd's control socket. */
};

/* Adds the copy that 'ex' predicts, if any, to what the switch must
 * send. */
static void
tm_live_expect(struct tm_live_trace *t, const struct tm_explain *ex)
{
    if (ex->mirrored) {
        tm_copies_add(&t->expected, &ex->copy);
        svec_add_nocopy(&t->labels, xasprintf(
                            "%s %s, session %s",
                            tm_direction_to_string(ex->direction),
                            ex->source->id, ex->session->id));
    }
}

/* Explains 'flow' for 'port_id' in 'dir' as one of the other ports the
 * packet passes through, and adds its copy, if any. */
static void
tm_live_also(struct tm_live_trace *t, const struct tm_model *model,
             const struct tm_bindings *b, const char *port_id,
             enum tm_direction dir, const struct flow *flow,
             const struct flow_wildcards *wc)
{
    const struct tm_port *port = tm_model_find_port(model, port_id);
    struct tm_explain ex;

    if (!port) {
        return;
    }
    tm_explain_init(&ex);
    tm_explain_run(model, b, port, dir, flow, wc, &ex);
    struct ds verdict = DS_EMPTY_INITIALIZER;
    if (ex.mirrored) {
        tm_live_resolve_source(t->ctl, &ex.copy, &t->lines);
    }
    tm_explain_format_verdict(&ex, &verdict);
    ds_put_format(&t->lines, "live: also %s for %s: %s",
                  dir == TM_INGRESS ? "inbound" : "outbound", port_id,
                  ds_cstr(&verdict));
    ds_destroy(&verdict);
    tm_live_expect(t, &ex);
    tm_explain_destroy(&ex);
}

/* The bound port at 'ofport', or NULL. */
static const struct tm_binding *
tm_binding_at(const struct tm_bindings *b, uint16_t ofport)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        if (binding->ofport == ofport) {
            return binding;
        }
    }
    return NULL;
}

/* Inbound: the packet enters from --in-port (LOCAL by default) addressed
 * to the source's MAC; if it enters from another bound port, it is that
 * port's outbound traffic first. */
static char *
tm_live_inbound(const struct tm_live_options *o, const struct tm_model *model,
                const struct tm_bindings *b, const struct tm_explain *ex,
                const struct tm_binding *source,
                const struct flow *flow, const struct flow_wildcards *wc,
                struct tm_live_trace *t)
{
    const struct tm_port *port = ex->source;
    const struct tm_binding *from = NULL;
    uint32_t ofport = ofp_to_u16(OFPP_LOCAL);

    if (!port->has_mac) {
        return xasprintf("--live: source %s has no MAC address in the "
                         "model, so the bridge forwards no frame to it",
                         port->id);
    }
    if (!eth_addr_is_zero(wc->masks.dl_dst)
        && !eth_addr_equals(flow->dl_dst, port->mac)) {
        return xasprintf("dl_dst: "ETH_ADDR_FMT" is not the MAC address of "
                         "source %s ("ETH_ADDR_FMT"): the bridge would not "
                         "deliver it to the source", ETH_ADDR_ARGS(
                             flow->dl_dst), port->id,
                         ETH_ADDR_ARGS(port->mac));
    }

    if (o->in_port && strcmp(o->in_port, "LOCAL")) {
        from = tm_bindings_find(b, o->in_port);
        if (from) {
            ofport = from->ofport;
        } else {
            char *error = tm_parse_uint("--in-port", o->in_port, 1,
                                        ofp_to_u16(OFPP_MAX) - 1, &ofport);
            if (error) {
                char *wrapped = xasprintf("%s (or LOCAL, or a port id bound "
                                          "on %s)", error, o->bridge);
                free(error);
                return wrapped;
            }
            from = tm_binding_at(b, ofport);
        }
        if (ofport == source->ofport) {
            return xasprintf("--in-port: %s is the source's own port: the "
                             "bridge never sends a frame back where it came "
                             "from", o->in_port);
        }
        if (ofport == b->tunnel_ofport) {
            return xasprintf("--in-port: %s is the mirror tunnel port, "
                             "which only sends: the bridge drops what "
                             "arrives on it", o->in_port);
        }
    }
    if (ofport == ofp_to_u16(OFPP_LOCAL)
        && (flow->nw_proto == IPPROTO_UDP)
        && (flow->dl_type == htons(ETH_TYPE_IP)
            || flow->dl_type == htons(ETH_TYPE_IPV6))
        && flow->tp_dst == htons(TM_VXLAN_PORT)) {
        return xasprintf("--live: a UDP packet to port %d from LOCAL is "
                         "taken for a mirror copy coming back and never "
                         "mirrored (docs/pipeline.rst); give another "
                         "--in-port", TM_VXLAN_PORT);
    }

    if (ofport == ofp_to_u16(OFPP_LOCAL)) {
        ds_put_cstr(&t->flow, "in_port=LOCAL,");
    } else {
        ds_put_format(&t->flow, "in_port=%"PRIu32",", ofport);
    }
    if (eth_addr_is_zero(wc->masks.dl_dst)) {
        ds_put_format(&t->flow, "dl_dst="ETH_ADDR_FMT",",
                      ETH_ADDR_ARGS(port->mac));
    }
    if (from) {
        tm_live_also(t, model, b, from->port_id, TM_EGRESS, flow, wc);
    }
    tm_live_expect(t, ex);
    return NULL;
}

static int
tm_compare_bindings(const void *a_, const void *b_)
{
    const struct tm_binding *a = *(const struct tm_binding **) a_;
    const struct tm_binding *b = *(const struct tm_binding **) b_;

    return a->ofport < b->ofport ? -1 : a->ofport > b->ofport;
}

/* Outbound: the packet enters from the source's port; the ports that L2
 * forwarding delivers it to (by the model's MACs, as the compiler's table
 * 30 does) see it inbound, in OpenFlow port order. */
static char *
tm_live_outbound(const struct tm_live_options *o,
                 const struct tm_model *model, const struct tm_bindings *b,
                 const struct tm_explain *ex,
                 const struct tm_binding *source, const struct flow *flow,
                 const struct flow_wildcards *wc, struct tm_live_trace *t)
{
    const struct tm_port *port = ex->source;

    if (o->in_port) {
        return xstrdup("--in-port: only for --direction ingress (outbound "
                       "packets enter from the source's own port)");
    }
    ds_put_format(&t->flow, "in_port=%"PRIu16",", source->ofport);
    if (eth_addr_is_zero(wc->masks.dl_src) && port->has_mac) {
        ds_put_format(&t->flow, "dl_src="ETH_ADDR_FMT",",
                      ETH_ADDR_ARGS(port->mac));
    }
    tm_live_expect(t, ex);

    /* The receivers.  Unicast: the first bound port, by port id, with that
     * MAC in the model (the compiler ignores later duplicates). */
    const struct shash_node **nodes = shash_sort(&b->ports);
    size_t n = shash_count(&b->ports), n_receivers = 0;
    const struct tm_binding **receivers = xmalloc(MAX(n, 1)
                                                  * sizeof *receivers);
    bool multicast = eth_addr_is_multicast(flow->dl_dst);
    for (size_t i = 0; i < n; i++) {
        const struct tm_binding *binding = nodes[i]->data;
        const struct tm_port *p = tm_model_find_port(model,
                                                     binding->port_id);
        if (multicast) {
            if (binding != source) {
                receivers[n_receivers++] = binding;
            }
        } else if (p && p->has_mac && eth_addr_equals(p->mac,
                                                      flow->dl_dst)) {
            if (binding != source) {
                receivers[n_receivers++] = binding;
            }
            break;
        }
    }
    qsort(receivers, n_receivers, sizeof *receivers, tm_compare_bindings);
    for (size_t i = 0; i < n_receivers; i++) {
        tm_live_also(t, model, b, receivers[i]->port_id, TM_INGRESS, flow,
                     wc);
    }
    free(receivers);
    free(nodes);
    return NULL;
}

static void
tm_put_copies(struct ds *out, const char *who, const struct tm_copies *c,
              const struct svec *labels)
{
    if (!c->n) {
        ds_put_format(out, "live: %s: no copy\n", who);
    }
    for (size_t i = 0; i < c->n; i++) {
        ds_put_format(out, "live: %s copy %"PRIuSIZE, who, i + 1);
        if (labels) {
            ds_put_format(out, " (%s)", labels->names[i]);
        }
        ds_put_cstr(out, ": ");
        tm_copy_format(&c->copies[i], out);
        ds_put_char(out, '\n');
    }
}

char *
tm_live_run(const struct tm_live_options *o, const struct tm_model *model,
            const struct tm_bindings *b, struct tm_explain *ex,
            const char *flow_text, const struct flow *flow,
            const struct flow_wildcards *wc, struct ds *out, bool *agree)
{
    const struct tm_binding *source = tm_bindings_find(b, ex->source->id);
    struct tm_live_trace t;
    char *ctl = NULL, *reply = NULL, *actions = NULL;
    struct tm_copies sw;
    char *error;

    *agree = false;
    if (!source) {
        return xasprintf("--live: source %s is not on bridge %s (no "
                         "interface with external_ids:iface-id=%s and an "
                         "OpenFlow port)", ex->source->id, o->bridge,
                         ex->source->id);
    }
    if (!b->tunnel_ofport) {
        return xasprintf("--live: bridge %s has no mirror tunnel port %s "
                         "with an OpenFlow port (is tmirror-controller "
                         "running?)", o->bridge, o->tunnel_port);
    }

    ds_init(&t.flow);
    tm_copies_init(&t.expected);
    svec_init(&t.labels);
    ds_init(&t.lines);
    tm_copies_init(&sw);

    ctl = tm_vswitchd_ctl_path();
    if (!ctl) {
        error = xasprintf("--live: no ovs-vswitchd.pid in %s (is "
                          "ovs-vswitchd running? OVS_RUNDIR chooses the "
                          "directory)", ovs_rundir());
        goto exit;
    }
    t.ctl = ctl;
    if (ex->mirrored) {
        tm_live_resolve_source(ctl, &ex->copy, &t.lines);
    }

    error = (ex->direction == TM_INGRESS
             ? tm_live_inbound(o, model, b, ex, source, flow, wc, &t)
             : tm_live_outbound(o, model, b, ex, source, flow, wc, &t));
    if (error) {
        goto exit;
    }
    ds_put_cstr(&t.flow, flow_text);

    const char *argv[] = { o->bridge, ds_cstr(&t.flow) };
    int retval = tm_vswitchd_call(ctl, "ofproto/trace", 2, argv, &reply);
    if (retval) {
        error = xasprintf("--live: ofproto/trace %s %s failed: %s",
                          o->bridge, ds_cstr(&t.flow),
                          retval > 0 ? ovs_strerror(retval) : reply);
        goto exit;
    }
    error = tm_live_parse_trace(reply, &sw, &actions);
    if (error) {
        char *wrapped = xasprintf("--live: %s", error);
        free(error);
        error = wrapped;
        goto exit;
    }

    ds_put_format(out, "live: ofproto/trace %s %s\n", o->bridge,
                  ds_cstr(&t.flow));
    ds_put_format(out, "live: datapath actions: %s\n", actions);
    ds_put_buffer(out, t.lines.string, t.lines.length);
    if (strstr(reply, "native tunnel routing failed")) {
        ds_put_cstr(out, "live: note: the switch could not route a copy "
                    "(native tunnel routing failed)\n");
    }
    tm_put_copies(out, "model", &t.expected, &t.labels);
    tm_put_copies(out, "switch", &sw, NULL);

    struct ds why = DS_EMPTY_INITIALIZER;
    *agree = tm_live_compare(&t.expected, &sw, &why);
    if (*agree) {
        ds_put_format(out, "AGREE: %"PRIuSIZE" cop%s\n", sw.n,
                      sw.n == 1 ? "y" : "ies");
    } else {
        ds_put_format(out, "DISAGREE: %s\n", ds_cstr(&why));
    }
    ds_destroy(&why);

exit:
    free(ctl);
    free(reply);
    free(actions);
    tm_copies_destroy(&sw);
    ds_destroy(&t.flow);
    tm_copies_destroy(&t.expected);
    svec_destroy(&t.labels);
    ds_destroy(&t.lines);
    return error;
}
