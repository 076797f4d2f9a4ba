/*
 * tmirror-apid: the REST API (Huawei Cloud VPC v3 traffic mirroring) in
 * front of the northbound database.
 *
 * Two threads, joined by two queues:
 *
 *   - The HTTP thread runs libevent's evhttp.  It enforces the limits
 *     (header and body size, connections, timeouts), checks each request's
 *     AK/SK signature and that the key may use the project in its path
 *     (tm-api-auth), and queues it for the database thread, then wakes it
 *     through a latch.  When the database thread has answered, it sends
 *     the reply and logs one access line.
 *   - The main thread is the database thread: an OVS poll loop that owns
 *     the northbound IDL and the unixctl server.  It takes queued requests
 *     one at a time, runs tm_api_handle() on them (each write is one
 *     validated transaction), queues the responses back and makes the HTTP
 *     thread's "done" event active.
 *
 * The only state they share is the two queues, under one mutex that is
 * never held across I/O.  Requests are answered in the order they
 * arrive, and a slow database never blocks HTTP parsing or the other
 * connections' timeouts.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include "command-line.h"
#include "daemon.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "fatal-signal.h"
#include "latch.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "socket-util.h"
#include "timeval.h"
#include "tm-api.h"
#include "tm-parse.h"
#include "tm-api-auth.h"
#include "tmirror-idl.h"
#include "unixctl.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(tmirror_apid);

/* Options. */
static char *nb_remote;
static char *listen_addr = "127.0.0.1:9696";
static struct tm_ip listen_ip;      /* --listen, parsed. */
static uint16_t listen_port;
static char *port_file;
static char *creds_file;
static char *unixctl_path;
static uint32_t max_body = 1 << 20;         /* Bytes. */
static long max_headers = 16 << 10;     /* Bytes. */
static uint32_t max_connections = 256;
static uint32_t timeout_s = 30;

/* A request on its way from the HTTP thread to the database thread and
 * back. */
struct apid_job {
    struct ovs_list node;
    struct evhttp_request *req;         /* HTTP thread only. */
    struct tm_api_request api;          /* Strings owned by the job. */
    struct tm_api_response resp;
    long long int start;                /* time_msec(). */
    char *access_key;                   /* For the access log. */
    char *raw_query;                    /* Likewise; NULL if none. */
    char *raw_path;                     /* Likewise, still percent-encoded:
                                         * a decoded one could put a
                                         * newline in the log. */
};

/* Shared between the threads, under 'mutex'. */
static struct ovs_mutex mutex = OVS_MUTEX_INITIALIZER;
static struct ovs_list pending OVS_GUARDED_BY(mutex)
    = OVS_LIST_INITIALIZER(&pending);
static struct ovs_list done OVS_GUARDED_BY(mutex)
    = OVS_LIST_INITIALIZER(&done);
static struct latch job_latch;          /* Wakes the database thread. */
static struct event *done_event;        /* Wakes the HTTP thread. */
static struct event *stop_event;        /* Ends the HTTP thread's loop. */

/* HTTP thread only. */
static struct event_base *base;
static struct evhttp *http;
static struct tm_api_creds *creds;
static long n_connections;

OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[]);

static void
apid_job_free(struct apid_job *job)
{
    if (job) {
        free(CONST_CAST(char *, job->api.method));
        free(CONST_CAST(char *, job->api.path));
        smap_destroy(&job->api.query);
        free(CONST_CAST(char *, job->api.body));
        free(CONST_CAST(char *, job->api.project_id));
        free(CONST_CAST(char *, job->api.request_id));
        json_destroy(job->resp.body);
        free(job->access_key);
        free(job->raw_query);
        free(job->raw_path);
        free(job);
    }
}

static const char *
apid_method(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    }
    return "?";
}

/* The value after "Access=" in an Authorization header, for the log. */
static char *
apid_access_key(const char *authorization)
{
    const char *p = authorization ? strstr(authorization, "Access=") : NULL;
    if (!p) {
        return xstrdup("-");
    }
    p += strlen("Access=");
    return xmemdup0(p, strcspn(p, ", "));
}

/* Sends 'job''s response (HTTP thread) and logs the access line. */
static void
apid_reply(struct apid_job *job)
{
    struct evhttp_request *req = job->req;
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    struct evbuffer *buf = evbuffer_new();

    evhttp_add_header(out, "X-Request-Id", job->api.request_id);
    if (job->resp.body) {
        char *s = json_to_string(job->resp.body, 0);
        evbuffer_add(buf, s, strlen(s));
        free(s);
        evhttp_add_header(out, "Content-Type",
                          "application/json;charset=UTF-8");
    }
    evhttp_send_reply(req, job->resp.status, NULL, buf);
    evbuffer_free(buf);

    VLOG_INFO("%s %s%s%s %d %lldms key=%s request_id=%s",
              job->api.method, job->raw_path ? job->raw_path : "-",
              job->raw_query ? "?" : "", job->raw_query ? job->raw_query : "",
              job->resp.status, time_msec() - job->start, job->access_key,
              job->api.request_id);
}

/* The "done" event: sends every answered request (HTTP thread). */
static void
apid_done_cb(evutil_socket_t fd OVS_UNUSED, short what OVS_UNUSED,
             void *aux OVS_UNUSED)
{
    struct ovs_list answered = OVS_LIST_INITIALIZER(&answered);
    struct apid_job *job;

    /* An earlier run of this callback may already have taken what this
     * wake-up was for: the database thread queues, unlocks, then wakes. */
    ovs_mutex_lock(&mutex);
    if (!ovs_list_is_empty(&done)) {
        ovs_list_splice(&answered, ovs_list_front(&done), &done);
    }
    ovs_mutex_unlock(&mutex);

    LIST_FOR_EACH_POP (job, node, &answered) {
        apid_reply(job);
        apid_job_free(job);
    }
}

/* The connections counted against --max-connections (HTTP thread). */
struct apid_conn {
    struct hmap_node node;
    struct evhttp_connection *evcon;
};
static struct hmap connections = HMAP_INITIALIZER(&connections);

static struct apid_conn *
apid_connection_find(struct evhttp_connection *evcon)
{
    struct apid_conn *conn;

    HMAP_FOR_EACH_WITH_HASH (conn, node, hash_pointer(evcon, 0),
                             &connections) {
        if (conn->evcon == evcon) {
            return conn;
        }
    }
    return NULL;
}

static bool
apid_connection_counted(struct evhttp_connection *evcon)
{
    return apid_connection_find(evcon) != NULL;
}

static void
apid_connection_closed(struct evhttp_connection *evcon, void *aux OVS_UNUSED)
{
    struct apid_conn *conn = apid_connection_find(evcon);
    if (conn) {
        hmap_remove(&connections, &conn->node);
        free(conn);
        n_connections--;
    }
}

static void
apid_connection_count(struct evhttp_connection *evcon)
{
    struct apid_conn *conn = xmalloc(sizeof *conn);
    conn->evcon = evcon;
    hmap_insert(&connections, &conn->node, hash_pointer(evcon, 0));
    n_connections++;
    evhttp_connection_set_closecb(evcon, apid_connection_closed, NULL);
}

/* Decodes "/v3/PROJECT/vpc/..." far enough to know the project. */
static char *
apid_project(const char *path)
{
    if (strncmp(path, "/v3/", 4)) {
        return NULL;
    }
    const char *p = path + 4;
    size_t len = strcspn(p, "/");
    return len ? xmemdup0(p, len) : NULL;
}

/* Fills 'query' from a raw query string, decoding each key and value. */
static bool
apid_parse_query(const char *raw, struct smap *query)
{
    if (!raw || !raw[0]) {
        return true;
    }

    char *copy = xstrdup(raw), *save = NULL;
    bool ok = true;
    for (char *pair = strtok_r(copy, "&", &save); pair;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq) {
            *eq = '\0';
        }
        /* '+' stays '+', as the signature's canonical query reads it:
         * the request acted on is the one that was signed. */
        char *key = evhttp_uridecode(pair, 0, NULL);
        char *value = evhttp_uridecode(eq ? eq + 1 : "", 0, NULL);
        if (!key || !value) {
            ok = false;
        } else {
            smap_add(query, key, value);
        }
        free(key);
        free(value);
    }
    free(copy);
    return ok;
}

/* Answers at once from the HTTP thread (limits, authentication). */
static void
apid_refuse(struct apid_job *job, int status, const char *code,
            const char *message)
{
    tm_api_error(&job->resp, status, code, job->api.request_id, "%s",
                 message);
    apid_reply(job);
    apid_job_free(job);
}

/* evhttp's callback for every request (HTTP thread). */
static void
apid_request_cb(struct evhttp_request *req, void *aux OVS_UNUSED)
{
    struct apid_job *job = xzalloc(sizeof *job);
    struct uuid request_uuid;

    job->req = req;
    job->start = time_msec();
    uuid_generate(&request_uuid);
    job->api.request_id = xasprintf(UUID_FMT, UUID_ARGS(&request_uuid));
    job->api.method = xstrdup(apid_method(evhttp_request_get_command(req)));
    smap_init(&job->api.query);

    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    job->access_key = apid_access_key(evhttp_find_header(in,
                                                         "Authorization"));

    /* The connection limit: a connection is counted when it makes its
     * first request and released when it closes.  (Idle connections that
     * never send one are closed by the timeout.) */
    if (evcon && !apid_connection_counted(evcon)) {
        if (n_connections >= max_connections) {
            evhttp_add_header(evhttp_request_get_output_headers(req),
                              "Connection", "close");
            job->api.path = xstrdup("-");
            apid_refuse(job, 503, "VPC.0503", "too many connections");
            return;
        }
        apid_connection_count(evcon);
    }

    /* The URI, raw (for the signature) and decoded (for routing). */
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *raw_path = uri ? evhttp_uri_get_path(uri) : NULL;
    const char *raw_query = uri ? evhttp_uri_get_query(uri) : NULL;
    char *path = raw_path ? evhttp_uridecode(raw_path, 0, NULL) : NULL;
    job->raw_query = raw_query && raw_query[0] ? xstrdup(raw_query) : NULL;
    job->raw_path = raw_path ? xstrdup(raw_path) : NULL;
    if (!path || !apid_parse_query(raw_query, &job->api.query)) {
        free(path);
        job->api.path = xstrdup(raw_path ? raw_path : "?");
        apid_refuse(job, 400, "VPC.0002", "malformed request URI");
        return;
    }
    job->api.path = path;

    /* The body (evhttp already refused one over twice the limit). */
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    size_t body_len = evbuffer_get_length(body);
    if (body_len > max_body) {
        char *msg = xasprintf("request body: %"PRIuSIZE" bytes is over the "
                              "limit of %"PRIu32" bytes", body_len, max_body);
        apid_refuse(job, 413, "VPC.0413", msg);
        free(msg);
        return;
    }
    if (body_len) {
        char *copy = xmalloc(body_len + 1);
        evbuffer_copyout(body, copy, body_len);
        copy[body_len] = '\0';
        job->api.body = copy;
        job->api.body_len = body_len;
    }

    job->api.project_id = apid_project(path);
    if (!job->api.project_id) {
        apid_refuse(job, 404, "VPC.0404", "no such resource: the API's "
                    "paths start with /v3/{project_id}/vpc/");
        return;
    }

    /* Authentication, before anything is revealed or written. */
    struct smap headers = SMAP_INITIALIZER(&headers);
    char *twice = NULL;
    for (struct evkeyval *h = in->tqh_first; h; h = h->next.tqe_next) {
        char *name = xstrdup(h->key);
        for (char *c = name; *c; c++) {
            *c = tolower((unsigned char) *c);
        }
        if (!smap_get(&headers, name)) {
            smap_add(&headers, name, h->value);
        } else if (!twice) {
            twice = xstrdup(name);
        }
        free(name);
    }
    if (twice) {
        /* Which copy would the signature cover?  Refuse rather than
         * guess. */
        char *msg = xasprintf("header %s given more than once", twice);
        smap_destroy(&headers);
        apid_refuse(job, 400, "VPC.0002", msg);
        free(msg);
        free(twice);
        return;
    }
    struct tm_api_auth_request areq = {
        .method = job->api.method,
        .raw_path = raw_path,
        .raw_query = raw_query,
        .headers = &headers,
        .body = job->api.body,
        .body_len = job->api.body_len,
        .project_id = job->api.project_id,
    };
    char *reason = NULL;
    int status = tm_api_auth_check(creds, &areq, time(NULL), &reason);
    smap_destroy(&headers);
    if (status) {
        VLOG_WARN("%s %s refused (%d): %s", job->api.method, job->raw_path,
                  status, reason);
        apid_refuse(job, status,
                    (status == 403 ? "VPC.0403"
                     : status == 401 ? "APIGW.0301" : "VPC.0001"),
                    (status == 403 ? "this key may not use this project"
                     : status == 401
                     ? "authentication failed: missing, expired or "
                       "incorrect signature"
                     : "internal error"));
        free(reason);
        return;
    }

    ovs_mutex_lock(&mutex);
    ovs_list_push_back(&pending, &job->node);
    ovs_mutex_unlock(&mutex);
    latch_set(&job_latch);
}

static void
apid_stop_cb(evutil_socket_t fd OVS_UNUSED, short what OVS_UNUSED,
             void *aux OVS_UNUSED)
{
    event_base_loopbreak(base);
}

static void *
apid_http_main(void *aux OVS_UNUSED)
{
    event_base_dispatch(base);
    return NULL;
}

static void
apid_unixctl_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
                  const char *argv[] OVS_UNUSED, void *exiting_)
{
    bool *exiting = exiting_;
    *exiting = true;
    unixctl_command_reply(conn, NULL);
}

/* Binds the HTTP socket to --listen, and writes the port to --port-file
 * (port 0 picks a free one, for tests). */
static void
apid_listen(void)
{
    struct ds host_ds = DS_EMPTY_INITIALIZER;
    tm_ip_format(&listen_ip, &host_ds);
    const char *host = ds_cstr(&host_ds);

    struct evhttp_bound_socket *bound = evhttp_bind_socket_with_handle(
        http, host, listen_port);
    if (!bound) {
        ovs_fatal(errno, "--listen: can't listen on %s", listen_addr);
    }

    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    evutil_socket_t fd = evhttp_bound_socket_get_fd(bound);
    if (getsockname(fd, (struct sockaddr *) &ss, &len)) {
        ovs_fatal(errno, "getsockname");
    }
    int bound_port = ss_get_port(&ss);
    VLOG_INFO("listening on %s port %d", host, bound_port);
    if (port_file) {
        FILE *f = fopen(port_file, "w");
        if (!f || fprintf(f, "%d\n", bound_port) < 0 || fclose(f)) {
            ovs_fatal(errno, "%s: can't write the port", port_file);
        }
    }
    ds_destroy(&host_ds);
}

int
main(int argc, char *argv[])
{
    struct unixctl_server *unixctl;
    bool exiting = false;

    set_program_name(argv[0]);
    service_start(&argc, &argv);
    parse_options(argc, argv);
    fatal_ignore_sigpipe();

    /* Refuse bad credentials before going to the background, so that the
     * operator sees why. */
    char *error = tm_api_creds_load(creds_file, &creds);
    if (error) {
        ovs_fatal(0, "%s", error);
    }

    daemonize_start(false);
    if (unixctl_server_create(unixctl_path, &unixctl)) {
        exit(EXIT_FAILURE);
    }
    unixctl_command_register("exit", "", 0, 0, apid_unixctl_exit,
                             &exiting);

    evthread_use_pthreads();
    base = event_base_new();
    http = evhttp_new(base);
    if (!base || !http) {
        ovs_fatal(0, "libevent initialization failed");
    }
    /* libevent answers a body over its own limit with an HTML page, and
     * 2.1 has no hook to change that; let it read up to twice --max-body,
     * so that the usual case, a body somewhat too large, gets Huawei's
     * JSON error from apid_request_cb(), and memory stays bounded. */
    evhttp_set_max_body_size(http, 2 * max_body);
    evhttp_set_max_headers_size(http, max_headers);
    evhttp_set_timeout(http, timeout_s);
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST
                               | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
    evhttp_set_gencb(http, apid_request_cb, NULL);
    apid_listen();
    done_event = event_new(base, -1, 0, apid_done_cb, NULL);
    stop_event = event_new(base, -1, 0, apid_stop_cb, NULL);
    latch_init(&job_latch);
    daemonize_complete();

    struct ovsdb_idl *idl = ovsdb_idl_create(nb_remote, &tmrec_idl_class,
                                             true, true);
    ovsdb_idl_set_leader_only(idl, false);
    pthread_t http_thread = ovs_thread_create("http", apid_http_main, NULL);
    VLOG_INFO("northbound database %s; credentials %s", nb_remote,
              creds_file);

    while (!exiting) {
        ovsdb_idl_run(idl);
        unixctl_server_run(unixctl);

        if (latch_poll(&job_latch)) {
            for (;;) {
                struct apid_job *job = NULL;

                ovs_mutex_lock(&mutex);
                if (!ovs_list_is_empty(&pending)) {
                    job = CONTAINER_OF(ovs_list_pop_front(&pending),
                                       struct apid_job, node);
                }
                ovs_mutex_unlock(&mutex);
                if (!job) {
                    break;
                }

                ovsdb_idl_run(idl);
                if (!ovsdb_idl_has_ever_connected(idl)) {
                    tm_api_error(&job->resp, 503, "VPC.0503",
                                 job->api.request_id, "the northbound "
                                 "database is not reachable yet");
                } else {
                    tm_api_handle(idl, &job->api, &job->resp);
                }

                ovs_mutex_lock(&mutex);
                ovs_list_push_back(&done, &job->node);
                ovs_mutex_unlock(&mutex);
                event_active(done_event, 0, 0);
            }
        }

        ovsdb_idl_wait(idl);
        unixctl_server_wait(unixctl);
        latch_wait(&job_latch);
        if (exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    VLOG_INFO("exiting");
    /* Not event_base_loopbreak() from this thread: a loop that has not
     * started yet forgets it, and the join would wait forever; an active
     * event waits for the loop. */
    event_active(stop_event, 0, 0);
    xpthread_join(http_thread, NULL);
    ovsdb_idl_destroy(idl);
    unixctl_server_destroy(unixctl);
    service_stop();
    return 0;
}

static void
parse_options(int argc, char *argv[])
{
    enum {
        OPT_NB = UCHAR_MAX + 1,
        OPT_LISTEN,
        OPT_PORT_FILE,
        OPT_CREDENTIALS,
        OPT_MAX_BODY,
        OPT_MAX_CONNECTIONS,
        OPT_TIMEOUT,
        OPT_UNIXCTL,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"nb", required_argument, NULL, OPT_NB},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"port-file", required_argument, NULL, OPT_PORT_FILE},
        {"credentials", required_argument, NULL, OPT_CREDENTIALS},
        {"max-body", required_argument, NULL, OPT_MAX_BODY},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_NB:
            nb_remote = xstrdup(optarg);
            break;
        case OPT_LISTEN:
            listen_addr = optarg;
            break;
        case OPT_PORT_FILE:
            port_file = xstrdup(optarg);
            break;
        case OPT_CREDENTIALS:
            creds_file = xstrdup(optarg);
            break;
        case OPT_MAX_BODY:
            tm_parse_uint_option("--max-body", optarg, 1024, 64 << 20,
                                 &max_body);
            break;
        case OPT_MAX_CONNECTIONS:
            tm_parse_uint_option("--max-connections", optarg, 1, 65536,
                                 &max_connections);
            break;
        case OPT_TIMEOUT:
            tm_parse_uint_option("--timeout", optarg, 1, 3600, &timeout_s);
            break;
        case OPT_UNIXCTL:
            unixctl_path = xstrdup(optarg);
            break;
        case 'h':
            usage();
        case 'V':
            ovs_print_version(0, 0);
            exit(EXIT_SUCCESS);
        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);

    if (optind != argc) {
        ovs_fatal(0, "no arguments expected; use --help for usage");
    }
    if (!creds_file) {
        ovs_fatal(0, "--credentials=FILE is required: every request must "
                  "be signed with a key from it");
    }
    /* Checked now, before anything starts: loopback unless told
     * otherwise. */
    char *error = tm_parse_listen("--listen", listen_addr, "127.0.0.1",
                                  &listen_ip, &listen_port);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    if (!nb_remote) {
        const char *env = getenv("TMIRROR_NB_DB");
        nb_remote = (env && env[0] ? xstrdup(env)
                     : xstrdup("unix:/var/run/tmirror/tmirror_nb.sock"));
    }
}

static void
usage(void)
{
    printf("%s: the tmirror REST API (Huawei Cloud VPC v3 traffic "
           "mirroring)\n"
           "usage: %s --credentials=FILE [OPTIONS]\n"
           "\n"
           "Options:\n"
           "  --credentials=FILE    keys: \"AK SK PROJECT[,PROJECT...]\" "
           "per line; mode 0600\n"
           "  --nb=REMOTE           northbound database (default: "
           "$TMIRROR_NB_DB, else\n"
           "                        unix:/var/run/tmirror/tmirror_nb.sock)\n"
           "  --listen=HOST:PORT    where to serve HTTP (default: "
           "127.0.0.1:9696; port 0: any)\n"
           "  --port-file=FILE      write the port it listens on to FILE\n"
           "  --max-body=BYTES      largest request body (default: 1 MiB)\n"
           "  --max-connections=N   simultaneous connections (default: "
           "256)\n"
           "  --timeout=SECONDS     for reading a request (default: 30)\n"
           "  --unixctl=SOCKET      control socket\n"
           "  -h, --help            this help\n"
           "  -V, --version         version\n",
           program_name, program_name);
    daemon_usage();
    vlog_usage();
    exit(EXIT_SUCCESS);
}
