/*
 * tmirror: which of the ovs-patches/ features a running ovs-vswitchd has.
 *
 * tmirror works on stock Open vSwitch 3.1 and does better on the patched
 * one (ovs-patches/README.rst).  Each patch registers a coverage counter
 * that only a patched binary has, so one "coverage/read-counter" unixctl
 * call per feature tells, without side effects, what the running switch
 * (not what is installed on disk) can do.
 */
#ifndef TM_FEATURES_H
#define TM_FEATURES_H 1

#include <stdbool.h>

struct ds;

struct tm_features {
    bool nonlocal_src;          /* 0001: outer source = the VM's address. */
    bool skip_refused;          /* 0002: a refused packet doesn't drop the
                                 * rest of its batch. */
    bool truncate_to_fit;       /* 0003: copies cut to fit the MTU. */
    bool count_route_failures;  /* 0004: tunnel routing failures counted. */
};

/* Asks the ovs-vswitchd whose unixctl socket is 'ctl_path' (e.g.
 * /var/run/openvswitch/ovs-vswitchd.PID.ctl).  Returns 0 and fills in
 * 'features', or a positive errno value if the switch could not be asked,
 * and then every feature is false. */
int tm_features_probe(const char *ctl_path, struct tm_features *);

/* "patched" if the switch can put the VM's address in the outer header
 * (the feature that changes the flows), "stock" otherwise: the mode the
 * controller reports in the Hypervisor table. */
const char *tm_features_mode(const struct tm_features *);

/* Appends "allow_nonlocal_src=yes skip_refused=no ..." to 's'. */
void tm_features_format(const struct tm_features *, struct ds *);

/* The coverage counters that reveal each feature, in the order of the
 * struct's members (for documentation and tests). */
extern const char *const tm_feature_counters[4];

#endif /* tm-features.h */
