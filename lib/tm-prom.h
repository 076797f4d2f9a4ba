/*
 * tmirror: writing Prometheus's text exposition format (version 0.0.4).
 *
 * A family is one metric name with its HELP and TYPE lines and all of its
 * samples, which the format wants together.  Code that finds the values of
 * several families in one walk (a session's packets and bytes, then its
 * rules') fills one tm_prom_family per metric and appends them at the end:
 *
 *     struct tm_prom_family packets, bytes;
 *     tm_prom_family_init(&packets, "tmirror_x_packets_total", "counter",
 *                         "Packets that ...");
 *     ...
 *     struct ds labels = DS_EMPTY_INITIALIZER;
 *     tm_prom_label(&labels, "session", id);
 *     tm_prom_add(&packets, &labels, n);
 *     ...
 *     tm_prom_family_finish(&packets, &out);
 *
 * Label values and HELP text are escaped as the format requires, so any
 * name a user gave (a session's, a hypervisor's) can go in a label.
 */
#ifndef TM_PROM_H
#define TM_PROM_H 1

#include <stdint.h>
#include "openvswitch/dynamic-string.h"

struct tm_prom_family {
    const char *name;           /* Not copied: a string constant. */
    const char *type;           /* "counter" or "gauge". */
    const char *help;           /* Not copied either. */
    struct ds samples;
};

void tm_prom_family_init(struct tm_prom_family *, const char *name,
                         const char *type, const char *help);

/* Appends 'name="value"' to 'labels' (a comma first if 'labels' is not
 * empty), with 'value' escaped. */
void tm_prom_label(struct ds *labels, const char *name, const char *value);

/* Adds a sample with 'labels' (as built by tm_prom_label(); may be empty)
 * and 'value'. */
void tm_prom_add(struct tm_prom_family *, const struct ds *labels,
                 int64_t value);
void tm_prom_add_u64(struct tm_prom_family *, const struct ds *labels,
                     uint64_t value);

/* Appends the family (HELP, TYPE and its samples) to 'out' and frees its
 * samples. */
void tm_prom_family_finish(struct tm_prom_family *, struct ds *out);

/* Appends a family of one sample, with 'labels', to 'out'. */
void tm_prom_single(struct ds *out, const char *name, const char *type,
                    const char *help, const struct ds *labels,
                    int64_t value);

#endif /* tm-prom.h */
