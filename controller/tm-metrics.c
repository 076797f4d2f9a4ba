/*
 * tmirror-controller: serving Prometheus metrics over HTTP.
 */
#include <config.h>
#include "tm-metrics.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "packets.h"
#include "tm-model.h"
#include "tm-parse.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_metrics);

/* How long a client may take to send its request, in seconds, and the
 * largest request it may send: a scrape is a GET with a few headers. */
#define TM_METRICS_TIMEOUT_S 10
#define TM_METRICS_MAX_HEADERS 8192
#define TM_METRICS_MAX_BODY 4096

struct tm_metrics {
    /* HTTP thread only, once it runs. */
    struct event_base *base;
    struct evhttp *http;
    struct event *stop;         /* Made active to end the thread's loop. */

    char *url;                  /* http://ADDRESS:PORT/metrics */
    pthread_t thread;
    bool running;

    struct ovs_mutex mutex;
    struct ds text OVS_GUARDED; /* The snapshot that GET /metrics serves. */
};

static void tm_metrics_stop_cb(evutil_socket_t, short, void *);

/* Sends a plain-text reply (HTTP thread). */
static void
tm_metrics_reply(struct evhttp_request *req, int status, const char *reason,
                 const char *content_type, struct evbuffer *body)
{
    struct evkeyvalq *headers = evhttp_request_get_output_headers(req);

    evhttp_add_header(headers, "Content-Type", content_type);
    evhttp_send_reply(req, status, reason, body);
}

/* evhttp's callback for every request (HTTP thread). */
static void
tm_metrics_request_cb(struct evhttp_request *req, void *m_)
{
    struct tm_metrics *m = m_;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
    struct evbuffer *body = evbuffer_new();

    if (!path || strcmp(path, "/metrics")) {
        evbuffer_add_printf(body, "not found: the metrics are at "
                            "/metrics\n");
        tm_metrics_reply(req, 404, "Not Found", "text/plain; charset=utf-8",
                         body);
    } else if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
                          "GET, HEAD");
        evbuffer_add_printf(body, "method not allowed: /metrics answers GET "
                            "and HEAD\n");
        tm_metrics_reply(req, 405, "Method Not Allowed",
                         "text/plain; charset=utf-8", body);
    } else {
        /* Copied under the lock, sent after: the main thread never waits
         * for a client.  (For HEAD, evhttp sends the length, not the
         * body.) */
        ovs_mutex_lock(&m->mutex);
        evbuffer_add(body, m->text.string ? m->text.string : "",
                     m->text.length);
        ovs_mutex_unlock(&m->mutex);
        tm_metrics_reply(req, 200, "OK",
                         "text/plain; version=0.0.4; charset=utf-8", body);
    }
    evbuffer_free(body);
}

/* Opens a listening TCP socket on 'ip' and 'port'.  Returns the socket, or
 * a negative errno value. */
static int
tm_metrics_socket(const struct tm_ip *ip, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len;

    memset(&ss, 0, sizeof ss);
    if (ip->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = in6_addr_get_mapped_ipv4(&ip->addr);
        sin->sin_port = htons(port);
        len = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = ip->addr;
        sin6->sin6_port = htons(port);
        len = sizeof *sin6;
    }

    int fd = socket(ip->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
    if (fd < 0) {
        return -errno;
    }
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on)
        || bind(fd, (struct sockaddr *) &ss, len) || listen(fd, 64)) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

/* The port that socket 'fd' is bound to. */
static uint16_t
tm_metrics_bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *) &ss, &len)) {
        return 0;
    }
    return ss_get_port(&ss);
}

char *
tm_metrics_listen(const char *option, const struct tm_ip *ip, uint16_t port,
                  struct tm_metrics **metricsp)
{
    struct ds address = DS_EMPTY_INITIALIZER;

    *metricsp = NULL;
    ds_put_cstr(&address, ip->family == AF_INET6 ? "[" : "");
    tm_ip_format(ip, &address);
    ds_put_cstr(&address, ip->family == AF_INET6 ? "]" : "");

    int fd = tm_metrics_socket(ip, port);
    if (fd < 0) {
        char *error = xasprintf("%s: can't listen on %s:%"PRIu16": %s",
                                option, ds_cstr(&address), port,
                                ovs_strerror(-fd));
        ds_destroy(&address);
        return error;
    }

    /* The HTTP thread and the main thread share nothing of libevent's, but
     * the main thread stops the HTTP thread's loop at exit. */
    evthread_use_pthreads();

    struct tm_metrics *m = xzalloc(sizeof *m);
    m->base = event_base_new();
    m->http = m->base ? evhttp_new(m->base) : NULL;
    if (!m->http || !evhttp_accept_socket_with_handle(m->http, fd)) {
        if (m->http) {
            evhttp_free(m->http);
        }
        if (m->base) {
            event_base_free(m->base);
        }
        close(fd);
        free(m);
        ds_destroy(&address);
        return xasprintf("%s: libevent could not set up an HTTP server",
                         option);
    }
    /* Every method reaches the callback, which answers 405 itself (evhttp
     * would answer 501 to a method it was not told about). */
    evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST
                               | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT
                               | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS
                               | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT
                               | EVHTTP_REQ_PATCH);
    evhttp_set_timeout(m->http, TM_METRICS_TIMEOUT_S);
    evhttp_set_max_headers_size(m->http, TM_METRICS_MAX_HEADERS);
    evhttp_set_max_body_size(m->http, TM_METRICS_MAX_BODY);
    evhttp_set_gencb(m->http, tm_metrics_request_cb, m);
    m->stop = event_new(m->base, -1, 0, tm_metrics_stop_cb, m);

    m->url = xasprintf("http://%s:%"PRIu16"/metrics", ds_cstr(&address),
                       tm_metrics_bound_port(fd));
    ovs_mutex_init(&m->mutex);
    ds_init(&m->text);
    ds_destroy(&address);
    VLOG_INFO("serving metrics at %s", m->url);
    *metricsp = m;
    return NULL;
}

static void
tm_metrics_stop_cb(evutil_socket_t fd OVS_UNUSED, short what OVS_UNUSED,
                   void *m_)
{
    struct tm_metrics *m = m_;
    event_base_loopbreak(m->base);
}

static void *
tm_metrics_thread(void *m_)
{
    struct tm_metrics *m = m_;

    event_base_dispatch(m->base);
    return NULL;
}

void
tm_metrics_run_thread(struct tm_metrics *m)
{
    if (m && !m->running) {
        m->thread = ovs_thread_create("metrics", tm_metrics_thread, m);
        m->running = true;
    }
}

void
tm_metrics_publish(struct tm_metrics *m, struct ds *text)
{
    ovs_mutex_lock(&m->mutex);
    ds_swap(&m->text, text);
    ovs_mutex_unlock(&m->mutex);

    /* Freed outside the lock: the HTTP thread may be waiting for it. */
    ds_destroy(text);
    ds_init(text);
}

void
tm_metrics_format_status(const struct tm_metrics *m, struct ds *s)
{
    ds_put_format(s, "metrics: %s\n", m->url);
}

void
tm_metrics_destroy(struct tm_metrics *m)
{
    if (m) {
        if (m->running) {
            /* Not event_base_loopbreak() from here: a loop that had not
             * started yet would forget it, whereas an active event waits
             * for the loop. */
            event_active(m->stop, 0, 0);
            xpthread_join(m->thread, NULL);
        }
        event_free(m->stop);
        evhttp_free(m->http);       /* Closes the listening socket. */
        event_base_free(m->base);
        ovs_mutex_destroy(&m->mutex);
        ds_destroy(&m->text);
        free(m->url);
        free(m);
    }
}
