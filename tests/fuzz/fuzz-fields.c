/*
 * tmirror fuzz target: every field parser and checker of lib/tm-parse.h.
 *
 * Each input, NUL-terminated, goes through all of them with the field name
 * "f".  Besides crashes and sanitizer reports, the target aborts when a
 * parser breaks its contract:
 *
 *   - an error must start with "f: ", stay short however long the input
 *     is, contain no raw control characters, and leave the output alone;
 *   - a value that parsed must be within its limits and, for prefixes,
 *     addresses and port ranges, format to text that parses back to the
 *     same value;
 *   - the checkers must agree with each other where their rules nest (an
 *     id is always a valid name, a name a valid description).
 */
#include <config.h>
#include "tm-parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELD "f"

/* Errors echo at most 64 bytes of input (escaped, so up to 4 times as many
 * characters) plus fixed text; anything longer means input leaked through
 * unbounded. */
#define MAX_ERROR_LEN 512

static void OVS_NO_RETURN
fail(const char *what, const char *input, const char *detail)
{
    fprintf(stderr, "fuzz-fields: %s\ninput: \"%s\"\ndetail: %s\n", what,
            input, detail ? detail : "");
    abort();
}

/* Checks the shape of 'error' (if any) and frees it.  Returns true if
 * there was an error. */
static bool
check_error(char *error, const char *input)
{
    if (!error) {
        return false;
    }
    if (strncmp(error, FIELD ": ", strlen(FIELD ": "))) {
        fail("error does not start with the field name", input, error);
    }
    if (strlen(error) > MAX_ERROR_LEN) {
        fail("error is too long", input, error);
    }
    for (const char *p = error; *p; p++) {
        if ((unsigned char) *p < 0x20 || *p == 0x7f) {
            fail("error contains a raw control character", input, error);
        }
    }
    free(error);
    return true;
}

/* Fills 'p' with a recognizable pattern, to detect writes on error.  (OVS's
 * compiler.h already takes the name SENTINEL.) */
#define POISON(P) memset(P, 0xa5, sizeof *(P))

static bool
is_poisoned(const void *p_, size_t n)
{
    const unsigned char *p = p_;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xa5) {
            return false;
        }
    }
    return true;
}
#define CHECK_UNCHANGED(P, INPUT)                                       \
    do {                                                                \
        if (!is_poisoned(P, sizeof *(P))) {                             \
            fail("output changed on error", INPUT, #P);                 \
        }                                                               \
    } while (0)

static void
fuzz_uint(const char *s, const uint8_t *data, size_t size)
{
    char *(*const parsers[])(const char *, const char *, uint32_t *) = {
        tm_parse_rule_priority, tm_parse_session_priority, tm_parse_vni,
        tm_parse_packet_length,
    };
    static const uint32_t limits[][2] = {
        { TM_RULE_PRIORITY_MIN, TM_RULE_PRIORITY_MAX },
        { TM_SESSION_PRIORITY_MIN, TM_SESSION_PRIORITY_MAX },
        { 0, TM_VNI_MAX },
        { TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX },
        { 0, UINT32_MAX },
    };
    uint32_t v;

    for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
        uint32_t min = limits[i][0], max = limits[i][1];
        char *error;

        POISON(&v);
        error = (i < ARRAY_SIZE(parsers)
                 ? parsers[i](FIELD, s, &v)
                 : tm_parse_uint(FIELD, s, min, max, &v));
        if (check_error(error, s)) {
            CHECK_UNCHANGED(&v, s);
        } else {
            /* Only canonical decimal is accepted, so it prints back
             * exactly as it was written. */
            char buf[16];

            snprintf(buf, sizeof buf, "%"PRIu32, v);
            if (v < min || v > max || strcmp(buf, s)) {
                fail("integer parsed wrongly", s, buf);
            }
        }
    }

    /* tm_check_uint() with the first 8 bytes as a long long. */
    long long int n = 0;
    memcpy(&n, data, MIN(size, sizeof n));
    for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
        bool in_range = n >= limits[i][0] && n <= limits[i][1];
        if (check_error(tm_check_uint(FIELD, n, limits[i][0], limits[i][1]),
                        s) == in_range) {
            fail("tm_check_uint disagrees with the range", s, NULL);
        }
    }
}

static bool
cidr_equals(const struct tm_cidr *a, const struct tm_cidr *b)
{
    return (a->set == b->set && a->family == b->family
            && ipv6_addr_equals(&a->addr, &b->addr) && a->plen == b->plen);
}

static void
fuzz_cidr(const char *s)
{
    struct tm_cidr c, c2;
    struct ds ds = DS_EMPTY_INITIALIZER;

    POISON(&c);
    if (check_error(tm_parse_cidr(FIELD, s, &c), s)) {
        CHECK_UNCHANGED(&c, s);
        return;
    }

    unsigned int max_plen = c.family == AF_INET ? 32 : 128;
    if (!c.set || (c.family != AF_INET && c.family != AF_INET6)
        || c.plen > max_plen
        || (c.family == AF_INET && !IN6_IS_ADDR_V4MAPPED(&c.addr))) {
        fail("bad CIDR value", s, NULL);
    }
    struct in6_addr mask = ipv6_create_mask(c.family == AF_INET
                                            ? c.plen + 96 : c.plen);
    struct in6_addr net = ipv6_addr_bitand(&c.addr, &mask);
    if (!ipv6_addr_equals(&net, &c.addr)) {
        fail("CIDR with host bits accepted", s, NULL);
    }

    tm_cidr_format(&c, &ds);
    memset(&c2, 0, sizeof c2);
    char *error = tm_parse_cidr(FIELD, ds_cstr(&ds), &c2);
    if (error) {
        fail("formatted CIDR does not parse", s, error);
    }
    if (!cidr_equals(&c, &c2)) {
        fail("CIDR round trip changed the value", s, ds_cstr(&ds));
    }

    /* A bare address is also a valid single address. */
    if (!strchr(s, '/')) {
        struct tm_ip ip;

        error = tm_parse_ip(FIELD, s, &ip);
        if (error) {
            fail("bare CIDR address is not an address", s, error);
        }
        if (ip.family != c.family || !ipv6_addr_equals(&ip.addr, &c.addr)) {
            fail("CIDR and address parsers disagree", s, NULL);
        }
    }
    ds_destroy(&ds);
}

static void
fuzz_ip(const char *s)
{
    struct tm_ip ip, ip2;
    struct ds ds = DS_EMPTY_INITIALIZER;

    POISON(&ip);
    if (check_error(tm_parse_ip(FIELD, s, &ip), s)) {
        CHECK_UNCHANGED(&ip, s);
        return;
    }
    if ((ip.family != AF_INET && ip.family != AF_INET6)
        || (ip.family == AF_INET && !IN6_IS_ADDR_V4MAPPED(&ip.addr))) {
        fail("bad address value", s, NULL);
    }

    tm_ip_format(&ip, &ds);
    memset(&ip2, 0, sizeof ip2);
    char *error = tm_parse_ip(FIELD, ds_cstr(&ds), &ip2);
    if (error) {
        fail("formatted address does not parse", s, error);
    }
    if (ip.family != ip2.family || !ipv6_addr_equals(&ip.addr, &ip2.addr)) {
        fail("address round trip changed the value", s, ds_cstr(&ds));
    }
    ds_destroy(&ds);
}

static void
fuzz_port_range(const char *s)
{
    struct tm_port_range r, r2;
    struct ds ds = DS_EMPTY_INITIALIZER;

    POISON(&r);
    if (check_error(tm_parse_port_range(FIELD, s, &r), s)) {
        CHECK_UNCHANGED(&r, s);
        return;
    }
    if (!r.set || r.min < 1 || r.min > r.max) {
        fail("bad port range value", s, NULL);
    }

    tm_port_range_format(&r, &ds);
    memset(&r2, 0, sizeof r2);
    char *error = tm_parse_port_range(FIELD, ds_cstr(&ds), &r2);
    if (error) {
        fail("formatted port range does not parse", s, error);
    }
    if (r.set != r2.set || r.min != r2.min || r.max != r2.max) {
        fail("port range round trip changed the value", s, ds_cstr(&ds));
    }
    ds_destroy(&ds);
}

static void
fuzz_listen(const char *s)
{
    struct {
        struct tm_ip ip;
        uint16_t port;
    } l, l2;
    struct ds ds = DS_EMPTY_INITIALIZER;

    POISON(&l);
    if (check_error(tm_parse_listen(FIELD, s, "127.0.0.1", &l.ip, &l.port),
                    s)) {
        CHECK_UNCHANGED(&l, s);
        return;
    }
    if (l.ip.family != AF_INET && l.ip.family != AF_INET6) {
        fail("bad listening address", s, NULL);
    }

    bool v6 = l.ip.family == AF_INET6;
    ds_put_cstr(&ds, v6 ? "[" : "");
    tm_ip_format(&l.ip, &ds);
    ds_put_format(&ds, "%s:%"PRIu16, v6 ? "]" : "", l.port);
    memset(&l2, 0, sizeof l2);
    char *error = tm_parse_listen(FIELD, ds_cstr(&ds), "::1", &l2.ip,
                                  &l2.port);
    if (error) {
        fail("formatted listening address does not parse", s, error);
    }
    if (l.ip.family != l2.ip.family || l.port != l2.port
        || !ipv6_addr_equals(&l.ip.addr, &l2.ip.addr)) {
        fail("listening address round trip changed the value", s,
             ds_cstr(&ds));
    }
    ds_destroy(&ds);
}

/* Each enumeration parser must accept only its names, ignoring case. */
#define FUZZ_ENUM(PARSE, TYPE, TO_STRING, S)                            \
    do {                                                                \
        TYPE v_;                                                        \
        POISON(&v_);                                                  \
        if (check_error(PARSE(FIELD, S, &v_), S)) {                     \
            CHECK_UNCHANGED(&v_, S);                                    \
        } else if (strcasecmp(S, TO_STRING(v_))) {                      \
            fail(#PARSE " returned the wrong value", S, TO_STRING(v_)); \
        }                                                               \
    } while (0)

static const char *
bool_to_string(bool b)
{
    return b ? "true" : "false";
}

static void
fuzz_enums(const char *s)
{
    FUZZ_ENUM(tm_parse_protocol, enum tm_protocol, tm_protocol_to_string, s);
    FUZZ_ENUM(tm_parse_ethertype, enum tm_ethertype, tm_ethertype_to_string,
              s);
    FUZZ_ENUM(tm_parse_action, enum tm_action, tm_action_to_string, s);
    FUZZ_ENUM(tm_parse_direction, enum tm_direction, tm_direction_to_string,
              s);
    FUZZ_ENUM(tm_parse_target_type, enum tm_target_type,
              tm_target_type_to_string, s);
    FUZZ_ENUM(tm_parse_bool, bool, bool_to_string, s);
}

static void
fuzz_mac(const char *s)
{
    struct eth_addr mac;

    POISON(&mac);
    if (check_error(tm_parse_mac(FIELD, s, &mac), s)) {
        CHECK_UNCHANGED(&mac, s);
        return;
    }

    char buf[ETH_ADDR_STRLEN + 1];
    snprintf(buf, sizeof buf, ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
    if (strcasecmp(buf, s) || eth_addr_is_multicast(mac)) {
        fail("MAC parsed wrongly", s, buf);
    }
}

static void
fuzz_text(const char *s)
{
    bool id_ok = !check_error(tm_check_id(FIELD, s), s);
    bool name_ok = !check_error(tm_check_name(FIELD, s), s);
    bool description_ok = !check_error(tm_check_description(FIELD, s), s);

    if (id_ok && !name_ok) {
        fail("a valid id is not a valid name", s, NULL);
    }
    if (name_ok && !description_ok) {
        fail("a valid name is not a valid description", s, NULL);
    }
    if ((id_ok || name_ok) && !*s) {
        fail("empty name or id accepted", s, NULL);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xmemdup0((const char *) data, size);

    fuzz_uint(s, data, size);
    fuzz_cidr(s);
    fuzz_ip(s);
    fuzz_port_range(s);
    fuzz_listen(s);
    fuzz_enums(s);
    fuzz_mac(s);
    fuzz_text(s);

    free(s);
    return 0;
}
