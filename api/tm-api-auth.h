/*
 * tmirror-apid: who may call the API.
 *
 * Keys come from a credentials file that only its owner may read (the
 * daemon refuses a file that its group or others can read or write):
 *
 *   # access-key  secret-key  project-id[,project-id...]
 *   AKEXAMPLE1    SKEXAMPLE1  0123456789abcdef0123456789abcdef
 *
 * One key per line, fields separated by spaces or tabs.  '#' starts a
 * comment at the beginning of a line or after the third field; inside the
 * secret key it is an ordinary character.  Access keys are letters,
 * digits, '-', '_' and '.'; secret keys are any printable characters (the
 * HMAC key is their bytes, as is); project ids are as resource ids
 * (tm_check_project_id()).  A duplicate access key, and a file without
 * keys, are errors.
 *
 * Every request must carry the Huawei Cloud SDK's AK/SK signature:
 *
 *   Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c,
 *                  Signature=HEX
 *   X-Sdk-Date: YYYYMMDDTHHMMSSZ
 *
 * over the canonical request (method, canonical URI, canonical query
 * string, the signed headers, the SHA-256 of the body), exactly as the
 * SDK's signer builds it.  A request whose date is more than 15 minutes
 * off is refused, as is one whose key may not use the project in its
 * path.
 *
 * Two consequences of the SDK's algorithm that the router must know: the
 * signer always ends the canonical URI with '/', so ".../ID" and
 * ".../ID/" have the same signature; and it signs a path with characters
 * outside A-Za-z0-9-_.~ differently from how it sends it, so the SDK
 * cannot call paths with such ids (they fail with 401).
 */
#ifndef TM_API_AUTH_H
#define TM_API_AUTH_H 1

#include <stddef.h>
#include "compiler.h"

struct smap;

struct tm_api_creds;

/* Loads 'file_name'.  Returns NULL and stores the credentials in '*creds',
 * or a malloc'd error naming the file and line (or the permission
 * problem). */
char *tm_api_creds_load(const char *file_name, struct tm_api_creds **creds)
    OVS_WARN_UNUSED_RESULT;
void tm_api_creds_destroy(struct tm_api_creds *);

/* A request as it arrived, for signature checking. */
struct tm_api_auth_request {
    const char *method;         /* As sent ("GET"...; case matters). */
    const char *raw_path;       /* As on the wire, percent-encoded, without
                                 * the query string.  Not decoded: the
                                 * signer encodes it again ('%' -> "%25"),
                                 * and so do we. */
    const char *raw_query;      /* As on the wire, without '?'; NULL or ""
                                 * if none.  Decoded and re-encoded here,
                                 * in the signer's order and escaping. */
    const struct smap *headers; /* Lower-case names -> values (surrounding
                                 * spaces and tabs are ignored).  A signed
                                 * header that arrived twice should be
                                 * refused before this check. */
    const char *body;           /* May be NULL if 'body_len' is 0. */
    size_t body_len;
    const char *project_id;     /* The project in the path (decoded), or
                                 * NULL for a request about no project,
                                 * which then only needs a valid
                                 * signature. */
};

/* Checks 'req' at time 'now' (seconds since the epoch).  Returns 0 if it
 * is signed by a known key that may use req->project_id, otherwise the
 * HTTP status to answer (401: missing, malformed or wrong signature,
 * unknown key, date off by more than 15 minutes; 403: the key may not use
 * that project, which is only said to callers whose signature is valid;
 * 500 only if OpenSSL fails) and a malloc'd reason in '*reason' (for the
 * log and the error body: it never contains a secret key or the expected
 * signature).  '*reason' is NULL on success.
 *
 * X-Sdk-Date must be among the signed headers.  If X-Sdk-Content-Sha256
 * is signed (the SDK never signs it for JSON bodies), it must be the
 * body's SHA-256: a request whose signature does not cover its body
 * ("UNSIGNED-PAYLOAD") is refused. */
int tm_api_auth_check(const struct tm_api_creds *,
                      const struct tm_api_auth_request *, long long int now,
                      char **reason);

#endif /* tm-api-auth.h */
