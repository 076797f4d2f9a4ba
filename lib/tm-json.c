/*
 * tmirror: reading JSON objects member by member (see tm-json.h).
 */
#include <config.h>
#include "tm-json.h"

#include <string.h>
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "tm-parse.h"
#include "util.h"

/* The JSON path of the member being read, for error messages. */
char *
tm_json_path(const char *path, const char *member)
{
    return path && path[0] ? xasprintf("%s.%s", path, member)
                           : xstrdup(member);
}

/* Refuses members of 'object' that are not in 'allowed' (NULL-terminated):
 * a misspelt optional field would otherwise silently take its default. */
char *
tm_json_check_members(const struct json *object, const char *path,
                      const char *const allowed[])
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, json_object(object)) {
        bool known = false;
        for (size_t i = 0; !known && allowed[i]; i++) {
            known = !strcmp(node->name, allowed[i]);
        }
        if (!known) {
            char *field = tm_json_path(path, node->name);
            char *error = xasprintf("%s: unknown member", field);
            free(field);
            return error;
        }
    }
    return NULL;
}

/* Returns the member 'name' of 'object', or NULL if it is absent or null
 * (clients send null for "not set"). */
const struct json *
tm_json_member(const struct json *object, const char *name)
{
    const struct json *value = shash_find_data(json_object(object), name);
    return value && value->type != JSON_NULL ? value : NULL;
}

char *
tm_json_missing(const char *path, const char *name)
{
    char *field = tm_json_path(path, name);
    char *error = xasprintf("%s: required member is missing", field);
    free(field);
    return error;
}

char *
tm_json_wrong_type(const char *path, const char *name, const char *want,
                   const struct json *value)
{
    char *field = tm_json_path(path, name);
    char *error = xasprintf("%s: must be %s, not %s", field, want,
                            json_type_to_string(value->type));
    free(field);
    return error;
}

/* Reads string member 'name' into '*out' (replacing what was there).
 * Absent: an error if 'required', otherwise '*out' is left alone.  If
 * 'check' is nonnull, it validates the value. */
char *
tm_json_get_string(const struct json *object, const char *path,
                   const char *name,
                   bool required, char *(*check)(const char *, const char *),
                   char **out)
{
    const struct json *value = tm_json_member(object, name);

    if (!value) {
        return required ? tm_json_missing(path, name) : NULL;
    }
    if (value->type != JSON_STRING) {
        return tm_json_wrong_type(path, name, "a string", value);
    }
    if (check) {
        char *field = tm_json_path(path, name);
        char *error = check(field, json_string(value));
        free(field);
        if (error) {
            return error;
        }
    }
    free(*out);
    *out = xstrdup(json_string(value));
    return NULL;
}

/* Reads an integer member in [min, max]. */
char *
tm_json_get_uint(const struct json *object, const char *path, const char *name,
                 bool required, uint32_t min, uint32_t max, uint32_t *out)
{
    const struct json *value = tm_json_member(object, name);

    if (!value) {
        return required ? tm_json_missing(path, name) : NULL;
    }
    if (value->type != JSON_INTEGER) {
        return tm_json_wrong_type(path, name, "an integer", value);
    }

    char *field = tm_json_path(path, name);
    char *error = tm_check_uint(field, json_integer(value), min, max);
    free(field);
    if (!error) {
        *out = json_integer(value);
    }
    return error;
}

char *
tm_json_get_bool(const struct json *object, const char *path, const char *name,
                 bool *out)
{
    const struct json *value = tm_json_member(object, name);

    if (!value) {
        return NULL;
    }
    if (value->type != JSON_TRUE && value->type != JSON_FALSE) {
        return tm_json_wrong_type(path, name, "true or false", value);
    }
    *out = value->type == JSON_TRUE;
    return NULL;
}

char *
tm_json_expect_object(const struct json *json, const char *path)
{
    if (json->type != JSON_OBJECT) {
        return xasprintf("%s: must be an object, not %s",
                         path && path[0] ? path : "model",
                         json_type_to_string(json->type));
    }
    return NULL;
}

/* Returns the array member 'name' in '*array', or NULL (absent).  */
char *
tm_json_get_array(const struct json *object, const char *path,
                  const char *name,
                  const struct json_array **array)
{
    const struct json *value = tm_json_member(object, name);

    *array = NULL;
    if (!value) {
        return NULL;
    }
    if (value->type != JSON_ARRAY) {
        return tm_json_wrong_type(path, name, "an array", value);
    }
    *array = json_array(value);
    return NULL;
}


/* json_from_string() and json_from_file() report syntax errors as a
 * JSON_STRING holding the message. */
static char *
tm_json_parsed(struct json *parsed, const char *source, struct json **json)
{
    if (parsed->type == JSON_STRING) {
        char *error = xasprintf("%s: %s", source, json_string(parsed));
        json_destroy(parsed);
        *json = NULL;
        return error;
    }
    *json = parsed;
    return NULL;
}

char *
tm_json_parse_file(const char *file_name, struct json **json)
{
    return tm_json_parsed(json_from_file(file_name), file_name, json);
}

char *
tm_json_parse_string(const char *s, const char *source, struct json **json)
{
    return tm_json_parsed(json_from_string(s), source, json);
}
