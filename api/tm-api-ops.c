/*
 * tmirror-apid: the request handler (see tm-api.h and tm-api-ops.h).
 *
 * Serves the traffic-mirroring part of Huawei Cloud's VPC v3 API, paths
 * under /v3/{project_id}/vpc/:
 *
 *   traffic-mirror-filters             GET (list), POST (create, 201)
 *   traffic-mirror-filters/ID          GET, PUT, DELETE (204)
 *   traffic-mirror-filter-rules        GET (list), POST (create, 201)
 *   traffic-mirror-filter-rules/ID     GET, PUT, DELETE (204)
 *   traffic-mirror-sessions            GET (list), POST (create, 201)
 *   traffic-mirror-sessions/ID         GET, PUT, DELETE (204)
 *   traffic-mirror-sessions/ID/add-sources     PUT
 *   traffic-mirror-sessions/ID/remove-sources  PUT
 *
 * Filters and sessions belong to the project that created them, rules to
 * their filter's project; another project's resources are invisible (404).
 *
 * Errors.  The body is Huawei's {"error_code", "error_msg", "request_id"}:
 *
 *   status  error_code  when
 *   ------  ----------  ------------------------------------------------
 *   400     VPC.0002    the body is not one JSON object in UTF-8, a
 *                       member is unknown, missing, of the wrong type or
 *                       out of range, a query parameter is unknown or bad
 *                       (limit, marker...), the project id is malformed,
 *                       or the write breaks a validation rule or quota
 *                       (the message names the field and the limit)
 *   404     VPC.0003    unknown path, or no such resource in the project
 *   405     VPC.0004    the path exists, the method does not
 *   409     VPC.0005    a conflict with the resource's state: a filter
 *                       that sessions still use can't be deleted
 *   500     VPC.0001    the database failed or timed out (details are
 *                       logged, not returned)
 */
#include <config.h>
#include "tm-api-ops.h"
#include "tm-api.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "svec.h"
#include "timeval.h"
#include "tm-counters.h"
#include "tm-json.h"
#include "tm-model-json.h"
#include "tm-model.h"
#include "tm-nb-write.h"
#include "tm-nb.h"
#include "tm-parse.h"
#include "tmirror-idl.h"
#include "unicode.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(tm_api_ops);

#define TM_API_INTERNAL "VPC.0001"
#define TM_API_BAD_REQUEST "VPC.0002"
#define TM_API_NOT_FOUND "VPC.0003"
#define TM_API_BAD_METHOD "VPC.0004"
#define TM_API_CONFLICT "VPC.0005"

/* How long a write may wait for the database (each wait, as
 * tm_nb_write() counts it). */
#define TM_API_TIMEOUT_MS (10 * 1000)

/* Names of each resource in paths and bodies. */
struct tm_api_names {
    const char *collection;     /* Path segment. */
    const char *one;            /* Body wrapper of one resource. */
    const char *many;           /* Body member of a list. */
};

static const struct tm_api_names tm_api_names[] = {
    [TM_API_FILTER] = { "traffic-mirror-filters", "traffic_mirror_filter",
                        "traffic_mirror_filters" },
    [TM_API_RULE] = { "traffic-mirror-filter-rules",
                      "traffic_mirror_filter_rule",
                      "traffic_mirror_filter_rules" },
    [TM_API_SESSION] = { "traffic-mirror-sessions", "traffic_mirror_session",
                         "traffic_mirror_sessions" },
};

/* Request bodies. */

/* Checks every string (and member name) in 'json' for valid UTF-8: the
 * parser passes raw bytes through, and a "\udc00" escape decodes to a
 * lone surrogate. */
static char *
tm_api_check_utf8(const struct json *json)
{
    char *error = NULL;

    switch (json->type) {
    case JSON_STRING:
        error = utf8_validate(json_string(json), NULL);
        break;
    case JSON_ARRAY: {
        const struct json_array *a = json_array(json);
        for (size_t i = 0; !error && i < a->n; i++) {
            error = tm_api_check_utf8(a->elems[i]);
        }
        break;
    }
    case JSON_OBJECT: {
        struct shash_node *node;
        SHASH_FOR_EACH (node, json_object(json)) {
            error = utf8_validate(node->name, NULL);
            if (!error) {
                error = tm_api_check_utf8(node->data);
            }
            if (error) {
                break;
            }
        }
        break;
    }
    case JSON_NULL:
    case JSON_FALSE:
    case JSON_TRUE:
    case JSON_INTEGER:
    case JSON_REAL:
    case JSON_SERIALIZED_OBJECT:
    case JSON_N_TYPES:
    default:
        break;
    }
    return error;
}

char *
tm_api_parse_body(const char *body, size_t len, struct json **jsonp)
{
    *jsonp = NULL;
    if (!body || !len) {
        return xstrdup("request body: missing (expected a JSON object)");
    }
    if (memchr(body, '\0', len)) {
        return xstrdup("request body: contains a NUL byte");
    }

    char *copy = xmemdup0(body, len);
    char *error = utf8_validate(copy, NULL);
    if (error) {
        char *wrapped = xasprintf("request body: not UTF-8: %s", error);
        free(error);
        free(copy);
        return wrapped;
    }

    struct json *json;
    error = tm_json_parse_string(copy, "request body", &json);
    free(copy);
    if (error) {
        return error;
    }
    if (json->type != JSON_OBJECT) {
        error = xasprintf("request body: must be a JSON object, not %s",
                          json_type_to_string(json->type));
    } else {
        char *utf8_error = tm_api_check_utf8(json);
        if (utf8_error) {
            error = xasprintf("request body: a string is not UTF-8: %s",
                              utf8_error);
            free(utf8_error);
        }
    }
    if (error) {
        json_destroy(json);
        return error;
    }
    *jsonp = json;
    return NULL;
}

/* Finds the wrapper object 'name', the body's only member. */
static char *
tm_api_unwrap(const struct json *body, const char *name,
              const struct json **inner)
{
    static const char *members[2];
    const struct json *value;

    if (body->type != JSON_OBJECT) {
        return xasprintf("request body: must be a JSON object, not %s",
                         json_type_to_string(body->type));
    }
    members[0] = name;
    members[1] = NULL;
    char *error = tm_json_check_members(body, "", members);
    if (error) {
        return error;
    }
    value = tm_json_member(body, name);
    if (!value) {
        return tm_json_missing("", name);
    }
    if (value->type != JSON_OBJECT) {
        return tm_json_wrong_type("", name, "an object", value);
    }
    *inner = value;
    return NULL;
}

/* An integer member, as a JSON number or a decimal string. */
static char *
tm_api_get_uint(const struct json *object, const char *path,
                const char *name, bool required, uint32_t min, uint32_t max,
                uint32_t *out)
{
    const struct json *value = tm_json_member(object, name);

    if (value && value->type == JSON_STRING) {
        char *field = tm_json_path(path, name);
        char *error = tm_parse_uint(field, json_string(value), min, max,
                                    out);
        free(field);
        return error;
    }
    if (value && value->type != JSON_INTEGER) {
        return tm_json_wrong_type(path, name, "an integer", value);
    }
    return tm_json_get_uint(object, path, name, required, min, max, out);
}

/* A boolean member, as true/false or "true"/"false". */
static char *
tm_api_get_bool(const struct json *object, const char *path,
                const char *name, bool *out)
{
    const struct json *value = tm_json_member(object, name);

    if (value && value->type == JSON_STRING) {
        char *field = tm_json_path(path, name);
        char *error = tm_parse_bool(field, json_string(value), out);
        free(field);
        return error;
    }
    return tm_json_get_bool(object, path, name, out);
}

/* A string member parsed by one of tm-parse.h's parsers.  'empty_is_unset'
 * (the optional match fields of a rule): "" clears the field, through
 * 'unset'. */
typedef char *tm_api_parser(const char *field, const char *s, void *out);

static char *
tm_api_get_parsed(const struct json *object, const char *path,
                  const char *name, bool required, tm_api_parser *parse,
                  void *out, bool *unset)
{
    const struct json *value = tm_json_member(object, name);

    if (!value) {
        return required ? tm_json_missing(path, name) : NULL;
    }
    if (value->type != JSON_STRING) {
        return tm_json_wrong_type(path, name, "a string", value);
    }
    if (unset && !json_string(value)[0]) {
        *unset = false;
        return NULL;
    }

    char *field = tm_json_path(path, name);
    char *error = parse(field, json_string(value), out);
    free(field);
    return error;
}

#define TM_API_ADAPTER(NAME, TYPE)                                      \
    static char *                                                       \
    NAME##_adapter(const char *field, const char *s, void *out)         \
    {                                                                   \
        return NAME(field, s, (TYPE *) out);                            \
    }
TM_API_ADAPTER(tm_parse_cidr, struct tm_cidr)
TM_API_ADAPTER(tm_parse_port_range, struct tm_port_range)
TM_API_ADAPTER(tm_parse_protocol, enum tm_protocol)
TM_API_ADAPTER(tm_parse_ethertype, enum tm_ethertype)
TM_API_ADAPTER(tm_parse_action, enum tm_action)
TM_API_ADAPTER(tm_parse_direction, enum tm_direction)
TM_API_ADAPTER(tm_parse_target_type, enum tm_target_type)

/* Names may be empty (unnamed), as in the model. */
static char *
tm_api_check_optional_name(const char *field, const char *s)
{
    return s[0] ? tm_check_name(field, s) : NULL;
}

/* Sessions have one type. */
static char *
tm_api_check_session_type(const char *field, const char *s)
{
    return (strcmp(s, "eni")
            ? xasprintf("%s: \"%s\" is not a session type (expected "
                        "\"eni\")", field, s)
            : NULL);
}

/* Checks 'inner''s members: 'create' allows 'all', an update only the
 * first 'n_update' of them. */
static char *
tm_api_check_members(const struct json *inner, const char *path,
                     const char *const all[], size_t n_all, bool create,
                     size_t n_update)
{
    const char **allowed = xmalloc((n_all + 1) * sizeof *allowed);
    size_t n = create ? n_all : n_update;

    memcpy(allowed, all, n * sizeof *allowed);
    allowed[n] = NULL;
    char *error = tm_json_check_members(inner, path, allowed);
    free(allowed);
    return error;
}

#define TRY(EXPR) if (!error) { error = (EXPR); }

char *
tm_api_filter_from_body(const struct json *body, bool create,
                        struct tm_filter *f)
{
    static const char *const members[] = { "name", "description" };
    const char *path = "traffic_mirror_filter";
    const struct json *inner = NULL;
    char *error;

    error = tm_api_unwrap(body, path, &inner);
    TRY(tm_api_check_members(inner, path, members, ARRAY_SIZE(members),
                             create, ARRAY_SIZE(members)));
    TRY(tm_json_get_string(inner, path, "name", create,
                           tm_api_check_optional_name, &f->name));
    TRY(tm_json_get_string(inner, path, "description", false,
                           tm_check_description, &f->description));
    return error;
}

char *
tm_api_rule_from_body(const struct json *body, bool create,
                      struct tm_rule *r)
{
    /* An update takes the first 9, not the direction or the filter. */
    static const char *const members[] = {
        "description", "protocol", "ethertype", "source_cidr_block",
        "destination_cidr_block", "source_port_range",
        "destination_port_range", "priority", "action",
        "traffic_mirror_filter_id", "direction",
    };
    const char *path = "traffic_mirror_filter_rule";
    const struct json *inner = NULL;
    char *error;

    error = tm_api_unwrap(body, path, &inner);
    TRY(tm_api_check_members(inner, path, members, ARRAY_SIZE(members),
                             create, 9));
    if (create) {
        TRY(tm_json_get_string(inner, path, "traffic_mirror_filter_id", true,
                               tm_check_id, &r->filter_id));
        TRY(tm_api_get_parsed(inner, path, "direction", true,
                              tm_parse_direction_adapter, &r->direction,
                              NULL));
    }
    TRY(tm_json_get_string(inner, path, "description", false,
                           tm_check_description, &r->description));
    TRY(tm_api_get_parsed(inner, path, "protocol", false,
                          tm_parse_protocol_adapter, &r->protocol, NULL));
    TRY(tm_api_get_parsed(inner, path, "ethertype", false,
                          tm_parse_ethertype_adapter, &r->ethertype, NULL));
    TRY(tm_api_get_parsed(inner, path, "source_cidr_block", false,
                          tm_parse_cidr_adapter, &r->src, &r->src.set));
    TRY(tm_api_get_parsed(inner, path, "destination_cidr_block", false,
                          tm_parse_cidr_adapter, &r->dst, &r->dst.set));
    TRY(tm_api_get_parsed(inner, path, "source_port_range", false,
                          tm_parse_port_range_adapter, &r->src_ports,
                          &r->src_ports.set));
    TRY(tm_api_get_parsed(inner, path, "destination_port_range", false,
                          tm_parse_port_range_adapter, &r->dst_ports,
                          &r->dst_ports.set));
    TRY(tm_api_get_uint(inner, path, "priority", create,
                        TM_RULE_PRIORITY_MIN, TM_RULE_PRIORITY_MAX,
                        &r->priority));
    TRY(tm_api_get_parsed(inner, path, "action", create,
                          tm_parse_action_adapter, &r->action, NULL));
    return error;
}

/* Reads the array of port ids 'name' of 'object' into 'sources'. */
static char *
tm_api_get_sources(const struct json *object, const char *path,
                   const char *name, bool required, struct svec *sources)
{
    const struct json_array *list;
    char *error = tm_json_get_array(object, path, name, &list);

    if (!error && !list && required) {
        error = tm_json_missing(path, name);
    }
    for (size_t i = 0; !error && list && i < list->n; i++) {
        const struct json *elem = list->elems[i];
        char *field = xasprintf("%s.%s[%"PRIuSIZE"]", path, name, i);

        if (elem->type != JSON_STRING) {
            error = xasprintf("%s: must be a string, not %s", field,
                              json_type_to_string(elem->type));
        } else {
            error = tm_check_id(field, json_string(elem));
        }
        if (!error && svec_contains_unsorted(sources, json_string(elem))) {
            error = xasprintf("%s: port \"%s\" is listed more than once",
                              field, json_string(elem));
        }
        if (!error) {
            svec_add(sources, json_string(elem));
        }
        free(field);
    }
    return error;
}

char *
tm_api_session_from_body(const struct json *body, bool create,
                         struct tm_session *s)
{
    /* An update takes the first 9 (not the sources or the type). */
    static const char *const members[] = {
        "name", "description", "traffic_mirror_filter_id",
        "traffic_mirror_target_id", "traffic_mirror_target_type",
        "virtual_network_id", "packet_length", "priority", "enabled",
        "traffic_mirror_sources", "type",
    };
    const char *path = "traffic_mirror_session";
    const struct json *inner = NULL;
    char *error;

    error = tm_api_unwrap(body, path, &inner);
    TRY(tm_api_check_members(inner, path, members, ARRAY_SIZE(members),
                             create, 9));
    TRY(tm_json_get_string(inner, path, "name", create,
                           tm_api_check_optional_name, &s->name));
    TRY(tm_json_get_string(inner, path, "description", false,
                           tm_check_description, &s->description));
    TRY(tm_json_get_string(inner, path, "traffic_mirror_filter_id", create,
                           tm_check_id, &s->filter_id));
    TRY(tm_json_get_string(inner, path, "traffic_mirror_target_id", create,
                           tm_check_id, &s->target_id));
    TRY(tm_api_get_parsed(inner, path, "traffic_mirror_target_type", create,
                          tm_parse_target_type_adapter, &s->target_type,
                          NULL));
    TRY(tm_api_get_uint(inner, path, "virtual_network_id", false, 0,
                        TM_VNI_MAX, &s->vni));
    TRY(tm_api_get_uint(inner, path, "packet_length", false,
                        TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX,
                        &s->packet_length));
    TRY(tm_api_get_uint(inner, path, "priority", create,
                        TM_SESSION_PRIORITY_MIN, TM_SESSION_PRIORITY_MAX,
                        &s->priority));
    TRY(tm_api_get_bool(inner, path, "enabled", &s->enabled));
    if (create) {
        struct svec sources = SVEC_EMPTY_INITIALIZER;

        TRY(tm_json_get_string(inner, path, "type", false,
                               tm_api_check_session_type, &s->type));
        TRY(tm_api_get_sources(inner, path, "traffic_mirror_sources", true,
                               &sources));
        for (size_t i = 0; !error && i < sources.n; i++) {
            tm_session_add_source(s, sources.names[i]);
        }
        svec_destroy(&sources);
    }
    return error;
}

char *
tm_api_sources_from_body(const struct json *body, struct svec *sources)
{
    static const char *const members[] = { "traffic_mirror_sources", NULL };
    const char *path = "traffic_mirror_session";
    const struct json *inner = NULL;
    char *error;

    error = tm_api_unwrap(body, path, &inner);
    TRY(tm_json_check_members(inner, path, members));
    TRY(tm_api_get_sources(inner, path, "traffic_mirror_sources", true,
                           sources));
    if (!error && !sources->n) {
        error = xasprintf("%s.traffic_mirror_sources: must list at least "
                          "one port", path);
    }
    return error;
}

static size_t
tm_api_find_source(const struct tm_session *s, const char *port)
{
    for (size_t i = 0; i < s->n_sources; i++) {
        if (!strcmp(s->sources[i], port)) {
            return i;
        }
    }
    return SIZE_MAX;
}

char *
tm_api_session_add_sources(struct tm_session *s, const struct svec *ports)
{
    for (size_t i = 0; i < ports->n; i++) {
        if (tm_api_find_source(s, ports->names[i]) != SIZE_MAX) {
            return xasprintf("traffic_mirror_session.traffic_mirror_sources: "
                             "port \"%s\" is already a source of this "
                             "session", ports->names[i]);
        }
    }
    for (size_t i = 0; i < ports->n; i++) {
        tm_session_add_source(s, ports->names[i]);
    }
    return NULL;
}

char *
tm_api_session_remove_sources(struct tm_session *s, const struct svec *ports)
{
    for (size_t i = 0; i < ports->n; i++) {
        size_t j = tm_api_find_source(s, ports->names[i]);
        if (j == SIZE_MAX) {
            return xasprintf("traffic_mirror_session.traffic_mirror_sources: "
                             "port \"%s\" is not a source of this session",
                             ports->names[i]);
        }
        free(s->sources[j]);
        memmove(&s->sources[j], &s->sources[j + 1],
                (s->n_sources - j - 1) * sizeof *s->sources);
        s->n_sources--;
    }
    return NULL;
}

/* Responses. */

/* Huawei spells protocols in upper case ("TCP", "ICMPV6", "ALL"); the
 * model and the database, in lower case. */
static struct json *
tm_api_protocol_json(enum tm_protocol protocol)
{
    char *s = xstrdup(tm_protocol_to_string(protocol));

    for (char *p = s; *p; p++) {
        *p = toupper((unsigned char) *p);
    }
    return json_string_create_nocopy(s);
}

struct json *
tm_api_rule_to_json(const struct tm_rule *rule, const char *project_id)
{
    struct json *json = tm_rule_to_json(rule);

    json_object_put_string(json, "project_id", project_id ? project_id : "");
    json_object_put(json, "protocol", tm_api_protocol_json(rule->protocol));
    if (!rule->description) {
        json_object_put_string(json, "description", "");
    }
    return json;
}

struct json *
tm_api_filter_to_json(const struct tm_filter *f)
{
    struct json *json = tm_filter_to_json(f);

    for (int d = 0; d < TM_N_DIRECTIONS; d++) {
        struct json *rules = json_array_create_empty();
        for (size_t i = 0; i < f->n_rules; i++) {
            if (f->rules[i]->direction == d) {
                json_array_add(rules, tm_api_rule_to_json(f->rules[i],
                                                          f->project_id));
            }
        }
        json_object_put(json, d == TM_INGRESS ? "ingress_rules"
                                              : "egress_rules", rules);
    }
    if (!f->description) {
        json_object_put_string(json, "description", "");
    }
    return json;
}

struct json *
tm_api_session_to_json(const struct tm_session *s)
{
    struct json *json = tm_session_to_json(s);

    if (!s->description) {
        json_object_put_string(json, "description", "");
    }
    return json;
}

/* Lists. */

enum tm_api_query_kind {
    TM_API_Q_TEXT,              /* Exact match. */
    TM_API_Q_CASE,              /* Case-insensitive (enumerations). */
    TM_API_Q_UINT,              /* A number in [min, max]. */
    TM_API_Q_BOOL,              /* "true" or "false". */
};

struct tm_api_query_field {
    const char *name;           /* As in the query and the response. */
    enum tm_api_query_kind kind;
    uint32_t min, max;
};

#define TM_API_Q(NAME, KIND) { NAME, TM_API_Q_##KIND, 0, 0 }
#define TM_API_QU(NAME, MIN, MAX) { NAME, TM_API_Q_UINT, MIN, MAX }

/* The filters that the SDK's List*Request models carry (besides limit and
 * marker), which are also the names of the response's members. */
static const struct tm_api_query_field tm_api_filter_query[] = {
    TM_API_Q("id", TEXT), TM_API_Q("name", TEXT),
    TM_API_Q("description", TEXT), TM_API_Q("created_at", TEXT),
    TM_API_Q("updated_at", TEXT), { NULL, 0, 0, 0 },
};

static const struct tm_api_query_field tm_api_rule_query[] = {
    TM_API_Q("id", TEXT), TM_API_Q("description", TEXT),
    TM_API_Q("traffic_mirror_filter_id", TEXT),
    TM_API_Q("direction", CASE), TM_API_Q("protocol", CASE),
    TM_API_Q("ethertype", CASE),
    TM_API_Q("source_cidr_block", TEXT),
    TM_API_Q("destination_cidr_block", TEXT),
    TM_API_Q("source_port_range", TEXT),
    TM_API_Q("destination_port_range", TEXT),
    TM_API_Q("action", CASE),
    TM_API_QU("priority", TM_RULE_PRIORITY_MIN, TM_RULE_PRIORITY_MAX),
    TM_API_Q("created_at", TEXT), TM_API_Q("updated_at", TEXT),
    { NULL, 0, 0, 0 },
};

static const struct tm_api_query_field tm_api_session_query[] = {
    TM_API_Q("id", TEXT), TM_API_Q("name", TEXT),
    TM_API_Q("description", TEXT),
    TM_API_Q("traffic_mirror_filter_id", TEXT),
    TM_API_Q("traffic_mirror_target_id", TEXT),
    TM_API_Q("traffic_mirror_target_type", CASE),
    TM_API_QU("virtual_network_id", 0, TM_VNI_MAX),
    TM_API_QU("packet_length", TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX),
    TM_API_QU("priority", TM_SESSION_PRIORITY_MIN, TM_SESSION_PRIORITY_MAX),
    TM_API_Q("enabled", BOOL), TM_API_Q("type", CASE),
    TM_API_Q("created_at", TEXT), TM_API_Q("updated_at", TEXT),
    { NULL, 0, 0, 0 },
};

static const struct tm_api_query_field *
tm_api_find_query_field(const struct tm_api_query_field *fields,
                        const char *name)
{
    for (; fields->name; fields++) {
        if (!strcmp(fields->name, name)) {
            return fields;
        }
    }
    return NULL;
}

/* Does 'value', a query value for 'field', match 'item' (the resource's
 * API JSON)?  An empty value matches an empty or absent member. */
static bool
tm_api_query_matches(const struct tm_api_query_field *field,
                     const char *value, const struct json *item)
{
    const struct json *member = tm_json_member(item, field->name);

    switch (field->kind) {
    case TM_API_Q_TEXT:
    case TM_API_Q_CASE: {
        const char *s = (member && member->type == JSON_STRING
                         ? json_string(member) : "");
        return (field->kind == TM_API_Q_TEXT ? !strcmp(s, value)
                                             : !strcasecmp(s, value));
    }
    case TM_API_Q_UINT: {
        uint32_t n;
        char *error = tm_parse_uint(field->name, value, 0, UINT32_MAX, &n);
        free(error);
        return (!error && member && member->type == JSON_INTEGER
                && json_integer(member) == n);
    }
    case TM_API_Q_BOOL: {
        bool b = false;
        free(tm_parse_bool(field->name, value, &b));
        return member && member->type == (b ? JSON_TRUE : JSON_FALSE);
    }
    }
    OVS_NOT_REACHED();
}

/* Checks the query: known parameters, well-formed values, limit and
 * marker at most once.  Stores the limit (0 means the default) and the
 * marker (NULL if none). */
static char *
tm_api_check_query(const struct smap *query,
                   const struct tm_api_query_field *fields,
                   uint32_t *limit, const char **marker)
{
    const struct smap_node *node;
    size_t n_limit = 0, n_marker = 0;

    *limit = TM_API_LIMIT_DEFAULT;
    *marker = NULL;
    SMAP_FOR_EACH (node, query) {
        const char *key = node->key, *value = node->value;
        const struct tm_api_query_field *field;
        char *error = NULL;

        if (!strcmp(key, "limit")) {
            n_limit++;
            error = tm_parse_uint("limit", value, 0, TM_API_LIMIT_MAX, limit);
            if (!error && !*limit) {
                *limit = TM_API_LIMIT_DEFAULT;
            }
        } else if (!strcmp(key, "marker")) {
            n_marker++;
            *marker = value[0] ? value : NULL;
        } else if (!(field = tm_api_find_query_field(fields, key))) {
            error = xasprintf("%s: unknown query parameter", key);
        } else if (field->kind == TM_API_Q_UINT) {
            uint32_t n;
            error = tm_parse_uint(key, value, field->min, field->max, &n);
        } else if (field->kind == TM_API_Q_BOOL) {
            bool b;
            error = tm_parse_bool(key, value, &b);
        }
        if (error) {
            return error;
        }
    }
    if (n_limit > 1 || n_marker > 1) {
        return xasprintf("%s: given more than once",
                         n_limit > 1 ? "limit" : "marker");
    }
    return NULL;
}

/* Does 'item' match every parameter of 'query' (values of a repeated
 * parameter are alternatives)? */
static bool
tm_api_item_matches(const struct smap *query,
                    const struct tm_api_query_field *fields,
                    const struct json *item)
{
    for (const struct tm_api_query_field *f = fields; f->name; f++) {
        const struct smap_node *node;
        bool given = false, matched = false;

        SMAP_FOR_EACH (node, query) {
            if (!strcmp(node->key, f->name)) {
                given = true;
                if (tm_api_query_matches(f, node->value, item)) {
                    matched = true;
                    break;
                }
            }
        }
        if (given && !matched) {
            return false;
        }
    }
    return true;
}

struct tm_api_item {
    const char *id;
    const char *created_at;
    struct json *json;
};

static int
tm_api_compare_items(const void *a_, const void *b_)
{
    const struct tm_api_item *a = a_, *b = b_;
    int cmp = strcmp(a->created_at, b->created_at);
    return cmp ? cmp : strcmp(a->id, b->id);
}

static bool
tm_api_same_project(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

/* Appends the project's resources of 'resource' to 'items'. */
static struct tm_api_item *
tm_api_collect(const struct tm_model *model, enum tm_api_resource resource,
               const char *project_id, size_t *n)
{
    struct tm_api_item *items = NULL;
    size_t allocated = 0;

    *n = 0;
#define TM_API_ADD(ID, CREATED_AT, JSON)                                \
    do {                                                                \
        if (*n >= allocated) {                                          \
            items = x2nrealloc(items, &allocated, sizeof *items);       \
        }                                                               \
        items[(*n)++] = (struct tm_api_item) {                          \
            (ID), (CREATED_AT) ? (CREATED_AT) : "", (JSON) };           \
    } while (0)

    for (size_t i = 0; resource != TM_API_SESSION && i < model->n_filters;
         i++) {
        const struct tm_filter *f = model->filters[i];
        if (!tm_api_same_project(f->project_id, project_id)) {
            continue;
        }
        if (resource == TM_API_FILTER) {
            TM_API_ADD(f->id, f->created_at, tm_api_filter_to_json(f));
            continue;
        }
        for (size_t j = 0; j < f->n_rules; j++) {
            const struct tm_rule *r = f->rules[j];
            TM_API_ADD(r->id, r->created_at,
                       tm_api_rule_to_json(r, f->project_id));
        }
    }
    for (size_t i = 0; resource == TM_API_SESSION && i < model->n_sessions;
         i++) {
        const struct tm_session *s = model->sessions[i];
        if (tm_api_same_project(s->project_id, project_id)) {
            TM_API_ADD(s->id, s->created_at, tm_api_session_to_json(s));
        }
    }
#undef TM_API_ADD
    if (*n) {
        qsort(items, *n, sizeof *items, tm_api_compare_items);
    }
    return items;
}

char *
tm_api_list(const struct tm_model *model, enum tm_api_resource resource,
            const char *project_id, const struct smap *query,
            struct json **bodyp)
{
    const struct tm_api_query_field *fields
        = (resource == TM_API_FILTER ? tm_api_filter_query
           : resource == TM_API_RULE ? tm_api_rule_query
           : tm_api_session_query);
    const char *marker;
    uint32_t limit;

    *bodyp = NULL;
    char *error = tm_api_check_query(query, fields, &limit, &marker);
    if (error) {
        return error;
    }

    size_t n;
    struct tm_api_item *items = tm_api_collect(model, resource, project_id,
                                               &n);

    /* The marker is the last item of the previous page, whether or not it
     * still matches: the page starts after it. */
    size_t start = 0;
    if (marker) {
        while (start < n && strcmp(items[start].id, marker)) {
            start++;
        }
        if (start >= n) {
            error = xasprintf("marker: no %s \"%s\" in this project",
                              tm_api_names[resource].one, marker);
        }
        start++;
    }

    struct json *list = json_array_create_empty();
    const char *first = NULL, *last = NULL;
    bool more = false;
    for (size_t i = start; !error && i < n; i++) {
        if (!tm_api_item_matches(query, fields, items[i].json)) {
            continue;
        }
        if (json_array(list)->n >= limit) {
            more = true;
            break;
        }
        first = first ? first : items[i].id;
        last = items[i].id;
        json_array_add(list, items[i].json);
        items[i].json = NULL;
    }

    if (!error) {
        struct json *page_info = json_object_create();
        if (first) {
            json_object_put_string(page_info, "previous_marker", first);
        }
        json_object_put(page_info, "current_count",
                        json_integer_create(json_array(list)->n));
        if (more) {
            json_object_put_string(page_info, "next_marker", last);
        }

        *bodyp = json_object_create();
        json_object_put(*bodyp, tm_api_names[resource].many, list);
        json_object_put(*bodyp, "page_info", page_info);
    } else {
        json_destroy(list);
    }

    for (size_t i = 0; i < n; i++) {
        json_destroy(items[i].json);
    }
    free(items);
    return error;
}

/* Responses. */

void
tm_api_error(struct tm_api_response *response, int status, const char *code,
             const char *request_id, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);

    response->status = status;
    response->body = json_object_create();
    json_object_put_string(response->body, "error_code", code);
    json_object_put(response->body, "error_msg",
                    json_string_create_nocopy(msg));
    json_object_put_string(response->body, "request_id",
                           request_id ? request_id : "");
}

/* Fills in 'response' with 'status' and {WRAPPER: 'resource',
 * "request_id"} ('resource' is consumed). */
static void
tm_api_reply(struct tm_api_response *response, int status,
             const char *wrapper, struct json *resource,
             const char *request_id)
{
    response->status = status;
    response->body = json_object_create();
    json_object_put(response->body, wrapper, resource);
    json_object_put_string(response->body, "request_id",
                           request_id ? request_id : "");
}

static const char *
tm_api_code_for(int status)
{
    switch (status) {
    case 400: return TM_API_BAD_REQUEST;
    case 404: return TM_API_NOT_FOUND;
    case 405: return TM_API_BAD_METHOD;
    case 409: return TM_API_CONFLICT;
    default: return TM_API_INTERNAL;
    }
}

/* Fills in 'response' as an error with 'msg' (consumed). */
static void
tm_api_fail(struct tm_api_response *response, int status,
            const char *request_id, char *msg)
{
    tm_api_error(response, status, tm_api_code_for(status), request_id,
                 "%s", msg);
    free(msg);
}

/* Reading the database. */

/* Reads the northbound database into 'model'.  A row that does not parse
 * keeps its defaults here (someone wrote the database around our tools);
 * that is worth a log message, not a failed read. */
static void
tm_api_read_model(const struct ovsdb_idl *idl, struct tm_model *model)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

    tm_model_init(model);
    char *error = tm_nb_to_model(idl, model);
    if (error) {
        VLOG_WARN_RL(&rl, "%s", error);
        free(error);
    }
}

/* The project's filter, rule or session 'id' in 'model', or NULL. */
static const struct tm_filter *
tm_api_find_filter(const struct tm_model *model, const char *project_id,
                   const char *id)
{
    const struct tm_filter *f = tm_model_find_filter(model, id);
    return f && tm_api_same_project(f->project_id, project_id) ? f : NULL;
}

static struct tm_rule *
tm_api_find_rule(const struct tm_model *model, const char *project_id,
                 const char *id, const struct tm_filter **filterp)
{
    struct tm_rule *r = tm_model_find_rule(model, id);
    const struct tm_filter *f = (r && r->filter_id
                                 ? tm_api_find_filter(model, project_id,
                                                      r->filter_id)
                                 : NULL);
    if (filterp) {
        *filterp = f;
    }
    return f ? r : NULL;
}

static struct tm_session *
tm_api_find_session(const struct tm_model *model, const char *project_id,
                    const char *id)
{
    struct tm_session *s = tm_model_find_session(model, id);
    return s && tm_api_same_project(s->project_id, project_id) ? s : NULL;
}

static char *
tm_api_not_found(enum tm_api_resource resource, const char *id)
{
    return xasprintf("%s \"%s\" not found", tm_api_names[resource].one, id);
}

/* Fills in 'response' with the resource 'id' as the API shows it, or a
 * 404. */
static void
tm_api_show(const struct tm_model *model, enum tm_api_resource resource,
            const char *project_id, const char *id, int status,
            const char *request_id, struct tm_api_response *response)
{
    struct json *json = NULL;

    if (resource == TM_API_FILTER) {
        const struct tm_filter *f = tm_api_find_filter(model, project_id, id);
        json = f ? tm_api_filter_to_json(f) : NULL;
    } else if (resource == TM_API_RULE) {
        const struct tm_filter *f;
        const struct tm_rule *r = tm_api_find_rule(model, project_id, id, &f);
        json = r ? tm_api_rule_to_json(r, f->project_id) : NULL;
    } else {
        const struct tm_session *s = tm_api_find_session(model, project_id,
                                                         id);
        json = s ? tm_api_session_to_json(s) : NULL;
    }

    if (json) {
        tm_api_reply(response, status, tm_api_names[resource].one, json,
                     request_id);
    } else {
        tm_api_fail(response, 404, request_id,
                    tm_api_not_found(resource, id));
    }
}

/* Writing the database. */

enum tm_api_op {
    TM_API_CREATE,
    TM_API_UPDATE,
    TM_API_DELETE,
    TM_API_ADD_SOURCES,
    TM_API_REMOVE_SOURCES,
};

struct tm_api_write {
    enum tm_api_resource resource;
    enum tm_api_op op;
    const char *project_id;
    const char *id;                 /* The path's id (not for creates). */
    const struct json *body;

    /* Results. */
    bool writer_failed;             /* The error is the writer's... */
    int status;                     /* ...with this status. */
    const struct ovsdb_idl_row *inserted;   /* Valid until the commit. */
    struct uuid inserted_uuid;      /* Its temporary UUID, kept: the IDL
                                     * frees inserted rows when it sends
                                     * the transaction. */
    char *new_id;                   /* After a create commits. */
};

/* Checks that the filter a rule or a session names is the project's. */
static char *
tm_api_check_filter_ref(const struct tm_model *model, const char *project_id,
                        const char *path, const char *filter_id)
{
    if (!tm_api_find_filter(model, project_id, filter_id)) {
        return xasprintf("%s.traffic_mirror_filter_id: no "
                         "traffic_mirror_filter \"%s\" in this project",
                         path, filter_id);
    }
    return NULL;
}

static char *
tm_api_write_filter(struct tm_api_write *w, struct ovsdb_idl *idl,
                    struct ovsdb_idl_txn *txn, struct tm_model *model)
{
    char *error;

    if (w->op == TM_API_CREATE) {
        struct tm_model scratch;

        tm_model_init(&scratch);
        struct tm_filter *f = tm_model_add_filter(&scratch, "new");
        error = tm_api_filter_from_body(w->body, true, f);
        if (!error) {
            free(f->project_id);
            f->project_id = xstrdup(w->project_id);
            w->inserted = &tm_nb_filter_insert(txn, f)->header_;
        }
        tm_model_destroy(&scratch);
        return error;
    }

    struct tm_filter *f = CONST_CAST(struct tm_filter *,
                                     tm_api_find_filter(model, w->project_id,
                                                        w->id));
    if (!f) {
        w->status = 404;
        return tm_api_not_found(TM_API_FILTER, w->id);
    }
    const struct tmrec_filter *row = tm_nb_find_filter(idl, f->id);
    if (w->op == TM_API_DELETE) {
        error = tm_nb_filter_delete(idl, row);
        if (error) {
            w->status = 409;
        }
        return error;
    }
    error = tm_api_filter_from_body(w->body, false, f);
    if (!error) {
        tm_nb_filter_update(row, f);
    }
    return error;
}

static char *
tm_api_write_rule(struct tm_api_write *w, struct ovsdb_idl *idl,
                  struct ovsdb_idl_txn *txn, struct tm_model *model)
{
    const char *path = tm_api_names[TM_API_RULE].one;
    char *error;

    if (w->op == TM_API_CREATE) {
        struct tm_model scratch;

        tm_model_init(&scratch);
        struct tm_filter *sf = tm_model_add_filter(&scratch, "new");
        struct tm_rule *r = tm_filter_add_rule(sf, "new");
        error = tm_api_rule_from_body(w->body, true, r);
        if (!error) {
            error = tm_api_check_filter_ref(model, w->project_id, path,
                                            r->filter_id);
        }
        if (!error) {
            const struct tmrec_filter_rule *row = NULL;
            error = tm_nb_rule_insert(txn, tm_nb_find_filter(idl,
                                                             r->filter_id),
                                      r, tm_nb_next_rule_key(idl), &row);
            w->inserted = row ? &row->header_ : NULL;
        }
        tm_model_destroy(&scratch);
        return error;
    }

    struct tm_rule *r = tm_api_find_rule(model, w->project_id, w->id, NULL);
    if (!r) {
        w->status = 404;
        return tm_api_not_found(TM_API_RULE, w->id);
    }
    const struct tmrec_filter_rule *row = tm_nb_find_rule(idl, r->id);
    const struct tmrec_filter *filter = tm_nb_rule_filter(idl, row);
    if (w->op == TM_API_DELETE) {
        tm_nb_rule_delete(filter, row);
        return NULL;
    }
    error = tm_api_rule_from_body(w->body, false, r);
    if (!error) {
        error = tm_nb_rule_update(filter, row, r);
    }
    return error;
}

static char *
tm_api_write_session(struct tm_api_write *w, struct ovsdb_idl *idl,
                     struct ovsdb_idl_txn *txn, struct tm_model *model)
{
    const char *path = tm_api_names[TM_API_SESSION].one;
    char *error;

    if (w->op == TM_API_CREATE) {
        struct tm_model scratch;

        tm_model_init(&scratch);
        struct tm_session *s = tm_model_add_session(&scratch, "new");
        error = tm_api_session_from_body(w->body, true, s);
        if (!error) {
            error = tm_api_check_filter_ref(model, w->project_id, path,
                                            s->filter_id);
        }
        if (!error) {
            const struct tmrec_session *row = NULL;

            free(s->project_id);
            s->project_id = xstrdup(w->project_id);
            error = tm_nb_session_insert(txn, idl, s,
                                         tm_nb_next_session_key(idl), &row);
            w->inserted = row ? &row->header_ : NULL;
        }
        tm_model_destroy(&scratch);
        return error;
    }

    struct tm_session *s = tm_api_find_session(model, w->project_id, w->id);
    if (!s) {
        w->status = 404;
        return tm_api_not_found(TM_API_SESSION, w->id);
    }
    const struct tmrec_session *row = tm_nb_find_session(idl, s->id);
    if (w->op == TM_API_DELETE) {
        tm_nb_session_delete(row);
        return NULL;
    }

    if (w->op == TM_API_UPDATE) {
        error = tm_api_session_from_body(w->body, false, s);
        if (!error && tm_json_member(
                tm_json_member(w->body, path), "traffic_mirror_filter_id")) {
            error = tm_api_check_filter_ref(model, w->project_id, path,
                                            s->filter_id);
        }
    } else {
        struct svec ports = SVEC_EMPTY_INITIALIZER;
        error = tm_api_sources_from_body(w->body, &ports);
        if (!error) {
            error = (w->op == TM_API_ADD_SOURCES
                     ? tm_api_session_add_sources(s, &ports)
                     : tm_api_session_remove_sources(s, &ports));
        }
        svec_destroy(&ports);
    }
    if (!error) {
        error = tm_nb_session_update(idl, row, s);
    }
    return error;
}

static char *
tm_api_write_callback(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                      struct smap *labels OVS_UNUSED, void *w_)
{
    struct tm_api_write *w = w_;
    struct tm_model model;
    char *error;

    /* A retry starts from scratch. */
    w->inserted = NULL;
    w->status = 400;

    tm_api_read_model(idl, &model);
    switch (w->resource) {
    case TM_API_FILTER:
        error = tm_api_write_filter(w, idl, txn, &model);
        break;
    case TM_API_RULE:
        error = tm_api_write_rule(w, idl, txn, &model);
        break;
    case TM_API_SESSION:
    default:
        error = tm_api_write_session(w, idl, txn, &model);
        break;
    }
    tm_model_destroy(&model);
    if (w->inserted) {
        w->inserted_uuid = w->inserted->uuid;
    }
    w->writer_failed = error != NULL;
    return error;
}

static void
tm_api_committed_callback(const struct ovsdb_idl_txn *txn, void *w_)
{
    struct tm_api_write *w = w_;

    if (w->inserted) {
        const struct uuid *uuid = ovsdb_idl_txn_get_insert_uuid(
            txn, &w->inserted_uuid);
        w->new_id = xasprintf(UUID_FMT, UUID_ARGS(uuid ? uuid
                                                  : &w->inserted_uuid));
    }
}

/* Waits until the IDL shows a TM_Global.nb_cfg of at least 'nb_cfg', that
 * is, the write that set it, so that the response shows what was
 * written. */
static bool
tm_api_wait_for_cfg(struct ovsdb_idl *idl, int64_t nb_cfg,
                    long long int deadline)
{
    for (;;) {
        ovsdb_idl_run(idl);

        const struct tmrec_tm_global *global = tmrec_tm_global_first(idl);
        if (global && global->nb_cfg >= nb_cfg) {
            return true;
        }
        if (!ovsdb_idl_is_alive(idl) || time_msec() >= deadline) {
            return false;
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Is 'error', from tm_nb_write() but not from our writer, the database
 * failing rather than validation refusing the write? */
static bool
tm_api_is_db_failure(const char *error)
{
    static const char *const prefixes[] = {
        "timed out", "database error", "database connection failed",
        "transaction failed",
    };

    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        if (!strncmp(error, prefixes[i], strlen(prefixes[i]))) {
            return true;
        }
    }
    return false;
}

static void
tm_api_write(struct ovsdb_idl *idl, const struct tm_api_request *request,
             struct tm_api_write *w, struct tm_api_response *response)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct tm_nb_writer writer = {
        .write = tm_api_write_callback,
        .committed = tm_api_committed_callback,
        .aux = w,
    };
    int64_t nb_cfg = 0;

    char *error = tm_nb_write(idl, &writer, true, TM_API_TIMEOUT_MS,
                              &nb_cfg);
    if (error) {
        if (w->writer_failed) {
            tm_api_fail(response, w->status, request->request_id, error);
        } else if (tm_api_is_db_failure(error)) {
            VLOG_WARN_RL(&rl, "request %s: %s", request->request_id, error);
            tm_api_error(response, 500, TM_API_INTERNAL, request->request_id,
                         "%s", (strstr(error, "may or may not")
                                ? "the database did not confirm the write "
                                  "in time: it may or may not have been "
                                  "applied"
                                : "the database is not available"));
            free(error);
        } else {
            tm_api_fail(response, 400, request->request_id, error);
        }
        free(w->new_id);
        return;
    }

    if (w->op == TM_API_DELETE) {
        response->status = 204;
        response->body = NULL;
        return;
    }

    if (!tm_api_wait_for_cfg(idl, nb_cfg,
                             time_msec() + TM_API_TIMEOUT_MS)) {
        VLOG_WARN_RL(&rl, "request %s: committed nb_cfg %"PRId64" but "
                     "the database did not send it back",
                     request->request_id, nb_cfg);
        tm_api_error(response, 500, TM_API_INTERNAL, request->request_id,
                     "the write was applied but could not be read back");
        free(w->new_id);
        return;
    }

    struct tm_model model;
    tm_api_read_model(idl, &model);
    tm_api_show(&model, w->resource, w->project_id,
                w->new_id ? w->new_id : w->id,
                w->op == TM_API_CREATE ? 201 : 200, request->request_id,
                response);
    tm_model_destroy(&model);
    free(w->new_id);
}

/* Routing. */

struct tm_api_route {
    enum tm_api_resource resource;
    const char *id;             /* NULL: the collection. */
    const char *action;         /* NULL, "add-sources", "remove-sources". */
};

/* Splits absolute 'path' at '/' into 'segs'.  Every segment counts, even
 * an empty one, so that "a//b" and "a/" are not taken for "a/b" and "a".
 * Returns false if 'path' does not start with '/'. */
static bool
tm_api_split_path(const char *path, struct svec *segs)
{
    if (path[0] != '/') {
        return false;
    }
    const char *p = path + 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? slash - p : strlen(p);
        svec_add_nocopy(segs, xmemdup0(p, len));
        if (!slash) {
            return true;
        }
        p = slash + 1;
    }
}

/* Fills in 'route' from 'segs', the segments of a path
 * "/v3/PROJECT/vpc/COLLECTION[/ID[/ACTION]]", pointing into 'segs'.
 * Returns false if no operation has this path. */
static bool
tm_api_route(const struct svec *segs, const char *project_id,
             struct tm_api_route *route)
{
    if (segs->n < 4 || segs->n > 6
        || strcmp(segs->names[0], "v3")
        || strcmp(segs->names[1], project_id ? project_id : "")
        || strcmp(segs->names[2], "vpc")) {
        return false;
    }

    size_t r;
    for (r = 0; r < ARRAY_SIZE(tm_api_names); r++) {
        if (!strcmp(segs->names[3], tm_api_names[r].collection)) {
            break;
        }
    }
    if (r >= ARRAY_SIZE(tm_api_names)) {
        return false;
    }
    route->resource = r;
    route->id = segs->n > 4 ? segs->names[4] : NULL;
    route->action = segs->n > 5 ? segs->names[5] : NULL;
    if ((route->id && !route->id[0])
        || (route->action
            && (r != TM_API_SESSION
                || (strcmp(route->action, "add-sources")
                    && strcmp(route->action, "remove-sources"))))) {
        return false;
    }
    return true;
}

/* The operator extension: what Huawei's API has no path for, under
 * "/v3/PROJECT/tmirror/" so that it can never collide with one of theirs.
 * Signed and project-scoped like the rest:
 *
 *   tmirror/statistics                               GET: every session's
 *   tmirror/traffic-mirror-sessions/ID/statistics    GET: one session's
 *   tmirror/health                                   GET
 *
 * Statistics are the counters every hypervisor published (tm-counters.h),
 * added up, with each hypervisor's share.  Health says whether the
 * database is connected and how many hypervisors have applied the
 * latest configuration.  'segs' is the path split at '/'; returns false
 * if the path is not the extension's. */
static bool
tm_api_operator(const struct ovsdb_idl *idl,
                const struct tm_api_request *request, const struct svec *segs,
                struct tm_api_response *response)
{
    const char *rid = request->request_id;

    if (segs->n < 4 || strcmp(segs->names[0], "v3")
        || strcmp(segs->names[1], request->project_id)
        || strcmp(segs->names[2], "tmirror")) {
        return false;
    }

    const char *what = segs->names[3];
    bool all_stats = segs->n == 4 && !strcmp(what, "statistics");
    bool one_stats = (segs->n == 6
                      && !strcmp(what, "traffic-mirror-sessions")
                      && segs->names[4][0]
                      && !strcmp(segs->names[5], "statistics"));
    bool health = segs->n == 4 && !strcmp(what, "health");
    if (!all_stats && !one_stats && !health) {
        tm_api_error(response, 404, TM_API_NOT_FOUND, rid,
                     "no such resource: %s", request->path);
        return true;
    }
    if (strcmp(request->method ? request->method : "", "GET")) {
        tm_api_error(response, 405, TM_API_BAD_METHOD, rid,
                     "%s is not allowed on %s", request->method,
                     request->path);
        return true;
    }

    if (health) {
        const struct tmrec_tm_global *g = tmrec_tm_global_first(idl);
        int64_t cfg = g ? g->nb_cfg : 0;
        const struct tmrec_hypervisor *hv;
        size_t n = 0, applied = 0;

        TMREC_HYPERVISOR_FOR_EACH (hv, idl) {
            n++;
            applied += hv->nb_cfg >= cfg;
        }
        bool connected = ovsdb_idl_is_connected(idl);
        struct json *j = json_object_create();
        json_object_put_string(j, "status", connected ? "ok" : "degraded");
        json_object_put_string(j, "database",
                               connected ? "connected" : "reconnecting");
        json_object_put(j, "nb_cfg", json_integer_create(cfg));
        json_object_put(j, "hypervisors", json_integer_create(n));
        json_object_put(j, "hypervisors_applied",
                        json_integer_create(applied));
        tm_api_reply(response, connected ? 200 : 503, "health", j, rid);
        return true;
    }

    struct tm_counters_all all;
    struct tm_model model;
    tm_api_read_model(idl, &model);
    tm_counters_read_nb(idl, &all);
    if (one_stats) {
        const char *id = segs->names[4];
        const struct tm_session *s = tm_api_find_session(
            &model, request->project_id, id);
        if (s) {
            tm_api_reply(response, 200, "traffic_mirror_session_statistics",
                         tm_counters_session_to_json(&model, s, &all.total,
                                                     &all), rid);
        } else {
            tm_api_fail(response, 404, rid,
                        tm_api_not_found(TM_API_SESSION, id));
        }
    } else {
        struct json *list = json_array_create_empty();
        for (size_t i = 0; i < model.n_sessions; i++) {
            const struct tm_session *s = model.sessions[i];
            if (tm_api_same_project(s->project_id, request->project_id)) {
                json_array_add(list, tm_counters_session_to_json(
                                   &model, s, &all.total, &all));
            }
        }
        tm_api_reply(response, 200, "traffic_mirror_session_statistics",
                     list, rid);
    }
    tm_counters_all_destroy(&all);
    tm_model_destroy(&model);
    return true;
}

void
tm_api_handle(struct ovsdb_idl *idl, const struct tm_api_request *request,
              struct tm_api_response *response)
{
    const char *rid = request->request_id;
    const char *method = request->method ? request->method : "";
    struct svec segs = SVEC_EMPTY_INITIALIZER;
    struct tm_api_route route;
    struct json *body = NULL;
    char *error;

    response->status = 0;
    response->body = NULL;

    bool split = request->path && tm_api_split_path(request->path, &segs);
    if (split && request->project_id
        && tm_api_operator(idl, request, &segs, response)) {
        goto out;
    }
    if (!split || !tm_api_route(&segs, request->project_id, &route)) {
        tm_api_error(response, 404, TM_API_NOT_FOUND, rid,
                     "no such resource: %s",
                     request->path ? request->path : "(none)");
        goto out;
    }

    /* Which operation? */
    bool get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
    bool put = !strcmp(method, "PUT"), del = !strcmp(method, "DELETE");
    enum tm_api_op op = TM_API_CREATE;
    if (route.action) {
        if (!put) {
            goto bad_method;
        }
        op = (!strcmp(route.action, "add-sources") ? TM_API_ADD_SOURCES
              : TM_API_REMOVE_SOURCES);
    } else if (route.id) {
        if (!get && !put && !del) {
            goto bad_method;
        }
        op = put ? TM_API_UPDATE : TM_API_DELETE;
    } else if (!get && !post) {
        goto bad_method;
    }

    error = tm_check_project_id("project_id", request->project_id);
    if (!error && !request->project_id[0]) {
        error = xstrdup("project_id: must not be empty");
    }
    if (error) {
        tm_api_fail(response, 400, rid, error);
        goto out;
    }

    if (get) {
        struct tm_model model;

        tm_api_read_model(idl, &model);
        if (route.id) {
            tm_api_show(&model, route.resource, request->project_id,
                        route.id, 200, rid, response);
        } else {
            struct json *list;
            error = tm_api_list(&model, route.resource, request->project_id,
                                &request->query, &list);
            if (error) {
                tm_api_fail(response, 400, rid, error);
            } else {
                json_object_put_string(list, "request_id", rid ? rid : "");
                response->status = 200;
                response->body = list;
            }
        }
        tm_model_destroy(&model);
        goto out;
    }

    if (!del) {
        error = tm_api_parse_body(request->body, request->body_len, &body);
        if (error) {
            tm_api_fail(response, 400, rid, error);
            goto out;
        }
    }

    struct tm_api_write w = {
        .resource = route.resource,
        .op = op,
        .project_id = request->project_id,
        .id = route.id,
        .body = body,
    };
    tm_api_write(idl, request, &w, response);
    goto out;

bad_method:
    tm_api_error(response, 405, TM_API_BAD_METHOD, rid,
                 "%s is not allowed on %s", method, request->path);
out:
    json_destroy(body);
    svec_destroy(&segs);
}
