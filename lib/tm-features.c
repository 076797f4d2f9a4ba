/*
 * tmirror: which of the ovs-patches/ features a running ovs-vswitchd has
 * (see tm-features.h).
 */
#include <config.h>
#include "tm-features.h"

#include <stdlib.h>
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "unixctl.h"
#include "util.h"

const char *const tm_feature_counters[4] = {
    "tnl_nonlocal_src",
    "netdev_linux_tx_refused",
    "tnl_truncate_to_fit",
    "drop_action_tunnel_routing_failed",
};

/* True if the switch knows coverage counter 'name'.  A stock switch answers
 * "No such counter" as an error; a transport failure is also "no". */
static bool
tm_features_has_counter(struct jsonrpc *client, const char *name)
{
    char *argv[] = { CONST_CAST(char *, name) };
    char *result = NULL, *error = NULL;
    int retval = unixctl_client_transact(client, "coverage/read-counter", 1,
                                         argv, &result, &error);
    bool has = !retval && !error && result;

    free(result);
    free(error);
    return has;
}

int
tm_features_probe(const char *ctl_path, struct tm_features *features)
{
    struct jsonrpc *client;
    int error = unixctl_client_create(ctl_path, &client);

    *features = (struct tm_features) { false, false, false, false };
    if (error) {
        return error;
    }
    features->nonlocal_src = tm_features_has_counter(
        client, tm_feature_counters[0]);
    features->skip_refused = tm_features_has_counter(
        client, tm_feature_counters[1]);
    features->truncate_to_fit = tm_features_has_counter(
        client, tm_feature_counters[2]);
    features->count_route_failures = tm_features_has_counter(
        client, tm_feature_counters[3]);
    jsonrpc_close(client);
    return 0;
}

const char *
tm_features_mode(const struct tm_features *features)
{
    return features->nonlocal_src ? "patched" : "stock";
}

void
tm_features_format(const struct tm_features *f, struct ds *s)
{
    ds_put_format(s, "allow_nonlocal_src=%s skip_refused=%s "
                  "truncate_to_fit=%s count_route_failures=%s",
                  f->nonlocal_src ? "yes" : "no",
                  f->skip_refused ? "yes" : "no",
                  f->truncate_to_fit ? "yes" : "no",
                  f->count_route_failures ? "yes" : "no");
}
