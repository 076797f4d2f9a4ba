/*
 * tmirror-controller: traffic counters per session and per rule.
 */
#include <config.h>
#include "tm-stats.h"

#include "hash.h"
#include "openvswitch/hmap.h"
#include "tm-counters.h"
#include "tm-flow.h"
#include "tm-model.h"
#include "tm-ofctrl.h"
#include "util.h"

/* A cookie key and the id it stands for. */
struct tm_stats_key {
    struct hmap_node node;
    uint32_t key;
    const char *id;
};

static void
tm_stats_key_add(struct hmap *keys, uint32_t key, const char *id)
{
    struct tm_stats_key *k = xmalloc(sizeof *k);

    k->key = key;
    k->id = id;
    hmap_insert(keys, &k->node, hash_int(key, 0));
}

static const char *
tm_stats_key_find(const struct hmap *keys, uint32_t key)
{
    const struct tm_stats_key *k;

    HMAP_FOR_EACH_WITH_HASH (k, node, hash_int(key, 0), keys) {
        if (k->key == key) {
            return k->id;
        }
    }
    return NULL;
}

void
tm_stats_collect(const struct tm_model *model, const struct hmap *flows,
                 struct tm_counters *counters)
{
    struct hmap sessions = HMAP_INITIALIZER(&sessions);
    struct hmap rules = HMAP_INITIALIZER(&rules);
    struct shash_node *node;

    /* One pass over the flows, whatever the number of sessions and rules:
     * this runs every few seconds over up to 10^5 flows. */
    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        tm_stats_key_add(&sessions, s->key, s->id);
    }
    SHASH_FOR_EACH (node, &model->rule_index) {
        const struct tm_rule *r = node->data;
        tm_stats_key_add(&rules, r->key, r->id);
    }

    const struct tm_flow_counter *fc;
    HMAP_FOR_EACH (fc, node, flows) {
        const char *session = tm_stats_key_find(
            &sessions, tm_cookie_session(fc->cookie));
        if (!session) {
            continue;
        }
        /* What a session mirrored is what its mirroring flows matched;
         * what a rule matched is all its flows, mirroring (accept) or
         * not (reject). */
        if (fc->mirrors) {
            tm_counters_add(counters, session, NULL, fc->packets,
                            fc->bytes);
        }
        uint32_t rule_key = tm_cookie_rule(fc->cookie);
        const char *rule = (rule_key ? tm_stats_key_find(&rules, rule_key)
                            : NULL);
        if (rule) {
            tm_counters_add(counters, session, rule, fc->packets,
                            fc->bytes);
        }
    }

    struct tm_stats_key *k;
    HMAP_FOR_EACH_POP (k, node, &sessions) {
        free(k);
    }
    HMAP_FOR_EACH_POP (k, node, &rules) {
        free(k);
    }
    hmap_destroy(&sessions);
    hmap_destroy(&rules);
}
