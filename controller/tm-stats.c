/*
 * tmirror-controller: traffic counters per session and per rule.
 */
#include <config.h>
#include "tm-stats.h"

#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "tm-flow.h"
#include "tm-model.h"
#include "tm-ofctrl.h"
#include "util.h"

/* The counters of (session, rule): packets and bytes of the rule's flows
 * for that session, summed over the sources. */
static void
tm_stats_sum(const struct hmap *counters, uint32_t session_key,
             uint32_t rule_key, uint64_t *packets, uint64_t *bytes)
{
    const struct tm_flow_counter *fc;

    *packets = *bytes = 0;
    HMAP_FOR_EACH (fc, node, counters) {
        if (tm_cookie_session(fc->cookie) == session_key
            && (!rule_key || tm_cookie_rule(fc->cookie) == rule_key)
            && (rule_key || fc->mirrors)) {
            *packets += fc->packets;
            *bytes += fc->bytes;
        }
    }
}

static void
tm_stats_session(const struct tm_model *model, const struct hmap *counters,
                 const struct tm_session *s, struct ds *out)
{
    uint64_t packets, bytes;

    tm_stats_sum(counters, s->key, 0, &packets, &bytes);
    ds_put_format(out, "session %s (%s): mirrored %"PRIu64" packets, "
                  "%"PRIu64" bytes%s\n", s->id, s->name[0] ? s->name : "-",
                  packets, bytes, s->enabled ? "" : " (disabled)");

    const struct tm_filter *f = tm_model_find_filter(model, s->filter_id);
    for (size_t i = 0; f && i < f->n_rules; i++) {
        const struct tm_rule *r = f->rules[i];
        tm_stats_sum(counters, s->key, r->key, &packets, &bytes);
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
    bool found = false;

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        if (!session || !strcmp(session, s->id)
            || !strcmp(session, s->name)) {
            tm_stats_session(model, counters, s, out);
            found = true;
        }
    }
    if (session && !found) {
        return xasprintf("%s: no such session (id or name)", session);
    }
    return NULL;
}
