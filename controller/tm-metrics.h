/*
 * tmirror-controller: serving Prometheus metrics over HTTP (--metrics).
 *
 * The controller's main loop is an OVS poll loop that must never wait for
 * a client, and libevent's evhttp wants a loop of its own.  So the HTTP
 * server runs in a thread of its own with its own event_base, and serves
 * GET /metrics from a snapshot of the exposition text that the main loop
 * publishes, under a mutex held only to swap or copy it, whenever what it
 * shows changes.  A slow or stuck scraper then costs the HTTP thread a
 * connection, never the controller a poll.
 *
 *   GET or HEAD /metrics     200, the snapshot (text format 0.0.4)
 *   any other path           404
 *   any other method         405, with "Allow: GET, HEAD"
 */
#ifndef TM_METRICS_H
#define TM_METRICS_H 1

#include <stdint.h>
#include "compiler.h"

struct ds;
struct tm_ip;
struct tm_metrics;

/* Binds a listening TCP socket to 'ip' and 'port' (0: any free port).
 * Returns NULL and stores the server in '*metrics', or returns a malloc'd
 * error that begins with 'option' (the command-line option that gave the
 * address) and says why.  Serving starts with tm_metrics_run_thread():
 * binding first lets a daemon report a bad address before it detaches,
 * and start its thread after. */
char *tm_metrics_listen(const char *option, const struct tm_ip *,
                        uint16_t port, struct tm_metrics **metrics)
    OVS_WARN_UNUSED_RESULT;

/* Starts the HTTP thread. */
void tm_metrics_run_thread(struct tm_metrics *);

/* Replaces the snapshot that GET /metrics serves with the contents of
 * 'text', which it takes over (leaving 'text' empty). */
void tm_metrics_publish(struct tm_metrics *, struct ds *text);

/* "metrics: http://ADDRESS:PORT/metrics", for "status". */
void tm_metrics_format_status(const struct tm_metrics *, struct ds *);

/* Stops the thread, closes the socket and frees everything. */
void tm_metrics_destroy(struct tm_metrics *);

#endif /* tm-metrics.h */
