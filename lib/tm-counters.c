/*
 * Traffic counters per session and per rule, by model ids.
 */
#include <config.h>
#include "tm-counters.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/util.h"
#include "tm-model.h"
#include "tmirror-idl.h"
#include "timeval.h"
#include "util.h"

void
tm_counters_init(struct tm_counters *c)
{
    shash_init(&c->by_key);
}

void
tm_counters_destroy(struct tm_counters *c)
{
    if (c) {
        shash_destroy_free_data(&c->by_key);
    }
}

void
tm_counters_clear(struct tm_counters *c)
{
    shash_clear_free_data(&c->by_key);
}

char *
tm_counters_key(const char *session_id, const char *rule_id)
{
    return rule_id ? xasprintf("%s/%s", session_id, rule_id)
                   : xstrdup(session_id);
}

static struct tm_counter *
tm_counters_find_or_add(struct tm_counters *c, const char *key, size_t len)
{
    struct shash_node *node = shash_find_len(&c->by_key, key, len);

    if (node) {
        return node->data;
    }
    struct tm_counter *counter = xzalloc(sizeof *counter);
    shash_add_nocopy(&c->by_key, xmemdup0(key, len), counter);
    return counter;
}

static void
tm_counters_add_key(struct tm_counters *c, const char *key,
                    uint64_t packets, uint64_t bytes)
{
    struct tm_counter *counter = tm_counters_find_or_add(c, key,
                                                         strlen(key));
    counter->packets += packets;
    counter->bytes += bytes;

    /* A rule's key makes its session's exist too (with what it has, or
     * 0), so that "does this hypervisor report the session" is one
     * lookup. */
    const char *slash = strchr(key, '/');
    if (slash) {
        tm_counters_find_or_add(c, key, slash - key);
    }
}

void
tm_counters_add(struct tm_counters *c, const char *session_id,
                const char *rule_id, uint64_t packets, uint64_t bytes)
{
    char *key = tm_counters_key(session_id, rule_id);

    tm_counters_add_key(c, key, packets, bytes);
    free(key);
}

void
tm_counters_add_all(struct tm_counters *dst, const struct tm_counters *src)
{
    const struct shash_node *node;

    SHASH_FOR_EACH (node, &src->by_key) {
        const struct tm_counter *counter = node->data;
        tm_counters_add_key(dst, node->name, counter->packets,
                            counter->bytes);
    }
}

struct tm_counter
tm_counters_get(const struct tm_counters *c, const char *session_id,
                const char *rule_id)
{
    char *key = tm_counters_key(session_id, rule_id);
    const struct tm_counter *counter = shash_find_data(&c->by_key, key);

    free(key);
    return counter ? *counter : (struct tm_counter) { 0, 0 };
}

bool
tm_counters_equal(const struct tm_counters *a, const struct tm_counters *b)
{
    const struct shash_node *node;

    if (shash_count(&a->by_key) != shash_count(&b->by_key)) {
        return false;
    }
    SHASH_FOR_EACH (node, &a->by_key) {
        const struct tm_counter *x = node->data;
        const struct tm_counter *y = shash_find_data(&b->by_key, node->name);
        if (!y || x->packets != y->packets || x->bytes != y->bytes) {
            return false;
        }
    }
    return true;
}

/* Reading what the hypervisors published. */

void
tm_counters_from_hypervisor(const struct tmrec_hypervisor *row,
                            struct tm_counters *c)
{
    /* Packets and bytes are two maps with the same keys; a key in only
     * one of them (a writer can't do that, transactions are atomic, but a
     * hand edit can) counts zero in the other. */
    for (size_t i = 0; i < row->n_stats_packets; i++) {
        tm_counters_add_key(c, row->key_stats_packets[i],
                            row->value_stats_packets[i], 0);
    }
    for (size_t i = 0; i < row->n_stats_bytes; i++) {
        tm_counters_add_key(c, row->key_stats_bytes[i], 0,
                            row->value_stats_bytes[i]);
    }
}

static int
tm_counters_row_compare(const void *a_, const void *b_)
{
    const struct tmrec_hypervisor *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

void
tm_counters_read_nb(const struct ovsdb_idl *idl, struct tm_counters_all *all)
{
    const struct tmrec_hypervisor *row, **rows;
    size_t n = 0;

    /* Sorted before anything is initialized: a struct tm_counters must not
     * move once initialized (an hmap with one bucket points into
     * itself). */
    TMREC_HYPERVISOR_FOR_EACH (row, idl) {
        n++;
    }
    rows = xmalloc(MAX(n, 1) * sizeof *rows);
    n = 0;
    TMREC_HYPERVISOR_FOR_EACH (row, idl) {
        rows[n++] = row;
    }
    qsort(rows, n, sizeof *rows, tm_counters_row_compare);

    tm_counters_init(&all->total);
    all->hvs = xcalloc(MAX(n, 1), sizeof *all->hvs);
    all->n_hvs = n;
    for (size_t i = 0; i < n; i++) {
        struct tm_counters_hv *hv = &all->hvs[i];
        hv->name = xstrdup(rows[i]->name);
        hv->time = rows[i]->stats_time ? *rows[i]->stats_time : 0;
        tm_counters_init(&hv->counters);
        tm_counters_from_hypervisor(rows[i], &hv->counters);
        tm_counters_add_all(&all->total, &hv->counters);
    }
    free(rows);
}

void
tm_counters_all_destroy(struct tm_counters_all *all)
{
    for (size_t i = 0; i < all->n_hvs; i++) {
        free(all->hvs[i].name);
        tm_counters_destroy(&all->hvs[i].counters);
    }
    free(all->hvs);
    tm_counters_destroy(&all->total);
}

/* Text. */

static bool
tm_counters_has_session(const struct tm_counters *c, const char *session_id)
{
    return shash_find(&c->by_key, session_id) != NULL;
}

/* Whether 'arg' (NULL: every session) selects 's', by id or name. */
static bool
tm_counters_selects(const char *arg, const struct tm_session *s)
{
    return !arg || !strcmp(arg, s->id) || !strcmp(arg, s->name);
}

static char *
tm_counters_no_session(const char *arg)
{
    return xasprintf("%s: no such session (id or name)", arg);
}

static void
tm_counters_format_session(const struct tm_model *model,
                           const struct tm_counters *c,
                           const struct tm_session *s,
                           const struct tm_counters_all *all,
                           long long int now, struct ds *out)
{
    struct tm_counter n = tm_counters_get(c, s->id, NULL);

    ds_put_format(out, "session %s (%s): mirrored %"PRIu64" packets, "
                  "%"PRIu64" bytes%s\n", s->id, s->name[0] ? s->name : "-",
                  n.packets, n.bytes, s->enabled ? "" : " (disabled)");

    const struct tm_filter *f = tm_model_find_filter(model, s->filter_id);
    for (size_t i = 0; f && i < f->n_rules; i++) {
        const struct tm_rule *r = f->rules[i];
        n = tm_counters_get(c, s->id, r->id);
        ds_put_format(out, "  rule %s (%s, priority %"PRIu32", %s): "
                      "%"PRIu64" packets, %"PRIu64" bytes %s\n", r->id,
                      tm_direction_to_string(r->direction), r->priority,
                      tm_action_to_string(r->action), n.packets, n.bytes,
                      r->action == TM_ACCEPT ? "mirrored" : "not mirrored");
    }

    for (size_t i = 0; all && i < all->n_hvs; i++) {
        const struct tm_counters_hv *hv = &all->hvs[i];
        if (!tm_counters_has_session(&hv->counters, s->id)) {
            continue;
        }
        n = tm_counters_get(&hv->counters, s->id, NULL);
        ds_put_format(out, "  hypervisor %s: mirrored %"PRIu64" packets, "
                      "%"PRIu64" bytes (changed %lld s ago)\n", hv->name,
                      n.packets, n.bytes,
                      MAX(now - hv->time, 0) / 1000);
    }
}

char *
tm_counters_format(const struct tm_model *model, const struct tm_counters *c,
                   const char *session, const struct tm_counters_all *all,
                   long long int now, struct ds *out)
{
    bool found = false;

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        if (tm_counters_selects(session, s)) {
            tm_counters_format_session(model, c, s, all, now, out);
            found = true;
        }
    }
    return session && !found ? tm_counters_no_session(session) : NULL;
}

/* JSON. */

static void
tm_counters_put_json(struct json *object, struct tm_counter n)
{
    json_object_put(object, "packets", json_integer_create(n.packets));
    json_object_put(object, "bytes", json_integer_create(n.bytes));
}

struct json *
tm_counters_session_to_json(const struct tm_model *model,
                            const struct tm_session *s,
                            const struct tm_counters *c,
                            const struct tm_counters_all *all)
{
    struct json *object = json_object_create();

    json_object_put_string(object, "traffic_mirror_session_id", s->id);
    tm_counters_put_json(object, tm_counters_get(c, s->id, NULL));

    struct json *rules = json_array_create_empty();
    const struct tm_filter *f = tm_model_find_filter(model, s->filter_id);
    for (size_t i = 0; f && i < f->n_rules; i++) {
        const struct tm_rule *r = f->rules[i];
        struct json *rule = json_object_create();

        json_object_put_string(rule, "traffic_mirror_filter_rule_id", r->id);
        json_object_put_string(rule, "direction",
                               tm_direction_to_string(r->direction));
        json_object_put(rule, "priority", json_integer_create(r->priority));
        json_object_put_string(rule, "action",
                               tm_action_to_string(r->action));
        tm_counters_put_json(rule, tm_counters_get(c, s->id, r->id));
        json_array_add(rules, rule);
    }
    json_object_put(object, "rules", rules);

    if (all) {
        struct json *hvs = json_array_create_empty();
        for (size_t i = 0; i < all->n_hvs; i++) {
            const struct tm_counters_hv *hv = &all->hvs[i];
            if (!tm_counters_has_session(&hv->counters, s->id)) {
                continue;
            }
            struct json *j = json_object_create();
            json_object_put_string(j, "name", hv->name);
            tm_counters_put_json(j, tm_counters_get(&hv->counters, s->id,
                                                    NULL));
            json_object_put(j, "updated_at", hv->time
                            ? json_string_create_nocopy(xastrftime_msec(
                                  "%Y-%m-%dT%H:%M:%S.###Z", hv->time, true))
                            : json_null_create());
            json_array_add(hvs, j);
        }
        json_object_put(object, "hypervisors", hvs);
    }
    return object;
}

char *
tm_counters_sessions_to_json(const struct tm_model *model,
                             const struct tm_counters *c, const char *session,
                             const struct tm_counters_all *all,
                             struct json **jsonp)
{
    struct json *list = json_array_create_empty();

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        if (tm_counters_selects(session, s)) {
            json_array_add(list, tm_counters_session_to_json(model, s, c,
                                                             all));
        }
    }
    if (session && !json_array(list)->n) {
        json_destroy(list);
        *jsonp = NULL;
        return tm_counters_no_session(session);
    }
    *jsonp = list;
    return NULL;
}
