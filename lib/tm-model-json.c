/*
 * tmirror: the JSON model file (see tm-model-json.h).
 */
#include <config.h>
#include "tm-model-json.h"

#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "tm-json.h"
#include "tm-parse.h"
#include "util.h"

/* Reads a string member and hands it to 'parse' (one of tm-parse.h's
 * parsers, through a small adapter).  An empty string counts as absent
 * for the optional match fields, as the API's clients send it. */
typedef char *tm_field_parser(const char *field, const char *s, void *out);

static char *
tm_get_parsed(const struct json *object, const char *path, const char *name,
              bool required, bool empty_is_absent, tm_field_parser *parse,
              void *out)
{
    const struct json *value = tm_json_member(object, name);

    if (value && value->type == JSON_STRING && empty_is_absent
        && !json_string(value)[0]) {
        value = NULL;
    }
    if (!value) {
        return required ? tm_json_missing(path, name) : NULL;
    }
    if (value->type != JSON_STRING) {
        return tm_json_wrong_type(path, name, "a string", value);
    }

    char *field = tm_json_path(path, name);
    char *error = parse(field, json_string(value), out);
    free(field);
    return error;
}

/* Adapters from the typed parsers to tm_field_parser. */
#define TM_ADAPTER(NAME, TYPE)                                          \
    static char *                                                       \
    NAME##_adapter(const char *field, const char *s, void *out)         \
    {                                                                   \
        return NAME(field, s, (TYPE *) out);                            \
    }
TM_ADAPTER(tm_parse_cidr, struct tm_cidr)
TM_ADAPTER(tm_parse_ip, struct tm_ip)
TM_ADAPTER(tm_parse_port_range, struct tm_port_range)
TM_ADAPTER(tm_parse_protocol, enum tm_protocol)
TM_ADAPTER(tm_parse_ethertype, enum tm_ethertype)
TM_ADAPTER(tm_parse_action, enum tm_action)
TM_ADAPTER(tm_parse_direction, enum tm_direction)
TM_ADAPTER(tm_parse_target_type, enum tm_target_type)
TM_ADAPTER(tm_parse_mac, struct eth_addr)

/* Names are optional: "" means unnamed, as tm_model_validate() agrees. */
static char *
tm_check_optional_name(const char *field, const char *s)
{
    return s[0] ? tm_check_name(field, s) : NULL;
}

char *
tm_rule_from_json(const struct json *json, const char *path,
                  struct tm_rule *rule)
{
    static const char *const members[] = {
        "id", "traffic_mirror_filter_id", "direction", "priority",
        "protocol", "ethertype", "source_cidr_block",
        "destination_cidr_block", "source_port_range",
        "destination_port_range", "action", "description", "created_at",
        "updated_at", NULL,
    };
    char *error;

    error = tm_json_expect_object(json, path);
    if (!error) {
        error = tm_json_check_members(json, path, members);
    }
#define TRY(EXPR) if (!error) { error = (EXPR); }
    TRY(tm_json_get_string(json, path, "id", false, tm_check_id, &rule->id));
    TRY(tm_json_get_string(json, path, "traffic_mirror_filter_id", false,
                           tm_check_id, &rule->filter_id));
    TRY(tm_get_parsed(json, path, "direction", false, false,
                      tm_parse_direction_adapter, &rule->direction));
    TRY(tm_json_get_uint(json, path, "priority", true, TM_RULE_PRIORITY_MIN,
                         TM_RULE_PRIORITY_MAX, &rule->priority));
    TRY(tm_get_parsed(json, path, "protocol", false, false,
                      tm_parse_protocol_adapter, &rule->protocol));
    TRY(tm_get_parsed(json, path, "ethertype", false, false,
                      tm_parse_ethertype_adapter, &rule->ethertype));
    TRY(tm_get_parsed(json, path, "source_cidr_block", false, true,
                      tm_parse_cidr_adapter, &rule->src));
    TRY(tm_get_parsed(json, path, "destination_cidr_block", false, true,
                      tm_parse_cidr_adapter, &rule->dst));
    TRY(tm_get_parsed(json, path, "source_port_range", false, true,
                      tm_parse_port_range_adapter, &rule->src_ports));
    TRY(tm_get_parsed(json, path, "destination_port_range", false, true,
                      tm_parse_port_range_adapter, &rule->dst_ports));
    TRY(tm_get_parsed(json, path, "action", true, false,
                      tm_parse_action_adapter, &rule->action));
    TRY(tm_json_get_string(json, path, "description", false,
                           tm_check_description, &rule->description));
    TRY(tm_json_get_string(json, path, "created_at", false,
                           tm_check_free_text,
                           &rule->created_at));
    TRY(tm_json_get_string(json, path, "updated_at", false,
                           tm_check_free_text,
                           &rule->updated_at));
    return error;
}

/* The start of every object reader: 'json' must be an object with only
 * 'members' and a valid "id", which goes into '*id' (malloc'd). */
static char *
tm_read_object_head(const struct json *json, const char *path,
                    const char *const members[], char **id)
{
    char *error = tm_json_expect_object(json, path);

    if (!error) {
        error = tm_json_check_members(json, path, members);
    }
    if (!error) {
        error = tm_json_get_string(json, path, "id", true, tm_check_id, id);
    }
    return error;
}

static char *
tm_filter_from_json(const struct json *json, const char *path,
                    struct tm_model *model)
{
    static const char *const members[] = {
        "id", "project_id", "name", "description", "created_at",
        "updated_at", "ingress_rules", "egress_rules", NULL,
    };
    char *id = NULL;
    char *error;

    error = tm_read_object_head(json, path, members, &id);
    if (error) {
        return error;
    }

    struct tm_filter *filter = tm_model_add_filter(model, id);
    free(id);
    TRY(tm_json_get_string(json, path, "project_id", false,
                           tm_check_project_id,
                           &filter->project_id));
    TRY(tm_json_get_string(json, path, "name", false, tm_check_optional_name,
                           &filter->name));
    TRY(tm_json_get_string(json, path, "description", false,
                           tm_check_description, &filter->description));
    TRY(tm_json_get_string(json, path, "created_at", false,
                           tm_check_free_text,
                           &filter->created_at));
    TRY(tm_json_get_string(json, path, "updated_at", false,
                           tm_check_free_text,
                           &filter->updated_at));

    for (int d = 0; !error && d < TM_N_DIRECTIONS; d++) {
        const char *list = d == TM_INGRESS ? "ingress_rules" : "egress_rules";
        const struct json_array *rules;

        error = tm_json_get_array(json, path, list, &rules);
        for (size_t i = 0; !error && rules && i < rules->n; i++) {
            char *rule_path = xasprintf("%s.%s[%"PRIuSIZE"]", path, list, i);
            const struct json *rj = rules->elems[i];
            char *rule_id = NULL;

            error = tm_json_expect_object(rj, rule_path);
            TRY(tm_json_get_string(rj, rule_path, "id", true, tm_check_id,
                                   &rule_id));
            if (!error) {
                struct tm_rule *rule = tm_filter_add_rule(filter, rule_id);
                rule->direction = d;
                error = tm_rule_from_json(rj, rule_path, rule);
                if (!error && rule->direction != d) {
                    error = xasprintf("%s.direction: \"%s\" does not match "
                                      "the list the rule is in (%s)",
                                      rule_path,
                                      tm_direction_to_string(rule->direction),
                                      list);
                }
                if (!error && strcmp(rule->filter_id, filter->id)) {
                    error = xasprintf("%s.traffic_mirror_filter_id: \"%s\" "
                                      "is not the enclosing filter \"%s\"",
                                      rule_path, rule->filter_id,
                                      filter->id);
                }
            }
            free(rule_id);
            free(rule_path);
        }
    }
    return error;
}

static char *
tm_session_from_json(const struct json *json, const char *path,
                     struct tm_model *model)
{
    static const char *const members[] = {
        "id", "project_id", "name", "description",
        "traffic_mirror_filter_id", "traffic_mirror_sources",
        "traffic_mirror_target_id", "traffic_mirror_target_type",
        "virtual_network_id", "packet_length", "priority", "enabled", "type",
        "created_at", "updated_at", NULL,
    };
    const struct json_array *sources;
    char *id = NULL;
    char *error;

    error = tm_read_object_head(json, path, members, &id);
    if (error) {
        return error;
    }

    struct tm_session *s = tm_model_add_session(model, id);
    free(id);
    TRY(tm_json_get_string(json, path, "project_id", false,
                           tm_check_project_id,
                           &s->project_id));
    TRY(tm_json_get_string(json, path, "name", false,
                           tm_check_optional_name, &s->name));
    TRY(tm_json_get_string(json, path, "description", false,
                           tm_check_description, &s->description));
    TRY(tm_json_get_string(json, path, "traffic_mirror_filter_id", true,
                           tm_check_id, &s->filter_id));
    TRY(tm_json_get_string(json, path, "traffic_mirror_target_id", true,
                           tm_check_id, &s->target_id));
    TRY(tm_get_parsed(json, path, "traffic_mirror_target_type", true, false,
                      tm_parse_target_type_adapter, &s->target_type));
    TRY(tm_json_get_uint(json, path, "virtual_network_id", false, 0,
                         TM_VNI_MAX,
                         &s->vni));
    TRY(tm_json_get_uint(json, path, "packet_length", false,
                         TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX,
                         &s->packet_length));
    TRY(tm_json_get_uint(json, path, "priority", true, TM_SESSION_PRIORITY_MIN,
                         TM_SESSION_PRIORITY_MAX, &s->priority));
    TRY(tm_json_get_bool(json, path, "enabled", &s->enabled));
    TRY(tm_json_get_string(json, path, "type", false, tm_check_free_text,
                           &s->type));
    TRY(tm_json_get_string(json, path, "created_at", false,
                           tm_check_free_text,
                           &s->created_at));
    TRY(tm_json_get_string(json, path, "updated_at", false,
                           tm_check_free_text,
                           &s->updated_at));
    TRY(tm_json_get_array(json, path, "traffic_mirror_sources", &sources));
    for (size_t i = 0; !error && sources && i < sources->n; i++) {
        const struct json *source = sources->elems[i];
        char *field = xasprintf("%s.traffic_mirror_sources[%"PRIuSIZE"]",
                                path, i);
        if (source->type != JSON_STRING) {
            error = xasprintf("%s: must be a string, not %s", field,
                              json_type_to_string(source->type));
        } else {
            error = tm_check_id(field, json_string(source));
            if (!error) {
                tm_session_add_source(s, json_string(source));
            }
        }
        free(field);
    }
    return error;
}

static char *
tm_port_from_json(const struct json *json, const char *path,
                  struct tm_model *model)
{
    static const char *const members[] = {
        "id", "name", "mac_address", "fixed_ips",
        "traffic_mirroring_supported", NULL,
    };
    static const char *const ip_members[] = {
        "ip_address", "subnet_id", NULL,
    };
    const struct json_array *ips;
    char *id = NULL;
    char *error;

    error = tm_read_object_head(json, path, members, &id);
    if (error) {
        return error;
    }

    struct tm_port *port = tm_model_add_port(model, id);
    free(id);
    TRY(tm_json_get_string(json, path, "name", false,
                           tm_check_optional_name, &port->name));
    if (!error && tm_json_member(json, "mac_address")) {
        error = tm_get_parsed(json, path, "mac_address", true, false,
                              tm_parse_mac_adapter, &port->mac);
        port->has_mac = !error;
    }
    TRY(tm_json_get_bool(json, path, "traffic_mirroring_supported",
                         &port->mirror_supported));
    TRY(tm_json_get_array(json, path, "fixed_ips", &ips));
    for (size_t i = 0; !error && ips && i < ips->n; i++) {
        char *ip_path = xasprintf("%s.fixed_ips[%"PRIuSIZE"]", path, i);
        struct tm_ip ip;

        error = tm_json_expect_object(ips->elems[i], ip_path);
        TRY(tm_json_check_members(ips->elems[i], ip_path, ip_members));
        TRY(tm_get_parsed(ips->elems[i], ip_path, "ip_address", true, false,
                          tm_parse_ip_adapter, &ip));
        if (!error) {
            tm_port_add_ip(port, &ip);
        }
        free(ip_path);
    }
    return error;
}

static char *
tm_lb_from_json(const struct json *json, const char *path,
                struct tm_model *model)
{
    static const char *const members[] = {
        "id", "name", "vip_address", "udp_supported", NULL,
    };
    char *id = NULL;
    char *error;

    error = tm_read_object_head(json, path, members, &id);
    if (error) {
        return error;
    }

    struct tm_lb *lb = tm_model_add_lb(model, id);
    free(id);
    TRY(tm_json_get_string(json, path, "name", false,
                           tm_check_optional_name, &lb->name));
    if (!error && tm_json_member(json, "vip_address")) {
        error = tm_get_parsed(json, path, "vip_address", true, false,
                              tm_parse_ip_adapter, &lb->vip);
        lb->has_vip = !error;
    }
    TRY(tm_json_get_bool(json, path, "udp_supported", &lb->udp_supported));
    return error;
}

/* Reads the array member 'name' of the model, calling 'parse' on each
 * element with its JSON path. */
static char *
tm_read_list(const struct json *json, const char *name,
             char *(*parse)(const struct json *, const char *,
                            struct tm_model *),
             struct tm_model *model)
{
    const struct json_array *list;
    char *error = tm_json_get_array(json, "", name, &list);

    for (size_t i = 0; !error && list && i < list->n; i++) {
        char *path = xasprintf("%s[%"PRIuSIZE"]", name, i);
        error = parse(list->elems[i], path, model);
        free(path);
    }
    return error;
}

char *
tm_model_from_json(const struct json *json, struct tm_model *model)
{
    static const char *const members[] = {
        "quotas", "ports", "loadbalancers", "traffic_mirror_filters",
        "traffic_mirror_sessions", NULL,
    };
    static const char *const quota_members[] = {
        "sources_per_session", NULL,
    };
    char *error;

    error = tm_json_expect_object(json, "");
    TRY(tm_json_check_members(json, "", members));
    if (!error && tm_json_member(json, "quotas")) {
        const struct json *quotas = tm_json_member(json, "quotas");
        error = tm_json_expect_object(quotas, "quotas");
        TRY(tm_json_check_members(quotas, "quotas", quota_members));
        TRY(tm_json_get_uint(quotas, "quotas", "sources_per_session", false, 1,
                             TM_QUOTA_SOURCES_PER_SESSION_MAX,
                             &model->quotas.sources_per_session));
    }
    TRY(tm_read_list(json, "ports", tm_port_from_json, model));
    TRY(tm_read_list(json, "loadbalancers", tm_lb_from_json, model));
    TRY(tm_read_list(json, "traffic_mirror_filters", tm_filter_from_json,
                     model));
    TRY(tm_read_list(json, "traffic_mirror_sessions", tm_session_from_json,
                     model));
    TRY(tm_model_index(model));
    return error;
}
#undef TRY

/* Loads 'json', a parse result, into 'model', and destroys it. */
static char *
tm_model_from_parsed(char *error, struct json *json, struct tm_model *model)
{
    if (!error) {
        error = tm_model_from_json(json, model);
        json_destroy(json);
    }
    return error;
}

char *
tm_model_from_string(const char *s, struct tm_model *model)
{
    struct json *json;
    char *error = tm_json_parse_string(s, "model", &json);
    return tm_model_from_parsed(error, json, model);
}

char *
tm_model_from_file(const char *file_name, struct tm_model *model)
{
    struct json *json;
    char *error = tm_json_parse_file(file_name, &json);
    return tm_model_from_parsed(error, json, model);
}

/* Output. */

static void
tm_put_string(struct json *object, const char *name, const char *value)
{
    if (value) {
        json_object_put_string(object, name, value);
    }
}

static void
tm_put_formatted(struct json *object, const char *name, struct ds *s)
{
    json_object_put(object, name, json_string_create(ds_cstr(s)));
    ds_clear(s);
}

struct json *
tm_rule_to_json(const struct tm_rule *rule)
{
    struct json *json = json_object_create();
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_put_string(json, "id", rule->id);
    tm_put_string(json, "traffic_mirror_filter_id", rule->filter_id);
    tm_put_string(json, "direction", tm_direction_to_string(rule->direction));
    json_object_put(json, "priority", json_integer_create(rule->priority));
    tm_put_string(json, "protocol", tm_protocol_to_string(rule->protocol));
    tm_put_string(json, "ethertype",
                  tm_ethertype_to_string(rule->ethertype));
    if (rule->src.set) {
        tm_cidr_format(&rule->src, &s);
        tm_put_formatted(json, "source_cidr_block", &s);
    }
    if (rule->dst.set) {
        tm_cidr_format(&rule->dst, &s);
        tm_put_formatted(json, "destination_cidr_block", &s);
    }
    if (rule->src_ports.set) {
        tm_port_range_format(&rule->src_ports, &s);
        tm_put_formatted(json, "source_port_range", &s);
    }
    if (rule->dst_ports.set) {
        tm_port_range_format(&rule->dst_ports, &s);
        tm_put_formatted(json, "destination_port_range", &s);
    }
    tm_put_string(json, "action", tm_action_to_string(rule->action));
    tm_put_string(json, "description", rule->description);
    tm_put_string(json, "created_at", rule->created_at);
    tm_put_string(json, "updated_at", rule->updated_at);
    ds_destroy(&s);
    return json;
}

struct json *
tm_filter_to_json(const struct tm_filter *filter)
{
    struct json *json = json_object_create();

    tm_put_string(json, "id", filter->id);
    tm_put_string(json, "project_id", filter->project_id);
    tm_put_string(json, "name", filter->name);
    tm_put_string(json, "description", filter->description);
    for (int d = 0; d < TM_N_DIRECTIONS; d++) {
        struct json *rules = json_array_create_empty();
        for (size_t i = 0; i < filter->n_rules; i++) {
            if (filter->rules[i]->direction == d) {
                json_array_add(rules, tm_rule_to_json(filter->rules[i]));
            }
        }
        json_object_put(json, d == TM_INGRESS ? "ingress_rules"
                                              : "egress_rules", rules);
    }
    tm_put_string(json, "created_at", filter->created_at);
    tm_put_string(json, "updated_at", filter->updated_at);
    return json;
}

struct json *
tm_session_to_json(const struct tm_session *s)
{
    struct json *json = json_object_create();
    struct json *sources = json_array_create_empty();

    tm_put_string(json, "id", s->id);
    tm_put_string(json, "project_id", s->project_id);
    tm_put_string(json, "name", s->name);
    tm_put_string(json, "description", s->description);
    tm_put_string(json, "traffic_mirror_filter_id", s->filter_id);
    for (size_t i = 0; i < s->n_sources; i++) {
        json_array_add(sources, json_string_create(s->sources[i]));
    }
    json_object_put(json, "traffic_mirror_sources", sources);
    tm_put_string(json, "traffic_mirror_target_id", s->target_id);
    tm_put_string(json, "traffic_mirror_target_type",
                  tm_target_type_to_string(s->target_type));
    json_object_put(json, "virtual_network_id", json_integer_create(s->vni));
    json_object_put(json, "packet_length",
                    json_integer_create(s->packet_length));
    json_object_put(json, "priority", json_integer_create(s->priority));
    json_object_put(json, "enabled", json_boolean_create(s->enabled));
    tm_put_string(json, "type", s->type);
    tm_put_string(json, "created_at", s->created_at);
    tm_put_string(json, "updated_at", s->updated_at);
    return json;
}

struct json *
tm_port_to_json(const struct tm_port *port)
{
    struct json *json = json_object_create();
    struct json *ips = json_array_create_empty();
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_put_string(json, "id", port->id);
    tm_put_string(json, "name", port->name);
    if (port->has_mac) {
        ds_put_format(&s, ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
        tm_put_formatted(json, "mac_address", &s);
    }
    for (size_t i = 0; i < port->n_ips; i++) {
        struct json *ip = json_object_create();
        tm_ip_format(&port->ips[i], &s);
        tm_put_formatted(ip, "ip_address", &s);
        json_array_add(ips, ip);
    }
    json_object_put(json, "fixed_ips", ips);
    json_object_put(json, "traffic_mirroring_supported",
                    json_boolean_create(port->mirror_supported));
    ds_destroy(&s);
    return json;
}

struct json *
tm_lb_to_json(const struct tm_lb *lb)
{
    struct json *json = json_object_create();
    struct ds s = DS_EMPTY_INITIALIZER;

    tm_put_string(json, "id", lb->id);
    tm_put_string(json, "name", lb->name);
    if (lb->has_vip) {
        tm_ip_format(&lb->vip, &s);
        tm_put_formatted(json, "vip_address", &s);
    }
    json_object_put(json, "udp_supported",
                    json_boolean_create(lb->udp_supported));
    ds_destroy(&s);
    return json;
}

struct json *
tm_model_to_json(const struct tm_model *model)
{
    struct json *json = json_object_create();
    struct json *quotas = json_object_create();
    struct json *list;

    json_object_put(quotas, "sources_per_session",
                    json_integer_create(model->quotas.sources_per_session));
    json_object_put(json, "quotas", quotas);

    list = json_array_create_empty();
    for (size_t i = 0; i < model->n_ports; i++) {
        json_array_add(list, tm_port_to_json(model->ports[i]));
    }
    json_object_put(json, "ports", list);

    list = json_array_create_empty();
    for (size_t i = 0; i < model->n_lbs; i++) {
        json_array_add(list, tm_lb_to_json(model->lbs[i]));
    }
    json_object_put(json, "loadbalancers", list);

    list = json_array_create_empty();
    for (size_t i = 0; i < model->n_filters; i++) {
        json_array_add(list, tm_filter_to_json(model->filters[i]));
    }
    json_object_put(json, "traffic_mirror_filters", list);

    list = json_array_create_empty();
    for (size_t i = 0; i < model->n_sessions; i++) {
        json_array_add(list, tm_session_to_json(model->sessions[i]));
    }
    json_object_put(json, "traffic_mirror_sessions", list);
    return json;
}
