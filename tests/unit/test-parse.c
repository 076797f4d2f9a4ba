/*
 * tmirror unit tests: the "parse" suite, for lib/tm-parse.c.
 *
 * Every limit is tested from both sides, and every error is checked for
 * the field name and the limit it quotes, because those are what a user
 * reads to fix the input.
 */
#include <config.h>
#include "tm-parse.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "tm-test.h"
#include "util.h"

/* Returns a malloc'd string of 'n' copies of 'unit'. */
static char *
repeat(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = xmalloc(len * n + 1);

    for (size_t i = 0; i < n; i++) {
        memcpy(s + i * len, unit, len);
    }
    s[len * n] = '\0';
    return s;
}

/* Asserts that 'error' is exactly 'expected', then frees it. */
static void
assert_error_is(char *error, const char *expected, int line)
{
    bool ok = error && !strcmp(error, expected);

    if (!ok) {
        fprintf(stderr, "\n%s:%d: expected error \"%s\", got \"%s\"\n",
                __FILE__, line, expected, error ? error : "(none)");
    }
    CU_assertImplementation(ok, line, "exact error", __FILE__, "", CU_FALSE);
    free(error);
}
#define ASSERT_ERROR_IS(ERROR, EXPECTED) \
    assert_error_is(ERROR, EXPECTED, __LINE__)

/* Integers. */

static void
test_uint(void)
{
    uint32_t v = 7;

    TM_ASSERT_OK(tm_parse_uint("n", "0", 0, 10, &v));
    CU_ASSERT_EQUAL(v, 0);
    TM_ASSERT_OK(tm_parse_uint("n", "10", 0, 10, &v));
    CU_ASSERT_EQUAL(v, 10);
    TM_ASSERT_OK(tm_parse_uint("n", "4294967295", 0, UINT32_MAX, &v));
    CU_ASSERT_EQUAL(v, UINT32_MAX);

    v = 7;
    TM_ASSERT_ERROR(tm_parse_uint("n", "11", 0, 10, &v),
                    "n: 11 is out of range 0-10");
    TM_ASSERT_ERROR(tm_parse_uint("n", "4294967296", 0, UINT32_MAX, &v),
                    "n: ", "is out of range 0-4294967295");
    TM_ASSERT_ERROR(tm_parse_uint("n", "18446744073709551616", 0, 10, &v),
                    "n: ", "out of range 0-10");
    TM_ASSERT_ERROR(tm_parse_uint("n", "", 0, 10, &v), "n: ", "empty",
                    "0-10");
    TM_ASSERT_ERROR(tm_parse_uint("n", "00", 0, 10, &v), "n: ",
                    "leading zero", "0-10");
    TM_ASSERT_ERROR(tm_parse_uint("n", "01", 0, 10, &v), "n: ",
                    "leading zero");
    static const char *const bad[] = {
        "+1", "-1", " 1", "1 ", "1.0", "0x10", "1e3", "abc", "1,000", "\t1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        TM_ASSERT_ERROR(tm_parse_uint("n", bad[i], 0, 10, &v),
                        "n: ", "not a decimal integer in range 0-10");
    }
    CU_ASSERT_EQUAL(v, 7);

    /* A huge input is refused cleanly and not echoed in full. */
    char *huge = repeat("9", 1000);
    char *error = tm_parse_uint("n", huge, 0, 10, &v);
    CU_ASSERT_PTR_NOT_NULL(error);
    CU_ASSERT(error && strlen(error) < 200);
    TM_ASSERT_ERROR(error, "n: ", "out of range 0-10", "(1000 bytes)");
    free(huge);
    CU_ASSERT_EQUAL(v, 7);
}

static void
test_check_uint(void)
{
    TM_ASSERT_OK(tm_check_uint("priority", 1, 1, 65535));
    TM_ASSERT_OK(tm_check_uint("priority", 65535, 1, 65535));
    ASSERT_ERROR_IS(tm_check_uint("priority", 0, 1, 65535),
                    "priority: 0 is out of range 1-65535");
    ASSERT_ERROR_IS(tm_check_uint("priority", 65536, 1, 65535),
                    "priority: 65536 is out of range 1-65535");
    ASSERT_ERROR_IS(tm_check_uint("priority", -1, 1, 65535),
                    "priority: -1 is out of range 1-65535");
    TM_ASSERT_ERROR(tm_check_uint("priority", LLONG_MAX, 1, 65535),
                    "priority: ", "1-65535");
    TM_ASSERT_ERROR(tm_check_uint("priority", LLONG_MIN, 1, 65535),
                    "priority: ", "1-65535");
    TM_ASSERT_OK(tm_check_uint("vni", 0, 0, TM_VNI_MAX));
    TM_ASSERT_OK(tm_check_uint("n", UINT32_MAX, 0, UINT32_MAX));
    TM_ASSERT_ERROR(tm_check_uint("n", (long long int) UINT32_MAX + 1, 0,
                                  UINT32_MAX), "n: ", "0-4294967295");
}

static void
test_rule_priority(void)
{
    uint32_t v = 42;

    ASSERT_ERROR_IS(tm_parse_rule_priority("priority", "0", &v),
                    "priority: 0 is out of range 1-65535");
    CU_ASSERT_EQUAL(v, 42);
    TM_ASSERT_OK(tm_parse_rule_priority("priority", "1", &v));
    CU_ASSERT_EQUAL(v, 1);
    TM_ASSERT_OK(tm_parse_rule_priority("priority", "65535", &v));
    CU_ASSERT_EQUAL(v, 65535);
    TM_ASSERT_ERROR(tm_parse_rule_priority("priority", "65536", &v),
                    "priority", "1-65535");
    CU_ASSERT_EQUAL(v, 65535);

    /* A JSON path works as a field name. */
    TM_ASSERT_ERROR(tm_parse_rule_priority(
                        "traffic_mirror_filters[0].ingress_rules[1].priority",
                        "x", &v),
                    "traffic_mirror_filters[0].ingress_rules[1].priority: ",
                    "1-65535");
}

static void
test_session_priority(void)
{
    uint32_t v = 42;

    TM_ASSERT_ERROR(tm_parse_session_priority("priority", "0", &v),
                    "priority", "1-32766");
    TM_ASSERT_OK(tm_parse_session_priority("priority", "1", &v));
    CU_ASSERT_EQUAL(v, 1);
    TM_ASSERT_OK(tm_parse_session_priority("priority", "32766", &v));
    CU_ASSERT_EQUAL(v, 32766);
    TM_ASSERT_ERROR(tm_parse_session_priority("priority", "32767", &v),
                    "priority", "1-32766");
    CU_ASSERT_EQUAL(v, 32766);
}

static void
test_vni(void)
{
    uint32_t v = 42;

    TM_ASSERT_OK(tm_parse_vni("virtual_network_id", "0", &v));
    CU_ASSERT_EQUAL(v, 0);
    TM_ASSERT_OK(tm_parse_vni("virtual_network_id", "16777215", &v));
    CU_ASSERT_EQUAL(v, 16777215);
    ASSERT_ERROR_IS(tm_parse_vni("virtual_network_id", "16777216", &v),
                    "virtual_network_id: 16777216 is out of range "
                    "0-16777215");
    TM_ASSERT_ERROR(tm_parse_vni("virtual_network_id", "-1", &v),
                    "virtual_network_id", "0-16777215");
    CU_ASSERT_EQUAL(v, 16777215);
}

static void
test_packet_length(void)
{
    uint32_t v = 42;

    TM_ASSERT_ERROR(tm_parse_packet_length("packet_length", "0", &v),
                    "packet_length", "1-1460");
    TM_ASSERT_OK(tm_parse_packet_length("packet_length", "1", &v));
    CU_ASSERT_EQUAL(v, 1);
    TM_ASSERT_OK(tm_parse_packet_length("packet_length", "1460", &v));
    CU_ASSERT_EQUAL(v, 1460);
    TM_ASSERT_ERROR(tm_parse_packet_length("packet_length", "1461", &v),
                    "packet_length", "1-1460");
    CU_ASSERT_EQUAL(v, 1460);
}

/* Addresses. */

/* A tm_cidr filled with a recognizable pattern, to show that failed parses
 * leave it alone. */
static struct tm_cidr
sentinel_cidr(void)
{
    struct tm_cidr c;

    memset(&c, 0x5a, sizeof c);
    c.set = false;
    return c;
}

static bool
cidr_equals(const struct tm_cidr *a, const struct tm_cidr *b)
{
    return (a->set == b->set && a->family == b->family
            && ipv6_addr_equals(&a->addr, &b->addr) && a->plen == b->plen);
}

static void
test_cidr_ipv4(void)
{
    struct tm_cidr c = sentinel_cidr();

    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "192.168.0.0/24", &c));
    CU_ASSERT(c.set);
    CU_ASSERT_EQUAL(c.family, AF_INET);
    CU_ASSERT_EQUAL(c.plen, 24);
    /* Stored IPv4-mapped: ::ffff:192.168.0.0. */
    CU_ASSERT(IN6_IS_ADDR_V4MAPPED(&c.addr));
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&c.addr), htonl(0xc0a80000));
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(c.addr.s6_addr[i], 0);
    }
    CU_ASSERT_EQUAL(c.addr.s6_addr[10], 0xff);
    CU_ASSERT_EQUAL(c.addr.s6_addr[11], 0xff);

    /* A bare address is a host prefix. */
    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "10.1.2.3", &c));
    CU_ASSERT_EQUAL(c.family, AF_INET);
    CU_ASSERT_EQUAL(c.plen, 32);
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&c.addr), htonl(0x0a010203));

    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "10.1.2.3/32", &c));
    CU_ASSERT_EQUAL(c.plen, 32);
    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "0.0.0.0/0", &c));
    CU_ASSERT_EQUAL(c.plen, 0);
    CU_ASSERT_EQUAL(c.family, AF_INET);
    CU_ASSERT(IN6_IS_ADDR_V4MAPPED(&c.addr));
    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "255.255.255.255/32",
                               &c));

    struct tm_cidr before = c;
    TM_ASSERT_ERROR(tm_parse_cidr("source_cidr_block", "10.1.2.3/33", &c),
                    "source_cidr_block: ", "0-32");
    ASSERT_ERROR_IS(tm_parse_cidr("source_cidr_block", "10.0.0.1/24", &c),
                    "source_cidr_block: \"10.0.0.1/24\" has host bits set "
                    "past the prefix length (did you mean 10.0.0.0/24?)");
    TM_ASSERT_ERROR(tm_parse_cidr("destination_cidr_block", "10.0.0.0/0", &c),
                    "destination_cidr_block: ", "host bits",
                    "did you mean 0.0.0.0/0?");
    TM_ASSERT_ERROR(tm_parse_cidr("source_cidr_block", "192.168.1.1/31", &c),
                    "source_cidr_block: ", "did you mean 192.168.1.0/31?");
    CU_ASSERT(cidr_equals(&c, &before));
}

static void
test_cidr_ipv6(void)
{
    struct tm_cidr c = sentinel_cidr();
    struct in6_addr want;

    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "2001:db8::/32", &c));
    CU_ASSERT(c.set);
    CU_ASSERT_EQUAL(c.family, AF_INET6);
    CU_ASSERT_EQUAL(c.plen, 32);
    CU_ASSERT(ipv6_parse("2001:db8::", &want));
    CU_ASSERT(ipv6_addr_equals(&c.addr, &want));

    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "::1", &c));
    CU_ASSERT_EQUAL(c.family, AF_INET6);
    CU_ASSERT_EQUAL(c.plen, 128);
    CU_ASSERT(ipv6_addr_equals(&c.addr, &in6addr_loopback));

    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "2001:db8::1/128", &c));
    CU_ASSERT_EQUAL(c.plen, 128);
    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "::/0", &c));
    CU_ASSERT_EQUAL(c.plen, 0);
    CU_ASSERT(ipv6_is_zero(&c.addr));
    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "FE80::/10", &c));
    CU_ASSERT_EQUAL(c.family, AF_INET6);
    CU_ASSERT_EQUAL(c.plen, 10);

    struct tm_cidr before = c;
    TM_ASSERT_ERROR(tm_parse_cidr("source_cidr_block", "2001:db8::1/129",
                                  &c),
                    "source_cidr_block: ", "0-128");
    TM_ASSERT_ERROR(tm_parse_cidr("source_cidr_block", "2001:db8:8000::/32",
                                  &c),
                    "source_cidr_block: ", "host bits",
                    "did you mean 2001:db8::/32?");
    TM_ASSERT_OK(tm_parse_cidr("source_cidr_block", "2001:db8:8000::/33",
                               &c));
    CU_ASSERT_EQUAL(c.plen, 33);
    before = c;
    ASSERT_ERROR_IS(tm_parse_cidr("source_cidr_block", "2001:db8::1/64", &c),
                    "source_cidr_block: \"2001:db8::1/64\" has host bits set "
                    "past the prefix length (did you mean 2001:db8::/64?)");
    CU_ASSERT(cidr_equals(&c, &before));
}

static void
test_cidr_syntax(void)
{
    static const char *const bad[] = {
        "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/+8", "10.0.0.0/-1",
        "10.0.0.0/ 8", "10.0.0.0/8 ", " 10.0.0.0/8", "10.0.0.0 /8",
        "10.0.0/8", "010.0.0.0/8", "256.0.0.0/8", "10.0.0.0/8/8", "abc",
        "10.0.0.0/255.0.0.0", "fe80::1%eth0/64", "2001:db8::/", "2001:db8:/32",
        "2001:db8::/0x20", "1.2.3.4/99999999999999999999", "::/", "/",
        "/24", "1:2:3:4:5:6:7:8:9/64", "10.0.0.0\n",
    };
    struct tm_cidr c = sentinel_cidr();
    struct tm_cidr before = c;

    TM_ASSERT_ERROR(tm_parse_cidr("source_cidr_block", "", &c),
                    "source_cidr_block: ", "empty");
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = tm_parse_cidr("source_cidr_block", bad[i], &c);
        if (!error) {
            fprintf(stderr, "\n\"%s\" parsed as a CIDR\n", bad[i]);
        }
        TM_ASSERT_ERROR(error, "source_cidr_block: ");
    }
    CU_ASSERT(cidr_equals(&c, &before));

    /* Control characters in the input are escaped in the message. */
    TM_ASSERT_ERROR(tm_parse_cidr("source_cidr_block", "10.0.0.0\n", &c),
                    "\"10.0.0.0\\n\"");
}

static void
test_ip(void)
{
    struct tm_ip ip, before;

    memset(&ip, 0x5a, sizeof ip);
    TM_ASSERT_OK(tm_parse_ip("ip_address", "10.0.0.5", &ip));
    CU_ASSERT_EQUAL(ip.family, AF_INET);
    CU_ASSERT(IN6_IS_ADDR_V4MAPPED(&ip.addr));
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&ip.addr), htonl(0x0a000005));

    TM_ASSERT_OK(tm_parse_ip("ip_address", "2001:db8::5", &ip));
    CU_ASSERT_EQUAL(ip.family, AF_INET6);
    CU_ASSERT_EQUAL(ip.addr.s6_addr[0], 0x20);
    CU_ASSERT_EQUAL(ip.addr.s6_addr[15], 5);

    before = ip;
    TM_ASSERT_ERROR(tm_parse_ip("ip_address", "10.0.0.5/32", &ip),
                    "ip_address: ", "without a prefix length");
    TM_ASSERT_ERROR(tm_parse_ip("ip_address", "2001:db8::/64", &ip),
                    "ip_address: ", "without a prefix length");
    TM_ASSERT_ERROR(tm_parse_ip("ip_address", "", &ip), "ip_address: ",
                    "empty");
    TM_ASSERT_ERROR(tm_parse_ip("ip_address", "10.0.0", &ip),
                    "ip_address: \"10.0.0\" is not an IPv4 or IPv6 address");
    TM_ASSERT_ERROR(tm_parse_ip("ip_address", " 10.0.0.5", &ip),
                    "ip_address: ");
    TM_ASSERT_ERROR(tm_parse_ip("ip_address", "host.example", &ip),
                    "ip_address: ");
    CU_ASSERT_EQUAL(ip.family, before.family);
    CU_ASSERT(ipv6_addr_equals(&ip.addr, &before.addr));
}

/* Port ranges. */

/* tm_parse_listen(): "[HOST:]PORT" with a default host, as --metrics. */
static void
test_listen(void)
{
    struct tm_ip ip, before;
    uint16_t port = 0, before_port;

    TM_ASSERT_OK(tm_parse_listen("--metrics", "10.0.0.5:9100", "127.0.0.1",
                                 &ip, &port));
    CU_ASSERT_EQUAL(ip.family, AF_INET);
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&ip.addr), htonl(0x0a000005));
    CU_ASSERT_EQUAL(port, 9100);

    /* No host, or no colon either: the default host. */
    TM_ASSERT_OK(tm_parse_listen("--metrics", ":9101", "127.0.0.1", &ip,
                                 &port));
    CU_ASSERT_EQUAL(in6_addr_get_mapped_ipv4(&ip.addr), htonl(0x7f000001));
    CU_ASSERT_EQUAL(port, 9101);
    TM_ASSERT_OK(tm_parse_listen("--metrics", "65535", "::1", &ip, &port));
    CU_ASSERT_EQUAL(ip.family, AF_INET6);
    CU_ASSERT(ipv6_addr_equals(&ip.addr, &in6addr_loopback));
    CU_ASSERT_EQUAL(port, 65535);

    /* IPv6 in brackets; port 0 means any. */
    TM_ASSERT_OK(tm_parse_listen("--metrics", "[2001:db8::5]:0", "127.0.0.1",
                                 &ip, &port));
    CU_ASSERT_EQUAL(ip.family, AF_INET6);
    CU_ASSERT_EQUAL(ip.addr.s6_addr[15], 5);
    CU_ASSERT_EQUAL(port, 0);

    before = ip;
    before_port = port;
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "", "127.0.0.1", &ip,
                                    &port),
                    "--metrics: expected HOST:PORT, :PORT or PORT");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "10.0.0.5", "127.0.0.1",
                                    &ip, &port),
                    "--metrics: \"10.0.0.5\" is not HOST:PORT, :PORT or "
                    "PORT");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "10.0.0.5:", "127.0.0.1",
                                    &ip, &port),
                    "--metrics: port ", "0-65535", "empty");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", ":65536", "127.0.0.1", &ip,
                                    &port),
                    "--metrics: port 65536 is out of range 0-65535");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "localhost:9100",
                                    "127.0.0.1", &ip, &port),
                    "--metrics: host \"localhost\" is not an IPv4 or IPv6 "
                    "address");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "::1:9100", "127.0.0.1",
                                    &ip, &port),
                    "--metrics: ", "more than one colon", "[IPV6]:PORT");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "[::1]9100", "127.0.0.1",
                                    &ip, &port),
                    "--metrics: ", "is not [IPV6]:PORT");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "[::1", "127.0.0.1", &ip,
                                    &port),
                    "--metrics: ", "is not [IPV6]:PORT");
    TM_ASSERT_ERROR(tm_parse_listen("--metrics", "[10.0.0.5]:1",
                                    "127.0.0.1", &ip, &port),
                    "--metrics: \"10.0.0.5\" is in brackets", "IPv6 address only");
    CU_ASSERT_EQUAL(ip.family, before.family);
    CU_ASSERT(ipv6_addr_equals(&ip.addr, &before.addr));
    CU_ASSERT_EQUAL(port, before_port);
}

static void
test_port_range(void)
{
    struct tm_port_range r = { .set = false, .min = 7, .max = 9 };

    TM_ASSERT_OK(tm_parse_port_range("source_port_range", "1-65535", &r));
    CU_ASSERT(r.set);
    CU_ASSERT_EQUAL(r.min, 1);
    CU_ASSERT_EQUAL(r.max, 65535);
    TM_ASSERT_OK(tm_parse_port_range("source_port_range", "80", &r));
    CU_ASSERT_EQUAL(r.min, 80);
    CU_ASSERT_EQUAL(r.max, 80);
    TM_ASSERT_OK(tm_parse_port_range("source_port_range", "1", &r));
    CU_ASSERT_EQUAL(r.min, 1);
    CU_ASSERT_EQUAL(r.max, 1);
    TM_ASSERT_OK(tm_parse_port_range("source_port_range", "65535", &r));
    TM_ASSERT_OK(tm_parse_port_range("source_port_range", "10000-10001",
                                     &r));
    CU_ASSERT_EQUAL(r.min, 10000);
    CU_ASSERT_EQUAL(r.max, 10001);
    TM_ASSERT_OK(tm_parse_port_range("source_port_range", "443-443", &r));
    CU_ASSERT_EQUAL(r.min, 443);
    CU_ASSERT_EQUAL(r.max, 443);

    struct tm_port_range before = r;
    TM_ASSERT_ERROR(tm_parse_port_range("source_port_range", "0-5", &r),
                    "source_port_range: ", "port 0", "1-65535");
    TM_ASSERT_ERROR(tm_parse_port_range("source_port_range", "0", &r),
                    "source_port_range: ", "port 0", "1-65535");
    ASSERT_ERROR_IS(tm_parse_port_range("source_port_range", "80-20", &r),
                    "source_port_range: \"80-20\" has its start above its "
                    "end (expected a-b with a <= b)");
    TM_ASSERT_ERROR(tm_parse_port_range("source_port_range", "5-4", &r),
                    "source_port_range: ", "start above its end");
    TM_ASSERT_ERROR(tm_parse_port_range("destination_port_range", "65536",
                                        &r),
                    "destination_port_range: ", "port 65536", "1-65535");
    TM_ASSERT_ERROR(tm_parse_port_range("source_port_range", "1-65536", &r),
                    "source_port_range: ", "port 65536", "1-65535");
    TM_ASSERT_ERROR(tm_parse_port_range("source_port_range",
                                        "1-99999999999999999999999", &r),
                    "source_port_range: ", "1-65535");
    TM_ASSERT_ERROR(tm_parse_port_range("source_port_range", "", &r),
                    "source_port_range: ", "empty");

    static const char *const bad[] = {
        "-5", "5-", "-", "+5", " 5", "5 ", "5 - 6", "05", "5-06", "1-2-3",
        "a-b", "0x10", "5--6", "5,6", "5:6", "-1-5",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = tm_parse_port_range("source_port_range", bad[i], &r);
        if (!error) {
            fprintf(stderr, "\n\"%s\" parsed as a port range\n", bad[i]);
        }
        TM_ASSERT_ERROR(error, "source_port_range: ",
                        "1 <= a <= b <= 65535");
    }
    CU_ASSERT_EQUAL(r.set, before.set);
    CU_ASSERT_EQUAL(r.min, before.min);
    CU_ASSERT_EQUAL(r.max, before.max);
}

/* Enumerations. */

static void
test_protocol(void)
{
    enum tm_protocol p = TM_PROTO_ALL;

    TM_ASSERT_OK(tm_parse_protocol("protocol", "tcp", &p));
    CU_ASSERT_EQUAL(p, TM_PROTO_TCP);
    TM_ASSERT_OK(tm_parse_protocol("protocol", "UDP", &p));
    CU_ASSERT_EQUAL(p, TM_PROTO_UDP);
    TM_ASSERT_OK(tm_parse_protocol("protocol", "Icmp", &p));
    CU_ASSERT_EQUAL(p, TM_PROTO_ICMP);
    TM_ASSERT_OK(tm_parse_protocol("protocol", "ICMPv6", &p));
    CU_ASSERT_EQUAL(p, TM_PROTO_ICMPV6);
    TM_ASSERT_OK(tm_parse_protocol("protocol", "all", &p));
    CU_ASSERT_EQUAL(p, TM_PROTO_ALL);

    p = TM_PROTO_UDP;
    ASSERT_ERROR_IS(tm_parse_protocol("protocol", "sctp", &p),
                    "protocol: \"sctp\" is not one of tcp, udp, icmp, "
                    "icmpv6, all");
    TM_ASSERT_ERROR(tm_parse_protocol("protocol", "", &p), "protocol: ");
    TM_ASSERT_ERROR(tm_parse_protocol("protocol", "tcp ", &p), "protocol: ");
    TM_ASSERT_ERROR(tm_parse_protocol("protocol", "6", &p), "protocol: ");
    CU_ASSERT_EQUAL(p, TM_PROTO_UDP);
}

static void
test_other_enums(void)
{
    enum tm_ethertype e = TM_ETH_IPV6;
    TM_ASSERT_OK(tm_parse_ethertype("ethertype", "IPv4", &e));
    CU_ASSERT_EQUAL(e, TM_ETH_IPV4);
    TM_ASSERT_OK(tm_parse_ethertype("ethertype", "ipv6", &e));
    CU_ASSERT_EQUAL(e, TM_ETH_IPV6);
    TM_ASSERT_ERROR(tm_parse_ethertype("ethertype", "ARP", &e),
                    "ethertype: \"ARP\" is not one of IPv4, IPv6");
    CU_ASSERT_EQUAL(e, TM_ETH_IPV6);

    enum tm_action a = TM_REJECT;
    TM_ASSERT_OK(tm_parse_action("action", "ACCEPT", &a));
    CU_ASSERT_EQUAL(a, TM_ACCEPT);
    TM_ASSERT_OK(tm_parse_action("action", "reject", &a));
    CU_ASSERT_EQUAL(a, TM_REJECT);
    TM_ASSERT_ERROR(tm_parse_action("action", "drop", &a),
                    "action: \"drop\" is not one of accept, reject");
    CU_ASSERT_EQUAL(a, TM_REJECT);

    enum tm_direction d = TM_EGRESS;
    TM_ASSERT_OK(tm_parse_direction("direction", "Ingress", &d));
    CU_ASSERT_EQUAL(d, TM_INGRESS);
    TM_ASSERT_OK(tm_parse_direction("direction", "egress", &d));
    CU_ASSERT_EQUAL(d, TM_EGRESS);
    TM_ASSERT_ERROR(tm_parse_direction("direction", "both", &d),
                    "direction: \"both\" is not one of ingress, egress");
    CU_ASSERT_EQUAL(d, TM_EGRESS);

    enum tm_target_type t = TM_TARGET_ELB;
    TM_ASSERT_OK(tm_parse_target_type("traffic_mirror_target_type", "eni",
                                      &t));
    CU_ASSERT_EQUAL(t, TM_TARGET_ENI);
    TM_ASSERT_OK(tm_parse_target_type("traffic_mirror_target_type", "ELB",
                                      &t));
    CU_ASSERT_EQUAL(t, TM_TARGET_ELB);
    TM_ASSERT_ERROR(tm_parse_target_type("traffic_mirror_target_type",
                                         "vm", &t),
                    "traffic_mirror_target_type: \"vm\" is not one of eni, "
                    "elb");
    CU_ASSERT_EQUAL(t, TM_TARGET_ELB);

    bool b = true;
    TM_ASSERT_OK(tm_parse_bool("enabled", "FALSE", &b));
    CU_ASSERT_EQUAL(b, false);
    TM_ASSERT_OK(tm_parse_bool("enabled", "true", &b));
    CU_ASSERT_EQUAL(b, true);
    TM_ASSERT_ERROR(tm_parse_bool("enabled", "yes", &b),
                    "enabled: \"yes\" is not one of true, false");
    TM_ASSERT_ERROR(tm_parse_bool("enabled", "1", &b), "enabled: ");
    CU_ASSERT_EQUAL(b, true);
}

/* MAC addresses. */

static void
test_mac(void)
{
    struct eth_addr mac = ETH_ADDR_C(12, 34, 56, 78, 9a, bc);
    const struct eth_addr want = ETH_ADDR_C(fa, 16, 3e, 7e, d6, bc);
    const struct eth_addr orig = ETH_ADDR_C(12, 34, 56, 78, 9a, bc);

    TM_ASSERT_OK(tm_parse_mac("mac_address", "fa:16:3e:7e:d6:bc", &mac));
    CU_ASSERT(eth_addr_equals(mac, want));
    mac = orig;
    TM_ASSERT_OK(tm_parse_mac("mac_address", "FA:16:3E:7E:D6:BC", &mac));
    CU_ASSERT(eth_addr_equals(mac, want));

    mac = orig;
    TM_ASSERT_ERROR(tm_parse_mac("mac_address", "01:00:5e:00:00:01", &mac),
                    "mac_address: ",
                    "multicast MAC is not allowed for a port");
    TM_ASSERT_ERROR(tm_parse_mac("mac_address", "ff:ff:ff:ff:ff:ff", &mac),
                    "mac_address: ",
                    "multicast MAC is not allowed for a port");
    TM_ASSERT_ERROR(tm_parse_mac("mac_address", "00:00:00:00:00:00", &mac),
                    "mac_address: ", "all-zeros");

    static const char *const bad[] = {
        "", "fa:16:3e:7e:d6:b", "fa:16:3e:7e:d6", "f:16:3e:7e:d6:bc",
        "fa-16-3e-7e-d6-bc", " fa:16:3e:7e:d6:bc", "fa:16:3e:7e:d6:bc ",
        "fa:16:3e:7e:d6:bc:00", "g0:16:3e:7e:d6:bc", "fa163e7ed6bc",
        "fa:16:3e:7e:d6:+c", "fa:16:3e:7e:d6:bc\n", "fa:16:3e:7e: 6:bc",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *error = tm_parse_mac("mac_address", bad[i], &mac);
        if (!error) {
            fprintf(stderr, "\n\"%s\" parsed as a MAC\n", bad[i]);
        }
        TM_ASSERT_ERROR(error, "mac_address: ", "xx:xx:xx:xx:xx:xx");
    }
    CU_ASSERT(eth_addr_equals(mac, orig));
}

/* Names, descriptions, ids. */

static void
test_name(void)
{
    char *s;

    s = repeat("a", 64);
    TM_ASSERT_OK(tm_check_name("name", s));
    free(s);
    s = repeat("a", 65);
    ASSERT_ERROR_IS(tm_check_name("name", s),
                    "name: 65 characters exceed the limit of 64");
    free(s);

    /* 64 code points of 3 bytes each: 192 bytes, but within the limit. */
    s = repeat("\xe9\x95\x9c", 64);
    CU_ASSERT_EQUAL(strlen(s), 192);
    TM_ASSERT_OK(tm_check_name("name", s));
    free(s);
    s = repeat("\xe9\x95\x9c", 65);
    TM_ASSERT_ERROR(tm_check_name("name", s), "name: ",
                    "65 characters exceed the limit of 64");
    free(s);

    /* 4-byte characters count once each too. */
    s = repeat("\xf0\x9f\x98\x80", 64);
    TM_ASSERT_OK(tm_check_name("name", s));
    free(s);

    TM_ASSERT_OK(tm_check_name("name", "a"));
    TM_ASSERT_OK(tm_check_name("name", "mirror_filter-01.v2"));
    TM_ASSERT_OK(tm_check_name("name", "\xe9\x95\x9c\xe5\x83\x8f-1"));
    TM_ASSERT_OK(tm_check_name("name", "caf\xc3\xa9"));

    TM_ASSERT_ERROR(tm_check_name("name", ""), "name: ", "1-64");
    TM_ASSERT_ERROR(tm_check_name("name", "a b"), "name: ",
                    "' ' is not allowed", "character 2");
    TM_ASSERT_ERROR(tm_check_name("name", "a/b"), "name: ",
                    "'/' is not allowed");
    TM_ASSERT_ERROR(tm_check_name("name", "a<b"), "name: ",
                    "'<' is not allowed");
    TM_ASSERT_ERROR(tm_check_name("name", "a'b"), "name: ", "U+0027");
    TM_ASSERT_ERROR(tm_check_name("name", "a\tb"), "name: ", "U+0009");

    /* Characters that print as nothing or reorder the text would let two
     * names look alike: right-to-left override, zero-width space,
     * byte-order mark, a C1 control.  Their neighbours are fine. */
    TM_ASSERT_ERROR(tm_check_name("name", "ab\xe2\x80\xae" "c"), "name: ",
                    "U+202E", "character 3");
    TM_ASSERT_ERROR(tm_check_name("name", "a\xe2\x80\x8b"), "name: ",
                    "U+200B");
    TM_ASSERT_ERROR(tm_check_name("name", "\xef\xbb\xbf" "a"), "name: ",
                    "U+FEFF");
    TM_ASSERT_ERROR(tm_check_name("name", "a\xc2\x85"), "name: ", "U+0085");
    TM_ASSERT_OK(tm_check_name("name", "a\xe2\x80\x90" "b"));    /* U+2010 */
    TM_ASSERT_OK(tm_check_name("name", "a\xc2\xa0" "b"));         /* U+00A0 */

    /* Invalid UTF-8: a stray byte, an overlong '/', a surrogate, a
     * truncated sequence, a code point past U+10FFFF. */
    static const char *const bad_utf8[] = {
        "a\xff", "\xc0\xaf", "\xed\xa0\x80", "ab\xe9\x95", "\xf4\x90\x80\x80",
        "\x80", "\xe9\x95\x9c\x9c",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_utf8); i++) {
        TM_ASSERT_ERROR(tm_check_name("name", bad_utf8[i]), "name: ",
                        "invalid UTF-8");
    }
}

static void
test_project_id_and_free_text(void)
{
    TM_ASSERT_OK(tm_check_project_id("project_id", ""));
    TM_ASSERT_OK(tm_check_project_id("project_id",
                                     "0123456789abcdef0123456789abcdef"));
    TM_ASSERT_ERROR(tm_check_project_id("project_id", "a b"), "project_id",
                    "not allowed");
    TM_ASSERT_ERROR(tm_check_project_id("project_id", "\xff"),
                    "project_id", "invalid UTF-8");

    char *s = repeat("x", 255);
    TM_ASSERT_OK(tm_check_free_text("created_at", s));
    free(s);
    s = repeat("x", 256);
    TM_ASSERT_ERROR(tm_check_free_text("created_at", s), "created_at",
                    "255");
    free(s);
    TM_ASSERT_OK(tm_check_free_text("created_at", "2026-11-21T06:20:17Z"));
    TM_ASSERT_OK(tm_check_free_text("type", "<eni>"));
    TM_ASSERT_ERROR(tm_check_free_text("type", "e\xff" "ni"), "type",
                    "invalid UTF-8");
}

static void
test_description(void)
{
    char *s;

    TM_ASSERT_OK(tm_check_description("description", ""));
    TM_ASSERT_OK(tm_check_description("description",
                                      "Mirror web traffic; see ticket #12 "
                                      "(\"quoted\" & more)."));
    s = repeat("x", 255);
    TM_ASSERT_OK(tm_check_description("description", s));
    free(s);
    s = repeat("x", 256);
    ASSERT_ERROR_IS(tm_check_description("description", s),
                    "description: 256 characters exceed the limit of 255");
    free(s);
    s = repeat("\xc3\xa9", 255);
    TM_ASSERT_OK(tm_check_description("description", s));
    free(s);
    s = repeat("\xc3\xa9", 256);
    TM_ASSERT_ERROR(tm_check_description("description", s),
                    "description: ", "limit of 255");
    free(s);

    TM_ASSERT_ERROR(tm_check_description("description", "a<script>"),
                    "description: '<' is not allowed");
    TM_ASSERT_ERROR(tm_check_description("description", "a > b"),
                    "description: '>' is not allowed", "character 3");
    TM_ASSERT_ERROR(tm_check_description("description", "bad \xff"),
                    "description: ", "invalid UTF-8");
}

static void
test_id(void)
{
    char *s;

    TM_ASSERT_OK(tm_check_id("id", "a"));
    TM_ASSERT_OK(tm_check_id("id", "0b7c4c8e-5b3a-4d0f-9c62-2c7a1f0e9d11"));
    TM_ASSERT_OK(tm_check_id("id", "port_1.A-b"));
    s = repeat("f", 64);
    TM_ASSERT_OK(tm_check_id("id", s));
    free(s);
    s = repeat("f", 65);
    ASSERT_ERROR_IS(tm_check_id("id", s),
                    "id: 65 characters exceed the limit of 64");
    free(s);

    TM_ASSERT_ERROR(tm_check_id("id", ""), "id: ", "1-64");
    TM_ASSERT_ERROR(tm_check_id("id", "a b"), "id: ", "' ' is not allowed");
    TM_ASSERT_ERROR(tm_check_id("id", "a/b"), "id: ", "'/' is not allowed");
    TM_ASSERT_ERROR(tm_check_id("id", "caf\xc3\xa9"), "id: ", "U+00E9",
                    "ASCII");
    TM_ASSERT_ERROR(tm_check_id("id", "a\xff"), "id: ", "invalid UTF-8");
}

/* Error messages quote user input safely. */

static void
test_error_quoting(void)
{
    struct tm_port_range r = { .set = false };
    char *s, *error;

    /* A long input is cut after 64 bytes, and its real length given. */
    s = repeat("x", 1000);
    error = tm_parse_port_range("source_port_range", s, &r);
    CU_ASSERT(error && strlen(error) < 200);
    s[64] = '\0';
    CU_ASSERT(error && strstr(error, s));
    s[64] = 'x';
    s[65] = '\0';
    CU_ASSERT(error && !strstr(error, s));
    TM_ASSERT_ERROR(error, "source_port_range: \"", "\"... (1000 bytes)");
    free(s);

    /* Multibyte characters are not split at the cut. */
    s = repeat("\xe9\x95\x9c", 100);
    error = tm_parse_protocol("protocol", s, &(enum tm_protocol) { 0 });
    CU_ASSERT(error && strstr(error, "\xe9\x95\x9c\"... (300 bytes)"));
    free(error);
    free(s);

    /* Control characters, quotes, backslashes, invalid UTF-8 and invisible
     * characters are escaped, so the message is one readable line. */
    error = tm_parse_protocol("protocol", "a\"b\\c\x01\n\xff\xe2\x80\xae",
                              &(enum tm_protocol) { 0 });
    TM_ASSERT_ERROR(error, "protocol: \"a\\\"b\\\\c\\x01\\n\\xff\\u202e\" "
                    "is not one of");
}

/* Formatting and round trips. */

static char *
format_cidr(const char *s)
{
    struct tm_cidr c = { .set = false };
    struct ds ds = DS_EMPTY_INITIALIZER;

    TM_ASSERT_OK(tm_parse_cidr("cidr", s, &c));
    tm_cidr_format(&c, &ds);
    return ds_steal_cstr(&ds);
}

static void
test_format(void)
{
    static const struct {
        const char *in, *out;
    } cidrs[] = {
        { "192.168.0.0/24", "192.168.0.0/24" },
        { "10.1.2.3", "10.1.2.3/32" },
        { "0.0.0.0/0", "0.0.0.0/0" },
        { "2001:DB8:0:0::/32", "2001:db8::/32" },
        { "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1/128" },
        { "::/0", "::/0" },
        { "::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cidrs); i++) {
        char *out = format_cidr(cidrs[i].in);
        if (strcmp(out, cidrs[i].out)) {
            fprintf(stderr, "\n%s formatted as %s, expected %s\n",
                    cidrs[i].in, out, cidrs[i].out);
        }
        CU_ASSERT_STRING_EQUAL(out, cidrs[i].out);
        free(out);
    }

    struct ds ds = DS_EMPTY_INITIALIZER;
    struct tm_ip ip;
    TM_ASSERT_OK(tm_parse_ip("ip", "172.16.0.1", &ip));
    tm_ip_format(&ip, &ds);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&ds), "172.16.0.1");
    ds_clear(&ds);
    TM_ASSERT_OK(tm_parse_ip("ip", "FE80:0::1", &ip));
    tm_ip_format(&ip, &ds);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&ds), "fe80::1");
    ds_clear(&ds);

    struct tm_port_range r;
    TM_ASSERT_OK(tm_parse_port_range("ports", "80", &r));
    tm_port_range_format(&r, &ds);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&ds), "80-80");
    ds_clear(&ds);
    TM_ASSERT_OK(tm_parse_port_range("ports", "1-65535", &r));
    tm_port_range_format(&r, &ds);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&ds), "1-65535");
    ds_clear(&ds);

    /* "Any" writes nothing. */
    struct tm_cidr any_cidr = { .set = false };
    struct tm_port_range any_ports = { .set = false };
    tm_cidr_format(&any_cidr, &ds);
    tm_port_range_format(&any_ports, &ds);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&ds), "");

    /* A hand-built IPv4 prefix formats as a dotted quad, not mapped. */
    struct tm_cidr c = { .set = true, .family = AF_INET, .plen = 8 };
    in6_addr_set_mapped_ipv4(&c.addr, htonl(0x0a000000));
    tm_cidr_format(&c, &ds);
    CU_ASSERT_STRING_EQUAL(ds_cstr(&ds), "10.0.0.0/8");
    ds_destroy(&ds);
}

static void
test_round_trip(void)
{
    static const char *const cidrs[] = {
        "192.168.0.0/24", "10.0.0.0/8", "1.2.3.4", "0.0.0.0/0",
        "255.255.255.254/31", "2001:db8::/32", "::1", "::/0",
        "fe80::1:2:3:4/128", "2001:db8:0:1::/64", "::ffff:1.2.3.4",
        "1:2:3:4:5:6:7:8", "ff00::/8",
    };
    static const char *const ports[] = {
        "1", "65535", "1-65535", "80", "10000-10001", "443-8443",
    };
    struct ds ds = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < ARRAY_SIZE(cidrs); i++) {
        struct tm_cidr a = { .set = false }, b = { .set = false };
        struct tm_ip ipa, ipb;

        TM_ASSERT_OK(tm_parse_cidr("cidr", cidrs[i], &a));
        ds_clear(&ds);
        tm_cidr_format(&a, &ds);
        TM_ASSERT_OK(tm_parse_cidr("cidr", ds_cstr(&ds), &b));
        CU_ASSERT(cidr_equals(&a, &b));

        if (!strchr(cidrs[i], '/')) {
            TM_ASSERT_OK(tm_parse_ip("ip", cidrs[i], &ipa));
            ds_clear(&ds);
            tm_ip_format(&ipa, &ds);
            TM_ASSERT_OK(tm_parse_ip("ip", ds_cstr(&ds), &ipb));
            CU_ASSERT_EQUAL(ipa.family, ipb.family);
            CU_ASSERT(ipv6_addr_equals(&ipa.addr, &ipb.addr));
            CU_ASSERT_EQUAL(ipa.family, a.family);
            CU_ASSERT(ipv6_addr_equals(&ipa.addr, &a.addr));
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
        struct tm_port_range a, b;

        TM_ASSERT_OK(tm_parse_port_range("ports", ports[i], &a));
        ds_clear(&ds);
        tm_port_range_format(&a, &ds);
        TM_ASSERT_OK(tm_parse_port_range("ports", ds_cstr(&ds), &b));
        CU_ASSERT_EQUAL(a.set, b.set);
        CU_ASSERT_EQUAL(a.min, b.min);
        CU_ASSERT_EQUAL(a.max, b.max);
    }
    ds_destroy(&ds);
}

static int
parse_suite(void)
{
    static const struct {
        const char *name;
        CU_TestFunc func;
    } tests[] = {
        { "uint", test_uint },
        { "check_uint", test_check_uint },
        { "rule_priority", test_rule_priority },
        { "session_priority", test_session_priority },
        { "vni", test_vni },
        { "packet_length", test_packet_length },
        { "cidr_ipv4", test_cidr_ipv4 },
        { "cidr_ipv6", test_cidr_ipv6 },
        { "cidr_syntax", test_cidr_syntax },
        { "ip", test_ip },
        { "listen", test_listen },
        { "port_range", test_port_range },
        { "protocol", test_protocol },
        { "other_enums", test_other_enums },
        { "mac", test_mac },
        { "name", test_name },
        { "description", test_description },
        { "project_id_and_free_text", test_project_id_and_free_text },
        { "id", test_id },
        { "error_quoting", test_error_quoting },
        { "format", test_format },
        { "round_trip", test_round_trip },
    };
    CU_pSuite suite = CU_add_suite("parse", NULL, NULL);

    if (!suite) {
        return CU_get_error();
    }
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
        if (!CU_add_test(suite, tests[i].name, tests[i].func)) {
            return CU_get_error();
        }
    }
    return 0;
}
TM_TEST_SUITE(parse_suite);
