/*
 * tmirror: the traffic-mirroring model (see tm-model.h).
 */
#include <config.h>
#include "tm-model.h"

#include <string.h>
#include "util.h"

/* Grows the array '*items' (of pointers) to hold one more element. */
#define TM_APPEND(ITEMS, N, ALLOCATED, ITEM)                            \
    do {                                                                \
        if ((N) >= (ALLOCATED)) {                                       \
            (ITEMS) = x2nrealloc((ITEMS), &(ALLOCATED), sizeof *(ITEMS)); \
        }                                                               \
        (ITEMS)[(N)++] = (ITEM);                                        \
    } while (0)

void
tm_model_init(struct tm_model *model)
{
    memset(model, 0, sizeof *model);
    model->quotas.sources_per_session = TM_QUOTA_SOURCES_PER_SESSION_DEFAULT;
    shash_init(&model->filter_index);
    shash_init(&model->session_index);
    shash_init(&model->port_index);
    shash_init(&model->lb_index);
    shash_init(&model->rule_index);
}

static void
tm_rule_destroy(struct tm_rule *rule)
{
    free(rule->id);
    free(rule->filter_id);
    free(rule->description);
    free(rule->created_at);
    free(rule->updated_at);
    free(rule);
}

static void
tm_filter_destroy(struct tm_filter *filter)
{
    for (size_t i = 0; i < filter->n_rules; i++) {
        tm_rule_destroy(filter->rules[i]);
    }
    free(filter->rules);
    free(filter->id);
    free(filter->project_id);
    free(filter->name);
    free(filter->description);
    free(filter->created_at);
    free(filter->updated_at);
    free(filter);
}

static void
tm_session_destroy(struct tm_session *session)
{
    for (size_t i = 0; i < session->n_sources; i++) {
        free(session->sources[i]);
    }
    free(session->sources);
    free(session->id);
    free(session->project_id);
    free(session->name);
    free(session->description);
    free(session->filter_id);
    free(session->target_id);
    free(session->type);
    free(session->created_at);
    free(session->updated_at);
    free(session);
}

void
tm_model_destroy(struct tm_model *model)
{
    if (!model) {
        return;
    }
    for (size_t i = 0; i < model->n_filters; i++) {
        tm_filter_destroy(model->filters[i]);
    }
    for (size_t i = 0; i < model->n_sessions; i++) {
        tm_session_destroy(model->sessions[i]);
    }
    for (size_t i = 0; i < model->n_ports; i++) {
        struct tm_port *port = model->ports[i];
        free(port->id);
        free(port->name);
        free(port->ips);
        free(port);
    }
    for (size_t i = 0; i < model->n_lbs; i++) {
        struct tm_lb *lb = model->lbs[i];
        free(lb->id);
        free(lb->name);
        free(lb);
    }
    free(model->filters);
    free(model->sessions);
    free(model->ports);
    free(model->lbs);
    shash_destroy(&model->filter_index);
    shash_destroy(&model->session_index);
    shash_destroy(&model->port_index);
    shash_destroy(&model->lb_index);
    shash_destroy(&model->rule_index);
}

struct tm_filter *
tm_model_add_filter(struct tm_model *model, const char *id)
{
    struct tm_filter *filter = xzalloc(sizeof *filter);
    filter->id = xstrdup(id);
    filter->name = xstrdup("");
    filter->description = xstrdup("");
    TM_APPEND(model->filters, model->n_filters, model->allocated_filters,
              filter);
    return filter;
}

struct tm_rule *
tm_filter_add_rule(struct tm_filter *filter, const char *id)
{
    struct tm_rule *rule = xzalloc(sizeof *rule);
    rule->id = xstrdup(id);
    rule->filter_id = xstrdup(filter->id);
    rule->direction = TM_INGRESS;
    rule->priority = TM_RULE_PRIORITY_MIN;
    rule->protocol = TM_PROTO_ALL;
    rule->ethertype = TM_ETH_IPV4;
    rule->action = TM_ACCEPT;
    rule->description = xstrdup("");
    TM_APPEND(filter->rules, filter->n_rules, filter->allocated_rules, rule);
    return rule;
}

struct tm_session *
tm_model_add_session(struct tm_model *model, const char *id)
{
    struct tm_session *session = xzalloc(sizeof *session);
    session->id = xstrdup(id);
    session->name = xstrdup("");
    session->description = xstrdup("");
    session->target_type = TM_TARGET_ENI;
    session->vni = TM_VNI_DEFAULT;
    session->packet_length = TM_PACKET_LENGTH_DEFAULT;
    session->priority = TM_SESSION_PRIORITY_MIN;
    session->enabled = false;
    session->type = xstrdup("eni");
    TM_APPEND(model->sessions, model->n_sessions, model->allocated_sessions,
              session);
    return session;
}

struct tm_port *
tm_model_add_port(struct tm_model *model, const char *id)
{
    struct tm_port *port = xzalloc(sizeof *port);
    port->id = xstrdup(id);
    port->name = xstrdup("");
    port->mirror_supported = true;
    TM_APPEND(model->ports, model->n_ports, model->allocated_ports, port);
    return port;
}

struct tm_lb *
tm_model_add_lb(struct tm_model *model, const char *id)
{
    struct tm_lb *lb = xzalloc(sizeof *lb);
    lb->id = xstrdup(id);
    lb->name = xstrdup("");
    lb->udp_supported = true;
    TM_APPEND(model->lbs, model->n_lbs, model->allocated_lbs, lb);
    return lb;
}

void
tm_session_add_source(struct tm_session *session, const char *port_id)
{
    TM_APPEND(session->sources, session->n_sources,
              session->allocated_sources, xstrdup(port_id));
}

void
tm_port_add_ip(struct tm_port *port, const struct tm_ip *ip)
{
    port->ips = xrealloc(port->ips, (port->n_ips + 1) * sizeof *port->ips);
    port->ips[port->n_ips++] = *ip;
}

/* Adds 'object' to 'index' under 'id', or returns an error naming the
 * duplicate. */
static char *
tm_index_add(struct shash *index, const char *kind, const char *id,
             void *object)
{
    if (!shash_add_once(index, id, object)) {
        return xasprintf("%s id \"%s\" is used more than once", kind, id);
    }
    return NULL;
}

char *
tm_model_index(struct tm_model *model)
{
    uint32_t max_session_key = 0, max_rule_key = 0;
    char *error = NULL;

    shash_clear(&model->filter_index);
    shash_clear(&model->session_index);
    shash_clear(&model->port_index);
    shash_clear(&model->lb_index);
    shash_clear(&model->rule_index);

    for (size_t i = 0; !error && i < model->n_filters; i++) {
        struct tm_filter *filter = model->filters[i];
        error = tm_index_add(&model->filter_index, "traffic_mirror_filter",
                             filter->id, filter);
        for (size_t j = 0; !error && j < filter->n_rules; j++) {
            struct tm_rule *rule = filter->rules[j];
            error = tm_index_add(&model->rule_index,
                                 "traffic_mirror_filter_rule", rule->id,
                                 rule);
            max_rule_key = MAX(max_rule_key, rule->key);
        }
    }
    for (size_t i = 0; !error && i < model->n_sessions; i++) {
        struct tm_session *session = model->sessions[i];
        error = tm_index_add(&model->session_index, "traffic_mirror_session",
                             session->id, session);
        max_session_key = MAX(max_session_key, session->key);
    }
    for (size_t i = 0; !error && i < model->n_ports; i++) {
        error = tm_index_add(&model->port_index, "port",
                             model->ports[i]->id, model->ports[i]);
    }
    for (size_t i = 0; !error && i < model->n_lbs; i++) {
        error = tm_index_add(&model->lb_index, "loadbalancer",
                             model->lbs[i]->id, model->lbs[i]);
    }
    if (error) {
        return error;
    }

    /* Objects without a cookie key get the next free ones, in input order,
     * so that a model file always compiles to the same cookies. */
    for (size_t i = 0; i < model->n_filters; i++) {
        struct tm_filter *filter = model->filters[i];
        for (size_t j = 0; j < filter->n_rules; j++) {
            struct tm_rule *rule = filter->rules[j];
            if (strcmp(rule->filter_id, filter->id)) {
                free(rule->filter_id);
                rule->filter_id = xstrdup(filter->id);
            }
            if (!rule->key) {
                rule->key = ++max_rule_key;
            }
        }
    }
    for (size_t i = 0; i < model->n_sessions; i++) {
        if (!model->sessions[i]->key) {
            model->sessions[i]->key = ++max_session_key;
        }
    }
    return NULL;
}

struct tm_filter *
tm_model_find_filter(const struct tm_model *model, const char *id)
{
    return shash_find_data(&model->filter_index, id);
}

struct tm_session *
tm_model_find_session(const struct tm_model *model, const char *id)
{
    return shash_find_data(&model->session_index, id);
}

struct tm_port *
tm_model_find_port(const struct tm_model *model, const char *id)
{
    return shash_find_data(&model->port_index, id);
}

struct tm_lb *
tm_model_find_lb(const struct tm_model *model, const char *id)
{
    return shash_find_data(&model->lb_index, id);
}

struct tm_rule *
tm_model_find_rule(const struct tm_model *model, const char *id)
{
    return shash_find_data(&model->rule_index, id);
}

const struct tm_ip *
tm_port_find_ip(const struct tm_port *port, int family)
{
    for (size_t i = 0; i < port->n_ips; i++) {
        if (port->ips[i].family == family) {
            return &port->ips[i];
        }
    }
    return NULL;
}

const char *
tm_direction_to_string(enum tm_direction direction)
{
    return direction == TM_INGRESS ? "ingress" : "egress";
}

const char *
tm_protocol_to_string(enum tm_protocol protocol)
{
    switch (protocol) {
    case TM_PROTO_ALL: return "all";
    case TM_PROTO_TCP: return "tcp";
    case TM_PROTO_UDP: return "udp";
    case TM_PROTO_ICMP: return "icmp";
    case TM_PROTO_ICMPV6: return "icmpv6";
    }
    OVS_NOT_REACHED();
}

const char *
tm_ethertype_to_string(enum tm_ethertype ethertype)
{
    return ethertype == TM_ETH_IPV4 ? "IPv4" : "IPv6";
}

const char *
tm_action_to_string(enum tm_action action)
{
    return action == TM_ACCEPT ? "accept" : "reject";
}

const char *
tm_target_type_to_string(enum tm_target_type type)
{
    return type == TM_TARGET_ENI ? "eni" : "elb";
}
