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

struct ds;
struct hmap;
struct tm_model;

/* Appends the counters of every session of 'model' (or only the one whose
 * id or name is 'session', if nonnull) to 's'.  Returns NULL, or a
 * malloc'd error if 'session' names no session. */
char *tm_stats_format(const struct tm_model *, const struct hmap *counters,
                      const char *session, struct ds *s);

#endif /* tm-stats.h */
