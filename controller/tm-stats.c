/*
 * tmirror-controller: traffic counters per session and per rule.
 */
#include <config.h>
#include "tm-stats.h"

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "tm-counters.h"
#include "tm-flow.h"
#include "tm-model.h"
#include "tm-ofctrl.h"
#include "tm-prom.h"
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

/* The Prometheus families. */
struct tm_stats_families {
    const struct ds *labels;
    struct tm_prom_family session_packets, session_bytes, session_enabled;
    struct tm_prom_family rule_packets, rule_bytes;
};

/* Adds the samples of session 's' (with 'r' NULL) or of its rule 'r'. */
static void
tm_stats_metrics_add(struct tm_stats_families *fam,
                     const struct tm_session *s, const struct tm_rule *r,
                     struct tm_counter n)
{
    uint64_t packets = n.packets, bytes = n.bytes;
    struct ds labels = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&labels, ds_cstr_ro(fam->labels));
    tm_prom_label(&labels, "session", s->id);
    tm_prom_label(&labels, "session_name", s->name);
    if (!r) {
        tm_prom_add_u64(&fam->session_packets, &labels, packets);
        tm_prom_add_u64(&fam->session_bytes, &labels, bytes);
        tm_prom_add(&fam->session_enabled, &labels, s->enabled);
    } else {
        tm_prom_label(&labels, "rule", r->id);
        tm_prom_label(&labels, "direction",
                      tm_direction_to_string(r->direction));
        tm_prom_label(&labels, "action", tm_action_to_string(r->action));
        tm_prom_add_u64(&fam->rule_packets, &labels, packets);
        tm_prom_add_u64(&fam->rule_bytes, &labels, bytes);
    }
    ds_destroy(&labels);
}

void
tm_stats_metrics(const struct tm_model *model,
                 const struct tm_counters *counters,
                 const struct ds *labels, struct ds *out)
{
    struct tm_stats_families fam = { .labels = labels };

    tm_prom_family_init(&fam.session_packets,
                        "tmirror_session_mirrored_packets_total", "counter",
                        "Packets that the session mirrored on this "
                        "hypervisor (one copy each).");
    tm_prom_family_init(&fam.session_bytes,
                        "tmirror_session_mirrored_bytes_total", "counter",
                        "Bytes of the packets that the session mirrored on "
                        "this hypervisor, at their full length.");
    tm_prom_family_init(&fam.session_enabled, "tmirror_session_enabled",
                        "gauge", "1 if the session is enabled, else 0.");
    tm_prom_family_init(&fam.rule_packets, "tmirror_rule_packets_total",
                        "counter", "Packets of the session's sources that "
                        "the rule matched on this hypervisor: mirrored for "
                        "an accept rule, not mirrored for a reject rule.");
    tm_prom_family_init(&fam.rule_bytes, "tmirror_rule_bytes_total",
                        "counter", "Bytes of the packets that the rule "
                        "matched on this hypervisor.");

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        tm_stats_metrics_add(&fam, s, NULL,
                             tm_counters_get(counters, s->id, NULL));

        const struct tm_filter *f = tm_model_find_filter(model, s->filter_id);
        for (size_t j = 0; f && j < f->n_rules; j++) {
            const struct tm_rule *r = f->rules[j];
            tm_stats_metrics_add(&fam, s, r,
                                 tm_counters_get(counters, s->id, r->id));
        }
    }

    tm_prom_family_finish(&fam.session_packets, out);
    tm_prom_family_finish(&fam.session_bytes, out);
    tm_prom_family_finish(&fam.session_enabled, out);
    tm_prom_family_finish(&fam.rule_packets, out);
    tm_prom_family_finish(&fam.rule_bytes, out);
}
