/*
 * tmirror: our flows as OpenFlow messages, and their canonical text.
 */
#include <config.h>
#include "tm-ofp.h"

#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/util.h"
#include "byte-order.h"
#include "sset.h"
#include "svec.h"
#include "tm-flow.h"
#include "util.h"

/* Parses 'flow' into 'fm' as an OFPFC_ADD.  On success the caller owns
 * fm->match and fm->ofpacts (see tm_ofp_flow_mod_uninit()). */
static char * OVS_WARN_UNUSED_RESULT
tm_ofp_parse(const struct tm_flow *flow, struct ofputil_flow_mod *fm)
{
    enum ofputil_protocol usable;
    char *s = xasprintf("table=%"PRIu8",priority=%"PRIu16",cookie=%#"PRIx64
                        "%s%s,actions=%s", flow->table_id, flow->priority,
                        flow->cookie, flow->match[0] ? "," : "",
                        flow->match, flow->actions);
    char *error = parse_ofp_flow_mod_str(fm, s, NULL, NULL, OFPFC_ADD,
                                         &usable);
    if (!error && !(usable & TM_OFP_PROTOCOL)) {
        minimatch_destroy(&fm->match);
        free(fm->ofpacts);
        error = xasprintf("needs a protocol other than OpenFlow 1.5");
    }
    if (error) {
        char *full = xasprintf("flow \"%s\": %s", s, error);
        free(error);
        error = full;
    }
    free(s);
    return error;
}

static void
tm_ofp_flow_mod_uninit(struct ofputil_flow_mod *fm)
{
    minimatch_destroy(&fm->match);
    free(fm->ofpacts);
}

char *
tm_ofp_encode_flow_mod(const struct tm_flow *flow,
                       enum tm_ofp_command command, enum ofp_version version,
                       struct ofpbuf **msg)
{
    struct ofputil_flow_mod fm;
    char *error = tm_ofp_parse(flow, &fm);
    if (error) {
        return error;
    }

    switch (command) {
    case TM_OFP_ADD:
        break;

    case TM_OFP_MODIFY:
        /* Strict, and only if the cookie is still the one we gave it: in
         * OpenFlow 1.1+ a modification never changes a cookie, and a flow
         * that is not ours is never touched. */
        fm.command = OFPFC_MODIFY_STRICT;
        fm.cookie = fm.new_cookie;
        fm.cookie_mask = OVS_BE64_MAX;
        fm.modify_cookie = false;
        break;

    case TM_OFP_DELETE:
        fm.command = OFPFC_DELETE_STRICT;
        fm.cookie = fm.new_cookie;
        fm.cookie_mask = OVS_BE64_MAX;
        fm.new_cookie = OVS_BE64_MAX;
        fm.out_port = OFPP_ANY;
        fm.out_group = OFPG_ANY;
        fm.ofpacts_len = 0;
        break;
    }
    *msg = ofputil_encode_flow_mod(&fm, ofputil_protocol_from_ofp_version(
                                       version));
    tm_ofp_flow_mod_uninit(&fm);
    return NULL;
}

static void
tm_ofp_format(const struct match *match, const struct ofpact *ofpacts,
              size_t ofpacts_len, char **match_s, char **actions_s)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    /* The priority is part of the flow's key, not of its match text. */
    match_format(match, NULL, &s, OFP_DEFAULT_PRIORITY);
    *match_s = ds_steal_cstr(&s);

    struct ofpact_format_params fp = { .s = &s };
    ofpacts_format(ofpacts, ofpacts_len, &fp);
    *actions_s = ds_steal_cstr(&s);
}

char *
tm_ofp_canonicalize(const struct tm_flow *flow, char **match_s,
                    char **actions_s)
{
    struct ofpbuf *msg;
    char *error = tm_ofp_encode_flow_mod(flow, TM_OFP_ADD, TM_OFP_VERSION,
                                         &msg);
    if (error) {
        return error;
    }

    /* Decode what the switch would receive: it keeps that, and a dump
     * returns that. */
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    struct ofputil_flow_mod fm;
    enum ofperr err = ofputil_decode_flow_mod(&fm, msg->data,
                                              TM_OFP_PROTOCOL, NULL, NULL,
                                              &ofpacts, OFPP_MAX, 255);
    if (err) {
        error = xasprintf("flow \"%s\" does not decode: %s", flow->match,
                          ofperr_to_string(err));
    } else {
        struct match match;
        minimatch_expand(&fm.match, &match);
        tm_ofp_format(&match, fm.ofpacts, fm.ofpacts_len, match_s,
                      actions_s);
        minimatch_destroy(&fm.match);
    }
    ofpbuf_uninit(&ofpacts);
    ofpbuf_delete(msg);
    return error;
}

void
tm_ofp_canonicalize_table(struct tm_flow_table *in,
                          struct tm_flow_table *out, struct svec *warnings)
{
    struct tm_flow *flow;

    HMAP_FOR_EACH_SAFE (flow, node, &in->flows) {
        char *match, *actions;
        char *error = tm_ofp_canonicalize(flow, &match, &actions);
        if (error) {
            svec_add_nocopy(warnings, error);
        } else {
            if (!tm_flow_table_add(out, flow->table_id, flow->priority,
                                   flow->cookie, match, actions)) {
                svec_add_nocopy(warnings, xasprintf(
                    "two flows in table %"PRIu8" at priority %"PRIu16
                    " have the same match \"%s\"", flow->table_id,
                    flow->priority, match));
            }
            free(match);
            free(actions);
        }
        tm_flow_table_remove(in, flow);
    }
}

void
tm_ofp_add_flow_stats(struct tm_flow_table *table,
                      const struct ofputil_flow_stats *fs)
{
    char *match, *actions;

    tm_ofp_format(&fs->match, fs->ofpacts, fs->ofpacts_len, &match,
                  &actions);
    tm_flow_table_add(table, fs->table_id, fs->priority,
                      ntohll(fs->cookie), match, actions);
    free(match);
    free(actions);
}
