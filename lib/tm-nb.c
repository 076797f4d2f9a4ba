/*
 * tmirror: the northbound database as a model (see tm-nb.h).
 */
#include <config.h>
#include "tm-nb.h"

#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "sset.h"
#include "svec.h"
#include "tm-flow.h"
#include "tm-model.h"
#include "tm-parse.h"
#include "tmirror-idl.h"
#include "util.h"
#include "uuid.h"

static char *
tm_nb_uuid(const struct uuid *uuid)
{
    return xasprintf(UUID_FMT, UUID_ARGS(uuid));
}

/* Prefixes a field parser's error with the row it came from. */
static char *
tm_nb_row_error(const char *table, const char *id, char *error)
{
    if (!error) {
        return NULL;
    }
    char *wrapped = xasprintf("database row %s \"%s\": %s", table, id,
                              error);
    free(error);
    return wrapped;
}

/* Keeps the first of several errors, freeing the others: the model is
 * read whole, so that a writer can still delete or fix a bad row. */
static void
tm_nb_keep_first(char **error, char *new_error)
{
    if (!*error) {
        *error = new_error;
    } else {
        free(new_error);
    }
}

/* Sorting.  Each comparison ends on the UUID so that the order is total. */

static int
tm_nb_compare_uuids(const struct ovsdb_idl_row *a,
                    const struct ovsdb_idl_row *b)
{
    return uuid_compare_3way(&a->uuid, &b->uuid);
}

static int
tm_nb_compare_ports(const void *a_, const void *b_)
{
    const struct tmrec_port *a = *(const struct tmrec_port **) a_;
    const struct tmrec_port *b = *(const struct tmrec_port **) b_;
    int cmp = strcmp(a->port_id, b->port_id);
    return cmp ? cmp : tm_nb_compare_uuids(&a->header_, &b->header_);
}

static int
tm_nb_compare_lbs(const void *a_, const void *b_)
{
    const struct tmrec_load_balancer *a
        = *(const struct tmrec_load_balancer **) a_;
    const struct tmrec_load_balancer *b
        = *(const struct tmrec_load_balancer **) b_;
    int cmp = strcmp(a->lb_id, b->lb_id);
    return cmp ? cmp : tm_nb_compare_uuids(&a->header_, &b->header_);
}

static int
tm_nb_compare_filters(const void *a_, const void *b_)
{
    const struct tmrec_filter *a = *(const struct tmrec_filter **) a_;
    const struct tmrec_filter *b = *(const struct tmrec_filter **) b_;
    int cmp = strcmp(a->created_at, b->created_at);
    return cmp ? cmp : tm_nb_compare_uuids(&a->header_, &b->header_);
}

static int
tm_nb_compare_rules(const void *a_, const void *b_)
{
    const struct tmrec_filter_rule *a
        = *(const struct tmrec_filter_rule **) a_;
    const struct tmrec_filter_rule *b
        = *(const struct tmrec_filter_rule **) b_;
    if (a->cookie_key != b->cookie_key) {
        return a->cookie_key < b->cookie_key ? -1 : 1;
    }
    return tm_nb_compare_uuids(&a->header_, &b->header_);
}

static int
tm_nb_compare_sessions(const void *a_, const void *b_)
{
    const struct tmrec_session *a = *(const struct tmrec_session **) a_;
    const struct tmrec_session *b = *(const struct tmrec_session **) b_;
    if (a->cookie_key != b->cookie_key) {
        return a->cookie_key < b->cookie_key ? -1 : 1;
    }
    return tm_nb_compare_uuids(&a->header_, &b->header_);
}

/* Collects the rows of one table into a sorted array.  'FIRST' and 'NEXT'
 * are the IDL's iterator functions. */
#define TM_NB_COLLECT(TYPE, IDL, FIRST, NEXT, COMPARE, N)               \
    ({                                                                  \
        size_t n_ = 0, allocated_ = 0;                                  \
        const struct TYPE **rows_ = NULL;                               \
        for (const struct TYPE *row_ = FIRST(IDL); row_;                \
             row_ = NEXT(row_)) {                                       \
            if (n_ >= allocated_) {                                     \
                rows_ = x2nrealloc(rows_, &allocated_, sizeof *rows_);  \
            }                                                           \
            rows_[n_++] = row_;                                         \
        }                                                               \
        if (n_ > 1) {                                                   \
            qsort(rows_, n_, sizeof *rows_, COMPARE);                   \
        }                                                               \
        *(N) = n_;                                                      \
        rows_;                                                          \
    })

static char *
tm_nb_read_port(const struct tmrec_port *row, struct tm_model *model)
{
    struct tm_port *port = tm_model_add_port(model, row->port_id);
    char *error = NULL;

    free(port->name);
    port->name = xstrdup(row->name);
    if (row->mac) {
        error = tm_parse_mac("mac", row->mac, &port->mac);
        port->has_mac = !error;
    }
    for (size_t i = 0; !error && i < row->n_ips; i++) {
        struct tm_ip ip;
        error = tm_parse_ip("ips", row->ips[i], &ip);
        if (!error) {
            tm_port_add_ip(port, &ip);
        }
    }
    port->mirror_supported = (!row->n_mirror_supported
                              || row->mirror_supported[0]);
    return tm_nb_row_error("Port", row->port_id, error);
}

static char *
tm_nb_read_lb(const struct tmrec_load_balancer *row, struct tm_model *model)
{
    struct tm_lb *lb = tm_model_add_lb(model, row->lb_id);
    char *error = NULL;

    free(lb->name);
    lb->name = xstrdup(row->name);
    if (row->vip) {
        error = tm_parse_ip("vip", row->vip, &lb->vip);
        lb->has_vip = !error;
    }
    lb->udp_supported = !row->n_udp_supported || row->udp_supported[0];
    return tm_nb_row_error("Load_Balancer", row->lb_id, error);
}

static char *
tm_nb_read_rule(const struct tmrec_filter_rule *row,
                enum tm_direction direction, struct tm_filter *filter)
{
    char *id = tm_nb_uuid(&row->header_.uuid);
    struct tm_rule *rule = tm_filter_add_rule(filter, id);
    char *error = NULL;

    rule->direction = direction;
    rule->priority = row->priority;
    rule->key = row->cookie_key;
    error = tm_parse_protocol("protocol", row->protocol, &rule->protocol);
    if (!error) {
        error = tm_parse_ethertype("ethertype", row->ethertype,
                                   &rule->ethertype);
    }
    if (!error) {
        error = tm_parse_action("action", row->action, &rule->action);
    }
    if (!error && row->source_cidr_block) {
        error = tm_parse_cidr("source_cidr_block", row->source_cidr_block,
                              &rule->src);
    }
    if (!error && row->destination_cidr_block) {
        error = tm_parse_cidr("destination_cidr_block",
                              row->destination_cidr_block, &rule->dst);
    }
    if (!error && row->source_port_range) {
        error = tm_parse_port_range("source_port_range",
                                    row->source_port_range,
                                    &rule->src_ports);
    }
    if (!error && row->destination_port_range) {
        error = tm_parse_port_range("destination_port_range",
                                    row->destination_port_range,
                                    &rule->dst_ports);
    }
    free(rule->description);
    rule->description = xstrdup(row->description);
    rule->created_at = xstrdup(row->created_at);
    rule->updated_at = xstrdup(row->updated_at);

    error = tm_nb_row_error("Filter_Rule", id, error);
    free(id);
    return error;
}

static char *
tm_nb_read_filter(const struct tmrec_filter *row, struct tm_model *model)
{
    char *id = tm_nb_uuid(&row->header_.uuid);
    struct tm_filter *filter = tm_model_add_filter(model, id);
    char *error = NULL;

    free(id);
    free(filter->name);
    filter->name = xstrdup(row->name);
    free(filter->description);
    filter->description = xstrdup(row->description);
    filter->project_id = xstrdup(row->project_id);
    filter->created_at = xstrdup(row->created_at);
    filter->updated_at = xstrdup(row->updated_at);

    for (int d = 0; d < TM_N_DIRECTIONS; d++) {
        struct tmrec_filter_rule **rules = (d == TM_INGRESS
                                            ? row->ingress_rules
                                            : row->egress_rules);
        size_t n = d == TM_INGRESS ? row->n_ingress_rules
                                   : row->n_egress_rules;
        const struct tmrec_filter_rule **sorted
            = xmalloc(MAX(n, 1) * sizeof *sorted);

        for (size_t i = 0; i < n; i++) {
            sorted[i] = rules[i];
        }

        qsort(sorted, n, sizeof *sorted, tm_nb_compare_rules);
        for (size_t i = 0; i < n; i++) {
            tm_nb_keep_first(&error, tm_nb_read_rule(sorted[i], d, filter));
        }
        free(sorted);
    }
    return error;
}

static void
tm_nb_read_session(const struct tmrec_session *row, struct tm_model *model)
{
    char *id = tm_nb_uuid(&row->header_.uuid);
    struct tm_session *s = tm_model_add_session(model, id);

    free(id);
    free(s->name);
    s->name = xstrdup(row->name);
    free(s->description);
    s->description = xstrdup(row->description);
    s->project_id = xstrdup(row->project_id);
    s->filter_id = (row->filter ? tm_nb_uuid(&row->filter->header_.uuid)
                    : xstrdup(""));
    /* The column is a set, in UUID order: list sources by port id. */
    struct svec sources = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < row->n_sources; i++) {
        svec_add(&sources, row->sources[i]->port_id);
    }
    svec_sort(&sources);
    for (size_t i = 0; i < sources.n; i++) {
        tm_session_add_source(s, sources.names[i]);
    }
    svec_destroy(&sources);
    s->target_type = (!strcmp(row->target_type, "elb") ? TM_TARGET_ELB
                      : TM_TARGET_ENI);
    if (s->target_type == TM_TARGET_ENI && row->target_port) {
        s->target_id = xstrdup(row->target_port->port_id);
    } else if (s->target_type == TM_TARGET_ELB && row->target_lb) {
        s->target_id = xstrdup(row->target_lb->lb_id);
    } else {
        s->target_id = xstrdup("");
    }
    s->vni = row->virtual_network_id;
    s->packet_length = row->packet_length;
    s->priority = row->priority;
    s->enabled = row->enabled;
    free(s->type);
    s->type = xstrdup(row->type);
    s->key = row->cookie_key;
    s->created_at = xstrdup(row->created_at);
    s->updated_at = xstrdup(row->updated_at);
}

char *
tm_nb_to_model(const struct ovsdb_idl *idl, struct tm_model *model)
{
    const struct tmrec_tm_global *global = tmrec_tm_global_first(idl);
    char *error = NULL;
    size_t n;

    if (global && global->n_sources_per_session) {
        model->quotas.sources_per_session = global->sources_per_session[0];
    }

    const struct tmrec_port **ports = TM_NB_COLLECT(
        tmrec_port, idl, tmrec_port_first, tmrec_port_next,
        tm_nb_compare_ports, &n);
    for (size_t i = 0; i < n; i++) {
        tm_nb_keep_first(&error, tm_nb_read_port(ports[i], model));
    }
    free(ports);

    const struct tmrec_load_balancer **lbs = TM_NB_COLLECT(
        tmrec_load_balancer, idl, tmrec_load_balancer_first,
        tmrec_load_balancer_next, tm_nb_compare_lbs, &n);
    for (size_t i = 0; i < n; i++) {
        tm_nb_keep_first(&error, tm_nb_read_lb(lbs[i], model));
    }
    free(lbs);

    const struct tmrec_filter **filters = TM_NB_COLLECT(
        tmrec_filter, idl, tmrec_filter_first, tmrec_filter_next,
        tm_nb_compare_filters, &n);
    for (size_t i = 0; i < n; i++) {
        tm_nb_keep_first(&error, tm_nb_read_filter(filters[i], model));
    }
    free(filters);

    const struct tmrec_session **sessions = TM_NB_COLLECT(
        tmrec_session, idl, tmrec_session_first, tmrec_session_next,
        tm_nb_compare_sessions, &n);
    for (size_t i = 0; i < n; i++) {
        tm_nb_read_session(sessions[i], model);
    }
    free(sessions);

    tm_nb_keep_first(&error, tm_model_index(model));
    return error;
}

static int
tm_nb_compare_int64s(const void *a_, const void *b_)
{
    int64_t a = *(const int64_t *) a_;
    int64_t b = *(const int64_t *) b_;
    return a < b ? -1 : a > b;
}

/* Picks the next key given the keys in use ('used', sorted ascending):
 * one past the largest while that fits, so that keys grow with creation
 * order, else the smallest gap. */
static uint32_t
tm_nb_next_key(int64_t *used, size_t n)
{
    if (!n) {
        return 1;
    }
    qsort(used, n, sizeof *used, tm_nb_compare_int64s);
    if (used[n - 1] < TM_KEY_MAX) {
        return used[n - 1] + 1;
    }
    int64_t want = 1;
    for (size_t i = 0; i < n && used[i] <= want; i++) {
        if (used[i] == want) {
            want++;
        }
    }
    return want <= TM_KEY_MAX ? want : 0;
}

uint32_t
tm_nb_next_rule_key(const struct ovsdb_idl *idl)
{
    const struct tmrec_filter_rule *rule;
    int64_t *used = NULL;
    size_t n = 0, allocated = 0;

    TMREC_FILTER_RULE_FOR_EACH (rule, idl) {
        if (n >= allocated) {
            used = x2nrealloc(used, &allocated, sizeof *used);
        }
        used[n++] = rule->cookie_key;
    }
    uint32_t key = tm_nb_next_key(used, n);
    free(used);
    return key;
}

uint32_t
tm_nb_next_session_key(const struct ovsdb_idl *idl)
{
    const struct tmrec_session *session;
    int64_t *used = NULL;
    size_t n = 0, allocated = 0;

    TMREC_SESSION_FOR_EACH (session, idl) {
        if (n >= allocated) {
            used = x2nrealloc(used, &allocated, sizeof *used);
        }
        used[n++] = session->cookie_key;
    }
    uint32_t key = tm_nb_next_key(used, n);
    free(used);
    return key;
}
