/*
 * tmirror fuzz target: the REST API's request parsers (api/tm-api-ops.h).
 *
 * Each input is a request body: it goes through tm_api_parse_body() and,
 * if it is a JSON object, through every body reader, as a create and as
 * an update (an update starts from whatever the create left, as a stored
 * object would be).  The same bytes, read as a query string
 * ("k=v&k=v"), go through each list operation on a small model.  Besides
 * crashes, leaks and sanitizer reports, the target aborts when a reader
 * breaks its contract:
 *
 *   - an error must be a non-empty message;
 *   - an object that a create accepted must have its required fields and
 *     keep its values within their limits;
 *   - a list that succeeded must be a JSON object with "page_info".
 */
#include <config.h>
#include "tm-api-ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "svec.h"
#include "tm-model.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void OVS_NO_RETURN
fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-api: %s: %s\n", what, detail ? detail : "");
    abort();
}

/* Checks and frees 'error'.  Returns true if there was one. */
static bool
check_error(char *error)
{
    if (!error) {
        return false;
    }
    if (!error[0]) {
        fail("empty error message", NULL);
    }
    free(error);
    return true;
}

static void
fuzz_bodies(const struct json *json)
{
    struct tm_model model;

    tm_model_init(&model);
    struct tm_filter *f = tm_model_add_filter(&model, "f");
    struct tm_rule *r = tm_filter_add_rule(f, "r");
    struct tm_session *s = tm_model_add_session(&model, "s");

    for (int create = 1; create >= 0; create--) {
        if (!check_error(tm_api_filter_from_body(json, create, f))
            && create && !f->name) {
            fail("filter create without a name", NULL);
        }
        if (!check_error(tm_api_rule_from_body(json, create, r))
            && (r->priority < TM_RULE_PRIORITY_MIN
                || r->priority > TM_RULE_PRIORITY_MAX
                || (create && !r->filter_id))) {
            fail("rule out of limits", NULL);
        }
        if (!check_error(tm_api_session_from_body(json, create, s))
            && (s->vni > TM_VNI_MAX
                || s->packet_length < TM_PACKET_LENGTH_MIN
                || s->packet_length > TM_PACKET_LENGTH_MAX
                || (create && (!s->filter_id || !s->target_id
                               || s->priority < TM_SESSION_PRIORITY_MIN
                               || s->priority
                                  > TM_SESSION_PRIORITY_MAX)))) {
            fail("session out of limits", NULL);
        }
    }

    struct svec ports = SVEC_EMPTY_INITIALIZER;
    if (!check_error(tm_api_sources_from_body(json, &ports))) {
        if (!ports.n) {
            fail("no sources accepted", NULL);
        }
        check_error(tm_api_session_add_sources(s, &ports));
        check_error(tm_api_session_remove_sources(s, &ports));
    }
    svec_destroy(&ports);
    tm_model_destroy(&model);
}

/* A small model for the list operations. */
static void
make_model(struct tm_model *model)
{
    tm_model_init(model);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "f%d", i);
        struct tm_filter *f = tm_model_add_filter(model, id);
        f->project_id = xstrdup(i < 2 ? "p" : "q");
        f->created_at = xstrdup(i == 1 ? "1" : "2");
        struct tm_rule *r = tm_filter_add_rule(f, id[1] == '0' ? "r0" : id);
        r->priority = i + 1;
        struct tm_session *s = tm_model_add_session(model, id[1] == '0'
                                                    ? "s0" : "s1");
        s->project_id = xstrdup("p");
        s->filter_id = xstrdup(id);
        s->priority = 1;
        if (i == 1) {
            break;
        }
    }
    free(tm_model_index(model));
}

static void
fuzz_query(const char *text)
{
    struct smap query = SMAP_INITIALIZER(&query);
    char *copy = xstrdup(text), *save = NULL;

    for (char *t = strtok_r(copy, "&", &save); t;
         t = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(t, '=');
        if (eq) {
            *eq = '\0';
        }
        smap_add(&query, t, eq ? eq + 1 : "");
    }
    free(copy);

    struct tm_model model;
    make_model(&model);
    for (int r = TM_API_FILTER; r <= TM_API_SESSION; r++) {
        struct json *json;
        if (!check_error(tm_api_list(&model, r, "p", &query, &json))) {
            if (json->type != JSON_OBJECT
                || !shash_find(json_object(json), "page_info")) {
                fail("list without page_info", NULL);
            }
            json_destroy(json);
        }
    }
    tm_model_destroy(&model);
    smap_destroy(&query);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    struct json *json;

    if (!initialized) {
        vlog_set_verbosity("off");
        initialized = true;
    }

    if (!check_error(tm_api_parse_body((const char *) data, size, &json))) {
        if (json->type != JSON_OBJECT) {
            fail("body accepted that is not an object", NULL);
        }
        fuzz_bodies(json);
        json_destroy(json);
    }

    char *text = xmemdup0((const char *) data, size);
    fuzz_query(text);
    free(text);
    return 0;
}
