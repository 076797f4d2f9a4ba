/*
 * tmirror-controller: the OpenFlow connection to the integration bridge.
 */
#include <config.h>
#include "tm-ofctrl.h"

#include "byte-order.h"
#include "hash.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vlog.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "tm-flow.h"
#include "tm-ofp.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_ofctrl);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

enum tm_ofctrl_state {
    S_DISCONNECTED,     /* Waiting for a connection. */
    S_DUMPING,          /* Reading the switch's flows of ours. */
    S_IDLE,             /* In sync, or ready to send a bundle. */
    S_BUNDLE,           /* A bundle and its barrier are on their way. */
};

struct tm_ofctrl {
    struct rconn *rconn;
    char *target;
    unsigned int conn_seqno;    /* rconn's, when we last saw it. */
    enum tm_ofctrl_state state;
    enum ofp_version version;

    ovs_be32 dump_xid;
    struct tm_flow_table installed;

    /* The bundle in flight: its messages' xids are first_xid..barrier_xid
     * (one process, one xid counter), and what it changes. */
    uint32_t bundle_id;
    uint32_t first_xid;
    uint32_t barrier_xid;
    bool bundle_failed;
    int64_t bundle_cfg;
    struct tm_flow_table pending_put;   /* Adds and modifications. */
    struct tm_flow_table pending_del;

    long long int retry_at;     /* After a refused bundle: not before. */
    int retry_backoff;          /* ms. */

    bool resync;                /* Dump again when idle. */

    /* 'installed' is the desired flows of version 'synced_seqno' (see
     * tm_ofctrl_put()): until either changes, there is nothing to diff. */
    bool synced;
    uint64_t synced_seqno;

    /* Traffic counters: 'counting' is being filled by the reply to
     * 'counters_xid', 'counters' is the last complete set. */
    ovs_be32 counters_xid;
    bool counting_active;
    struct hmap counting;
    struct hmap counters;
    bool have_counters;
    long long int counters_time;
    int64_t applied_cfg;
    struct tm_ofctrl_stats stats;
};

static void
tm_ofctrl_counters_clear(struct hmap *counters)
{
    struct tm_flow_counter *fc;

    HMAP_FOR_EACH_POP (fc, node, counters) {
        free(fc);
    }
}

struct tm_ofctrl *
tm_ofctrl_create(void)
{
    struct tm_ofctrl *c = xzalloc(sizeof *c);

    /* Bundles need OpenFlow 1.4 or later.  No inactivity probe and at
     * most a second between attempts: the connection is a local unix
     * socket, and after the switch restarts its flows must come back
     * quickly. */
    c->rconn = rconn_create(0, 1, 0, ((1u << OFP14_VERSION)
                                      | (1u << OFP15_VERSION)));
    tm_flow_table_init(&c->installed);
    tm_flow_table_init(&c->pending_put);
    tm_flow_table_init(&c->pending_del);
    hmap_init(&c->counting);
    hmap_init(&c->counters);
    c->applied_cfg = -1;
    c->retry_backoff = 0;
    return c;
}

void
tm_ofctrl_destroy(struct tm_ofctrl *c)
{
    if (c) {
        rconn_destroy(c->rconn);
        free(c->target);
        tm_flow_table_destroy(&c->installed);
        tm_flow_table_destroy(&c->pending_put);
        tm_flow_table_destroy(&c->pending_del);
        tm_ofctrl_counters_clear(&c->counting);
        hmap_destroy(&c->counting);
        tm_ofctrl_counters_clear(&c->counters);
        hmap_destroy(&c->counters);
        free(c);
    }
}

void
tm_ofctrl_set_target(struct tm_ofctrl *c, const char *target)
{
    if (!c->target || strcmp(c->target, target)) {
        free(c->target);
        c->target = xstrdup(target);
        VLOG_INFO("%s: connecting to switch", target);
        rconn_connect(c->rconn, target, target);
    }
}

void
tm_ofctrl_kick(struct tm_ofctrl *c)
{
    if (c->target && !rconn_is_connected(c->rconn)) {
        rconn_connect(c->rconn, c->target, c->target);
    }
}

void
tm_ofctrl_resync(struct tm_ofctrl *c)
{
    c->resync = true;
}

static void
tm_ofctrl_send(struct tm_ofctrl *c, struct ofpbuf *msg)
{
    rconn_send(c->rconn, msg, NULL);
}

/* Asks the switch for every flow in our cookie range (the dump after a
 * connection and the traffic counters use the same request).  Returns the
 * request's xid. */
static ovs_be32
tm_ofctrl_request_our_flows(struct tm_ofctrl *c)
{
    struct ofputil_flow_stats_request fsr = {
        .aggregate = false,
        .cookie = htonll(TM_COOKIE_OWNER),
        .cookie_mask = htonll(TM_COOKIE_OWNER_MASK),
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = 0xff,
    };
    match_init_catchall(&fsr.match);

    struct ofpbuf *msg = ofputil_encode_flow_stats_request(
        &fsr, ofputil_protocol_from_ofp_version(c->version));
    ovs_be32 xid = ((struct ofp_header *) msg->data)->xid;
    tm_ofctrl_send(c, msg);
    return xid;
}

/* Starts over after a new connection: what the switch has is unknown until
 * the dump completes. */
static void
tm_ofctrl_start_dump(struct tm_ofctrl *c)
{
    c->version = rconn_get_version(c->rconn);
    tm_flow_table_clear(&c->installed);
    tm_flow_table_clear(&c->pending_put);
    tm_flow_table_clear(&c->pending_del);
    c->synced = false;
    c->retry_at = 0;
    c->retry_backoff = 0;
    c->dump_xid = tm_ofctrl_request_our_flows(c);
    c->state = S_DUMPING;
}

static void
tm_ofctrl_handle_dump_reply(struct tm_ofctrl *c, struct ofpbuf *msg)
{
    const struct ofp_header *oh = msg->data;
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);

    for (;;) {
        struct ofputil_flow_stats fs;
        int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                     &ofpacts);
        if (retval) {
            if (retval != EOF) {
                VLOG_WARN_RL(&rl, "bad flow stats reply: %s",
                             ofperr_to_string(retval));
            }
            break;
        }
        /* The switch filtered by cookie already; check anyway, since a
         * flow that is not ours must never be touched. */
        if (tm_cookie_is_ours(ntohll(fs.cookie))) {
            tm_ofp_add_flow_stats(&c->installed, &fs);
        }
    }
    ofpbuf_uninit(&ofpacts);

    if (!ofpmp_more(oh)) {
        c->stats.resyncs++;
        c->state = S_IDLE;
        VLOG_INFO("%s: the switch has %"PRIuSIZE" flows of ours",
                  c->target, tm_flow_table_count(&c->installed));
    }
}

void
tm_ofctrl_request_counters(struct tm_ofctrl *c)
{
    if (!rconn_is_connected(c->rconn) || c->state == S_DISCONNECTED
        || c->counting_active) {
        return;
    }

    tm_ofctrl_counters_clear(&c->counting);
    c->counting_active = true;
    c->counters_xid = tm_ofctrl_request_our_flows(c);
}

static void
tm_ofctrl_handle_counters_reply(struct tm_ofctrl *c, struct ofpbuf *msg)
{
    const struct ofp_header *oh = msg->data;
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);

    for (;;) {
        struct ofputil_flow_stats fs;
        if (ofputil_decode_flow_stats_reply(&fs, &b, false, &ofpacts)) {
            break;
        }
        uint64_t cookie = ntohll(fs.cookie);
        if (!tm_cookie_is_ours(cookie) || !tm_cookie_rule(cookie)) {
            continue;
        }

        /* A rule's flow that sends copies has a clone() with the tunnel
         * output; a reject's flow doesn't; a conjunction clause counts
         * nothing (its conj_id flow does). */
        const struct ofpact *a;
        bool mirrors = false, clause = false;
        OFPACT_FOR_EACH (a, fs.ofpacts, fs.ofpacts_len) {
            mirrors |= a->type == OFPACT_CLONE;
            clause |= a->type == OFPACT_CONJUNCTION;
        }
        if (clause) {
            continue;
        }

        struct tm_flow_counter *fc = NULL, *e;
        uint32_t hash = hash_uint64(cookie);
        HMAP_FOR_EACH_WITH_HASH (e, node, hash, &c->counting) {
            if (e->cookie == cookie) {
                fc = e;
                break;
            }
        }
        if (!fc) {
            fc = xzalloc(sizeof *fc);
            fc->cookie = cookie;
            hmap_insert(&c->counting, &fc->node, hash);
        }
        if (fs.packet_count != UINT64_MAX) {
            fc->packets += fs.packet_count;
        }
        if (fs.byte_count != UINT64_MAX) {
            fc->bytes += fs.byte_count;
        }
        fc->mirrors |= mirrors;
    }
    ofpbuf_uninit(&ofpacts);

    if (!ofpmp_more(oh)) {
        tm_ofctrl_counters_clear(&c->counters);
        hmap_swap(&c->counters, &c->counting);
        c->have_counters = true;
        c->counters_time = time_msec();
        c->counting_active = false;
    }
}

const struct hmap *
tm_ofctrl_counters(const struct tm_ofctrl *c, long long int *when)
{
    *when = c->counters_time;
    return c->have_counters ? &c->counters : NULL;
}

static bool
tm_ofctrl_xid_in_bundle(const struct tm_ofctrl *c, ovs_be32 xid_)
{
    uint32_t xid = ntohl(xid_);
    return (c->state == S_BUNDLE
            && xid - c->first_xid <= c->barrier_xid - c->first_xid);
}

/* The barrier after a bundle arrived: the bundle is in or out. */
static void
tm_ofctrl_bundle_done(struct tm_ofctrl *c)
{
    struct tm_flow *flow;

    if (c->bundle_failed) {
        /* Atomic: nothing of it was applied.  Try again later, in case the
         * cause was passing (the desired flows may change meanwhile). */
        c->stats.bundle_failures++;
        c->retry_backoff = MIN(MAX(c->retry_backoff * 2, 1000), 30000);
        c->retry_at = time_msec() + c->retry_backoff;
        VLOG_WARN("%s: bundle for configuration %"PRId64" refused; "
                  "retrying in %d ms", c->target, c->bundle_cfg,
                  c->retry_backoff);
    } else {
        HMAP_FOR_EACH (flow, node, &c->pending_del.flows) {
            struct tm_flow *old = tm_flow_table_find(
                &c->installed, flow->table_id, flow->priority, flow->match);
            if (old) {
                tm_flow_table_remove(&c->installed, old);
            }
        }
        HMAP_FOR_EACH (flow, node, &c->pending_put.flows) {
            struct tm_flow *old = tm_flow_table_find(
                &c->installed, flow->table_id, flow->priority, flow->match);
            if (old) {
                tm_flow_table_remove(&c->installed, old);
            }
            tm_flow_table_add(&c->installed, flow->table_id, flow->priority,
                              flow->cookie, flow->match, flow->actions);
        }
        c->stats.bundles++;
        c->retry_backoff = 0;
        c->applied_cfg = c->bundle_cfg;
        VLOG_DBG("%s: configuration %"PRId64" applied", c->target,
                 c->bundle_cfg);
    }
    tm_flow_table_clear(&c->pending_put);
    tm_flow_table_clear(&c->pending_del);
    c->synced = false;
    c->state = S_IDLE;
}

static void
tm_ofctrl_handle(struct tm_ofctrl *c, struct ofpbuf *msg)
{
    const struct ofp_header *oh = msg->data;
    enum ofptype type;

    if (ofptype_decode(&type, oh)) {
        return;
    }
    switch (type) {
    case OFPTYPE_ECHO_REQUEST:
        tm_ofctrl_send(c, ofputil_encode_echo_reply(oh));
        break;

    case OFPTYPE_FLOW_STATS_REPLY:
        if (c->state == S_DUMPING && oh->xid == c->dump_xid) {
            tm_ofctrl_handle_dump_reply(c, msg);
        } else if (c->counting_active && oh->xid == c->counters_xid) {
            tm_ofctrl_handle_counters_reply(c, msg);
        }
        break;

    case OFPTYPE_ERROR:
        if (tm_ofctrl_xid_in_bundle(c, oh->xid)) {
            char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 2);
            VLOG_WARN_RL(&rl, "%s: bundle refused: %s", c->target, s);
            free(s);
            c->bundle_failed = true;
        } else if (c->state == S_DUMPING && oh->xid == c->dump_xid) {
            VLOG_WARN_RL(&rl, "%s: flow dump refused; reconnecting",
                         c->target);
            rconn_reconnect(c->rconn);
        } else if (c->counting_active && oh->xid == c->counters_xid) {
            /* Ask again at the next interval; waiting for a reply that
             * will never come would freeze the counters. */
            VLOG_WARN_RL(&rl, "%s: flow statistics request refused",
                         c->target);
            tm_ofctrl_counters_clear(&c->counting);
            c->counting_active = false;
        } else {
            char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 2);
            VLOG_INFO_RL(&rl, "%s: %s", c->target, s);
            free(s);
        }
        break;

    case OFPTYPE_BARRIER_REPLY:
        if (c->state == S_BUNDLE && ntohl(oh->xid) == c->barrier_xid) {
            tm_ofctrl_bundle_done(c);
        }
        break;

    default:
        break;
    }
}

void
tm_ofctrl_run(struct tm_ofctrl *c)
{
    rconn_run(c->rconn);

    unsigned int seqno = rconn_get_connection_seqno(c->rconn);
    if (seqno != c->conn_seqno) {
        c->conn_seqno = seqno;
        c->state = S_DISCONNECTED;
    }
    if (!rconn_is_connected(c->rconn)) {
        c->state = S_DISCONNECTED;
        c->counting_active = false;
        return;
    }
    if (c->state == S_DISCONNECTED) {
        c->stats.connections++;
        VLOG_INFO("%s: connected (OpenFlow 0x%02x)", c->target,
                  rconn_get_version(c->rconn));
        tm_ofctrl_start_dump(c);
    } else if (c->state == S_IDLE && c->resync) {
        tm_ofctrl_start_dump(c);
    }
    c->resync = c->resync && c->state != S_DUMPING;

    for (int i = 0; i < 500; i++) {
        struct ofpbuf *msg = rconn_recv(c->rconn);
        if (!msg) {
            break;
        }
        tm_ofctrl_handle(c, msg);
        ofpbuf_delete(msg);
    }
}

void
tm_ofctrl_wait(struct tm_ofctrl *c)
{
    rconn_run_wait(c->rconn);
    rconn_recv_wait(c->rconn);
    if (c->state == S_IDLE && c->retry_at) {
        poll_timer_wait_until(c->retry_at);
    }
}

bool
tm_ofctrl_is_ready(const struct tm_ofctrl *c)
{
    return c->state == S_IDLE || c->state == S_BUNDLE;
}

unsigned int
tm_ofctrl_connection_seqno(const struct tm_ofctrl *c)
{
    return c->stats.connections;
}

/* Adds one flow_mod to the open bundle. */
static void
tm_ofctrl_bundle_add(struct tm_ofctrl *c, const struct tm_flow *flow,
                     enum tm_ofp_command command)
{
    struct ofpbuf *fm;
    char *error = tm_ofp_encode_flow_mod(flow, command, c->version, &fm);
    if (error) {
        /* Canonical flows parse; this would be a bug. */
        VLOG_ERR("%s", error);
        free(error);
        c->bundle_failed = true;
        return;
    }

    struct ofputil_bundle_add_msg bam = {
        .bundle_id = c->bundle_id,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
        .msg = fm->data,
    };
    tm_ofctrl_send(c, ofputil_encode_bundle_add(c->version, &bam));
    ofpbuf_delete(fm);
}

static void
tm_ofctrl_bundle_ctrl(struct tm_ofctrl *c, uint16_t type)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = c->bundle_id,
        .type = type,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
    };
    struct ofpbuf *msg = ofputil_encode_bundle_ctrl_request(c->version, &bc);
    if (type == OFPBCT_OPEN_REQUEST) {
        c->first_xid = ntohl(((struct ofp_header *) msg->data)->xid);
    }
    tm_ofctrl_send(c, msg);
}

void
tm_ofctrl_put(struct tm_ofctrl *c, const struct tm_flow_table *desired,
              uint64_t desired_seqno, int64_t cfg)
{
    if (c->state != S_IDLE
        || (c->retry_at && time_msec() < c->retry_at)) {
        return;
    }
    /* The loop calls this on every pass: diffing up to 10^5 flows each
     * time, for nothing, is what this avoids. */
    if (c->synced && c->synced_seqno == desired_seqno) {
        c->applied_cfg = cfg;
        return;
    }

    struct tm_flow_diff diff;
    tm_flow_table_diff(desired, &c->installed, &diff);
    if (!diff.n_adds && !diff.n_mods && !diff.n_dels) {
        tm_flow_diff_destroy(&diff);
        c->applied_cfg = cfg;
        c->retry_at = 0;
        c->synced = true;
        c->synced_seqno = desired_seqno;
        return;
    }

    c->bundle_id++;
    c->bundle_failed = false;
    c->bundle_cfg = cfg;
    tm_ofctrl_bundle_ctrl(c, OFPBCT_OPEN_REQUEST);

    /* Deletions first, so that a flow that moves to another key never
     * exists twice; the bundle is atomic anyway. */
    for (size_t i = 0; i < diff.n_dels; i++) {
        const struct tm_flow *f = diff.dels[i];
        tm_ofctrl_bundle_add(c, f, TM_OFP_DELETE);
        tm_flow_table_add(&c->pending_del, f->table_id, f->priority,
                          f->cookie, f->match, f->actions);
    }
    for (size_t i = 0; i < diff.n_mods; i++) {
        const struct tm_flow *f = diff.mods[i];
        const struct tm_flow *old = tm_flow_table_find(
            &c->installed, f->table_id, f->priority, f->match);
        /* Same cookie: change the actions, keep the counters.  Another
         * cookie (another rule now owns this match): replace it. */
        tm_ofctrl_bundle_add(c, f, (old && old->cookie == f->cookie
                                    ? TM_OFP_MODIFY : TM_OFP_ADD));
        tm_flow_table_add(&c->pending_put, f->table_id, f->priority,
                          f->cookie, f->match, f->actions);
    }
    for (size_t i = 0; i < diff.n_adds; i++) {
        const struct tm_flow *f = diff.adds[i];
        tm_ofctrl_bundle_add(c, f, TM_OFP_ADD);
        tm_flow_table_add(&c->pending_put, f->table_id, f->priority,
                          f->cookie, f->match, f->actions);
    }
    /* A flow that did not encode: drop the whole bundle rather than leave
     * the switch half right. */
    tm_ofctrl_bundle_ctrl(c, (c->bundle_failed ? OFPBCT_DISCARD_REQUEST
                              : OFPBCT_COMMIT_REQUEST));

    struct ofpbuf *barrier = ofputil_encode_barrier_request(c->version);
    c->barrier_xid = ntohl(((struct ofp_header *) barrier->data)->xid);
    tm_ofctrl_send(c, barrier);
    c->state = S_BUNDLE;

    c->stats.flow_adds += diff.n_adds;
    c->stats.flow_mods += diff.n_mods;
    c->stats.flow_dels += diff.n_dels;
    VLOG_INFO("%s: configuration %"PRId64": %"PRIuSIZE" flows to add, "
              "%"PRIuSIZE" to modify, %"PRIuSIZE" to delete, in bundle %"
              PRIu32, c->target, cfg, diff.n_adds, diff.n_mods, diff.n_dels,
              c->bundle_id);
    tm_flow_diff_destroy(&diff);
}

int64_t
tm_ofctrl_applied_cfg(const struct tm_ofctrl *c)
{
    return c->applied_cfg;
}

void
tm_ofctrl_get_stats(const struct tm_ofctrl *c, struct tm_ofctrl_stats *s)
{
    *s = c->stats;
    s->installed = tm_flow_table_count(&c->installed);
}

static const char *
tm_ofctrl_state_name(enum tm_ofctrl_state state)
{
    switch (state) {
    case S_DISCONNECTED: return "disconnected";
    case S_DUMPING: return "reading the switch's flows";
    case S_IDLE: return "in sync";
    case S_BUNDLE: return "bundle in flight";
    }
    OVS_NOT_REACHED();
}

void
tm_ofctrl_format_status(const struct tm_ofctrl *c, struct ds *s)
{
    struct tm_ofctrl_stats st;

    tm_ofctrl_get_stats(c, &st);
    ds_put_format(s, "switch: %s (%s)\n", c->target ? c->target : "none",
                  tm_ofctrl_state_name(c->state));
    ds_put_format(s, "flows installed: %"PRIu64"\n", st.installed);
    ds_put_format(s, "connections: %"PRIu64"\nresyncs: %"PRIu64"\n"
                  "bundles: %"PRIu64"\nbundle failures: %"PRIu64"\n"
                  "flow adds: %"PRIu64"\nflow modifications: %"PRIu64"\n"
                  "flow deletions: %"PRIu64"\n", st.connections, st.resyncs,
                  st.bundles, st.bundle_failures, st.flow_adds, st.flow_mods,
                  st.flow_dels);
    ds_put_format(s, "applied configuration: %"PRId64"\n", c->applied_cfg);
}
