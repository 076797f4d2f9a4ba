/*
 * tmirror-controller: traffic counters per session and per rule.
 */
#include <config.h>
#include "tm-stats.h"

#include <string.h>
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "tm-flow.h"
#include "tm-model.h"
#include "tm-ofctrl.h"
#include "tm-prom.h"
#include "util.h"

/* The counters of (session, rule): packets and bytes of the rule's flows
 * for that session, summed over the sources.  Rule key 0 (which no rule
 * has) holds the session's sum over the flows that send copies. */
struct tm_stats_sum {
    struct hmap_node node;
    uint32_t session_key;
    uint32_t rule_key;
    uint64_t packets;
    uint64_t bytes;
};

static uint32_t
tm_stats_hash(uint32_t session_key, uint32_t rule_key)
{
    return hash_2words(session_key, rule_key);
}

static struct tm_stats_sum *
tm_stats_find(const struct hmap *sums, uint32_t session_key,
              uint32_t rule_key)
{
    struct tm_stats_sum *sum;

    HMAP_FOR_EACH_WITH_HASH (sum, node, tm_stats_hash(session_key, rule_key),
                             sums) {
        if (sum->session_key == session_key && sum->rule_key == rule_key) {
            return sum;
        }
    }
    return NULL;
}

static void
tm_stats_add(struct hmap *sums, uint32_t session_key, uint32_t rule_key,
             const struct tm_flow_counter *fc)
{
    struct tm_stats_sum *sum = tm_stats_find(sums, session_key, rule_key);

    if (!sum) {
        sum = xzalloc(sizeof *sum);
        sum->session_key = session_key;
        sum->rule_key = rule_key;
        hmap_insert(sums, &sum->node, tm_stats_hash(session_key, rule_key));
    }
    sum->packets += fc->packets;
    sum->bytes += fc->bytes;
}

static void
tm_stats_get(const struct hmap *sums, uint32_t session_key,
             uint32_t rule_key, uint64_t *packets, uint64_t *bytes)
{
    const struct tm_stats_sum *sum = tm_stats_find(sums, session_key,
                                                   rule_key);
    *packets = sum ? sum->packets : 0;
    *bytes = sum ? sum->bytes : 0;
}

char *
tm_stats_walk(const struct tm_model *model, const struct hmap *counters,
              const char *session, tm_stats_visit_func *visit, void *aux)
{
    struct hmap sums = HMAP_INITIALIZER(&sums);
    const struct tm_flow_counter *fc;
    bool found = false;

    /* One pass over the counters, so that the walk costs the number of
     * flows plus the number of rules, not their product. */
    HMAP_FOR_EACH (fc, node, counters) {
        uint32_t session_key = tm_cookie_session(fc->cookie);
        tm_stats_add(&sums, session_key, tm_cookie_rule(fc->cookie), fc);
        if (fc->mirrors) {
            tm_stats_add(&sums, session_key, 0, fc);
        }
    }

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        uint64_t packets, bytes;

        if (session && strcmp(session, s->id) && strcmp(session, s->name)) {
            continue;
        }
        found = true;
        tm_stats_get(&sums, s->key, 0, &packets, &bytes);
        visit(s, NULL, packets, bytes, aux);

        const struct tm_filter *f = tm_model_find_filter(model, s->filter_id);
        for (size_t j = 0; f && j < f->n_rules; j++) {
            const struct tm_rule *r = f->rules[j];
            tm_stats_get(&sums, s->key, r->key, &packets, &bytes);
            visit(s, r, packets, bytes, aux);
        }
    }

    struct tm_stats_sum *sum;
    HMAP_FOR_EACH_POP (sum, node, &sums) {
        free(sum);
    }
    hmap_destroy(&sums);

    if (session && !found) {
        return xasprintf("%s: no such session (id or name)", session);
    }
    return NULL;
}

/* The text of "stats". */
static void
tm_stats_format_visit(const struct tm_session *s, const struct tm_rule *r,
                      uint64_t packets, uint64_t bytes, void *out_)
{
    struct ds *out = out_;

    if (!r) {
        ds_put_format(out, "session %s (%s): mirrored %"PRIu64" packets, "
                      "%"PRIu64" bytes%s\n", s->id,
                      s->name[0] ? s->name : "-", packets, bytes,
                      s->enabled ? "" : " (disabled)");
    } else {
        ds_put_format(out, "  rule %s (%s, priority %"PRIu32", %s): "
                      "%"PRIu64" packets, %"PRIu64" bytes %s\n", r->id,
                      tm_direction_to_string(r->direction), r->priority,
                      tm_action_to_string(r->action), packets, bytes,
                      r->action == TM_ACCEPT ? "mirrored" : "not mirrored");
    }
}

char *
tm_stats_format(const struct tm_model *model, const struct hmap *counters,
                const char *session, struct ds *out)
{
    return tm_stats_walk(model, counters, session, tm_stats_format_visit,
                         out);
}

/* The Prometheus families, filled in one walk. */
struct tm_stats_families {
    const struct ds *labels;
    struct tm_prom_family session_packets, session_bytes, session_enabled;
    struct tm_prom_family rule_packets, rule_bytes;
};

static void
tm_stats_metrics_visit(const struct tm_session *s, const struct tm_rule *r,
                       uint64_t packets, uint64_t bytes, void *fam_)
{
    struct tm_stats_families *fam = fam_;
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
tm_stats_metrics(const struct tm_model *model, const struct hmap *counters,
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

    /* With no session named, the walk cannot fail. */
    char *error = tm_stats_walk(model, counters, NULL,
                                tm_stats_metrics_visit, &fam);
    ovs_assert(!error);

    tm_prom_family_finish(&fam.session_packets, out);
    tm_prom_family_finish(&fam.session_bytes, out);
    tm_prom_family_finish(&fam.session_enabled, out);
    tm_prom_family_finish(&fam.rule_packets, out);
    tm_prom_family_finish(&fam.rule_bytes, out);
}
