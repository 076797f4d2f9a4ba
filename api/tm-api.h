/*
 * tmirror-apid: one REST request and its response, as the HTTP side hands
 * them to the database side.
 *
 * The HTTP thread (libevent evhttp) receives a request, enforces the
 * limits, checks its signature (tm-api-auth) and that the key may use the
 * project in its path, then queues it; the database thread, which owns
 * the northbound IDL, runs tm_api_handle() on it and queues the response
 * back.  Nothing here does I/O: tm_api_handle() only reads and writes the
 * IDL (through tm-nb and tm-nb-write).
 */
#ifndef TM_API_H
#define TM_API_H 1

#include <stddef.h>
#include "compiler.h"
#include "openvswitch/shash.h"
#include "smap.h"

struct json;
struct ovsdb_idl;

struct tm_api_request {
    const char *method;         /* "GET", "POST", "PUT", "DELETE". */
    const char *path;           /* Decoded, without the query string:
                                 * "/v3/PROJECT/vpc/traffic-mirror-..."". */
    struct smap query;          /* Decoded query parameters; a repeated
                                 * key appears once per value, in order. */
    const char *body;           /* NULL if none. */
    size_t body_len;
    const char *project_id;     /* From the path; the key may use it. */
    const char *request_id;     /* Also in the response's X-Request-Id. */
};

struct tm_api_response {
    int status;                 /* HTTP status. */
    struct json *body;          /* NULL: no body (204). */
};

/* Runs one authorized request against the northbound database: every
 * write is one validated transaction (tm_nb_write()), every read sees the
 * IDL as it is.  Always fills in 'response': errors get the status that
 * fits and Huawei's error body ({"error_code", "error_msg",
 * "request_id"}), with a message that names the field and the limit. */
void tm_api_handle(struct ovsdb_idl *, const struct tm_api_request *,
                   struct tm_api_response *);

/* Fills in 'response' as an error: 'status', Huawei-style 'code' (e.g.
 * "VPC.0002"), and a message. */
void tm_api_error(struct tm_api_response *, int status, const char *code,
                  const char *request_id, const char *format, ...)
    OVS_PRINTF_FORMAT(5, 6);

#endif /* tm-api.h */
