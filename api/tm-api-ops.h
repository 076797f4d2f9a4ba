/*
 * tmirror-apid: the parts of the request handler (tm-api-ops.c) that need
 * no database, so that unit tests and the fuzz target (tests/fuzz/
 * fuzz-api.c) can call them directly.
 *
 * Request bodies are read strictly: the body must be one JSON object in
 * valid UTF-8 whose only member is the operation's wrapper
 * ("traffic_mirror_filter", ...), which must be an object with only the
 * members that the operation takes.  Every error is a malloc'd message
 * that names the member's JSON path and the limit it breaks, e.g.
 *
 *     traffic_mirror_filter_rule.priority: 0 is out of range 1-65535
 *
 * Integers may come as JSON numbers or as decimal strings and "enabled" as
 * a boolean or "true"/"false", because Huawei's SDK sends both forms (a
 * create sends strings, an update numbers).
 */
#ifndef TM_API_OPS_H
#define TM_API_OPS_H 1

#include <stdbool.h>
#include <stddef.h>
#include "compiler.h"

struct json;
struct smap;
struct svec;
struct tm_filter;
struct tm_model;
struct tm_rule;
struct tm_session;

/* The three kinds of resource the API serves. */
enum tm_api_resource {
    TM_API_FILTER,
    TM_API_RULE,
    TM_API_SESSION,
};

/* Largest and default page size of the list operations (Huawei: 0-2000;
 * 0 asks for the default). */
#define TM_API_LIMIT_MAX 2000
#define TM_API_LIMIT_DEFAULT 2000

/* Parses 'len' bytes of 'body' into '*json' (which the caller destroys),
 * requiring valid UTF-8 and one JSON object. */
char *tm_api_parse_body(const char *body, size_t len, struct json **json)
    OVS_WARN_UNUSED_RESULT;

/* Apply a create ('create' true: required members must be present) or an
 * update body to an object.  Members that the body lacks leave the
 * object's fields as they are, so a create starts from a fresh object
 * (defaults) and an update from the stored one.  On error the object may
 * be partly changed. */
char *tm_api_filter_from_body(const struct json *body, bool create,
                              struct tm_filter *) OVS_WARN_UNUSED_RESULT;
char *tm_api_rule_from_body(const struct json *body, bool create,
                            struct tm_rule *) OVS_WARN_UNUSED_RESULT;
char *tm_api_session_from_body(const struct json *body, bool create,
                               struct tm_session *) OVS_WARN_UNUSED_RESULT;

/* The body of add-sources and remove-sources: the port ids, appended to
 * 'sources'.  A port listed twice is an error. */
char *tm_api_sources_from_body(const struct json *body, struct svec *sources)
    OVS_WARN_UNUSED_RESULT;

/* Adds 'ports' as sources of 's' (an error if one already is) or removes
 * them (an error if one is not). */
char *tm_api_session_add_sources(struct tm_session *, const struct svec *)
    OVS_WARN_UNUSED_RESULT;
char *tm_api_session_remove_sources(struct tm_session *, const struct svec *)
    OVS_WARN_UNUSED_RESULT;

/* A list operation on 'model': the resources of 'project_id' that match
 * every filter in 'query' (the query parameters of the SDK's List*Request
 * models; a parameter given more than once matches any of its values),
 * ordered by created_at then id, one page of them after 'marker' (the id
 * of the previous page's last item) and at most 'limit' long.  Stores the
 * response body, without request_id, in '*body' ("traffic_mirror_filters"
 * etc. and "page_info"), or returns an error for a bad parameter. */
char *tm_api_list(const struct tm_model *, enum tm_api_resource,
                  const char *project_id, const struct smap *query,
                  struct json **body) OVS_WARN_UNUSED_RESULT;

/* Resources as the API shows them.  A rule belongs to its filter's
 * project, which the caller passes in. */
struct json *tm_api_filter_to_json(const struct tm_filter *);
struct json *tm_api_rule_to_json(const struct tm_rule *,
                                 const char *project_id);
struct json *tm_api_session_to_json(const struct tm_session *);

#endif /* tm-api-ops.h */
