/*
 * tmirror-apid: who may call the API (see tm-api-auth.h).
 *
 * The signature check is a server-side port of the Huawei Cloud SDK's
 * signer (huaweicloud-sdk-core, auth/AKSKSigner.js, "SDK-HMAC-SHA256"),
 * validated against requests captured from the real Node.js SDK.  The
 * signer works on the request before it is sent; we only have the bytes
 * that arrived, so each part of the canonical request is rebuilt from
 * them the way the signer would have built it:
 *
 *   - The path is taken as it is on the wire and every byte outside
 *     A-Za-z0-9-_.~ of each '/'-separated segment is percent-encoded, so
 *     a '%' already on the wire becomes "%25".  The SDK really does
 *     double-encode (it signs the pathname that url.parse() escaped), and
 *     decoding first would break requests it signs correctly, such as the
 *     one with a literal "{project_id}" in its path.
 *
 *   - The query string is decoded and re-encoded instead, because the SDK
 *     signs its query parameters before Node's querystring module escapes
 *     them for the wire, and the two escape different sets of characters
 *     ("!'()*" travel raw but are signed encoded).
 *
 * Nothing here is ever logged or returned that would help forge a request:
 * reasons name what was wrong, never the secret key or the signature we
 * expected.
 */
#include <config.h>
#include "tm-api-auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "smap.h"
#include "sset.h"
#include "tm-parse.h"
#include "util.h"

/* The only algorithm the SDK uses unless its caller opts into the derived
 * key variant ("V11-HMAC-SHA256"), which we do not support. */
#define TM_AUTH_ALGORITHM "SDK-HMAC-SHA256"

/* How far X-Sdk-Date may be from our clock, either way, as Huawei's API
 * gateway allows: enough for clock drift, short enough to limit replay. */
#define TM_AUTH_MAX_SKEW (15 * 60)

/* Access keys: Huawei's are 20 upper-case letters and digits.  We allow a
 * little more but nothing that could confuse the Authorization header's
 * syntax (',' and '=' separate its parameters). */
#define TM_AUTH_AK_MAX 128

/* Secret keys: Huawei's are 40 characters; this only bounds memory. */
#define TM_AUTH_SK_MAX 1024

/* Never echo more than this many bytes of a client's input in a reason. */
#define TM_AUTH_QUOTE_MAX 64

/* The header with the date, which the signer always signs. */
#define TM_AUTH_DATE_HEADER "x-sdk-date"

/* The header that, when signed, stands for the body in the canonical
 * request. */
#define TM_AUTH_CONTENT_SHA256_HEADER "x-sdk-content-sha256"

struct tm_api_key {
    char *sk;                   /* Secret key (HMAC key, used as is). */
    int line;                   /* Line of the credentials file. */
    struct sset projects;       /* Projects this key may use. */
};

struct tm_api_creds {
    struct shash keys;          /* Access key -> struct tm_api_key. */
};

/* Credentials file. */

static void
tm_api_key_destroy(struct tm_api_key *key)
{
    if (key) {
        /* A long-running daemon should not leave secrets in freed memory
         * for a later allocation (or a core dump) to expose. */
        OPENSSL_cleanse(key->sk, strlen(key->sk));
        free(key->sk);
        sset_destroy(&key->projects);
        free(key);
    }
}

void
tm_api_creds_destroy(struct tm_api_creds *creds)
{
    if (creds) {
        struct shash_node *node;

        SHASH_FOR_EACH (node, &creds->keys) {
            tm_api_key_destroy(node->data);
        }
        shash_destroy(&creds->keys);
        free(creds);
    }
}

static bool
tm_auth_is_ak_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* Returns NULL if 'ak' is a valid access key, otherwise the problem. */
static char *
tm_auth_check_ak(const char *ak)
{
    size_t len = strlen(ak);

    if (len > TM_AUTH_AK_MAX) {
        return xasprintf("access key is longer than %d characters",
                         TM_AUTH_AK_MAX);
    }
    for (size_t i = 0; i < len; i++) {
        if (!tm_auth_is_ak_char(ak[i])) {
            return xstrdup("access key may contain only letters, digits, "
                           "'-', '_' and '.'");
        }
    }
    return NULL;
}

/* Returns NULL if 'sk' is a usable secret key, otherwise the problem,
 * which never quotes the key. */
static char *
tm_auth_check_sk(const char *sk)
{
    size_t len = strlen(sk);

    if (len > TM_AUTH_SK_MAX) {
        return xasprintf("secret key is longer than %d bytes",
                         TM_AUTH_SK_MAX);
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = sk[i];
        if (c < 0x20 || c == 0x7f) {
            return xstrdup("secret key contains a control character");
        }
    }
    return NULL;
}

/* Parses the project list 'list' ("p1,p2,...") into 'projects'.  Returns
 * NULL or the problem. */
static char *
tm_auth_parse_projects(const char *list, struct sset *projects)
{
    char *copy = xstrdup(list);
    char *error = NULL;
    char *save = copy;

    for (;;) {
        char *project = strsep(&save, ",");
        if (!project) {
            break;
        }
        if (!project[0]) {
            error = xstrdup("empty project id in the project list");
            break;
        }
        error = tm_check_project_id("project id", project);
        if (error) {
            break;
        }
        /* Listing a project twice is harmless, so it is not an error. */
        sset_add(projects, project);
    }
    free(copy);
    return error;
}

/* Whitespace between the fields of a credentials line.  '\r' is included
 * so that a file edited on Windows still loads. */
#define TM_AUTH_SPACE " \t\r\v\f"

/* Parses 'line', line 'line_number' of a credentials file, into 'creds'.
 * Returns NULL or the problem (without the file name and line).
 *
 * '#' starts a comment as the first field or after the third one.  It is
 * an ordinary character inside the secret key, because secrets are random
 * strings that may well contain one; "AK SK PROJECTS # comment" stays
 * unambiguous. */
static char *
tm_auth_parse_line(struct tm_api_creds *creds, char *line, int line_number)
{
    char *fields[3];
    size_t n = 0;
    char *save = NULL;

    for (char *token = strtok_r(line, TM_AUTH_SPACE, &save); token;
         token = strtok_r(NULL, TM_AUTH_SPACE, &save)) {
        if (token[0] == '#' && (n == 0 || n == 3)) {
            break;
        } else if (n == 3) {
            return xstrdup("too many fields (expected ACCESS-KEY SECRET-KEY "
                           "PROJECT[,PROJECT...]; a comment after them "
                           "must start with '#')");
        }
        fields[n++] = token;
    }
    if (n == 0) {
        return NULL;
    } else if (n < 3) {
        return xstrdup("expected ACCESS-KEY SECRET-KEY "
                       "PROJECT[,PROJECT...]");
    }

    const char *ak = fields[0];
    const char *sk = fields[1];
    char *error = tm_auth_check_ak(ak);
    if (!error) {
        error = tm_auth_check_sk(sk);
    }
    if (error) {
        return error;
    }

    const struct tm_api_key *old = shash_find_data(&creds->keys, ak);
    if (old) {
        return xasprintf("duplicate access key \"%s\" (first on line %d)",
                         ak, old->line);
    }

    struct tm_api_key *key = xzalloc(sizeof *key);
    key->sk = xstrdup(sk);
    key->line = line_number;
    sset_init(&key->projects);
    error = tm_auth_parse_projects(fields[2], &key->projects);
    if (error) {
        tm_api_key_destroy(key);
        return error;
    }
    shash_add(&creds->keys, ak, key);
    return NULL;
}

char *
tm_api_creds_load(const char *file_name, struct tm_api_creds **credsp)
{
    struct tm_api_creds *creds;
    struct stat st;
    char *error = NULL;
    FILE *file;
    int fd;

    *credsp = NULL;

    /* Check the permissions of the file we actually opened, not of the
     * name, so that a rename in between cannot slip another file in. */
    fd = open(file_name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return xasprintf("%s: cannot open credentials file (%s)",
                         file_name, ovs_strerror(errno));
    }
    if (fstat(fd, &st) < 0) {
        error = xasprintf("%s: cannot stat credentials file (%s)",
                          file_name, ovs_strerror(errno));
        close(fd);
        return error;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return xasprintf("%s: credentials file is not a regular file",
                         file_name);
    }
    if (st.st_mode & 077) {
        close(fd);
        return xasprintf("%s: credentials file is accessible by its group "
                         "or others (mode %04o); it holds secret keys, so "
                         "only its owner may read or write it (chmod 600)",
                         file_name, (unsigned int) (st.st_mode & 07777));
    }
    file = fdopen(fd, "r");
    if (!file) {
        error = xasprintf("%s: cannot read credentials file (%s)",
                          file_name, ovs_strerror(errno));
        close(fd);
        return error;
    }

    creds = xzalloc(sizeof *creds);
    shash_init(&creds->keys);

    struct ds line = DS_EMPTY_INITIALIZER;
    int line_number = 0;
    while (!error && !ds_get_line(&line, file)) {
        line_number++;
        if (strlen(ds_cstr(&line)) != line.length) {
            error = xasprintf("%s:%d: line contains a null byte",
                              file_name, line_number);
            break;
        }
        char *problem = tm_auth_parse_line(creds, ds_cstr(&line),
                                           line_number);
        if (problem) {
            error = xasprintf("%s:%d: %s", file_name, line_number, problem);
            free(problem);
        }
    }
    if (!error && ferror(file)) {
        error = xasprintf("%s: error reading credentials file (%s)",
                          file_name, ovs_strerror(errno));
    }
    if (!error && shash_is_empty(&creds->keys)) {
        /* Almost certainly the wrong file; a daemon that refuses every
         * request would only hide that. */
        error = xasprintf("%s: credentials file has no keys", file_name);
    }
    OPENSSL_cleanse(line.string, line.allocated);
    ds_destroy(&line);
    fclose(file);

    if (error) {
        tm_api_creds_destroy(creds);
        return error;
    }
    *credsp = creds;
    return NULL;
}

/* Signature check. */

#define TM_AUTH_SHA256_LEN 32
#define TM_AUTH_HEX_LEN (2 * TM_AUTH_SHA256_LEN)

/* Appends 's' (at most TM_AUTH_QUOTE_MAX bytes of it) to 'ds' in double
 * quotes, with anything but printable ASCII escaped, since it comes from
 * the client and ends up in logs. */
static void
tm_auth_put_quoted(struct ds *ds, const char *s)
{
    size_t len = strlen(s);

    ds_put_char(ds, '"');
    for (size_t i = 0; i < len && i < TM_AUTH_QUOTE_MAX; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            ds_put_char(ds, c);
        } else {
            ds_put_format(ds, "\\x%02x", c);
        }
    }
    if (len > TM_AUTH_QUOTE_MAX) {
        ds_put_cstr(ds, "...");
    }
    ds_put_char(ds, '"');
}

/* Sets '*reason' to 'prefix', 'quoted' in quotes, then 'suffix', and
 * returns 'status'. */
static int
tm_auth_fail_quoted(int status, char **reason, const char *prefix,
                    const char *quoted, const char *suffix)
{
    struct ds ds = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&ds, prefix);
    tm_auth_put_quoted(&ds, quoted);
    ds_put_cstr(&ds, suffix);
    *reason = ds_steal_cstr(&ds);
    return status;
}

static int tm_auth_fail(int status, char **reason, const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

/* Sets '*reason' from 'format' and returns 'status'. */
static int
tm_auth_fail(int status, char **reason, const char *format, ...)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    va_list args;

    va_start(args, format);
    ds_put_format_valist(&ds, format, args);
    va_end(args);
    *reason = ds_steal_cstr(&ds);
    return status;
}

static bool
tm_auth_is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Returns the value of header 'name' in 'headers', without surrounding
 * spaces and tabs (HTTP's optional white space, which is not part of the
 * value and which the signer never sees), in '*value' and '*len'; or
 * false if there is no such header. */
static bool
tm_auth_get_header(const struct smap *headers, const char *name,
                   const char **value, size_t *len)
{
    const char *s = smap_get(headers, name);
    if (!s) {
        return false;
    }

    size_t n = strlen(s);
    while (n && tm_auth_is_ows(s[n - 1])) {
        n--;
    }
    while (n && tm_auth_is_ows(s[0])) {
        s++;
        n--;
    }
    *value = s;
    *len = n;
    return true;
}

/* The parameters of an Authorization header. */
struct tm_auth_params {
    char *access;
    char *signed_headers;
    char *signature;
};

static void
tm_auth_params_destroy(struct tm_auth_params *params)
{
    free(params->access);
    free(params->signed_headers);
    free(params->signature);
    memset(params, 0, sizeof *params);
}

static bool
tm_auth_is_signature(const char *s)
{
    if (strlen(s) != TM_AUTH_HEX_LEN) {
        return false;
    }
    for (; *s; s++) {
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* Parses Authorization header 'value' ("SDK-HMAC-SHA256 Access=AK,
 * SignedHeaders=a;b, Signature=HEX") into 'params', as the SDK writes it
 * and as leniently as the reference verifier reads it: white space around
 * the parameters does not matter and unknown parameters are ignored.
 * Returns NULL or the problem. */
static char *
tm_auth_parse_authorization(const char *value, size_t len,
                            struct tm_auth_params *params)
{
    static const char prefix[] = TM_AUTH_ALGORITHM " ";
    const size_t prefix_len = strlen(prefix);
    char *error = NULL;

    memset(params, 0, sizeof *params);
    if (len < prefix_len || memcmp(value, prefix, prefix_len)) {
        return xstrdup("Authorization header does not use "
                       TM_AUTH_ALGORITHM);
    }

    char *copy = xmemdup0(value + prefix_len, len - prefix_len);
    char *save = copy;
    for (char *part = strsep(&save, ","); !error && part;
         part = strsep(&save, ",")) {
        size_t n;

        while (tm_auth_is_ows(*part)) {
            part++;
        }
        for (n = strlen(part); n && tm_auth_is_ows(part[n - 1]); n--) {
            continue;
        }
        part[n] = '\0';

        char *eq = strchr(part, '=');
        if (!eq || eq == part) {
            continue;
        }
        *eq = '\0';

        char **slot = (!strcmp(part, "Access") ? &params->access
                       : !strcmp(part, "SignedHeaders")
                       ? &params->signed_headers
                       : !strcmp(part, "Signature") ? &params->signature
                       : NULL);
        if (slot && *slot) {
            error = xasprintf("Authorization header has %s twice", part);
        } else if (slot) {
            *slot = xstrdup(eq + 1);
        }
    }
    free(copy);

    if (error) {
        /* Already set. */
    } else if (!params->access || !params->access[0]) {
        error = xstrdup("Authorization header lacks Access");
    } else if (!params->signed_headers || !params->signed_headers[0]) {
        error = xstrdup("Authorization header lacks SignedHeaders");
    } else if (!params->signature || !params->signature[0]) {
        error = xstrdup("Authorization header lacks Signature");
    } else if (!tm_auth_is_signature(params->signature)) {
        error = xasprintf("Authorization header's Signature is not %d "
                          "lower-case hexadecimal digits", TM_AUTH_HEX_LEN);
    }
    if (error) {
        tm_auth_params_destroy(params);
    }
    return error;
}

/* Returns true if 'name' can be a signed header's name: an HTTP token
 * without upper-case letters, because the signer lower-cases the names it
 * signs and 'headers' has lower-case names. */
static bool
tm_auth_is_header_name(const char *name)
{
    if (!name[0]) {
        return false;
    }
    for (const char *p = name; *p; p++) {
        unsigned char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || strchr("!#$%&'*+-.^_`|~", c))) {
            return false;
        }
    }
    return true;
}

/* Checks 'list', the SignedHeaders parameter.  Returns 0, or 401 with a
 * reason.  Sets '*body_hash_signed' if it includes the header that stands
 * for the body. */
static int
tm_auth_check_signed_headers(const char *list, bool *body_hash_signed,
                             char **reason)
{
    char *copy = xstrdup(list);
    char *save = copy;
    bool names_ok = true;
    bool date_signed = false;

    *body_hash_signed = false;
    for (char *name = strsep(&save, ";"); names_ok && name;
         name = strsep(&save, ";")) {
        names_ok = tm_auth_is_header_name(name);
        date_signed |= !strcmp(name, TM_AUTH_DATE_HEADER);
        *body_hash_signed |= !strcmp(name, TM_AUTH_CONTENT_SHA256_HEADER);
    }
    free(copy);

    if (!names_ok) {
        return tm_auth_fail(401, reason, "Authorization header's "
                            "SignedHeaders is not a list of lower-case "
                            "header names separated by ';'");
    } else if (!date_signed) {
        /* The signer always signs it.  The string to sign covers the
         * date anyway, but a date header that is not itself signed means
         * that the request was not made by the SDK's algorithm. */
        return tm_auth_fail(401, reason, "Authorization header's "
                            "SignedHeaders lacks " TM_AUTH_DATE_HEADER);
    }
    return 0;
}

/* Days from 1970-01-01 to 'year'-'month'-'day' in the proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil), so that we need neither
 * timegm() nor the TZ environment variable. */
static long long int
tm_auth_days_from_civil(int year, int month, int day)
{
    year -= month <= 2;
    int era = (year >= 0 ? year : year - 399) / 400;
    int yoe = year - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long int) era * 146097 + doe - 719468;
}

static bool
tm_auth_is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Parses X-Sdk-Date 's' ("YYYYMMDDTHHMMSSZ", UTC), 'len' bytes long, into
 * seconds since the epoch.  Returns false if it is not such a date. */
static bool
tm_auth_parse_date(const char *s, size_t len, long long int *t)
{
    static const char pattern[] = "ddddddddTddddddZ";
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31 };
    int v[sizeof pattern - 1];

    if (len != sizeof pattern - 1) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (pattern[i] == 'd') {
            if (s[i] < '0' || s[i] > '9') {
                return false;
            }
            v[i] = s[i] - '0';
        } else if (s[i] != pattern[i]) {
            return false;
        }
    }

    int year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    int month = v[4] * 10 + v[5];
    int day = v[6] * 10 + v[7];
    int hour = v[9] * 10 + v[10];
    int min = v[11] * 10 + v[12];
    int sec = v[13] * 10 + v[14];
    if (month < 1 || month > 12 || day < 1
        || day > mdays[month - 1] + (month == 2 && tm_auth_is_leap(year))
        || hour > 23 || min > 59 || sec > 59) {
        return false;
    }
    *t = (tm_auth_days_from_civil(year, month, day) * 86400
          + hour * 3600 + min * 60 + sec);
    return true;
}

/* Checks the X-Sdk-Date header in 'headers' against 'now'.  Returns 0 and
 * the date in '*date' and '*date_len', or 401 with a reason. */
static int
tm_auth_check_date(const struct smap *headers, long long int now,
                   const char **date, size_t *date_len, char **reason)
{
    long long int t;

    if (!tm_auth_get_header(headers, TM_AUTH_DATE_HEADER, date, date_len)) {
        return tm_auth_fail(401, reason, "missing X-Sdk-Date header");
    }
    if (!tm_auth_parse_date(*date, *date_len, &t)) {
        return tm_auth_fail(401, reason, "X-Sdk-Date header is not a UTC "
                            "date of the form YYYYMMDDTHHMMSSZ");
    }

    /* The window limits how long a captured request can be replayed. */
    long long int skew = t > now ? t - now : now - t;
    if (skew > TM_AUTH_MAX_SKEW) {
        return tm_auth_fail(401, reason, "X-Sdk-Date %.*s is %lld seconds "
                            "%s the server's clock (at most %d are "
                            "allowed)", (int) *date_len, *date, skew,
                            t > now ? "ahead of" : "behind",
                            TM_AUTH_MAX_SKEW);
    }
    return 0;
}

/* Appends the 'n' bytes at 's' to 'ds', percent-encoding every byte except
 * the unreserved characters of RFC 3986, as the signer's urlEncode() does
 * (with upper-case hex digits). */
static void
tm_auth_uri_encode(struct ds *ds, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == '~') {
            ds_put_char(ds, c);
        } else {
            ds_put_format(ds, "%%%02X", c);
        }
    }
}

/* Appends the canonical URI for 'raw_path' to 'ds': each segment encoded
 * as it arrived (so "%7B" becomes "%257B", see the top of this file), and
 * a trailing '/', which the wire never has but the signer always adds. */
static void
tm_auth_put_canonical_uri(struct ds *ds, const char *raw_path)
{
    for (const char *p = raw_path ? raw_path : ""; *p; p++) {
        if (*p == '/') {
            ds_put_char(ds, '/');
        } else {
            tm_auth_uri_encode(ds, p, 1);
        }
    }
    if (!ds->length || ds->string[ds->length - 1] != '/') {
        ds_put_char(ds, '/');
    }
}

/* Percent-decodes the 'n' bytes at 's' into 'out'.  Only "%XX" is decoded:
 * the SDK never sends '+' for a space, so '+' stays '+', and a '%' that
 * does not start an escape stays as it is. */
static void
tm_auth_pct_decode(struct ds *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi, lo;

        if (s[i] == '%' && i + 2 < n
            && (hi = hexit_value(s[i + 1])) >= 0
            && (lo = hexit_value(s[i + 2])) >= 0) {
            ds_put_char(out, hi * 16 + lo);
            i += 2;
        } else {
            ds_put_char(out, s[i]);
        }
    }
}

/* A decoded query parameter.  Either part may contain any byte, "%00"
 * included, so they are counted strings. */
struct tm_auth_param {
    struct ds key;
    struct ds value;
};

static int
tm_auth_compare_bytes(const struct ds *a, const struct ds *b)
{
    size_t n = MIN(a->length, b->length);
    int cmp = n ? memcmp(a->string, b->string, n) : 0;
    return cmp ? cmp : (a->length > b->length) - (a->length < b->length);
}

/* Orders parameters by key, then value, byte-wise: the signer sorts the
 * keys and then each repeated key's values.  (It compares UTF-16 code
 * units, which orders differently from UTF-8 bytes only between
 * characters above U+FFFF and U+E000...U+FFFF; no parameter of this API
 * needs either.) */
static int
tm_auth_compare_params(const void *a_, const void *b_)
{
    const struct tm_auth_param *a = a_;
    const struct tm_auth_param *b = b_;
    int cmp = tm_auth_compare_bytes(&a->key, &b->key);
    return cmp ? cmp : tm_auth_compare_bytes(&a->value, &b->value);
}

/* Appends the canonical query string for 'raw_query' to 'ds': the
 * parameters decoded, sorted and re-encoded the signer's way, "key=" for
 * an empty or missing value, joined with '&'. */
static void
tm_auth_put_canonical_query(struct ds *ds, const char *raw_query)
{
    struct tm_auth_param *params = NULL;
    size_t n = 0, allocated = 0;

    for (const char *p = raw_query ? raw_query : ""; *p; ) {
        size_t len = strcspn(p, "&");

        /* Empty parameters ("a=1&&b=2") cannot come from the signer's
         * query object, so they are not part of what it signed. */
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t key_len = eq ? (size_t) (eq - p) : len;

            if (n >= allocated) {
                params = x2nrealloc(params, &allocated, sizeof *params);
            }
            struct tm_auth_param *param = &params[n++];
            ds_init(&param->key);
            ds_init(&param->value);
            tm_auth_pct_decode(&param->key, p, key_len);
            if (eq) {
                tm_auth_pct_decode(&param->value, eq + 1,
                                   len - key_len - 1);
            }
        }
        p += len + (p[len] == '&');
    }

    if (n) {
        qsort(params, n, sizeof *params, tm_auth_compare_params);
    }
    for (size_t i = 0; i < n; i++) {
        if (i) {
            ds_put_char(ds, '&');
        }
        tm_auth_uri_encode(ds, params[i].key.string, params[i].key.length);
        ds_put_char(ds, '=');
        tm_auth_uri_encode(ds, params[i].value.string,
                           params[i].value.length);
        ds_destroy(&params[i].key);
        ds_destroy(&params[i].value);
    }
    free(params);
}

/* Stores the lower-case hex of the 'n' bytes at 'data' in 'hex', which
 * must have room for 2 * n + 1 bytes. */
static void
tm_auth_hex(const unsigned char *data, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[data[i] >> 4];
        hex[2 * i + 1] = digits[data[i] & 15];
    }
    hex[2 * n] = '\0';
}

/* Stores the lower-case hex SHA-256 of the 'n' bytes at 'data' in 'hex'.
 * Returns false only if OpenSSL fails. */
static bool
tm_auth_sha256_hex(const void *data, size_t n, char hex[TM_AUTH_HEX_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    if (!EVP_Digest(data, n, md, &md_len, EVP_sha256(), NULL)
        || md_len != TM_AUTH_SHA256_LEN) {
        return false;
    }
    tm_auth_hex(md, md_len, hex);
    return true;
}

/* Builds the canonical request for 'req', signed with the headers listed
 * in 'params', into 'canonical'.  Returns 0, or an HTTP status with a
 * reason. */
static int
tm_auth_build_canonical(const struct tm_api_auth_request *req,
                        const struct tm_auth_params *params,
                        bool body_hash_signed, struct ds *canonical,
                        char **reason)
{
    const char *value = NULL;
    size_t len = 0;
    int status = 0;

    ds_put_format(canonical, "%s\n", req->method);
    tm_auth_put_canonical_uri(canonical, req->raw_path);
    ds_put_char(canonical, '\n');
    tm_auth_put_canonical_query(canonical, req->raw_query);
    ds_put_char(canonical, '\n');

    /* The headers in SignedHeaders' order, which is the order the signer
     * used (it sorts both lists). */
    char *names = xstrdup(params->signed_headers);
    char *save = names;
    for (char *name = strsep(&save, ";"); name; name = strsep(&save, ";")) {
        if (!tm_auth_get_header(req->headers, name, &value, &len)) {
            status = tm_auth_fail_quoted(401, reason, "signed header ",
                                         name, " is missing");
            break;
        }
        ds_put_format(canonical, "%s:", name);
        ds_put_buffer(canonical, value, len);
        ds_put_char(canonical, '\n');
    }
    free(names);
    if (status) {
        return status;
    }
    ds_put_format(canonical, "\n%s\n", params->signed_headers);

    char body_hash[TM_AUTH_HEX_LEN + 1];
    if (!tm_auth_sha256_hex(req->body ? req->body : "", req->body_len,
                            body_hash)) {
        return tm_auth_fail(500, reason, "SHA-256 failed");
    }
    if (body_hash_signed) {
        /* The signer puts this header's value in place of the body's hash
         * (the SDK sends "UNSIGNED-PAYLOAD" there for file uploads).  A
         * signature that does not cover the body would let anyone who
         * captured a request replay it with another body, so the value
         * must be the body's real hash.  The SDK never sends this header
         * with this API's JSON bodies. */
        if (!tm_auth_get_header(req->headers, TM_AUTH_CONTENT_SHA256_HEADER,
                                &value, &len)
            || len != TM_AUTH_HEX_LEN || memcmp(value, body_hash, len)) {
            return tm_auth_fail(401, reason, "X-Sdk-Content-Sha256 is not "
                                "the SHA-256 of the body (unsigned "
                                "payloads are not accepted)");
        }
    }
    ds_put_cstr(canonical, body_hash);
    return 0;
}

/* Computes the signature of canonical request 'canonical' made at 'date'
 * under secret key 'sk' into 'hex'.  Returns false only if OpenSSL
 * fails. */
static bool
tm_auth_sign(const char *sk, const char *date, size_t date_len,
             const struct ds *canonical, char hex[TM_AUTH_HEX_LEN + 1])
{
    char canonical_hash[TM_AUTH_HEX_LEN + 1];
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    bool ok;

    if (!tm_auth_sha256_hex(canonical->string, canonical->length,
                            canonical_hash)) {
        return false;
    }

    /* No credential scope and no key derivation: the SK is the HMAC key
     * as it is, and the string to sign names only the algorithm and the
     * date. */
    struct ds sts = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&sts, TM_AUTH_ALGORITHM "\n");
    ds_put_buffer(&sts, date, date_len);
    ds_put_char(&sts, '\n');
    ds_put_cstr(&sts, canonical_hash);

    ok = (HMAC(EVP_sha256(), sk, strlen(sk),
               (const unsigned char *) sts.string, sts.length,
               mac, &mac_len)
          && mac_len == TM_AUTH_SHA256_LEN);
    if (ok) {
        tm_auth_hex(mac, mac_len, hex);
    }
    OPENSSL_cleanse(mac, sizeof mac);
    ds_destroy(&sts);
    return ok;
}

/* Checks that 'req' carries a valid signature made with 'key' (named in
 * 'params') no more than TM_AUTH_MAX_SKEW seconds from 'now'.  Returns 0,
 * or an HTTP status with a reason. */
static int
tm_auth_verify(const struct tm_api_key *key,
               const struct tm_auth_params *params,
               const struct tm_api_auth_request *req, long long int now,
               char **reason)
{
    struct ds canonical = DS_EMPTY_INITIALIZER;
    char expected[TM_AUTH_HEX_LEN + 1];
    bool body_hash_signed = false;
    const char *date = NULL;
    size_t date_len = 0;
    int status;

    status = tm_auth_check_signed_headers(params->signed_headers,
                                          &body_hash_signed, reason);
    if (!status) {
        status = tm_auth_check_date(req->headers, now, &date, &date_len,
                                    reason);
    }
    if (!status) {
        status = tm_auth_build_canonical(req, params, body_hash_signed,
                                         &canonical, reason);
    }
    if (!status && !tm_auth_sign(key->sk, date, date_len, &canonical,
                                 expected)) {
        status = tm_auth_fail(500, reason, "HMAC-SHA256 failed");
    }
    if (!status) {
        /* Constant time, so that response timing does not reveal how much
         * of a guessed signature is right. */
        bool match = !CRYPTO_memcmp(expected, params->signature,
                                    TM_AUTH_HEX_LEN);
        OPENSSL_cleanse(expected, sizeof expected);
        if (!match) {
            status = tm_auth_fail(401, reason, "signature does not match "
                                  "the request (wrong secret key, or the "
                                  "request was changed after signing)");
        }
    }
    ds_destroy(&canonical);
    return status;
}

int
tm_api_auth_check(const struct tm_api_creds *creds,
                  const struct tm_api_auth_request *req, long long int now,
                  char **reason)
{
    struct tm_auth_params params;
    const char *value;
    size_t len;
    int status;

    *reason = NULL;

    if (!tm_auth_get_header(req->headers, "authorization", &value, &len)) {
        return tm_auth_fail(401, reason, "missing Authorization header");
    }
    *reason = tm_auth_parse_authorization(value, len, &params);
    if (*reason) {
        return 401;
    }

    const struct tm_api_key *key = shash_find_data(&creds->keys,
                                                   params.access);
    if (!key) {
        status = tm_auth_fail_quoted(401, reason, "unknown access key ",
                                     params.access, "");
    } else {
        status = tm_auth_verify(key, &params, req, now, reason);
    }

    /* Only a caller who proved it holds the key learns which projects the
     * key may not use. */
    if (!status && req->project_id
        && !sset_contains(&key->projects, req->project_id)) {
        struct ds ds = DS_EMPTY_INITIALIZER;

        ds_put_cstr(&ds, "access key ");
        tm_auth_put_quoted(&ds, params.access);
        ds_put_cstr(&ds, " may not use project ");
        tm_auth_put_quoted(&ds, req->project_id);
        *reason = ds_steal_cstr(&ds);
        status = 403;
    }
    tm_auth_params_destroy(&params);
    return status;
}
