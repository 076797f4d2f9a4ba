/*
 * tmirror: incremental compilation.
 */
#include <config.h>
#include "tm-engine.h"

#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "tm-bindings.h"
#include "tm-compile.h"
#include "tm-model.h"
#include "tm-ofp.h"
#include "util.h"

/* One bound source with sessions. */
struct tm_engine_source {
    char *inputs;               /* What its flows were compiled from. */
    struct tm_flow_table flows; /* Canonical. */
    struct svec warnings;
};

void
tm_engine_init(struct tm_engine *e)
{
    shash_init(&e->sources);
    e->pipeline_inputs = NULL;
    tm_flow_table_init(&e->pipeline);
    svec_init(&e->pipeline_warnings);
    tm_flow_table_init(&e->desired);
    e->collided = false;
}

static void
tm_engine_source_free(struct tm_engine_source *src)
{
    if (src) {
        free(src->inputs);
        tm_flow_table_destroy(&src->flows);
        svec_destroy(&src->warnings);
        free(src);
    }
}

void
tm_engine_clear(struct tm_engine *e)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &e->sources) {
        tm_engine_source_free(node->data);
    }
    shash_clear(&e->sources);
    free(e->pipeline_inputs);
    e->pipeline_inputs = NULL;
    tm_flow_table_clear(&e->pipeline);
    svec_clear(&e->pipeline_warnings);
    tm_flow_table_clear(&e->desired);
    e->collided = false;
}

void
tm_engine_destroy(struct tm_engine *e)
{
    tm_engine_clear(e);
    shash_destroy(&e->sources);
    tm_flow_table_destroy(&e->pipeline);
    svec_destroy(&e->pipeline_warnings);
    tm_flow_table_destroy(&e->desired);
}

/* Inputs as text.  Every field the compiler reads must be here: a field
 * left out would leave stale flows behind when only it changes (the unit
 * tests change every field and compare with a full compile). */

static void
tm_put_ip(struct ds *s, const struct tm_ip *ip)
{
    ds_put_format(s, " %d:", ip->family);
    ds_put_hex(s, &ip->addr, sizeof ip->addr);
}

static void
tm_put_port_ips(struct ds *s, const struct tm_port *port)
{
    if (!port) {
        ds_put_cstr(s, " none");
        return;
    }
    ds_put_format(s, " %"PRIuSIZE, port->n_ips);
    for (size_t i = 0; i < port->n_ips; i++) {
        tm_put_ip(s, &port->ips[i]);
    }
}

static void
tm_put_cidr(struct ds *s, const struct tm_cidr *cidr)
{
    if (cidr->set) {
        ds_put_format(s, " %d/%u:", cidr->family, cidr->plen);
        ds_put_hex(s, &cidr->addr, sizeof cidr->addr);
    } else {
        ds_put_cstr(s, " any");
    }
}

static void
tm_put_range(struct ds *s, const struct tm_port_range *range)
{
    if (range->set) {
        ds_put_format(s, " %"PRIu16"-%"PRIu16, range->min, range->max);
    } else {
        ds_put_cstr(s, " any");
    }
}

static void
tm_put_session_inputs(struct ds *s, const struct tm_model *model,
                      const struct tm_session *session)
{
    ds_put_format(s, "session %s %"PRIu32" %"PRIu32" %"PRIu32" %"PRIu32
                  " %d %s %s\n", session->id, session->key,
                  session->priority, session->vni, session->packet_length,
                  (int) session->target_type, session->target_id,
                  session->filter_id);

    ds_put_cstr(s, " target");
    if (session->target_type == TM_TARGET_ENI) {
        tm_put_port_ips(s, tm_model_find_port(model, session->target_id));
    } else {
        const struct tm_lb *lb = tm_model_find_lb(model, session->target_id);
        if (lb && lb->has_vip) {
            tm_put_ip(s, &lb->vip);
        } else {
            ds_put_cstr(s, " none");
        }
    }
    ds_put_char(s, '\n');

    const struct tm_filter *f = tm_model_find_filter(model,
                                                     session->filter_id);
    if (!f) {
        ds_put_cstr(s, " no filter\n");
        return;
    }
    for (size_t i = 0; i < f->n_rules; i++) {
        const struct tm_rule *r = f->rules[i];
        ds_put_format(s, " rule %s %"PRIu32" %d %"PRIu32" %d %d %d", r->id,
                      r->key, (int) r->direction, r->priority,
                      (int) r->protocol, (int) r->ethertype,
                      (int) r->action);
        tm_put_cidr(s, &r->src);
        tm_put_cidr(s, &r->dst);
        tm_put_range(s, &r->src_ports);
        tm_put_range(s, &r->dst_ports);
        ds_put_char(s, '\n');
    }
}

static char *
tm_source_inputs(const struct tm_model *model, const struct tm_bindings *b,
                 const struct tm_binding *binding,
                 const struct tm_session_list *list, struct shash *cache)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "source %s %"PRIu16" tunnel %"PRIu16" %"PRIu32" %d %d",
                  binding->port_id, binding->ofport, b->tunnel_ofport,
                  b->tunnel_mtu, b->nonlocal_src, b->mirror_only);
    tm_put_port_ips(&s, tm_model_find_port(model, binding->port_id));
    ds_put_char(&s, '\n');

    /* A session's part is the same for all its sources: describe it once
     * per run. */
    for (size_t i = 0; i < list->n; i++) {
        const struct tm_session *session = list->sessions[i];
        const char *text = shash_find_data(cache, session->id);
        if (!text) {
            struct ds t = DS_EMPTY_INITIALIZER;
            tm_put_session_inputs(&t, model, session);
            text = ds_steal_cstr(&t);
            shash_add_nocopy(cache, xstrdup(session->id), CONST_CAST(char *,
                                                                    text));
        }
        ds_put_cstr(&s, text);
    }
    return ds_steal_cstr(&s);
}

static char *
tm_pipeline_inputs(const struct tm_model *model, const struct tm_bindings *b)
{
    const struct shash_node **nodes = shash_sort(&b->ports);
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "uplink %"PRIu16" tunnel %"PRIu16" mirror-only %d "
                  "local ", b->uplink_ofport, b->tunnel_ofport,
                  b->mirror_only);
    if (b->has_local_mac) {
        ds_put_format(&s, ETH_ADDR_FMT, ETH_ADDR_ARGS(b->local_mac));
    }
    ds_put_char(&s, '\n');
    for (size_t i = 0; i < shash_count(&b->ports); i++) {
        const struct tm_binding *binding = nodes[i]->data;
        const struct tm_port *port = tm_model_find_port(model,
                                                        binding->port_id);
        ds_put_format(&s, "port %s %"PRIu16, binding->port_id,
                      binding->ofport);
        if (!port) {
            ds_put_cstr(&s, " unknown");
        } else if (port->has_mac) {
            ds_put_format(&s, " "ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
        }
        ds_put_char(&s, '\n');
    }
    free(nodes);
    return ds_steal_cstr(&s);
}

/* Removes 'flows' (a part of the desired flows) from the desired flows.
 * After a collision a removed key may have been another part's flow: the
 * caller then rebuilds (tm_engine_rebuild()). */
static void
tm_engine_remove_part(struct tm_engine *e, const struct tm_flow_table *flows)
{
    const struct tm_flow *flow;

    HMAP_FOR_EACH (flow, node, &flows->flows) {
        struct tm_flow *d = tm_flow_table_find(&e->desired, flow->table_id,
                                               flow->priority, flow->match);
        if (d) {
            tm_flow_table_remove(&e->desired, d);
        }
    }
}

/* Adds a copy of 'flows' to the desired flows.  A flow whose key another
 * part already has is left out and reported in 'warnings' (if nonnull). */
static void
tm_engine_add_part(struct tm_engine *e, const struct tm_flow_table *flows,
                   struct svec *warnings)
{
    const struct tm_flow *flow;

    HMAP_FOR_EACH (flow, node, &flows->flows) {
        if (!tm_flow_table_add(&e->desired, flow->table_id, flow->priority,
                               flow->cookie, flow->match, flow->actions)) {
            e->collided = true;
            if (!warnings) {
                continue;
            }
            svec_add_nocopy(warnings, xasprintf(
                "flow in table %"PRIu8" at priority %"PRIu16" with match "
                "\"%s\" made twice: cookie %#"PRIx64" left out",
                flow->table_id, flow->priority, flow->match, flow->cookie));
        }
    }
}

/* Compiles with 'compile' into canonical 'flows' and 'warnings'. */
static void
tm_engine_canonical(struct tm_flow_table *raw, struct tm_flow_table *flows,
                    struct svec *warnings)
{
    tm_ofp_canonicalize_table(raw, flows, warnings);
    tm_flow_table_destroy(raw);
}

static void
tm_engine_run_pipeline(struct tm_engine *e, const struct tm_model *model,
                       const struct tm_bindings *b,
                       struct tm_engine_stats *stats)
{
    char *inputs = tm_pipeline_inputs(model, b);

    if (e->pipeline_inputs && !strcmp(inputs, e->pipeline_inputs)) {
        free(inputs);
        return;
    }
    free(e->pipeline_inputs);
    e->pipeline_inputs = inputs;
    stats->pipeline_compiled = true;

    tm_engine_remove_part(e, &e->pipeline);
    tm_flow_table_clear(&e->pipeline);
    svec_clear(&e->pipeline_warnings);

    struct tm_flow_table raw;
    tm_flow_table_init(&raw);
    tm_compile_pipeline(model, b, &raw, &e->pipeline_warnings);

    tm_engine_canonical(&raw, &e->pipeline, &e->pipeline_warnings);
    tm_engine_add_part(e, &e->pipeline, &e->pipeline_warnings);
}

/* Makes the desired flows the pipeline's and every source's again, from
 * the parts, which is what removing a part after a collision needs: the
 * removed keys may have been the other part's flows, and flows left out
 * may fit now. */
static void
tm_engine_rebuild(struct tm_engine *e)
{
    const struct shash_node **nodes = shash_sort(&e->sources);

    tm_flow_table_clear(&e->desired);
    e->collided = false;
    tm_engine_add_part(e, &e->pipeline, NULL);
    for (size_t i = 0; i < shash_count(&e->sources); i++) {
        const struct tm_engine_source *src = nodes[i]->data;
        tm_engine_add_part(e, &src->flows, NULL);
    }
    free(nodes);
}

void
tm_engine_run(struct tm_engine *e, const struct tm_model *model,
              const struct tm_bindings *b, struct tm_engine_stats *stats)
{
    bool collided = e->collided;
    struct shash by_source = SHASH_INITIALIZER(&by_source);
    struct shash session_inputs = SHASH_INITIALIZER(&session_inputs);
    struct shash_node *node;

    memset(stats, 0, sizeof *stats);
    tm_engine_run_pipeline(e, model, b, stats);

    /* Sources that are gone, or have no enabled session any more. */
    tm_compile_index_sources(model, b, &by_source);
    SHASH_FOR_EACH_SAFE (node, &e->sources) {
        if (!shash_find(&by_source, node->name)) {
            struct tm_engine_source *src = node->data;
            tm_engine_remove_part(e, &src->flows);
            tm_engine_source_free(src);
            shash_delete(&e->sources, node);
            stats->sources_removed++;
        }
    }

    SHASH_FOR_EACH (node, &by_source) {
        const struct tm_session_list *list = node->data;
        const struct tm_binding *binding = tm_bindings_find(b, node->name);
        char *inputs = tm_source_inputs(model, b, binding, list,
                                        &session_inputs);
        struct tm_engine_source *src = shash_find_data(&e->sources,
                                                       node->name);
        if (src && !strcmp(src->inputs, inputs)) {
            free(inputs);
            stats->sources_kept++;
            continue;
        }

        if (src) {
            tm_engine_remove_part(e, &src->flows);
            tm_flow_table_clear(&src->flows);
            svec_clear(&src->warnings);
            free(src->inputs);
        } else {
            src = xmalloc(sizeof *src);
            tm_flow_table_init(&src->flows);
            svec_init(&src->warnings);
            shash_add(&e->sources, node->name, src);
        }
        src->inputs = inputs;

        struct tm_flow_table raw;
        tm_flow_table_init(&raw);
        tm_compile_source_sessions(model, b, node->name, list, &raw,
                                   &src->warnings);
        tm_engine_canonical(&raw, &src->flows, &src->warnings);
        tm_engine_add_part(e, &src->flows, &src->warnings);
        stats->sources_compiled++;
    }

    tm_compile_index_destroy(&by_source);
    shash_destroy_free_data(&session_inputs);

    /* A collision before this run, or during it (a part added before
     * another's old flows were removed): rare (bindings inconsistent for
     * a moment), and then O(flows). */
    if ((collided || e->collided)
        && (stats->pipeline_compiled || stats->sources_compiled
            || stats->sources_removed)) {
        tm_engine_rebuild(e);
    }
}

const struct tm_flow_table *
tm_engine_desired(const struct tm_engine *e)
{
    return &e->desired;
}

const struct tm_flow_table *
tm_engine_source_flows(const struct tm_engine *e, const char *port_id)
{
    const struct tm_engine_source *src = shash_find_data(&e->sources,
                                                         port_id);
    return src ? &src->flows : NULL;
}

void
tm_engine_warnings(const struct tm_engine *e, struct svec *warnings)
{
    const struct shash_node **nodes = shash_sort(&e->sources);
    const char *w;
    size_t i;

    SVEC_FOR_EACH (i, w, &e->pipeline_warnings) {
        svec_add(warnings, w);
    }
    for (i = 0; i < shash_count(&e->sources); i++) {
        const struct tm_engine_source *src = nodes[i]->data;
        const char *sw;
        size_t j;

        SVEC_FOR_EACH (j, sw, &src->warnings) {
            svec_add(warnings, sw);
        }
    }
    free(nodes);
}
