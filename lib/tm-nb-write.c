/*
 * tmirror: writing the northbound database (see tm-nb-write.h).
 */
#include <config.h>
#include "tm-nb-write.h"

#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "smap.h"
#include "sset.h"
#include "ovsdb-idl-provider.h"
#include "ovsdb-idl.h"
#include "timeval.h"
#include "tm-model.h"
#include "tm-nb.h"
#include "tm-parse.h"
#include "tm-validate.h"
#include "tmirror-idl.h"
#include "util.h"
#include "uuid.h"

static char *
tm_nb_uuid_text(const struct uuid *uuid)
{
    return xasprintf(UUID_FMT, UUID_ARGS(uuid));
}

/* Waiting for the database. */

static bool
tm_nb_expired(long long int deadline)
{
    return deadline && time_msec() >= deadline;
}

static void
tm_nb_block(struct ovsdb_idl *idl, long long int deadline)
{
    ovsdb_idl_wait(idl);
    if (deadline) {
        poll_timer_wait_until(deadline);
    }
    poll_block();
}

static char *
tm_nb_timeout_error(struct ovsdb_idl *idl, const char *what)
{
    int error = ovsdb_idl_get_last_error(idl);
    return xasprintf("timed out %s%s%s", what,
                     error ? ": " : "", error ? ovs_retval_to_string(error)
                                              : "");
}

char *
tm_nb_sync(struct ovsdb_idl *idl, long long int deadline)
{
    for (;;) {
        ovsdb_idl_run(idl);
        if (!ovsdb_idl_is_alive(idl)) {
            return xasprintf("database connection failed: %s",
                             ovs_retval_to_string(
                                 ovsdb_idl_get_last_error(idl)));
        }
        if (ovsdb_idl_has_ever_connected(idl)) {
            return NULL;
        }
        if (tm_nb_expired(deadline)) {
            return tm_nb_timeout_error(idl, "connecting to the database");
        }
        tm_nb_block(idl, deadline);
    }
}

/* Waits until the IDL's contents change from 'seqno' (after a conflict,
 * the other writer's change is on its way). */
static char *
tm_nb_wait_change(struct ovsdb_idl *idl, unsigned int seqno,
                  long long int deadline)
{
    for (;;) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_get_seqno(idl) != seqno) {
            return NULL;
        }
        if (tm_nb_expired(deadline)) {
            return tm_nb_timeout_error(idl, "waiting for the database");
        }
        tm_nb_block(idl, deadline);
    }
}

static enum ovsdb_idl_txn_status
tm_nb_commit(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
             long long int deadline)
{
    for (;;) {
        enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(txn);
        if (status != TXN_INCOMPLETE || tm_nb_expired(deadline)) {
            return status;
        }
        ovsdb_idl_run(idl);
        ovsdb_idl_txn_wait(txn);
        tm_nb_block(idl, deadline);
    }
}

/* A row the open transaction inserted or changed. */
static bool
tm_nb_row_written(const struct ovsdb_idl_row *row)
{
    return !row->old_datum || row->written;
}

/* In 'error', replaces the quoted temporary UUID of 'row', if the open
 * transaction inserted it, with its label from 'labels' or with "(new)":
 * that UUID is never seen again, and the user knows which object they
 * were adding. */
static void
tm_nb_name_if_new(const struct ovsdb_idl_row *row, const struct smap *labels,
                  char **error)
{
    if (row->old_datum) {
        return;
    }

    char *uuid = xasprintf(UUID_FMT, UUID_ARGS(&row->uuid));
    char *quoted = xasprintf("\"%s\"", uuid);
    char *at = strstr(*error, quoted);
    if (at) {
        const char *label = smap_get(labels, uuid);
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_buffer(&s, *error, at - *error);
        if (label) {
            ds_put_format(&s, "\"%s\" (new)", label);
        } else {
            ds_put_cstr(&s, "(new)");
        }
        ds_put_cstr(&s, at + strlen(quoted));
        free(*error);
        *error = ds_steal_cstr(&s);
    }
    free(quoted);
    free(uuid);
}

/* Validates the model as the open transaction would leave it, blaming the
 * objects it writes for the conflicts they are part of. */
static char *
tm_nb_validate_txn(const struct ovsdb_idl *idl, const struct smap *labels)
{
    const struct tmrec_filter *filter;
    const struct tmrec_filter_rule *rule;
    const struct tmrec_session *session;
    struct sset focus = SSET_INITIALIZER(&focus);
    struct tm_model model;

    TMREC_FILTER_FOR_EACH (filter, idl) {
        if (tm_nb_row_written(&filter->header_)) {
            sset_add_and_free(&focus, tm_nb_uuid_text(&filter->header_.uuid));
        }
    }
    TMREC_FILTER_RULE_FOR_EACH (rule, idl) {
        if (tm_nb_row_written(&rule->header_)) {
            sset_add_and_free(&focus, tm_nb_uuid_text(&rule->header_.uuid));
        }
    }
    TMREC_SESSION_FOR_EACH (session, idl) {
        if (tm_nb_row_written(&session->header_)) {
            sset_add_and_free(&focus,
                            tm_nb_uuid_text(&session->header_.uuid));
        }
    }

    tm_model_init(&model);
    char *error = tm_nb_to_model(idl, &model);
    if (!error) {
        error = tm_model_validate_focus(&model, &focus);
    }
    tm_model_destroy(&model);
    sset_destroy(&focus);

    if (error) {
        TMREC_FILTER_FOR_EACH (filter, idl) {
            tm_nb_name_if_new(&filter->header_, labels, &error);
        }
        TMREC_FILTER_RULE_FOR_EACH (rule, idl) {
            tm_nb_name_if_new(&rule->header_, labels, &error);
        }
        TMREC_SESSION_FOR_EACH (session, idl) {
            tm_nb_name_if_new(&session->header_, labels, &error);
        }
    }
    return error;
}

char *
tm_nb_write(struct ovsdb_idl *idl, const struct tm_nb_writer *writer,
            bool validate, long long int timeout_ms, int64_t *nb_cfg)
{
    long long int deadline = timeout_ms ? time_msec() + timeout_ms : 0;
    struct smap labels = SMAP_INITIALIZER(&labels);
    char *error = tm_nb_sync(idl, deadline);

    while (!error) {
        unsigned int seqno = ovsdb_idl_get_seqno(idl);
        struct ovsdb_idl_txn *txn = ovsdb_idl_txn_create(idl);
        const struct tmrec_tm_global *global = tmrec_tm_global_first(idl);
        bool new_global = !global;

        ovsdb_idl_txn_add_comment(txn, "%s", program_name);

        /* Every write bumps nb_cfg after verifying it: two writes that
         * started from the same contents can't both commit. */
        if (new_global) {
            global = tmrec_tm_global_insert(txn);
        } else {
            tmrec_tm_global_verify_nb_cfg(global);
        }
        int64_t next_cfg = global->nb_cfg + 1;
        tmrec_tm_global_set_nb_cfg(global, next_cfg);

        smap_clear(&labels);
        error = writer->write(idl, txn, &labels, writer->aux);
        if (!error && validate) {
            error = tm_nb_validate_txn(idl, &labels);
        }
        if (error) {
            ovsdb_idl_txn_abort(txn);
            ovsdb_idl_txn_destroy(txn);
            break;
        }

        /* The timeout bounds waiting for the database, not the time it
         * took to build a large write here. */
        if (timeout_ms) {
            deadline = time_msec() + timeout_ms;
        }
        enum ovsdb_idl_txn_status status = tm_nb_commit(idl, txn, deadline);
        switch (status) {
        case TXN_SUCCESS:
        case TXN_UNCHANGED:
            if (writer->committed) {
                writer->committed(txn, writer->aux);
            }
            *nb_cfg = next_cfg;
            ovsdb_idl_txn_destroy(txn);
            smap_destroy(&labels);
            return NULL;

        case TXN_TRY_AGAIN:
            ovsdb_idl_txn_destroy(txn);
            error = tm_nb_wait_change(idl, seqno, deadline);
            break;

        case TXN_ERROR:
            /* Two first writes both inserting the TM_Global row: the
             * loser's insert breaks the one-row limit.  Start again from
             * the winner's row.  Any other error is reported as it is. */
            if (new_global
                && strstr(ovsdb_idl_txn_get_error(txn), "TM_Global")) {
                ovsdb_idl_txn_destroy(txn);
                error = tm_nb_wait_change(idl, seqno, deadline);
                break;
            }
            error = xasprintf("database error: %s",
                              ovsdb_idl_txn_get_error(txn));
            ovsdb_idl_txn_destroy(txn);
            break;

        case TXN_INCOMPLETE:
            /* The request may have reached the server: say so rather than
             * claim that nothing was written. */
            ovsdb_idl_txn_abort(txn);
            ovsdb_idl_txn_destroy(txn);
            error = xasprintf("timed out committing: the write may or may "
                              "not have been applied (nb_cfg %"PRId64" "
                              "means it was)", next_cfg);
            break;

        case TXN_UNCOMMITTED:
        case TXN_ABORTED:
        case TXN_NOT_LOCKED:
        default:
            error = xasprintf("transaction failed: %s",
                              ovsdb_idl_txn_status_to_string(status));
            ovsdb_idl_txn_destroy(txn);
            break;
        }
    }
    smap_destroy(&labels);
    return error;
}

/* Lookups. */

const struct tmrec_port *
tm_nb_find_port(const struct ovsdb_idl *idl, const char *port_id)
{
    const struct tmrec_port *port;

    TMREC_PORT_FOR_EACH (port, idl) {
        if (!strcmp(port->port_id, port_id)) {
            return port;
        }
    }
    return NULL;
}

const struct tmrec_load_balancer *
tm_nb_find_lb(const struct ovsdb_idl *idl, const char *lb_id)
{
    const struct tmrec_load_balancer *lb;

    TMREC_LOAD_BALANCER_FOR_EACH (lb, idl) {
        if (!strcmp(lb->lb_id, lb_id)) {
            return lb;
        }
    }
    return NULL;
}

/* Rows are found by iterating rather than by UUID lookup because the IDL's
 * UUID lookup also returns rows that the open transaction deleted. */
#define TM_NB_FIND_BY_UUID(TYPE, FOR_EACH, IDL, TEXT)                   \
    ({                                                                  \
        const struct TYPE *found_ = NULL, *row_;                        \
        struct uuid uuid_;                                              \
        if (uuid_from_string(&uuid_, TEXT)) {                           \
            FOR_EACH (row_, IDL) {                                      \
                if (uuid_equals(&row_->header_.uuid, &uuid_)) {         \
                    found_ = row_;                                      \
                    break;                                              \
                }                                                       \
            }                                                           \
        }                                                               \
        found_;                                                         \
    })

const struct tmrec_filter *
tm_nb_find_filter(const struct ovsdb_idl *idl, const char *uuid)
{
    return TM_NB_FIND_BY_UUID(tmrec_filter, TMREC_FILTER_FOR_EACH, idl,
                              uuid);
}

const struct tmrec_filter_rule *
tm_nb_find_rule(const struct ovsdb_idl *idl, const char *uuid)
{
    return TM_NB_FIND_BY_UUID(tmrec_filter_rule, TMREC_FILTER_RULE_FOR_EACH,
                              idl, uuid);
}

const struct tmrec_session *
tm_nb_find_session(const struct ovsdb_idl *idl, const char *uuid)
{
    return TM_NB_FIND_BY_UUID(tmrec_session, TMREC_SESSION_FOR_EACH, idl,
                              uuid);
}

static bool
tm_nb_rule_in(struct tmrec_filter_rule **rules, size_t n,
              const struct tmrec_filter_rule *rule)
{
    for (size_t i = 0; i < n; i++) {
        if (rules[i] == rule) {
            return true;
        }
    }
    return false;
}

const struct tmrec_filter *
tm_nb_rule_filter(const struct ovsdb_idl *idl,
                  const struct tmrec_filter_rule *rule)
{
    const struct tmrec_filter *filter;

    TMREC_FILTER_FOR_EACH (filter, idl) {
        if (tm_nb_rule_in(filter->ingress_rules, filter->n_ingress_rules,
                          rule)
            || tm_nb_rule_in(filter->egress_rules, filter->n_egress_rules,
                             rule)) {
            return filter;
        }
    }
    return NULL;
}

char *
tm_nb_now(void)
{
    return xastrftime_msec("%Y-%m-%dT%H:%M:%S.###Z", time_wall_msec(), true);
}

/* Filters. */

static void
tm_nb_filter_write(const struct tmrec_filter *row, const struct tm_filter *f)
{
    char *now = tm_nb_now();

    tmrec_filter_set_name(row, f->name ? f->name : "");
    tmrec_filter_set_description(row, f->description ? f->description : "");
    tmrec_filter_set_project_id(row, f->project_id ? f->project_id : "");
    tmrec_filter_set_updated_at(row, now);
    free(now);
}

const struct tmrec_filter *
tm_nb_filter_insert(struct ovsdb_idl_txn *txn, const struct tm_filter *f)
{
    const struct tmrec_filter *row = tmrec_filter_insert(txn);
    char *now = tm_nb_now();

    tm_nb_filter_write(row, f);
    tmrec_filter_set_created_at(row, now);
    free(now);
    return row;
}

void
tm_nb_filter_update(const struct tmrec_filter *row, const struct tm_filter *f)
{
    tm_nb_filter_write(row, f);
}

char *
tm_nb_filter_delete(const struct ovsdb_idl *idl,
                    const struct tmrec_filter *row)
{
    const struct tmrec_session *session;

    TMREC_SESSION_FOR_EACH (session, idl) {
        if (session->filter == row) {
            char *filter = tm_nb_uuid_text(&row->header_.uuid);
            char *s = tm_nb_uuid_text(&session->header_.uuid);
            char *error = xasprintf("traffic_mirror_filter \"%s\" is used by "
                                    "traffic_mirror_session \"%s\" (%s): "
                                    "delete the session or give it another "
                                    "filter first", filter, s,
                                    session->name);
            free(filter);
            free(s);
            return error;
        }
    }
    /* Its rules are not roots: they go with it. */
    tmrec_filter_delete(row);
    return NULL;
}

/* Rules. */

static void
tm_nb_set_optional(const struct tmrec_filter_rule *row,
                   void (*set)(const struct tmrec_filter_rule *,
                               const char *),
                   bool present, struct ds *s)
{
    set(row, present ? ds_cstr(s) : NULL);
    ds_clear(s);
}

static void
tm_nb_rule_write(const struct tmrec_filter_rule *row,
                 const struct tm_rule *rule)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *now = tm_nb_now();

    tmrec_filter_rule_set_priority(row, rule->priority);
    tmrec_filter_rule_set_protocol(row,
                                   tm_protocol_to_string(rule->protocol));
    tmrec_filter_rule_set_ethertype(row,
                                    tm_ethertype_to_string(rule->ethertype));
    tmrec_filter_rule_set_action(row, tm_action_to_string(rule->action));

    tm_cidr_format(&rule->src, &s);
    tm_nb_set_optional(row, tmrec_filter_rule_set_source_cidr_block,
                       rule->src.set, &s);
    tm_cidr_format(&rule->dst, &s);
    tm_nb_set_optional(row, tmrec_filter_rule_set_destination_cidr_block,
                       rule->dst.set, &s);
    tm_port_range_format(&rule->src_ports, &s);
    tm_nb_set_optional(row, tmrec_filter_rule_set_source_port_range,
                       rule->src_ports.set, &s);
    tm_port_range_format(&rule->dst_ports, &s);
    tm_nb_set_optional(row, tmrec_filter_rule_set_destination_port_range,
                       rule->dst_ports.set, &s);

    tmrec_filter_rule_set_description(row, rule->description
                                           ? rule->description : "");
    tmrec_filter_rule_set_updated_at(row, now);
    free(now);
    ds_destroy(&s);
}

/* Rewrites 'filter''s rule sets so that 'row' is in the one of
 * 'direction', or in neither if 'remove'.  Whole sets, not mutations: the
 * IDL shows a whole-set write in the open transaction, which the
 * post-write validation must see, and it does not show a mutation.  The
 * nb_cfg verification already serializes writers, so nothing is lost.
 *
 * The IDL can't show a set larger than the schema allows either, so the
 * per-direction quota is checked here, with validation's message. */
static char *
tm_nb_rule_place(const struct tmrec_filter *filter,
                 const struct tmrec_filter_rule *row,
                 enum tm_direction direction, bool remove)
{
    for (int d = 0; d < TM_N_DIRECTIONS; d++) {
        struct tmrec_filter_rule **old = (d == TM_INGRESS
                                          ? filter->ingress_rules
                                          : filter->egress_rules);
        size_t n_old = d == TM_INGRESS ? filter->n_ingress_rules
                                       : filter->n_egress_rules;
        struct tmrec_filter_rule **new = xmalloc((n_old + 1) * sizeof *new);
        size_t n = 0;

        for (size_t i = 0; i < n_old; i++) {
            if (old[i] != row) {
                new[n++] = old[i];
            }
        }
        if (!remove && d == direction) {
            if (n >= TM_QUOTA_RULES_PER_DIRECTION) {
                free(new);
                return xasprintf("traffic_mirror_filter \""UUID_FMT"\": "
                                 "%s: more than %d rules in this "
                                 "direction (quota %d)",
                                 UUID_ARGS(&filter->header_.uuid),
                                 d == TM_INGRESS ? "ingress_rules"
                                                 : "egress_rules",
                                 TM_QUOTA_RULES_PER_DIRECTION,
                                 TM_QUOTA_RULES_PER_DIRECTION);
            }
            new[n++] = CONST_CAST(struct tmrec_filter_rule *, row);
        }
        if (n != n_old || (!remove && d == direction)) {
            if (d == TM_INGRESS) {
                tmrec_filter_set_ingress_rules(filter, new, n);
            } else {
                tmrec_filter_set_egress_rules(filter, new, n);
            }
        }
        free(new);
    }
    return NULL;
}

char *
tm_nb_rule_insert(struct ovsdb_idl_txn *txn,
                  const struct tmrec_filter *filter,
                  const struct tm_rule *rule, uint32_t key,
                  const struct tmrec_filter_rule **rowp)
{
    if (!key) {
        return xstrdup("traffic_mirror_filter_rule: every cookie key "
                       "(1-16777215) is in use");
    }

    const struct tmrec_filter_rule *row = tmrec_filter_rule_insert(txn);
    char *now = tm_nb_now();

    tmrec_filter_rule_set_cookie_key(row, key);
    tmrec_filter_rule_set_created_at(row, now);
    free(now);
    tm_nb_rule_write(row, rule);
    tmrec_filter_set_updated_at(filter, row->updated_at);
    *rowp = row;
    return tm_nb_rule_place(filter, row, rule->direction, false);
}

char *
tm_nb_rule_update(const struct tmrec_filter *filter,
                  const struct tmrec_filter_rule *row,
                  const struct tm_rule *rule)
{
    tm_nb_rule_write(row, rule);
    tmrec_filter_set_updated_at(filter, row->updated_at);
    return tm_nb_rule_place(filter, row, rule->direction, false);
}

void
tm_nb_rule_delete(const struct tmrec_filter *filter,
                  const struct tmrec_filter_rule *row)
{
    char *now = tm_nb_now();

    /* Removing never goes over a quota. */
    free(tm_nb_rule_place(filter, row, TM_INGRESS, true));
    tmrec_filter_set_updated_at(filter, now);
    tmrec_filter_rule_delete(row);
    free(now);
}

/* Sessions. */

/* Sets every column of 'row' but the key and created_at from 's',
 * resolving the filter, target and sources it names. */
static char *
tm_nb_session_write(const struct ovsdb_idl *idl,
                    const struct tmrec_session *row,
                    const struct tm_session *s)
{
    const struct tmrec_filter *filter = tm_nb_find_filter(idl, s->filter_id
                                                          ? s->filter_id
                                                          : "");
    if (!filter) {
        return xasprintf("traffic_mirror_filter_id: no "
                         "traffic_mirror_filter \"%s\"",
                         s->filter_id ? s->filter_id : "");
    }

    const char *target_id = s->target_id ? s->target_id : "";
    const struct tmrec_port *target_port = NULL;
    const struct tmrec_load_balancer *target_lb = NULL;
    if (s->target_type == TM_TARGET_ENI) {
        target_port = tm_nb_find_port(idl, target_id);
        if (!target_port) {
            return xasprintf("traffic_mirror_target_id: no port \"%s\"",
                             target_id);
        }
    } else {
        target_lb = tm_nb_find_lb(idl, target_id);
        if (!target_lb) {
            return xasprintf("traffic_mirror_target_id: no loadbalancer "
                             "\"%s\"", target_id);
        }
    }

    /* The IDL can't show more than the schema's maximum (the quota's
     * upper limit), so validation would not see it: refuse it here. */
    if (s->n_sources > TM_QUOTA_SOURCES_PER_SESSION_MAX) {
        return xasprintf("traffic_mirror_sources: %"PRIuSIZE" sources "
                         "exceed the largest possible quota, %d",
                         s->n_sources, TM_QUOTA_SOURCES_PER_SESSION_MAX);
    }
    /* The column is a set, which would silently merge a port listed twice:
     * refuse it, as validation of a model file does. */
    for (size_t i = 0; i < s->n_sources; i++) {
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(s->sources[i], s->sources[j])) {
                return xasprintf("traffic_mirror_sources: port \"%s\" is "
                                 "listed more than once", s->sources[i]);
            }
        }
    }
    struct tmrec_port **sources = xmalloc(MAX(s->n_sources, 1)
                                          * sizeof *sources);
    for (size_t i = 0; i < s->n_sources; i++) {
        const struct tmrec_port *port = tm_nb_find_port(idl, s->sources[i]);
        if (!port) {
            free(sources);
            return xasprintf("traffic_mirror_sources: no port \"%s\"",
                             s->sources[i]);
        }
        sources[i] = CONST_CAST(struct tmrec_port *, port);
    }

    char *now = tm_nb_now();
    tmrec_session_set_name(row, s->name ? s->name : "");
    tmrec_session_set_description(row, s->description ? s->description
                                                      : "");
    tmrec_session_set_project_id(row, s->project_id ? s->project_id : "");
    tmrec_session_set_filter(row, filter);
    tmrec_session_set_sources(row, sources, s->n_sources);
    tmrec_session_set_target_type(row,
                                  tm_target_type_to_string(s->target_type));
    tmrec_session_set_target_port(row, target_port);
    tmrec_session_set_target_lb(row, target_lb);
    tmrec_session_set_virtual_network_id(row, s->vni);
    tmrec_session_set_packet_length(row, s->packet_length);
    tmrec_session_set_priority(row, s->priority);
    tmrec_session_set_enabled(row, s->enabled);
    tmrec_session_set_type(row, s->type ? s->type : "eni");
    tmrec_session_set_updated_at(row, now);
    free(now);
    free(sources);
    return NULL;
}

char *
tm_nb_session_insert(struct ovsdb_idl_txn *txn, const struct ovsdb_idl *idl,
                     const struct tm_session *s, uint32_t key,
                     const struct tmrec_session **rowp)
{
    if (!key) {
        return xstrdup("traffic_mirror_session: every cookie key "
                       "(1-16777215) is in use");
    }

    const struct tmrec_session *row = tmrec_session_insert(txn);
    char *error = tm_nb_session_write(idl, row, s);
    if (error) {
        return error;
    }
    tmrec_session_set_cookie_key(row, key);
    tmrec_session_set_created_at(row, row->updated_at);
    *rowp = row;
    return NULL;
}

char *
tm_nb_session_update(const struct ovsdb_idl *idl,
                     const struct tmrec_session *row,
                     const struct tm_session *s)
{
    return tm_nb_session_write(idl, row, s);
}

void
tm_nb_session_delete(const struct tmrec_session *row)
{
    tmrec_session_delete(row);
}

/* Ports and load balancers. */

static void
tm_nb_port_write(const struct tmrec_port *row, const struct tm_port *port)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char **ips = xmalloc(MAX(port->n_ips, 1) * sizeof *ips);

    tmrec_port_set_port_id(row, port->id);
    tmrec_port_set_name(row, port->name ? port->name : "");
    if (port->has_mac) {
        ds_put_format(&s, ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
        tmrec_port_set_mac(row, ds_cstr(&s));
    } else {
        tmrec_port_set_mac(row, NULL);
    }
    for (size_t i = 0; i < port->n_ips; i++) {
        ds_clear(&s);
        tm_ip_format(&port->ips[i], &s);
        ips[i] = ds_steal_cstr(&s);
    }
    tmrec_port_set_ips(row, (const char **) ips, port->n_ips);
    tmrec_port_set_mirror_supported(row, &port->mirror_supported, 1);

    for (size_t i = 0; i < port->n_ips; i++) {
        free(ips[i]);
    }
    free(ips);
    ds_destroy(&s);
}

const struct tmrec_port *
tm_nb_port_insert(struct ovsdb_idl_txn *txn, const struct tm_port *port)
{
    const struct tmrec_port *row = tmrec_port_insert(txn);
    tm_nb_port_write(row, port);
    return row;
}

void
tm_nb_port_update(const struct tmrec_port *row, const struct tm_port *port)
{
    tm_nb_port_write(row, port);
}

char *
tm_nb_port_delete(const struct ovsdb_idl *idl, const struct tmrec_port *row)
{
    const struct tmrec_session *session;

    TMREC_SESSION_FOR_EACH (session, idl) {
        bool used = session->target_port == row;
        for (size_t i = 0; !used && i < session->n_sources; i++) {
            used = session->sources[i] == row;
        }
        if (used) {
            char *s = tm_nb_uuid_text(&session->header_.uuid);
            char *error = xasprintf("port \"%s\" is the mirror %s of "
                                    "traffic_mirror_session \"%s\" (%s): "
                                    "remove it from the session first",
                                    row->port_id,
                                    session->target_port == row
                                    ? "target" : "source", s,
                                    session->name);
            free(s);
            return error;
        }
    }
    tmrec_port_delete(row);
    return NULL;
}

static void
tm_nb_lb_write(const struct tmrec_load_balancer *row, const struct tm_lb *lb)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    tmrec_load_balancer_set_lb_id(row, lb->id);
    tmrec_load_balancer_set_name(row, lb->name ? lb->name : "");
    if (lb->has_vip) {
        tm_ip_format(&lb->vip, &s);
        tmrec_load_balancer_set_vip(row, ds_cstr(&s));
    } else {
        tmrec_load_balancer_set_vip(row, NULL);
    }
    tmrec_load_balancer_set_udp_supported(row, &lb->udp_supported, 1);
    ds_destroy(&s);
}

const struct tmrec_load_balancer *
tm_nb_lb_insert(struct ovsdb_idl_txn *txn, const struct tm_lb *lb)
{
    const struct tmrec_load_balancer *row = tmrec_load_balancer_insert(txn);
    tm_nb_lb_write(row, lb);
    return row;
}

void
tm_nb_lb_update(const struct tmrec_load_balancer *row, const struct tm_lb *lb)
{
    tm_nb_lb_write(row, lb);
}

char *
tm_nb_lb_delete(const struct ovsdb_idl *idl,
                const struct tmrec_load_balancer *row)
{
    const struct tmrec_session *session;

    TMREC_SESSION_FOR_EACH (session, idl) {
        if (session->target_lb == row) {
            char *s = tm_nb_uuid_text(&session->header_.uuid);
            char *error = xasprintf("loadbalancer \"%s\" is the mirror "
                                    "target of traffic_mirror_session "
                                    "\"%s\" (%s): change the session's "
                                    "target first", row->lb_id, s,
                                    session->name);
            free(s);
            return error;
        }
    }
    tmrec_load_balancer_delete(row);
    return NULL;
}

void
tm_nb_set_sources_per_session(const struct ovsdb_idl *idl, uint32_t quota)
{
    /* tm_nb_write() has created the row if there was none. */
    const struct tmrec_tm_global *global = tmrec_tm_global_first(idl);
    int64_t value = quota;

    tmrec_tm_global_set_sources_per_session(global, &value, quota ? 1 : 0);
}
