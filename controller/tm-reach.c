/*
 * tmirror-controller: can the mirror copies reach their targets?
 */
#include <config.h>
#include "tm-reach.h"

#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "tm-engine.h"
#include "tm-model.h"
#include "tm-parse.h"
#include "tm-vswitchd.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_reach);

#define TM_REACH_CHECK_MS 5000      /* Counter and neighbour checks. */
#define TM_REACH_SEED_MS 60000      /* Seeding again. */
#define TM_ROUTING_FAILED "drop_action_tunnel_routing_failed"

struct tm_target_entry {
    char *ip;
    char *mac;                  /* NULL: unknown (a load balancer). */
    bool seeded;                /* Seeded, or nothing to seed. */
    long long int retry_at;     /* No route: don't ask again before. */
    char *problem;              /* Last problem found, or NULL. */
};

struct tm_reach {
    struct shash targets;       /* IP -> struct tm_target_entry. */
    long long int next_check;
    long long int next_seed;
    struct tm_vswitchd_tally failures;  /* TM_ROUTING_FAILED. */
};

struct tm_reach *
tm_reach_create(void)
{
    struct tm_reach *r = xzalloc(sizeof *r);
    shash_init(&r->targets);
    return r;
}

static void
tm_target_free(struct tm_target_entry *t)
{
    free(t->ip);
    free(t->mac);
    free(t->problem);
    free(t);
}

static void
tm_targets_clear(struct shash *targets)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, targets) {
        tm_target_free(node->data);
    }
    shash_clear(targets);
}

void
tm_reach_destroy(struct tm_reach *r)
{
    if (r) {
        tm_targets_clear(&r->targets);
        shash_destroy(&r->targets);
        tm_vswitchd_tally_destroy(&r->failures);
        free(r);
    }
}

/* The outer destination the compiler uses for 's', as text, and the MAC
 * behind it if the model knows it. */
static char *
tm_session_target(const struct tm_model *model, const struct tm_session *s,
                  char **mac)
{
    const struct tm_ip *ip = NULL;
    struct ds d = DS_EMPTY_INITIALIZER;

    *mac = NULL;
    if (s->target_type == TM_TARGET_ENI) {
        const struct tm_port *port = tm_model_find_port(model, s->target_id);
        if (port) {
            ip = tm_port_find_ip(port, AF_INET);
            ip = ip ? ip : tm_port_find_ip(port, AF_INET6);
            if (ip && port->has_mac) {
                *mac = xasprintf(ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
            }
        }
    } else {
        const struct tm_lb *lb = tm_model_find_lb(model, s->target_id);
        ip = lb && lb->has_vip ? &lb->vip : NULL;
    }
    if (!ip) {
        return NULL;
    }
    tm_ip_format(ip, &d);
    return ds_steal_cstr(&d);
}

void
tm_reach_set_targets(struct tm_reach *r, const struct tm_model *model,
                     const struct tm_engine *engine)
{
    struct shash targets = SHASH_INITIALIZER(&targets);

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        bool local = false;

        for (size_t j = 0; s->enabled && j < s->n_sources && !local; j++) {
            local = tm_engine_source_flows(engine, s->sources[j]) != NULL;
        }
        if (!local) {
            continue;
        }

        char *mac;
        char *ip = tm_session_target(model, s, &mac);
        if (!ip || shash_find(&targets, ip)) {
            free(ip);
            free(mac);
            continue;
        }

        struct tm_target_entry *t = xzalloc(sizeof *t);
        t->ip = ip;
        t->mac = mac;
        const struct tm_target_entry *old = shash_find_data(&r->targets, ip);
        if (old && nullable_string_is_equal(old->mac, mac)) {
            t->seeded = old->seeded;
            t->problem = nullable_xstrdup(old->problem);
        }
        shash_add(&targets, ip, t);
    }
    tm_targets_clear(&r->targets);
    shash_swap(&r->targets, &targets);
    shash_destroy(&targets);
}

void
tm_reach_reset(struct tm_reach *r)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &r->targets) {
        struct tm_target_entry *t = node->data;
        t->seeded = false;
        t->retry_at = 0;
    }
    r->next_check = 0;
}

/* Records 'problem' (malloc'd, or NULL for none) for 't', logging it when
 * it is new. */
static void
tm_target_problem(struct tm_target_entry *t, char *problem)
{
    if (problem && !nullable_string_is_equal(problem, t->problem)) {
        VLOG_WARN("mirror target %s: %s", t->ip, problem);
    } else if (!problem && t->problem) {
        VLOG_INFO("mirror target %s: reachable again", t->ip);
    }
    free(t->problem);
    t->problem = problem;
}

static void
tm_target_seed(struct tm_target_entry *t, const char *ctl)
{
    char *bridge;
    bool on_link;

    if (!tm_vswitchd_route(ctl, t->ip, &bridge, &on_link)) {
        /* Ask again at the next check, not on every pass of the main
         * loop: each question is a round trip to ovs-vswitchd. */
        tm_target_problem(t, xstrdup("no route: copies are dropped"));
        t->retry_at = time_msec() + TM_REACH_CHECK_MS;
        return;
    }
    if (on_link && !tm_vswitchd_neigh_set(ctl, bridge, t->ip, t->mac)) {
        VLOG_DBG("seeded tunnel neighbour %s at %s on %s", t->ip, t->mac,
                 bridge);
    }
    tm_target_problem(t, NULL);
    t->seeded = true;
    free(bridge);
}

static void
tm_target_check(struct tm_target_entry *t, const char *ctl)
{
    char *bridge;
    bool on_link;

    if (!tm_vswitchd_route(ctl, t->ip, &bridge, &on_link)) {
        tm_target_problem(t, xstrdup("no route: copies are dropped"));
    } else if (on_link && !tm_vswitchd_neigh_known(ctl, t->ip)) {
        tm_target_problem(t, xasprintf("neighbour unresolved on %s: copies "
                                       "are dropped until it answers ARP "
                                       "or ND", bridge));
    } else {
        tm_target_problem(t, NULL);
    }
    free(bridge);
}

void
tm_reach_run(struct tm_reach *r, const char *ctl)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 12);
    long long int now = time_msec();
    struct shash_node *node;

    if (!ctl) {
        return;
    }
    if (now >= r->next_seed) {
        SHASH_FOR_EACH (node, &r->targets) {
            struct tm_target_entry *t = node->data;
            t->seeded = false;
        }
        r->next_seed = now + TM_REACH_SEED_MS;
    }
    SHASH_FOR_EACH (node, &r->targets) {
        struct tm_target_entry *t = node->data;
        if (t->mac && !t->seeded && now >= t->retry_at) {
            tm_target_seed(t, ctl);
        }
    }

    if (now < r->next_check) {
        return;
    }
    r->next_check = now + TM_REACH_CHECK_MS;

    uint64_t delta = tm_vswitchd_tally_update(&r->failures, ctl,
                                              TM_ROUTING_FAILED);
    if (delta) {
        VLOG_WARN_RL(&rl, "%"PRIu64" mirror copies lost: ovs-vswitchd "
                     "found no route to their targets (%"PRIu64" in "
                     "all; coverage counter "TM_ROUTING_FAILED")",
                     delta, r->failures.total);
    }
    SHASH_FOR_EACH (node, &r->targets) {
        struct tm_target_entry *t = node->data;
        if (!t->mac) {
            tm_target_check(t, ctl);
        }
    }
}

void
tm_reach_wait(const struct tm_reach *r)
{
    long long int when = MIN(r->next_check, r->next_seed);
    struct shash_node *node;

    SHASH_FOR_EACH (node, &r->targets) {
        const struct tm_target_entry *t = node->data;
        if (t->mac && !t->seeded) {
            when = MIN(when, t->retry_at);
        }
    }
    poll_timer_wait_until(when);
}

bool
tm_reach_routing_failures(const struct tm_reach *r, uint64_t *failures)
{
    *failures = r->failures.total;
    return tm_vswitchd_tally_valid(&r->failures);
}

void
tm_reach_format(const struct tm_reach *r, struct ds *s)
{
    const struct shash_node **nodes = shash_sort(&r->targets);

    ds_put_format(s, "copies lost to routing failures: %"PRIu64"\n",
                  r->failures.total);
    for (size_t i = 0; i < shash_count(&r->targets); i++) {
        const struct tm_target_entry *t = nodes[i]->data;
        ds_put_format(s, "target %s", t->ip);
        if (t->mac) {
            ds_put_format(s, " at %s%s", t->mac,
                          t->seeded ? " (seeded)" : "");
        }
        ds_put_format(s, ": %s\n", t->problem ? t->problem : "ok");
    }
    free(nodes);
}
