/*
 * tmirror-controller: traffic counters per session and per rule.
 *
 * Every flow a rule compiles to carries the session's and the rule's keys
 * in its cookie (tm-flow.h), and the switch counts packets and bytes per
 * flow.  Summed by cookie (tm-ofctrl), and named with the model, that is
 * what each session mirrored and what each rule accepted or rejected on
 * this hypervisor, with no extra datapath work.
 */
#ifndef TM_STATS_H
#define TM_STATS_H 1

struct hmap;
struct tm_counters;
struct tm_model;

/* Adds the flow counters in 'flows' (struct tm_flow_counter, from
 * tm_ofctrl_counters()) to 'counters', by the ids of the sessions and
 * rules of 'model' whose keys their cookies carry (see tm-counters.h).
 * Flows of sessions or rules that the model no longer has are left out:
 * the switch still counts them only until their deletion reaches it. */
void tm_stats_collect(const struct tm_model *, const struct hmap *flows,
                      struct tm_counters *counters);

#endif /* tm-stats.h */
