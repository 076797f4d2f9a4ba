/*
 * tmirror: parsers and checkers for single fields (see tm-parse.h).
 *
 * The parsers here are deliberately stricter than the OVS helpers they
 * build on.  OVS's ip_parse_cidr() and eth_addr_from_string() go through
 * ovs_scan(), which skips white space and accepts signs and short forms;
 * an API that stores what the user wrote must refuse all of that, so we
 * split and check the syntax ourselves and call OVS (inet_pton()
 * underneath) only for the address bytes.  Error messages are ours too,
 * because OVS's repeat the input unquoted and unbounded.
 */
#include <config.h>
#include "tm-parse.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

/* Never echo more than this many bytes of user input in an error. */
#define TM_QUOTE_MAX 64

/* Resource ids are UUIDs in practice; tm-model.h has no constant for their
 * limit because nothing else needs it. */
#define TM_ID_MAX_CHARS 64

static char *tm_error(const char *field, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);
static char *tm_error_quoted(const char *field, const char *s,
                             const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

/* Formats an error "<field>: <format...>". */
static char *
tm_error(const char *field, const char *format, ...)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&ds, "%s: ", field);
    va_start(args, format);
    ds_put_format_valist(&ds, format, args);
    va_end(args);
    return ds_steal_cstr(&ds);
}

/* Decodes one UTF-8 sequence at 's'.  Returns its length in bytes (1-4)
 * and stores the code point in '*cp', or returns 0 if 's' does not start
 * with a valid, shortest-form encoding of a Unicode scalar value.  Stops at
 * the first byte that is not a continuation byte, so it never reads past a
 * null terminator. */
static int
tm_utf8_decode(const char *s_, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *) s_;
    uint32_t min, value;
    int len;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        min = 0x80;
        value = s[0] & 0x1f;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3;
        min = 0x800;
        value = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        min = 0x10000;
        value = s[0] & 0x07;
    } else {
        return 0;
    }

    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        value = (value << 6) | (s[i] & 0x3f);
    }
    if (value < min || value > 0x10ffff
        || (value >= 0xd800 && value <= 0xdfff)) {
        return 0;
    }
    *cp = value;
    return len;
}

/* Returns true for code points that are valid but would be invisible or
 * would rearrange the text around them on a terminal (C1 controls, soft
 * hyphen, zero-width and bidirectional formatting characters), so that
 * error messages show them escaped rather than raw, and so that names
 * refuse them. */
static bool
tm_cp_is_invisible(uint32_t cp)
{
    return ((cp >= 0x80 && cp <= 0x9f)
            || cp == 0xad
            || (cp >= 0x200b && cp <= 0x200f)
            || (cp >= 0x2028 && cp <= 0x202e)
            || (cp >= 0x2060 && cp <= 0x206f)
            || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb));
}

/* Appends 's' to 'ds' in double quotes, escaped so that the message stays
 * on one line and shows exactly which bytes were given: quotes,
 * backslashes, control characters, invisible characters and invalid UTF-8
 * are escaped.  Shows at most TM_QUOTE_MAX bytes of 's' (never splitting a
 * character) and then says how long 's' really was. */
static void
tm_put_quoted(struct ds *ds, const char *s)
{
    const char *p = s;

    ds_put_char(ds, '"');
    while (*p) {
        uint32_t cp;
        int len = tm_utf8_decode(p, &cp);

        if (p - s + (len ? len : 1) > TM_QUOTE_MAX) {
            break;
        }
        if (!len) {
            ds_put_format(ds, "\\x%02x", (unsigned char) *p);
            len = 1;
        } else if (cp == '"' || cp == '\\') {
            ds_put_char(ds, '\\');
            ds_put_char(ds, cp);
        } else if (cp == '\n') {
            ds_put_cstr(ds, "\\n");
        } else if (cp == '\t') {
            ds_put_cstr(ds, "\\t");
        } else if (cp == '\r') {
            ds_put_cstr(ds, "\\r");
        } else if (cp < 0x20 || cp == 0x7f) {
            ds_put_format(ds, "\\x%02x", (unsigned int) cp);
        } else if (tm_cp_is_invisible(cp)) {
            ds_put_format(ds, "\\u%04"PRIx32, cp);
        } else {
            ds_put_buffer(ds, p, len);
        }
        p += len;
    }
    ds_put_char(ds, '"');
    if (*p) {
        ds_put_format(ds, "... (%"PRIuSIZE" bytes)", (size_t) (p - s)
                      + strlen(p));
    }
}

/* Formats an error "<field>: "<s>"<format...>", with 's' quoted by
 * tm_put_quoted(). */
static char *
tm_error_quoted(const char *field, const char *s, const char *format, ...)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&ds, "%s: ", field);
    tm_put_quoted(&ds, s);
    va_start(args, format);
    ds_put_format_valist(&ds, format, args);
    va_end(args);
    return ds_steal_cstr(&ds);
}

/* Appends a readable form of code point 'cp' to 'ds': 'c' for printable
 * ASCII, otherwise the character (when it is visible) and its U+ number. */
static void
tm_put_cp(struct ds *ds, uint32_t cp)
{
    if (cp >= 0x20 && cp < 0x7f && cp != '\'') {
        ds_put_format(ds, "'%c'", (char) cp);
    } else if (cp < 0x80 || tm_cp_is_invisible(cp)) {
        ds_put_format(ds, "U+%04"PRIX32, cp);
    } else {
        char buf[5];
        int len;

        /* Re-encode rather than copy from the input so that the caller
         * need not keep track of where the character was. */
        if (cp < 0x800) {
            buf[0] = 0xc0 | (cp >> 6);
            buf[1] = 0x80 | (cp & 0x3f);
            len = 2;
        } else if (cp < 0x10000) {
            buf[0] = 0xe0 | (cp >> 12);
            buf[1] = 0x80 | ((cp >> 6) & 0x3f);
            buf[2] = 0x80 | (cp & 0x3f);
            len = 3;
        } else {
            buf[0] = 0xf0 | (cp >> 18);
            buf[1] = 0x80 | ((cp >> 12) & 0x3f);
            buf[2] = 0x80 | ((cp >> 6) & 0x3f);
            buf[3] = 0x80 | (cp & 0x3f);
            len = 4;
        }
        buf[len] = '\0';
        ds_put_format(ds, "'%s' (U+%04"PRIX32")", buf, cp);
    }
}

/* Integers. */

enum tm_scan_result {
    TM_SCAN_OK,
    TM_SCAN_EMPTY,
    TM_SCAN_SYNTAX,             /* Something other than a digit. */
    TM_SCAN_LEADING_ZERO,
};

/* Scans the 'n' bytes at 's' as an unsigned decimal integer.  Values too
 * large for 32 bits saturate at UINT32_MAX + 1, which every caller treats
 * as out of range, so that a thousand-digit input is refused without
 * overflow. */
static enum tm_scan_result
tm_scan_decimal(const char *s, size_t n, uint64_t *value)
{
    const uint64_t huge = (uint64_t) UINT32_MAX + 1;
    uint64_t v = 0;

    if (!n) {
        return TM_SCAN_EMPTY;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return TM_SCAN_SYNTAX;
        }
    }
    if (s[0] == '0' && n > 1) {
        return TM_SCAN_LEADING_ZERO;
    }
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (s[i] - '0');
        if (v >= huge) {
            v = huge;
            break;
        }
    }
    *value = v;
    return TM_SCAN_OK;
}

char *
tm_parse_uint(const char *field, const char *s, uint32_t min, uint32_t max,
              uint32_t *value)
{
    uint64_t v;

    ovs_assert(min <= max);
    switch (tm_scan_decimal(s, strlen(s), &v)) {
    case TM_SCAN_OK:
        break;
    case TM_SCAN_EMPTY:
        return tm_error(field, "expected an integer in range %"PRIu32"-%"
                        PRIu32", got an empty string", min, max);
    case TM_SCAN_SYNTAX:
        return tm_error_quoted(field, s, " is not a decimal integer in range "
                               "%"PRIu32"-%"PRIu32, min, max);
    case TM_SCAN_LEADING_ZERO:
        return tm_error_quoted(field, s, " has a leading zero (expected an "
                               "integer in range %"PRIu32"-%"PRIu32")",
                               min, max);
    default:
        OVS_NOT_REACHED();
    }

    if (v < min || v > max) {
        if (v <= UINT32_MAX) {
            return tm_error(field, "%"PRIu64" is out of range %"PRIu32"-%"
                            PRIu32, v, min, max);
        }
        return tm_error_quoted(field, s, " is out of range %"PRIu32"-%"
                               PRIu32, min, max);
    }
    *value = v;
    return NULL;
}

void
tm_parse_uint_option(const char *option, const char *arg, uint32_t min,
                     uint32_t max, uint32_t *value)
{
    char *error = tm_parse_uint(option, arg, min, max, value);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
}

char *
tm_check_uint(const char *field, long long int value, uint32_t min,
              uint32_t max)
{
    ovs_assert(min <= max);
    if (value < min || value > max) {
        return tm_error(field, "%lld is out of range %"PRIu32"-%"PRIu32,
                        value, min, max);
    }
    return NULL;
}

char *
tm_parse_rule_priority(const char *field, const char *s, uint32_t *value)
{
    return tm_parse_uint(field, s, TM_RULE_PRIORITY_MIN, TM_RULE_PRIORITY_MAX,
                         value);
}

char *
tm_parse_session_priority(const char *field, const char *s, uint32_t *value)
{
    return tm_parse_uint(field, s, TM_SESSION_PRIORITY_MIN,
                         TM_SESSION_PRIORITY_MAX, value);
}

char *
tm_parse_vni(const char *field, const char *s, uint32_t *value)
{
    return tm_parse_uint(field, s, 0, TM_VNI_MAX, value);
}

char *
tm_parse_packet_length(const char *field, const char *s, uint32_t *value)
{
    return tm_parse_uint(field, s, TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX,
                         value);
}

/* Addresses. */

/* Parses the 'n' bytes at 's' as one IPv4 or IPv6 address, choosing the
 * family by the presence of a colon.  IPv4 is stored IPv4-mapped.  Returns
 * false if they are not exactly an address (inet_pton() refuses white
 * space, leading zeros in IPv4 octets and short IPv4 forms). */
static bool
tm_scan_ip(const char *s, size_t n, int *family, struct in6_addr *addr)
{
    char buf[INET6_ADDRSTRLEN + 1];

    if (!n || n >= sizeof buf) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';

    if (memchr(buf, ':', n)) {
        if (!ipv6_parse(buf, addr)) {
            return false;
        }
        *family = AF_INET6;
    } else {
        ovs_be32 ip;

        if (!ip_parse(buf, &ip)) {
            return false;
        }
        in6_addr_set_mapped_ipv4(addr, ip);
        *family = AF_INET;
    }
    return true;
}

/* Appends 'addr' of 'family' to 'ds': dotted quad for AF_INET, even though
 * it is stored IPv4-mapped, canonical RFC 5952 text for AF_INET6. */
static void
tm_put_addr(struct ds *ds, int family, const struct in6_addr *addr)
{
    if (family == AF_INET) {
        ds_put_format(ds, "%u.%u.%u.%u", addr->s6_addr[12],
                      addr->s6_addr[13], addr->s6_addr[14],
                      addr->s6_addr[15]);
    } else {
        ipv6_format_addr(addr, ds);
    }
}

/* Returns the mask for a prefix of 'plen' bits of 'family', in the shared
 * in6_addr representation: an IPv4 prefix also covers the 96 bits of the
 * IPv4-mapped prefix. */
static struct in6_addr
tm_prefix_mask(int family, unsigned int plen)
{
    return ipv6_create_mask(family == AF_INET ? plen + 96 : plen);
}

char *
tm_parse_cidr(const char *field, const char *s, struct tm_cidr *cidr)
{
    const char *slash;
    size_t addr_len;
    struct in6_addr addr, mask, net;
    unsigned int plen, max_plen;
    int family;

    if (!*s) {
        return tm_error(field, "expected a CIDR block such as 192.168.0.0/24 "
                        "or 2001:db8::/32, got an empty string");
    }

    slash = strchr(s, '/');
    addr_len = slash ? (size_t) (slash - s) : strlen(s);
    if (!tm_scan_ip(s, addr_len, &family, &addr)) {
        return tm_error_quoted(field, s, " is not an IPv4 or IPv6 CIDR block "
                               "such as 192.168.0.0/24 or 2001:db8::/32");
    }

    max_plen = family == AF_INET ? 32 : 128;
    plen = max_plen;
    if (slash) {
        uint64_t v;

        if (tm_scan_decimal(slash + 1, strlen(slash + 1), &v) != TM_SCAN_OK) {
            return tm_error_quoted(field, s, " has an invalid prefix length "
                                   "(expected an integer in range 0-%u)",
                                   max_plen);
        }
        if (v > max_plen) {
            return tm_error_quoted(field, s, " has a prefix length out of "
                                   "range 0-%u for %s", max_plen,
                                   family == AF_INET ? "IPv4" : "IPv6");
        }
        plen = v;
    }

    /* A prefix with host bits set is almost always a typo for the network
     * it lies in; Huawei refuses it, and so do we, but we say which network
     * was probably meant. */
    mask = tm_prefix_mask(family, plen);
    net = ipv6_addr_bitand(&addr, &mask);
    if (!ipv6_addr_equals(&net, &addr)) {
        struct ds ds = DS_EMPTY_INITIALIZER;

        ds_put_format(&ds, "%s: ", field);
        tm_put_quoted(&ds, s);
        ds_put_cstr(&ds, " has host bits set past the prefix length (did you "
                    "mean ");
        tm_put_addr(&ds, family, &net);
        ds_put_format(&ds, "/%u?)", plen);
        return ds_steal_cstr(&ds);
    }

    cidr->set = true;
    cidr->family = family;
    cidr->addr = addr;
    cidr->plen = plen;
    return NULL;
}

char *
tm_parse_ip(const char *field, const char *s, struct tm_ip *ip)
{
    struct in6_addr addr;
    int family;

    if (!*s) {
        return tm_error(field, "expected an IPv4 or IPv6 address, got an "
                        "empty string");
    }
    if (strchr(s, '/')) {
        return tm_error_quoted(field, s, " is a prefix, but a single IPv4 or "
                               "IPv6 address without a prefix length is "
                               "required");
    }
    if (!tm_scan_ip(s, strlen(s), &family, &addr)) {
        return tm_error_quoted(field, s, " is not an IPv4 or IPv6 address");
    }
    ip->family = family;
    ip->addr = addr;
    return NULL;
}

/* Listening addresses. */

/* Turns 'error', "<field>: <message>" from a parser called with 'field',
 * into "<field>: <part> <message>", to say which part of the field is
 * wrong, and frees it. */
static char *
tm_error_in_part(const char *field, const char *part, char *error)
{
    size_t skip = strlen(field) + 2;
    char *e = tm_error(field, "%s %s", part, error + skip);

    free(error);
    return e;
}

char *
tm_parse_listen(const char *field, const char *s, const char *default_host,
                struct tm_ip *ip, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    const char *port_s;
    bool bracketed = s[0] == '[';
    char *host, *error;

    if (!*s) {
        return tm_error(field, "expected HOST:PORT, :PORT or PORT, got an "
                        "empty string");
    }
    if (bracketed) {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':') {
            return tm_error_quoted(field, s, " is not [IPV6]:PORT (the "
                                   "port follows the bracket and a colon)");
        }
        host = xmemdup0(s + 1, close - s - 1);
        port_s = close + 2;
    } else if (!colon) {
        host = xstrdup("");
        port_s = s;
    } else if (strchr(s, ':') != colon) {
        return tm_error_quoted(field, s, " has more than one colon: write an "
                               "IPv6 address in brackets, [IPV6]:PORT");
    } else {
        host = xmemdup0(s, colon - s);
        port_s = colon + 1;
    }

    struct tm_ip ip_ = { .family = 0 };
    uint32_t port_;

    error = tm_parse_ip(field, host[0] ? host : default_host, &ip_);
    if (error) {
        error = tm_error_in_part(field, "host", error);
    } else if (bracketed && ip_.family != AF_INET6) {
        error = tm_error_quoted(field, host, " is in brackets, which are for "
                                "an IPv6 address only");
    } else {
        error = tm_parse_uint(field, port_s, 0, UINT16_MAX, &port_);
        if (error && !colon) {
            /* Probably an address without its port. */
            free(error);
            error = tm_error_quoted(field, s, " is not HOST:PORT, :PORT or "
                                    "PORT (a port is a decimal integer in "
                                    "range 0-65535)");
        } else if (error) {
            error = tm_error_in_part(field, "port", error);
        }
    }
    if (!error) {
        *ip = ip_;
        *port = port_;
    }
    free(host);
    return error;
}

/* Port ranges. */

char *
tm_parse_port_range(const char *field, const char *s,
                    struct tm_port_range *range)
{
    const char *dash = strchr(s, '-');
    const char *parts[2];
    size_t lens[2];
    uint64_t ports[2];

    if (!*s) {
        return tm_error(field, "expected a port or port range a-b with "
                        "1 <= a <= b <= 65535, got an empty string");
    }

    parts[0] = s;
    lens[0] = dash ? (size_t) (dash - s) : strlen(s);
    parts[1] = dash ? dash + 1 : s;
    lens[1] = dash ? strlen(dash + 1) : lens[0];
    for (int i = 0; i < 2; i++) {
        if (tm_scan_decimal(parts[i], lens[i], &ports[i]) != TM_SCAN_OK) {
            return tm_error_quoted(field, s, " is not a port or port range "
                                   "a-b with 1 <= a <= b <= 65535");
        }
    }
    for (int i = 0; i < 2; i++) {
        if (ports[i] < 1 || ports[i] > 65535) {
            struct ds ds = DS_EMPTY_INITIALIZER;

            ds_put_format(&ds, "%s: ", field);
            if (ports[i] <= UINT32_MAX) {
                ds_put_format(&ds, "port %"PRIu64, ports[i]);
            } else {
                ds_put_cstr(&ds, "a port");
            }
            ds_put_cstr(&ds, " in ");
            tm_put_quoted(&ds, s);
            ds_put_cstr(&ds, " is out of range 1-65535");
            return ds_steal_cstr(&ds);
        }
    }
    if (ports[0] > ports[1]) {
        return tm_error_quoted(field, s, " has its start above its end "
                               "(expected a-b with a <= b)");
    }

    range->set = true;
    range->min = ports[0];
    range->max = ports[1];
    return NULL;
}

/* Enumerations. */

struct tm_enum_name {
    const char *name;
    int value;
};

/* Looks 's' up, ignoring case, among the 'n' names in 'names'. */
static char *
tm_parse_enum(const char *field, const char *s,
              const struct tm_enum_name *names, size_t n, int *value)
{
    struct ds ds;

    for (size_t i = 0; i < n; i++) {
        if (!strcasecmp(s, names[i].name)) {
            *value = names[i].value;
            return NULL;
        }
    }

    ds_init(&ds);
    ds_put_format(&ds, "%s: ", field);
    tm_put_quoted(&ds, s);
    ds_put_cstr(&ds, " is not one of ");
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&ds, "%s%s", i ? ", " : "", names[i].name);
    }
    return ds_steal_cstr(&ds);
}

char *
tm_parse_protocol(const char *field, const char *s, enum tm_protocol *value)
{
    static const struct tm_enum_name names[] = {
        { "tcp", TM_PROTO_TCP },
        { "udp", TM_PROTO_UDP },
        { "icmp", TM_PROTO_ICMP },
        { "icmpv6", TM_PROTO_ICMPV6 },
        { "all", TM_PROTO_ALL },
    };
    int v;
    char *error = tm_parse_enum(field, s, names, ARRAY_SIZE(names), &v);

    if (!error) {
        *value = v;
    }
    return error;
}

char *
tm_parse_ethertype(const char *field, const char *s,
                   enum tm_ethertype *value)
{
    static const struct tm_enum_name names[] = {
        { "IPv4", TM_ETH_IPV4 },
        { "IPv6", TM_ETH_IPV6 },
    };
    int v;
    char *error = tm_parse_enum(field, s, names, ARRAY_SIZE(names), &v);

    if (!error) {
        *value = v;
    }
    return error;
}

char *
tm_parse_action(const char *field, const char *s, enum tm_action *value)
{
    static const struct tm_enum_name names[] = {
        { "accept", TM_ACCEPT },
        { "reject", TM_REJECT },
    };
    int v;
    char *error = tm_parse_enum(field, s, names, ARRAY_SIZE(names), &v);

    if (!error) {
        *value = v;
    }
    return error;
}

char *
tm_parse_direction(const char *field, const char *s,
                   enum tm_direction *value)
{
    static const struct tm_enum_name names[] = {
        { "ingress", TM_INGRESS },
        { "egress", TM_EGRESS },
    };
    int v;
    char *error = tm_parse_enum(field, s, names, ARRAY_SIZE(names), &v);

    if (!error) {
        *value = v;
    }
    return error;
}

char *
tm_parse_target_type(const char *field, const char *s,
                     enum tm_target_type *value)
{
    static const struct tm_enum_name names[] = {
        { "eni", TM_TARGET_ENI },
        { "elb", TM_TARGET_ELB },
    };
    int v;
    char *error = tm_parse_enum(field, s, names, ARRAY_SIZE(names), &v);

    if (!error) {
        *value = v;
    }
    return error;
}

char *
tm_parse_bool(const char *field, const char *s, bool *value)
{
    static const struct tm_enum_name names[] = {
        { "true", true },
        { "false", false },
    };
    int v;
    char *error = tm_parse_enum(field, s, names, ARRAY_SIZE(names), &v);

    if (!error) {
        *value = v;
    }
    return error;
}

/* MAC addresses. */

static bool
tm_is_hex_digit(char c)
{
    return ((c >= '0' && c <= '9')
            || (c >= 'a' && c <= 'f')
            || (c >= 'A' && c <= 'F'));
}

char *
tm_parse_mac(const char *field, const char *s, struct eth_addr *mac)
{
    struct eth_addr ea;
    bool well_formed = strlen(s) == 17;

    /* eth_addr_from_string() would also take "0:1:2:3:4:5" and white space,
     * so insist on the one canonical shape first. */
    for (int i = 0; well_formed && i < 17; i++) {
        well_formed = i % 3 == 2 ? s[i] == ':' : tm_is_hex_digit(s[i]);
    }
    if (!well_formed || !eth_addr_from_string(s, &ea)) {
        return tm_error_quoted(field, s, " is not a MAC address of the form "
                               "xx:xx:xx:xx:xx:xx");
    }
    if (eth_addr_is_multicast(ea)) {
        return tm_error_quoted(field, s, " is a multicast address; multicast "
                               "MAC is not allowed for a port");
    }
    if (eth_addr_is_zero(ea)) {
        return tm_error_quoted(field, s, " is the all-zeros address, which is "
                               "not allowed for a port");
    }
    *mac = ea;
    return NULL;
}

/* Names, descriptions and ids. */

/* Which code points a text field may contain. */
enum tm_charset {
    TM_CHARSET_NAME,            /* ASCII letters, digits, "_-.", visible
                                 * non-ASCII. */
    TM_CHARSET_ID,              /* ASCII letters, digits, "_-.". */
    TM_CHARSET_DESCRIPTION,     /* Anything but '<' and '>'. */
    TM_CHARSET_ANY,             /* Any valid UTF-8. */
};

static bool
tm_charset_allows(enum tm_charset charset, uint32_t cp)
{
    bool word = ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')
                 || (cp >= '0' && cp <= '9')
                 || cp == '_' || cp == '-' || cp == '.');

    switch (charset) {
    case TM_CHARSET_NAME:
        /* Invisible and reordering characters would let two names look
         * the same in a console. */
        return word || (cp >= 0x80 && !tm_cp_is_invisible(cp));
    case TM_CHARSET_ID:
        return word;
    case TM_CHARSET_DESCRIPTION:
        return cp != '<' && cp != '>';
    case TM_CHARSET_ANY:
        return true;
    default:
        OVS_NOT_REACHED();
    }
}

/* Checks that 's' is valid UTF-8 of 'min_chars' to 'max_chars' code points,
 * all allowed by 'charset'.  Reports the first bad byte or character before
 * the length, because that is the more specific complaint. */
static char *
tm_check_text(const char *field, const char *s, size_t min_chars,
              size_t max_chars, enum tm_charset charset)
{
    size_t n_chars = 0;

    for (const char *p = s; *p; n_chars++) {
        uint32_t cp;
        int len = tm_utf8_decode(p, &cp);

        if (!len) {
            return tm_error(field, "invalid UTF-8 at byte %"PRIuSIZE
                            " (0x%02x)", (size_t) (p - s) + 1,
                            (unsigned char) *p);
        }
        if (!tm_charset_allows(charset, cp)) {
            struct ds ds = DS_EMPTY_INITIALIZER;

            ds_put_format(&ds, "%s: ", field);
            tm_put_cp(&ds, cp);
            ds_put_format(&ds, " is not allowed (character %"PRIuSIZE"): ",
                          n_chars + 1);
            ds_put_cstr(&ds,
                        charset == TM_CHARSET_NAME
                        ? "use only letters, digits, '_', '-' and '.'"
                        : charset == TM_CHARSET_ID
                        ? "use only ASCII letters, digits, '_', '-' and '.'"
                        : "descriptions may not contain '<' or '>'");
            return ds_steal_cstr(&ds);
        }
        p += len;
    }

    if (n_chars < min_chars) {
        return tm_error(field, "must not be empty (expected %"PRIuSIZE"-%"
                        PRIuSIZE" characters)", min_chars, max_chars);
    }
    if (n_chars > max_chars) {
        return tm_error(field, "%"PRIuSIZE" characters exceed the limit of %"
                        PRIuSIZE, n_chars, max_chars);
    }
    return NULL;
}

char *
tm_check_name(const char *field, const char *s)
{
    return tm_check_text(field, s, 1, TM_NAME_MAX_CHARS, TM_CHARSET_NAME);
}

char *
tm_check_description(const char *field, const char *s)
{
    return tm_check_text(field, s, 0, TM_DESCRIPTION_MAX_CHARS,
                         TM_CHARSET_DESCRIPTION);
}

char *
tm_check_id(const char *field, const char *s)
{
    return tm_check_text(field, s, 1, TM_ID_MAX_CHARS, TM_CHARSET_ID);
}

char *
tm_check_project_id(const char *field, const char *s)
{
    return s[0] ? tm_check_id(field, s) : NULL;
}

char *
tm_check_free_text(const char *field, const char *s)
{
    return tm_check_text(field, s, 0, TM_DESCRIPTION_MAX_CHARS,
                         TM_CHARSET_ANY);
}

/* Formatting.  An unset prefix or range ("any") appends nothing, so that
 * whatever these functions write always parses back. */

void
tm_cidr_format(const struct tm_cidr *cidr, struct ds *ds)
{
    if (cidr->set) {
        tm_put_addr(ds, cidr->family, &cidr->addr);
        ds_put_format(ds, "/%u", cidr->plen);
    }
}

void
tm_ip_format(const struct tm_ip *ip, struct ds *ds)
{
    tm_put_addr(ds, ip->family, &ip->addr);
}

void
tm_port_range_format(const struct tm_port_range *range, struct ds *ds)
{
    if (range->set) {
        ds_put_format(ds, "%u-%u", range->min, range->max);
    }
}

void
tm_rule_format_conditions(const struct tm_rule *r, struct ds *s)
{
    ds_put_format(s, "%s %s %s", tm_action_to_string(r->action),
                  tm_protocol_to_string(r->protocol),
                  tm_ethertype_to_string(r->ethertype));
    if (r->src.set) {
        ds_put_cstr(s, " source_cidr_block=");
        tm_cidr_format(&r->src, s);
    }
    if (r->src_ports.set) {
        ds_put_cstr(s, " source_port_range=");
        tm_port_range_format(&r->src_ports, s);
    }
    if (r->dst.set) {
        ds_put_cstr(s, " destination_cidr_block=");
        tm_cidr_format(&r->dst, s);
    }
    if (r->dst_ports.set) {
        ds_put_cstr(s, " destination_port_range=");
        tm_port_range_format(&r->dst_ports, s);
    }
}
