/*
 * tmirror-controller: traffic counters per session and per rule.
 *
 * Every flow a rule compiles to carries the session's and the rule's keys
 * in its cookie (tm-flow.h), and the switch counts packets and bytes per
 * flow.  Summed by cookie (tm-ofctrl), and named with the model, that is
 * what each session mirrored and what each rule accepted or rejected on
 * this hypervisor, with no extra datapath work.
 *
 * tm_stats_collect() makes those sums once, as a struct tm_counters
 * (tm-counters.h); the unixctl "stats" text, the counters published in
 * the northbound database and the Prometheus metrics are all views of
 * it.
 */
#ifndef TM_STATS_H
#define TM_STATS_H 1

struct ds;
struct hmap;
struct tm_counters;
struct tm_model;

/* Adds the flow counters in 'flows' (struct tm_flow_counter, from
 * tm_ofctrl_counters()) to 'counters', by the ids of the sessions and
 * rules of 'model' whose keys their cookies carry.  Flows of sessions or
 * rules that the model no longer has are left out: the switch still
 * counts them only until their deletion reaches it. */
void tm_stats_collect(const struct tm_model *, const struct hmap *flows,
                      struct tm_counters *counters);

/* Appends 'counters' to 's' as Prometheus metric families, one sample per
 * session and per rule of its filter, every sample labelled with
 * 'labels' (e.g. hypervisor="hv1") and the session's and rule's own.  See
 * docs/controller.rst for the metrics. */
void tm_stats_metrics(const struct tm_model *, const struct tm_counters *,
                      const struct ds *labels, struct ds *s);

#endif /* tm-stats.h */
