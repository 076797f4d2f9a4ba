/*
 * tmirror: reading JSON objects member by member, with errors that name
 * the member's JSON path and what was wrong with it.  Shared by every
 * reader of JSON input (model files, bindings, API bodies).
 *
 * 'path' is the JSON path of the object being read ("" for the top level,
 * or e.g. "traffic_mirror_sessions[2]"); errors name "PATH.MEMBER".  A
 * member whose value is null counts as absent, as clients send null for
 * "not set".  Every function returns NULL or a malloc'd error.
 */
#ifndef TM_JSON_H
#define TM_JSON_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"

struct json;
struct json_array;

/* "PATH.MEMBER", or "MEMBER" at the top level (malloc'd). */
char *tm_json_path(const char *path, const char *member);

/* Fails unless 'json' is an object. */
char *tm_json_expect_object(const struct json *json, const char *path)
    OVS_WARN_UNUSED_RESULT;

/* Refuses members of 'object' that are not in 'allowed' (NULL-terminated):
 * a misspelt optional member would otherwise silently take its default. */
char *tm_json_check_members(const struct json *object, const char *path,
                            const char *const allowed[])
    OVS_WARN_UNUSED_RESULT;

/* The member 'name' of 'object', or NULL if it is absent or null. */
const struct json *tm_json_member(const struct json *object,
                                  const char *name);

/* Errors for a required member that is missing and for a member of the
 * wrong type ('want' as in "an integer"). */
char *tm_json_missing(const char *path, const char *name);
char *tm_json_wrong_type(const char *path, const char *name,
                         const char *want, const struct json *value);

/* Readers.  An absent member is an error if 'required', otherwise the
 * output is left alone (so it keeps its default). */

/* A string, checked by 'check' (which takes the field's path and the
 * value) if nonnull, copied into '*out' (replacing and freeing what was
 * there). */
char *tm_json_get_string(const struct json *object, const char *path,
                         const char *name, bool required,
                         char *(*check)(const char *, const char *),
                         char **out) OVS_WARN_UNUSED_RESULT;

/* An integer in [min, max]. */
char *tm_json_get_uint(const struct json *object, const char *path,
                       const char *name, bool required, uint32_t min,
                       uint32_t max, uint32_t *out) OVS_WARN_UNUSED_RESULT;

/* true or false. */
char *tm_json_get_bool(const struct json *object, const char *path,
                       const char *name, bool *out) OVS_WARN_UNUSED_RESULT;

/* An array: '*array' is set to it, or to NULL if absent. */
char *tm_json_get_array(const struct json *object, const char *path,
                        const char *name, const struct json_array **array)
    OVS_WARN_UNUSED_RESULT;

/* Parses a whole file or string into '*json' (which the caller destroys),
 * or returns the syntax error prefixed with 'source'. */
char *tm_json_parse_file(const char *file_name, struct json **json)
    OVS_WARN_UNUSED_RESULT;
char *tm_json_parse_string(const char *s, const char *source,
                           struct json **json) OVS_WARN_UNUSED_RESULT;

#endif /* tm-json.h */
