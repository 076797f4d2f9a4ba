/*
 * tmirror-controller: traffic counters per session and per rule.
 *
 * Every flow a rule compiles to carries the session's and the rule's keys
 * in its cookie (tm-flow.h), and the switch counts packets and bytes per
 * flow.  Summed by cookie (tm-ofctrl), and named with the model, that is
 * what each session mirrored and what each rule accepted or rejected on
 * this hypervisor, with no extra datapath work.
 *
 * One walk over the model and the counters feeds both views of them: the
 * text of the unixctl "stats" command and the Prometheus metrics.
 */
#ifndef TM_STATS_H
#define TM_STATS_H 1

#include <stdint.h>

struct ds;
struct hmap;
struct tm_model;
struct tm_rule;
struct tm_session;

/* Called by tm_stats_walk() once for each session, with 'rule' NULL and
 * the packets and bytes it mirrored, then once for each rule of its
 * filter, with the packets and bytes that rule matched for that session
 * (mirrored for an accept rule, not mirrored for a reject rule). */
typedef void tm_stats_visit_func(const struct tm_session *,
                                 const struct tm_rule *, uint64_t packets,
                                 uint64_t bytes, void *aux);

/* Walks every session of 'model' (or only the one whose id or name is
 * 'session', if nonnull) with the 'counters' of tm_ofctrl_counters().
 * Returns NULL, or a malloc'd error if 'session' names no session. */
char *tm_stats_walk(const struct tm_model *, const struct hmap *counters,
                    const char *session, tm_stats_visit_func *, void *aux);

/* Appends the counters of every session of 'model' (or only the one whose
 * id or name is 'session', if nonnull) to 's', as text.  Returns NULL, or
 * a malloc'd error if 'session' names no session. */
char *tm_stats_format(const struct tm_model *, const struct hmap *counters,
                      const char *session, struct ds *s);

/* Appends the same counters to 's' as Prometheus metric families, every
 * sample labelled with 'labels' (e.g. hypervisor="hv1") and the session's
 * and rule's own.  See docs/controller.rst for the metrics. */
void tm_stats_metrics(const struct tm_model *, const struct hmap *counters,
                      const struct ds *labels, struct ds *s);

#endif /* tm-stats.h */
