/*
 * tmirror: OpenFlow flows as data (see tm-flow.h).
 */
#include <config.h>
#include "tm-flow.h"

#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

static uint32_t
tm_flow_hash(uint8_t table_id, uint16_t priority, const char *match)
{
    return hash_string(match, hash_2words(table_id, priority));
}

void
tm_flow_table_init(struct tm_flow_table *table)
{
    hmap_init(&table->flows);
}

static void
tm_flow_free(struct tm_flow *flow)
{
    free(flow->match);
    free(flow->actions);
    free(flow);
}

void
tm_flow_table_clear(struct tm_flow_table *table)
{
    struct tm_flow *flow;

    HMAP_FOR_EACH_POP (flow, node, &table->flows) {
        tm_flow_free(flow);
    }
}

void
tm_flow_table_destroy(struct tm_flow_table *table)
{
    if (table) {
        tm_flow_table_clear(table);
        hmap_destroy(&table->flows);
    }
}

size_t
tm_flow_table_count(const struct tm_flow_table *table)
{
    return hmap_count(&table->flows);
}

struct tm_flow *
tm_flow_table_find(const struct tm_flow_table *table, uint8_t table_id,
                   uint16_t priority, const char *match)
{
    struct tm_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node,
                             tm_flow_hash(table_id, priority, match),
                             &table->flows) {
        if (flow->table_id == table_id && flow->priority == priority
            && !strcmp(flow->match, match)) {
            return flow;
        }
    }
    return NULL;
}

bool
tm_flow_table_add(struct tm_flow_table *table, uint8_t table_id,
                  uint16_t priority, uint64_t cookie, const char *match,
                  const char *actions)
{
    if (tm_flow_table_find(table, table_id, priority, match)) {
        return false;
    }

    struct tm_flow *flow = xmalloc(sizeof *flow);
    flow->table_id = table_id;
    flow->priority = priority;
    flow->cookie = cookie;
    flow->match = xstrdup(match);
    flow->actions = xstrdup(actions);
    hmap_insert(&table->flows, &flow->node,
                tm_flow_hash(table_id, priority, match));
    return true;
}

void
tm_flow_table_remove(struct tm_flow_table *table, struct tm_flow *flow)
{
    hmap_remove(&table->flows, &flow->node);
    tm_flow_free(flow);
}

void
tm_flow_table_merge(struct tm_flow_table *dst, struct tm_flow_table *src)
{
    struct tm_flow *flow;

    HMAP_FOR_EACH_POP (flow, node, &src->flows) {
        if (tm_flow_table_find(dst, flow->table_id, flow->priority,
                               flow->match)) {
            tm_flow_free(flow);
        } else {
            hmap_insert(&dst->flows, &flow->node, flow->node.hash);
        }
    }
}

void
tm_flow_format(const struct tm_flow *flow, struct ds *s)
{
    ds_put_format(s, "cookie=%#"PRIx64", table=%"PRIu8", priority=%"PRIu16,
                  flow->cookie, flow->table_id, flow->priority);
    if (flow->match[0]) {
        ds_put_format(s, ", %s", flow->match);
    }
    ds_put_format(s, " actions=%s", flow->actions);
}

static int
tm_flow_compare(const void *a_, const void *b_)
{
    const struct tm_flow *a = *(const struct tm_flow **) a_;
    const struct tm_flow *b = *(const struct tm_flow **) b_;

    if (a->table_id != b->table_id) {
        return a->table_id < b->table_id ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    return strcmp(a->match, b->match);
}

static const struct tm_flow **
tm_flow_sort(const struct tm_flow **flows, size_t n)
{
    if (n > 1) {
        qsort(flows, n, sizeof *flows, tm_flow_compare);
    }
    return flows;
}

const struct tm_flow **
tm_flow_table_sorted(const struct tm_flow_table *table, size_t *n)
{
    const struct tm_flow **flows;
    const struct tm_flow *flow;
    size_t i = 0;

    *n = hmap_count(&table->flows);
    flows = xmalloc(MAX(*n, 1) * sizeof *flows);
    HMAP_FOR_EACH (flow, node, &table->flows) {
        flows[i++] = flow;
    }
    return tm_flow_sort(flows, *n);
}

void
tm_flow_table_format(const struct tm_flow_table *table, struct ds *s)
{
    size_t n;
    const struct tm_flow **flows = tm_flow_table_sorted(table, &n);

    for (size_t i = 0; i < n; i++) {
        tm_flow_format(flows[i], s);
        ds_put_char(s, '\n');
    }
    free(flows);
}

void
tm_flow_table_diff(const struct tm_flow_table *desired,
                   const struct tm_flow_table *installed,
                   struct tm_flow_diff *diff)
{
    const struct tm_flow *flow;
    size_t n_desired = hmap_count(&desired->flows);
    size_t n_installed = hmap_count(&installed->flows);

    memset(diff, 0, sizeof *diff);
    diff->adds = xmalloc(MAX(n_desired, 1) * sizeof *diff->adds);
    diff->mods = xmalloc(MAX(n_desired, 1) * sizeof *diff->mods);
    diff->dels = xmalloc(MAX(n_installed, 1) * sizeof *diff->dels);

    HMAP_FOR_EACH (flow, node, &desired->flows) {
        const struct tm_flow *old = tm_flow_table_find(
            installed, flow->table_id, flow->priority, flow->match);
        if (!old) {
            diff->adds[diff->n_adds++] = flow;
        } else if (old->cookie != flow->cookie
                   || strcmp(old->actions, flow->actions)) {
            diff->mods[diff->n_mods++] = flow;
        }
    }
    HMAP_FOR_EACH (flow, node, &installed->flows) {
        if (!tm_flow_table_find(desired, flow->table_id, flow->priority,
                                flow->match)) {
            diff->dels[diff->n_dels++] = flow;
        }
    }
    tm_flow_sort(diff->adds, diff->n_adds);
    tm_flow_sort(diff->mods, diff->n_mods);
    tm_flow_sort(diff->dels, diff->n_dels);
}

void
tm_flow_diff_destroy(struct tm_flow_diff *diff)
{
    free(diff->adds);
    free(diff->mods);
    free(diff->dels);
    memset(diff, 0, sizeof *diff);
}
