/*
 * tmirror: questions to the running ovs-vswitchd (see tm-vswitchd.h).
 */
#include <config.h>
#include "tm-vswitchd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "daemon.h"
#include "dirs.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(tm_vswitchd);

char *
tm_vswitchd_ctl_path(void)
{
    char *pidfile = xasprintf("%s/ovs-vswitchd.pid", ovs_rundir());
    pid_t pid = 0;

    /* OVS's read_pidfile() also checks that the process holds the file's
     * lock, so a pidfile left by a crashed switch names no socket; it
     * logs a missing file as a problem, which here it is not (the switch
     * is not up yet). */
    if (!access(pidfile, F_OK)) {
        pid = read_pidfile(pidfile);
    }
    free(pidfile);
    return pid > 0 ? xasprintf("%s/ovs-vswitchd.%ld.ctl", ovs_rundir(),
                               (long) pid)
                   : NULL;
}

int
tm_vswitchd_call(const char *ctl, const char *command, int argc,
                 const char *argv[], char **reply)
{
    struct jsonrpc *client;
    char *result = NULL, *err = NULL;

    *reply = NULL;
    if (!ctl) {
        return ENOENT;
    }
    int error = unixctl_client_create(ctl, &client);
    if (error) {
        return error;
    }
    /* unixctl_client_transact() does not change the arguments; its
     * prototype just lacks the const.  (CONST_CAST() can't be used: clang
     * rejects its type check between 'const char **' and 'char **'.) */
    error = unixctl_client_transact(client, command, argc, (char **) argv,
                                    &result, &err);
    jsonrpc_close(client);
    if (error) {
        free(result);
        free(err);
        return error;
    }
    if (err) {
        free(result);
        *reply = err;
        return -1;
    }
    *reply = result ? result : xstrdup("");
    return 0;
}

bool
tm_vswitchd_counter(const char *ctl, const char *name, uint64_t *value)
{
    const char *argv[] = { name };
    char *reply;
    bool ok = false;

    if (!tm_vswitchd_call(ctl, "coverage/read-counter", 1, argv, &reply)) {
        char *end;
        errno = 0;
        *value = strtoull(reply, &end, 10);
        ok = !errno && end != reply;
    }
    free(reply);
    return ok;
}

uint64_t
tm_vswitchd_tally_update(struct tm_vswitchd_tally *t, const char *ctl,
                         const char *name)
{
    uint64_t value, delta = 0;

    if (!ctl || !tm_vswitchd_counter(ctl, name, &value)) {
        return 0;
    }
    if (t->ctl && (strcmp(t->ctl, ctl) || value < t->last)) {
        /* Another ovs-vswitchd (a counter never goes down otherwise):
         * everything it counted is new. */
        delta = value;
    } else if (t->ctl) {
        delta = value - t->last;
    }
    if (!t->ctl || strcmp(t->ctl, ctl)) {
        free(t->ctl);
        t->ctl = xstrdup(ctl);
    }
    t->last = value;
    t->total += delta;
    return delta;
}

void
tm_vswitchd_tally_destroy(struct tm_vswitchd_tally *t)
{
    free(t->ctl);
    t->ctl = NULL;
}

/* The value after "KEY " on a line of 'text', malloc'd, or NULL. */
static char *
tm_line_value(const char *text, const char *key)
{
    size_t len = strlen(key);

    for (const char *p = text; p && *p; p = strchr(p, '\n')) {
        if (*p == '\n') {
            p++;
        }
        if (!strncmp(p, key, len) && p[len] == ' ') {
            const char *v = p + len + 1;
            return xmemdup0(v, strcspn(v, "\n"));
        }
    }
    return NULL;
}

bool
tm_vswitchd_route(const char *ctl, const char *ip, char **bridge,
                  bool *on_link)
{
    const char *argv[] = { ip };
    char *reply;
    bool ok = false;

    *bridge = NULL;
    if (!tm_vswitchd_call(ctl, "ovs/route/lookup", 1, argv, &reply)) {
        char *gw = tm_line_value(reply, "gateway");
        *bridge = tm_line_value(reply, "dev");
        if (*bridge && gw) {
            *on_link = !strcmp(gw, "::") || !strcmp(gw, "0.0.0.0");
            ok = true;
        } else {
            free(*bridge);
            *bridge = NULL;
        }
        free(gw);
    }
    free(reply);
    return ok;
}

char *
tm_vswitchd_route_src(const char *ctl, const char *ip)
{
    const char *argv[] = { ip };
    char *reply, *src = NULL;

    if (!tm_vswitchd_call(ctl, "ovs/route/lookup", 1, argv, &reply)) {
        src = tm_line_value(reply, "src");
    }
    free(reply);
    return src;
}

int
tm_vswitchd_neigh_set(const char *ctl, const char *bridge, const char *ip,
                      const char *mac)
{
    const char *argv[] = { bridge, ip, mac };
    char *reply;
    int error = tm_vswitchd_call(ctl, "tnl/neigh/set", 3, argv, &reply);

    if (error) {
        VLOG_WARN("tnl/neigh/set %s %s %s failed: %s", bridge, ip, mac,
                  error > 0 ? ovs_strerror(error) : reply);
    }
    free(reply);
    return error;
}

bool
tm_vswitchd_neigh_known(const char *ctl, const char *ip)
{
    char *reply;
    bool known = false;

    if (!tm_vswitchd_call(ctl, "tnl/neigh/show", 0, NULL, &reply)) {
        size_t len = strlen(ip);
        for (const char *p = reply; p && *p; p = strchr(p, '\n')) {
            if (*p == '\n') {
                p++;
            }
            const char *eol = p + strcspn(p, "\n");
            if (!strncmp(p, ip, len) && p[len] == ' '
                && !memmem(p, eol - p, "STALE", 5)) {
                known = true;
                break;
            }
        }
    }
    free(reply);
    return known;
}
