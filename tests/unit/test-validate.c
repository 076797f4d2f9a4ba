/*
 * tmirror unit tests: whole-model validation (tm-validate.h).
 *
 * Every test builds a model with the constructors of tm-model.h, starting
 * from a small valid base model, breaks (or stretches) one thing and checks
 * what tm_model_validate() or tm_session_validate() says about it.  Errors
 * are checked only for the substrings that matter: the id of the object,
 * the name of the field and the limit.  Every limit is tried on both sides:
 * the last valid value passes and the first invalid one fails.
 */
#include <config.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tm-model.h"
#include "tm-test.h"
#include "tm-validate.h"
#include "util.h"

/* Helpers for building models. */

/* Host numbers for the addresses of ports and load balancers, so that no
 * two objects share an address. */
static uint32_t next_host = 1;

/* Sets 'ip' to the IPv4 or IPv6 address written in 's'. */
static void
make_ip(struct tm_ip *ip, const char *s)
{
    memset(ip, 0, sizeof *ip);
    if (strchr(s, ':')) {
        ip->family = AF_INET6;
        ovs_assert(inet_pton(AF_INET6, s, &ip->addr) == 1);
    } else {
        struct in_addr in4;

        ovs_assert(inet_pton(AF_INET, s, &in4) == 1);
        ip->family = AF_INET;
        in6_addr_set_mapped_ipv4(&ip->addr, in4.s_addr);
    }
}

/* Sets 'cidr' to the prefix 's'/'plen', taken as written (host bits and
 * all), so that the tests can build invalid prefixes too. */
static void
make_cidr(struct tm_cidr *cidr, const char *s, unsigned int plen)
{
    struct tm_ip ip;

    make_ip(&ip, s);
    cidr->set = true;
    cidr->family = ip.family;
    cidr->addr = ip.addr;
    cidr->plen = plen;
}

/* Replaces the string '*field' by a copy of 'value' (which may be NULL). */
static void
set_str(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

/* Returns a malloc'd string made of 'n' copies of 's'. */
static char *
repeat(const char *s, size_t n)
{
    size_t len = strlen(s);
    char *result = xmalloc(len * n + 1);

    for (size_t i = 0; i < n; i++) {
        memcpy(result + i * len, s, len);
    }
    result[len * n] = '\0';
    return result;
}

/* Adds port 'id' with a MAC and an IPv4 address in 10.0.0.0/8.  The port
 * supports being a mirror source (the constructor's default). */
static struct tm_port *
add_port(struct tm_model *model, const char *id)
{
    struct tm_port *port = tm_model_add_port(model, id);
    uint32_t host = next_host++ & 0xffffff;
    struct tm_ip ip;

    memset(&ip, 0, sizeof ip);
    ip.family = AF_INET;
    in6_addr_set_mapped_ipv4(&ip.addr, htonl(0x0a000000 | host));
    tm_port_add_ip(port, &ip);

    port->has_mac = true;
    port->mac.ea[0] = 0xfa;
    port->mac.ea[1] = 0x16;
    port->mac.ea[2] = 0x3e;
    port->mac.ea[3] = host >> 16;
    port->mac.ea[4] = host >> 8;
    port->mac.ea[5] = host;
    return port;
}

/* Adds ports "<prefix>-0" ... "<prefix>-<n-1>". */
static void
add_ports(struct tm_model *model, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char id[64];

        snprintf(id, sizeof id, "%s-%zu", prefix, i);
        add_port(model, id);
    }
}

/* Adds load balancer 'id' with an IPv4 VIP that accepts UDP. */
static struct tm_lb *
add_lb(struct tm_model *model, const char *id)
{
    struct tm_lb *lb = tm_model_add_lb(model, id);
    uint32_t host = next_host++ & 0xffff;

    lb->has_vip = true;
    lb->vip.family = AF_INET;
    in6_addr_set_mapped_ipv4(&lb->vip.addr, htonl(0xac100000 | host));
    lb->udp_supported = true;
    return lb;
}

/* Adds load balancers "<prefix>-0" ... "<prefix>-<n-1>". */
static void
add_lbs(struct tm_model *model, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char id[64];

        snprintf(id, sizeof id, "%s-%zu", prefix, i);
        add_lb(model, id);
    }
}

/* Adds a rule matching all IPv4 traffic to 'filter'. */
static struct tm_rule *
add_rule(struct tm_filter *filter, const char *id,
         enum tm_direction direction, uint32_t priority)
{
    struct tm_rule *rule = tm_filter_add_rule(filter, id);

    rule->direction = direction;
    rule->priority = priority;
    rule->protocol = TM_PROTO_ALL;
    rule->ethertype = TM_ETH_IPV4;
    rule->action = TM_ACCEPT;
    return rule;
}

/* Adds 'n' rules "<filter>-<direction>-<i>" with priorities 1...n. */
static void
add_rules(struct tm_filter *filter, enum tm_direction direction, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char id[64];

        snprintf(id, sizeof id, "%s-%s-%zu", filter->id,
                 tm_direction_to_string(direction), i);
        add_rule(filter, id, direction, i + 1);
    }
}

/* Adds an enabled session without sources. */
static struct tm_session *
add_session(struct tm_model *model, const char *id, const char *filter_id,
            enum tm_target_type target_type, const char *target_id,
            uint32_t priority)
{
    struct tm_session *session = tm_model_add_session(model, id);

    set_str(&session->filter_id, filter_id);
    session->target_type = target_type;
    set_str(&session->target_id, target_id);
    session->priority = priority;
    session->enabled = true;
    return session;
}

/* Adds 'n' sessions "<prefix>-<i>" without sources, all with priority 1,
 * on filter 'filter_id' and the target given.  Every other session is
 * disabled: the quotas count disabled sessions too. */
static void
add_sessions(struct tm_model *model, const char *prefix, size_t n,
             const char *filter_id, enum tm_target_type target_type,
             const char *target_id)
{
    for (size_t i = 0; i < n; i++) {
        struct tm_session *session;
        char id[64];

        snprintf(id, sizeof id, "%s-%zu", prefix, i);
        session = add_session(model, id, filter_id, target_type, target_id,
                              1);
        session->enabled = i % 2 == 0;
    }
}

/* Adds sources "<prefix>-0" ... "<prefix>-<n-1>" to 'session'. */
static void
add_sources(struct tm_session *session, const char *prefix, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char id[64];

        snprintf(id, sizeof id, "%s-%zu", prefix, i);
        tm_session_add_source(session, id);
    }
}

/* The valid base model that most tests start from:
 *
 *   - ports "port-1" ... "port-4", each with a MAC and an IPv4 address;
 *   - load balancer "lb-1" with a VIP that accepts UDP;
 *   - filter "filter-1" with ingress rule "rule-in" (tcp, IPv4,
 *     10.0.0.0/24 port 10000-10001 to 10.0.0.3/32 port 80) and egress rule
 *     "rule-out" (all, IPv4, 192.168.0.0/24 to 10.2.0.0/24, reject), both
 *     with priority 10;
 *   - enabled session "sess-1" on filter-1 from port-1 to eni target
 *     port-2, priority 1. */
struct fixture {
    struct tm_model model;
    struct tm_port *port[5];        /* [1] to [4]; [0] unused. */
    struct tm_lb *lb;
    struct tm_filter *filter;
    struct tm_rule *rule_in;
    struct tm_rule *rule_out;
    struct tm_session *session;
};

static void
fixture_init(struct fixture *f)
{
    struct tm_model *model = &f->model;

    memset(f, 0, sizeof *f);
    tm_model_init(model);

    for (int i = 1; i <= 4; i++) {
        char id[16];

        snprintf(id, sizeof id, "port-%d", i);
        f->port[i] = add_port(model, id);
    }
    f->lb = add_lb(model, "lb-1");

    f->filter = tm_model_add_filter(model, "filter-1");
    f->rule_in = add_rule(f->filter, "rule-in", TM_INGRESS, 10);
    f->rule_in->protocol = TM_PROTO_TCP;
    make_cidr(&f->rule_in->src, "172.16.0.0", 24);
    make_cidr(&f->rule_in->dst, "10.0.0.3", 32);
    f->rule_in->src_ports = (struct tm_port_range) { true, 10000, 10001 };
    f->rule_in->dst_ports = (struct tm_port_range) { true, 80, 80 };
    f->rule_out = add_rule(f->filter, "rule-out", TM_EGRESS, 10);
    make_cidr(&f->rule_out->src, "192.168.0.0", 24);
    make_cidr(&f->rule_out->dst, "10.2.0.0", 24);
    f->rule_out->action = TM_REJECT;

    f->session = add_session(model, "sess-1", "filter-1", TM_TARGET_ENI,
                             "port-2", 1);
    tm_session_add_source(f->session, "port-1");
}

/* Indexes 'model' (which must succeed) and validates it. */
static char *
validate(struct tm_model *model)
{
    char *error = tm_model_index(model);

    if (error) {
        fprintf(stderr, "\ntm_model_index: %s\n", error);
        CU_FAIL("tm_model_index() failed");
        free(error);
        return xstrdup("tm_model_index() failed");
    }
    return tm_model_validate(model);
}

/* Indexes 'model' (which must succeed) and validates 'session' in it. */
static char *
validate_session(struct tm_model *model, const struct tm_session *session)
{
    char *error = tm_model_index(model);

    if (error) {
        fprintf(stderr, "\ntm_model_index: %s\n", error);
        CU_FAIL("tm_model_index() failed");
        free(error);
        return xstrdup("tm_model_index() failed");
    }
    return tm_session_validate(model, session);
}

/* Asserts that 'error' contains 'must' and at least one of 'a' and 'b',
 * then frees it. */
#define ASSERT_ERROR_EITHER(ERROR, MUST, A, B) \
    assert_error_either(ERROR, __FILE__, __LINE__, MUST, A, B)

static void
assert_error_either(char *error, const char *file, int line,
                    const char *must, const char *a, const char *b)
{
    bool ok = (error && strstr(error, must)
               && (strstr(error, a) || strstr(error, b)));

    if (!ok) {
        fprintf(stderr, "\n%s:%d: error \"%s\" lacks \"%s\" and "
                "\"%s\" or \"%s\"\n", file, line,
                error ? error : "(none)", must, a, b);
    }
    CU_assertImplementation(ok, line, "expected error", file, "", CU_FALSE);
    free(error);
}

/* Asserts that 'error' names 'first' but not 'second', then frees it. */
#define ASSERT_ERROR_NAMES_FIRST(ERROR, FIRST, SECOND) \
    assert_error_names_first(ERROR, __FILE__, __LINE__, FIRST, SECOND)

static void
assert_error_names_first(char *error, const char *file, int line,
                         const char *first, const char *second)
{
    bool ok = error && strstr(error, first) && !strstr(error, second);

    if (!ok) {
        fprintf(stderr, "\n%s:%d: error \"%s\" should name \"%s\" and not "
                "\"%s\"\n", file, line, error ? error : "(none)",
                first, second);
    }
    CU_assertImplementation(ok, line, "expected error", file, "", CU_FALSE);
    free(error);
}

/* Checks the name rules on '*name', the name of the object 'id' in 'model':
 * 1-64 characters (code points) of letters, digits, '_', '-' and '.', any
 * non-ASCII character counting as a letter, or empty.  Leaves the name
 * empty. */
static void
check_name_rules(struct tm_model *model, char **name, const char *id)
{
    char *ascii_max = repeat("a", TM_NAME_MAX_CHARS);
    char *ascii_over = repeat("a", TM_NAME_MAX_CHARS + 1);
    char *utf8_max = repeat("镜", TM_NAME_MAX_CHARS);
    char *utf8_over = repeat("镜", TM_NAME_MAX_CHARS + 1);
    const char *good[] = {
        "", "a", "Z", "0", "web_mirror-01.prod", "镜像会话", "a-镜.b_9",
        ascii_max, utf8_max,
    };
    const char *bad[] = {
        "a b", "a/b", "a<b", "a@b", "a,b", "a:b", "tab\there",
    };

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        set_str(name, good[i]);
        TM_ASSERT_OK(validate(model));
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        set_str(name, bad[i]);
        TM_ASSERT_ERROR(validate(model), id, "name");
    }
    set_str(name, ascii_over);
    TM_ASSERT_ERROR(validate(model), id, "name", "64");
    set_str(name, utf8_over);
    TM_ASSERT_ERROR(validate(model), id, "name", "64");

    set_str(name, "");
    TM_ASSERT_OK(validate(model));

    free(ascii_max);
    free(ascii_over);
    free(utf8_max);
    free(utf8_over);
}

/* Checks the description rules on '*description', the description of the
 * object 'id' in 'model': at most 255 characters, no '<' or '>'.  Leaves
 * the description empty. */
static void
check_description_rules(struct tm_model *model, char **description,
                        const char *id)
{
    char *ascii_max = repeat("d", TM_DESCRIPTION_MAX_CHARS);
    char *ascii_over = repeat("d", TM_DESCRIPTION_MAX_CHARS + 1);
    char *utf8_max = repeat("é", TM_DESCRIPTION_MAX_CHARS);
    const char *good[] = {
        "", "Mirror web traffic: port 80 (HTTP) & 443, \"prod\"!",
        "流量镜像", ascii_max, utf8_max,
    };
    const char *bad[] = { "a<b", "a>b", "<script>", ">" };

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        set_str(description, good[i]);
        TM_ASSERT_OK(validate(model));
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        set_str(description, bad[i]);
        TM_ASSERT_ERROR(validate(model), id, "description");
    }
    set_str(description, ascii_over);
    TM_ASSERT_ERROR(validate(model), id, "description", "255");

    set_str(description, "");
    TM_ASSERT_OK(validate(model));

    free(ascii_max);
    free(ascii_over);
    free(utf8_max);
}

/* Valid models. */

static void
test_empty_model_valid(void)
{
    struct tm_model model;

    tm_model_init(&model);
    TM_ASSERT_OK(validate(&model));
    tm_model_destroy(&model);
}

static void
test_base_model_valid(void)
{
    struct fixture f;

    fixture_init(&f);
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

/* A richer valid model: IPv6 rules, an elb target, disabled sessions,
 * names and descriptions everywhere, sessions sharing a source with
 * different priorities, several sessions on one target and one filter. */
static void
test_rich_model_valid(void)
{
    struct fixture f;
    struct tm_filter *filter2;
    struct tm_session *s;
    struct tm_rule *rule;

    fixture_init(&f);
    set_str(&f.filter->name, "web-filter");
    set_str(&f.filter->description, "Mirror the web tier.");
    set_str(&f.session->name, "会话-1");
    set_str(&f.session->description, "To the IDS.");
    set_str(&f.port[1]->name, "web.01");
    set_str(&f.lb->name, "ids_lb");

    filter2 = tm_model_add_filter(&f.model, "filter-2");
    rule = add_rule(filter2, "r6-in", TM_INGRESS, 1);
    rule->ethertype = TM_ETH_IPV6;
    rule->protocol = TM_PROTO_UDP;
    make_cidr(&rule->src, "2001:db8::", 32);
    make_cidr(&rule->dst, "2001:db8:1::1", 128);
    rule->dst_ports = (struct tm_port_range) { true, 1, 65535 };
    rule = add_rule(filter2, "r6-out", TM_EGRESS, 65535);
    rule->ethertype = TM_ETH_IPV6;
    rule->protocol = TM_PROTO_ICMPV6;
    make_cidr(&rule->src, "::", 0);
    rule = add_rule(filter2, "r4-out", TM_EGRESS, 2);
    rule->protocol = TM_PROTO_ICMP;
    make_cidr(&rule->dst, "0.0.0.0", 0);

    /* port-1 is the source of three sessions, with distinct priorities. */
    s = add_session(&f.model, "sess-2", "filter-2", TM_TARGET_ELB, "lb-1", 2);
    tm_session_add_source(s, "port-1");
    tm_session_add_source(s, "port-3");
    s->enabled = false;
    s->vni = 0;
    s->packet_length = 1460;
    s = add_session(&f.model, "sess-3", "filter-1", TM_TARGET_ENI, "port-2",
                    32766);
    tm_session_add_source(s, "port-1");
    s->vni = TM_VNI_MAX;
    s->packet_length = 1;

    /* A session without sources, same priority as sess-1. */
    add_session(&f.model, "sess-4", "filter-2", TM_TARGET_ENI, "port-4", 1);

    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

/* Filters. */

static void
test_filter_name(void)
{
    struct fixture f;

    fixture_init(&f);
    check_name_rules(&f.model, &f.filter->name, "filter-1");
    tm_model_destroy(&f.model);
}

static void
test_filter_description(void)
{
    struct fixture f;

    fixture_init(&f);
    check_description_rules(&f.model, &f.filter->description, "filter-1");
    tm_model_destroy(&f.model);
}

static void
test_filter_ingress_rules_quota(void)
{
    struct fixture f;
    struct tm_filter *filter;

    fixture_init(&f);
    filter = tm_model_add_filter(&f.model, "filter-2");
    add_rules(filter, TM_INGRESS, 10);
    TM_ASSERT_OK(validate(&f.model));

    add_rule(filter, "rule-11", TM_INGRESS, 11);
    TM_ASSERT_ERROR(validate(&f.model), "filter-2", "ingress_rules", "10");
    tm_model_destroy(&f.model);
}

static void
test_filter_egress_rules_quota(void)
{
    struct fixture f;
    struct tm_filter *filter;

    fixture_init(&f);
    filter = tm_model_add_filter(&f.model, "filter-2");
    add_rules(filter, TM_EGRESS, 10);
    TM_ASSERT_OK(validate(&f.model));

    add_rule(filter, "rule-11", TM_EGRESS, 11);
    TM_ASSERT_ERROR(validate(&f.model), "filter-2", "egress_rules", "10");
    tm_model_destroy(&f.model);
}

static void
test_filter_rules_quota_both_directions(void)
{
    struct fixture f;
    struct tm_filter *filter;

    fixture_init(&f);

    /* 10 + 10 rules, interleaved, on a filter that a session uses. */
    filter = tm_model_add_filter(&f.model, "filter-2");
    for (int i = 1; i <= 10; i++) {
        char id[32];

        snprintf(id, sizeof id, "in-%d", i);
        add_rule(filter, id, TM_INGRESS, i);
        snprintf(id, sizeof id, "out-%d", i);
        add_rule(filter, id, TM_EGRESS, i);
    }
    set_str(&f.session->filter_id, "filter-2");
    TM_ASSERT_OK(validate(&f.model));

    add_rule(filter, "out-11", TM_EGRESS, 11);
    TM_ASSERT_ERROR(validate(&f.model), "filter-2", "egress_rules", "10");
    tm_model_destroy(&f.model);
}

/* Rules. */

static void
test_rule_priority_range(void)
{
    struct fixture f;

    fixture_init(&f);
    f.rule_in->priority = 1;
    f.rule_out->priority = 65535;
    TM_ASSERT_OK(validate(&f.model));
    f.rule_in->priority = 65535;
    f.rule_out->priority = 1;
    TM_ASSERT_OK(validate(&f.model));

    f.rule_in->priority = 0;
    TM_ASSERT_ERROR(validate(&f.model), "rule-in", "priority", "65535");
    f.rule_in->priority = 65536;
    TM_ASSERT_ERROR(validate(&f.model), "rule-in", "priority", "65535");
    f.rule_in->priority = 10;

    f.rule_out->priority = 0;
    TM_ASSERT_ERROR(validate(&f.model), "rule-out", "priority", "65535");
    f.rule_out->priority = 65536;
    TM_ASSERT_ERROR(validate(&f.model), "rule-out", "priority", "65535");
    tm_model_destroy(&f.model);
}

static void
test_rule_priority_unique_per_direction(void)
{
    struct fixture f;
    struct tm_filter *filter2;
    struct tm_rule *rule;

    fixture_init(&f);

    /* rule-in and rule-out already share priority 10 across directions;
     * another filter may use the same priority too. */
    filter2 = tm_model_add_filter(&f.model, "filter-2");
    add_rule(filter2, "other-in", TM_INGRESS, 10);
    add_rule(filter2, "other-out", TM_EGRESS, 10);
    TM_ASSERT_OK(validate(&f.model));

    /* A second ingress rule with priority 10 in filter-1. */
    rule = add_rule(f.filter, "rule-dup", TM_INGRESS, 10);
    TM_ASSERT_ERROR(validate(&f.model), "priority", "rule-in", "rule-dup");

    /* The same, in the egress direction. */
    rule->direction = TM_EGRESS;
    TM_ASSERT_ERROR(validate(&f.model), "priority", "rule-out", "rule-dup");

    rule->priority = 11;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_rule_port_range_protocol(void)
{
    struct fixture f;
    struct tm_rule *rule;

    fixture_init(&f);
    rule = add_rule(f.filter, "rule-p", TM_INGRESS, 20);

    /* tcp and udp may have port ranges, on both sides. */
    rule->protocol = TM_PROTO_TCP;
    rule->src_ports = (struct tm_port_range) { true, 1024, 2048 };
    rule->dst_ports = (struct tm_port_range) { true, 443, 443 };
    TM_ASSERT_OK(validate(&f.model));
    rule->protocol = TM_PROTO_UDP;
    TM_ASSERT_OK(validate(&f.model));

    /* Other protocols may not, on either side. */
    rule->dst_ports.set = false;
    rule->protocol = TM_PROTO_ALL;
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "source_port_range");
    rule->protocol = TM_PROTO_ICMP;
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "source_port_range");
    rule->ethertype = TM_ETH_IPV6;
    rule->protocol = TM_PROTO_ICMPV6;
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "source_port_range");

    rule->src_ports.set = false;
    rule->dst_ports.set = true;
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "destination_port_range");
    rule->ethertype = TM_ETH_IPV4;
    rule->protocol = TM_PROTO_ICMP;
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "destination_port_range");
    rule->protocol = TM_PROTO_ALL;
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "destination_port_range");

    /* Without ranges, all of them are fine. */
    rule->dst_ports.set = false;
    TM_ASSERT_OK(validate(&f.model));
    rule->protocol = TM_PROTO_ICMP;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_rule_port_range_bounds(void)
{
    struct fixture f;
    struct tm_rule *rule;

    fixture_init(&f);
    rule = add_rule(f.filter, "rule-p", TM_INGRESS, 20);
    rule->protocol = TM_PROTO_TCP;

    /* Valid extremes. */
    rule->src_ports = (struct tm_port_range) { true, 1, 65535 };
    rule->dst_ports = (struct tm_port_range) { true, 1, 1 };
    TM_ASSERT_OK(validate(&f.model));
    rule->src_ports = (struct tm_port_range) { true, 65535, 65535 };
    rule->dst_ports = (struct tm_port_range) { true, 80, 80 };
    TM_ASSERT_OK(validate(&f.model));

    /* Source: 0 is below the minimum; min > max. */
    rule->src_ports = (struct tm_port_range) { true, 0, 80 };
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "source_port_range");
    rule->src_ports = (struct tm_port_range) { true, 0, 0 };
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "source_port_range");
    rule->src_ports = (struct tm_port_range) { true, 81, 80 };
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "source_port_range");
    rule->src_ports = (struct tm_port_range) { true, 80, 80 };
    TM_ASSERT_OK(validate(&f.model));

    /* Destination: the same. */
    rule->dst_ports = (struct tm_port_range) { true, 0, 80 };
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "destination_port_range");
    rule->dst_ports = (struct tm_port_range) { true, 65535, 1 };
    TM_ASSERT_ERROR(validate(&f.model), "rule-p", "destination_port_range");
    rule->dst_ports = (struct tm_port_range) { true, 1, 65535 };
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_rule_icmp_ethertype(void)
{
    struct fixture f;
    struct tm_rule *rule;

    fixture_init(&f);
    rule = add_rule(f.filter, "rule-icmp", TM_EGRESS, 20);

    rule->protocol = TM_PROTO_ICMP;
    rule->ethertype = TM_ETH_IPV4;
    TM_ASSERT_OK(validate(&f.model));
    rule->protocol = TM_PROTO_ICMPV6;
    rule->ethertype = TM_ETH_IPV6;
    TM_ASSERT_OK(validate(&f.model));

    rule->protocol = TM_PROTO_ICMPV6;
    rule->ethertype = TM_ETH_IPV4;
    TM_ASSERT_ERROR(validate(&f.model), "rule-icmp", "protocol");
    rule->protocol = TM_PROTO_ICMP;
    rule->ethertype = TM_ETH_IPV6;
    TM_ASSERT_ERROR(validate(&f.model), "rule-icmp", "protocol");

    /* all, tcp and udp go with either ethertype. */
    rule->protocol = TM_PROTO_ALL;
    TM_ASSERT_OK(validate(&f.model));
    rule->protocol = TM_PROTO_TCP;
    TM_ASSERT_OK(validate(&f.model));
    rule->protocol = TM_PROTO_UDP;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_rule_cidr_family(void)
{
    struct fixture f;
    struct tm_rule *rule;

    fixture_init(&f);
    rule = add_rule(f.filter, "rule-c", TM_INGRESS, 20);

    /* IPv4 rule with IPv6 prefixes. */
    make_cidr(&rule->src, "2001:db8::", 32);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block",
                    "ethertype");
    make_cidr(&rule->src, "10.0.0.0", 8);
    make_cidr(&rule->dst, "2001:db8::", 32);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "destination_cidr_block",
                    "ethertype");
    make_cidr(&rule->dst, "10.1.0.0", 16);
    TM_ASSERT_OK(validate(&f.model));

    /* IPv6 rule with IPv4 prefixes. */
    rule->ethertype = TM_ETH_IPV6;
    make_cidr(&rule->dst, "2001:db8::", 32);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block",
                    "ethertype");
    make_cidr(&rule->src, "2001:db8:1::", 48);
    make_cidr(&rule->dst, "10.1.0.0", 16);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "destination_cidr_block",
                    "ethertype");
    make_cidr(&rule->dst, "2001:db8::", 32);
    TM_ASSERT_OK(validate(&f.model));

    /* Absent prefixes match any address of either family. */
    rule->src.set = false;
    rule->dst.set = false;
    TM_ASSERT_OK(validate(&f.model));
    rule->ethertype = TM_ETH_IPV4;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_rule_cidr_ipv4_prefix(void)
{
    struct fixture f;
    struct tm_rule *rule;

    fixture_init(&f);
    rule = add_rule(f.filter, "rule-c", TM_INGRESS, 20);

    /* Source. */
    make_cidr(&rule->src, "10.0.0.0", 24);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->src, "10.0.0.1", 32);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->src, "0.0.0.0", 0);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->src, "10.0.0.1", 24);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "10.0.0.0", 0);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "10.0.0.1", 33);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "10.0.0.0", 33);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "10.0.0.128", 25);
    TM_ASSERT_OK(validate(&f.model));

    /* Destination. */
    make_cidr(&rule->dst, "10.0.0.128", 25);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->dst, "10.0.0.128", 24);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "destination_cidr_block");
    make_cidr(&rule->dst, "10.0.0.1", 33);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "destination_cidr_block");
    make_cidr(&rule->dst, "255.255.255.255", 32);
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_rule_cidr_ipv6_prefix(void)
{
    struct fixture f;
    struct tm_rule *rule;

    fixture_init(&f);
    rule = add_rule(f.filter, "rule-c", TM_INGRESS, 20);
    rule->ethertype = TM_ETH_IPV6;

    /* Source. */
    make_cidr(&rule->src, "2001:db8::", 32);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->src, "2001:db8::1", 128);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->src, "::", 0);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->src, "2001:db8::1", 64);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "2001:db8::1", 127);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "2001:db8::1", 129);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "2001:db8::", 129);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "source_cidr_block");
    make_cidr(&rule->src, "2001:db8::", 32);
    TM_ASSERT_OK(validate(&f.model));

    /* Destination. */
    make_cidr(&rule->dst, "fe80::", 10);
    TM_ASSERT_OK(validate(&f.model));
    make_cidr(&rule->dst, "fe80::1", 10);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "destination_cidr_block");
    make_cidr(&rule->dst, "fe80::1", 129);
    TM_ASSERT_ERROR(validate(&f.model), "rule-c", "destination_cidr_block");
    make_cidr(&rule->dst, "fe80::1", 128);
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

/* Sessions: references. */

static void
test_session_filter_missing(void)
{
    struct fixture f;

    fixture_init(&f);
    set_str(&f.session->filter_id, "no-such-filter");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_filter_id");

    /* A filter id that is the id of another kind of object is no better. */
    set_str(&f.session->filter_id, "port-3");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_filter_id");

    set_str(&f.session->filter_id, NULL);
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_filter_id");

    set_str(&f.session->filter_id, "filter-1");
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_session_eni_target(void)
{
    struct fixture f;
    struct tm_port *bare;

    fixture_init(&f);

    set_str(&f.session->target_id, "no-such-port");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    /* An eni target must be a port, not a load balancer. */
    set_str(&f.session->target_id, "lb-1");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    set_str(&f.session->target_id, NULL);
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    /* The target port needs an IP address to tunnel to. */
    bare = tm_model_add_port(&f.model, "port-bare");
    bare->has_mac = true;
    bare->mac = f.port[3]->mac;
    set_str(&f.session->target_id, "port-bare");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    set_str(&f.session->target_id, "port-3");
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_session_elb_target(void)
{
    struct fixture f;
    struct tm_lb *novip;

    fixture_init(&f);
    f.session->target_type = TM_TARGET_ELB;
    set_str(&f.session->target_id, "lb-1");
    TM_ASSERT_OK(validate(&f.model));

    set_str(&f.session->target_id, "no-such-lb");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    /* An elb target must be a load balancer, not a port. */
    set_str(&f.session->target_id, "port-2");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    /* The load balancer needs a VIP. */
    novip = tm_model_add_lb(&f.model, "lb-novip");
    novip->has_vip = false;
    novip->udp_supported = true;
    set_str(&f.session->target_id, "lb-novip");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1",
                    "traffic_mirror_target_id");

    /* And it must accept UDP. */
    set_str(&f.session->target_id, "lb-1");
    f.lb->udp_supported = false;
    TM_ASSERT_ERROR(validate(&f.model), "udp_supported");
    f.lb->udp_supported = true;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_session_source_missing(void)
{
    struct fixture f;

    fixture_init(&f);
    tm_session_add_source(f.session, "no-such-port");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "traffic_mirror_sources");
    tm_model_destroy(&f.model);

    /* A load balancer is not a port. */
    fixture_init(&f);
    tm_session_add_source(f.session, "lb-1");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "traffic_mirror_sources");
    tm_model_destroy(&f.model);
}

static void
test_session_source_duplicate(void)
{
    struct fixture f;

    fixture_init(&f);
    tm_session_add_source(f.session, "port-3");
    TM_ASSERT_OK(validate(&f.model));
    tm_session_add_source(f.session, "port-1");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "traffic_mirror_sources");
    tm_model_destroy(&f.model);
}

/* Sessions: sources per session. */

static void
test_session_sources_quota_default(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    add_ports(&f.model, "src", 11);
    s = add_session(&f.model, "sess-many", "filter-1", TM_TARGET_ENI,
                    "port-3", 2);
    add_sources(s, "src", 10);
    TM_ASSERT_OK(validate(&f.model));

    tm_session_add_source(s, "src-10");
    TM_ASSERT_ERROR(validate(&f.model), "sess-many",
                    "traffic_mirror_sources", "10");
    tm_model_destroy(&f.model);
}

static void
test_session_sources_quota_raised(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    f.model.quotas.sources_per_session = 12;
    add_ports(&f.model, "src", 13);
    s = add_session(&f.model, "sess-many", "filter-1", TM_TARGET_ENI,
                    "port-3", 2);
    add_sources(s, "src", 12);
    TM_ASSERT_OK(validate(&f.model));

    tm_session_add_source(s, "src-12");
    TM_ASSERT_ERROR(validate(&f.model), "sess-many",
                    "traffic_mirror_sources", "12");
    tm_model_destroy(&f.model);
}

static void
test_session_sources_quota_max(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    f.model.quotas.sources_per_session = TM_QUOTA_SOURCES_PER_SESSION_MAX;
    add_ports(&f.model, "src", 1001);
    s = add_session(&f.model, "sess-many", "filter-1", TM_TARGET_ENI,
                    "port-3", 2);
    add_sources(s, "src", 1000);
    TM_ASSERT_OK(validate(&f.model));

    tm_session_add_source(s, "src-1000");
    TM_ASSERT_ERROR(validate(&f.model), "sess-many",
                    "traffic_mirror_sources", "1000");
    tm_model_destroy(&f.model);
}

static void
test_quota_sources_per_session_range(void)
{
    struct fixture f;

    fixture_init(&f);
    f.model.quotas.sources_per_session = 1;
    TM_ASSERT_OK(validate(&f.model));
    f.model.quotas.sources_per_session = 1000;
    TM_ASSERT_OK(validate(&f.model));

    f.model.quotas.sources_per_session = 0;
    TM_ASSERT_ERROR(validate(&f.model), "sources_per_session", "1000");
    f.model.quotas.sources_per_session = 1001;
    TM_ASSERT_ERROR(validate(&f.model), "sources_per_session", "1000");
    tm_model_destroy(&f.model);

    /* An invalid quota is an error even without any session. */
    {
        struct tm_model model;

        tm_model_init(&model);
        model.quotas.sources_per_session = 0;
        TM_ASSERT_ERROR(validate(&model), "sources_per_session", "1000");
        tm_model_destroy(&model);
    }
}

/* Sessions: constraints on sources and targets. */

static void
test_session_source_mirror_supported(void)
{
    struct fixture f;

    fixture_init(&f);
    f.port[1]->mirror_supported = false;
    TM_ASSERT_ERROR(validate(&f.model), "port-1",
                    "traffic_mirroring_supported");

    /* A target need not support being a source. */
    f.port[1]->mirror_supported = true;
    f.port[2]->mirror_supported = false;
    TM_ASSERT_OK(validate(&f.model));

    /* Nor a port that no session uses. */
    f.port[4]->mirror_supported = false;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_session_source_is_own_target(void)
{
    struct fixture f;

    fixture_init(&f);
    set_str(&f.session->target_id, "port-1");
    TM_ASSERT_ERROR(validate(&f.model), "source", "target");
    tm_model_destroy(&f.model);

    /* The same with the target among several sources, not the first. */
    fixture_init(&f);
    tm_session_add_source(f.session, "port-3");
    set_str(&f.session->target_id, "port-3");
    TM_ASSERT_ERROR(validate(&f.model), "source", "target");
    tm_model_destroy(&f.model);
}

static void
test_session_source_is_other_target(void)
{
    struct fixture f;
    struct tm_session *s;

    /* sess-2 mirrors to port-1, which sess-1 mirrors from. */
    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-1",
                    2);
    tm_session_add_source(s, "port-3");
    TM_ASSERT_ERROR(validate(&f.model), "source", "target");
    tm_model_destroy(&f.model);

    /* sess-2 mirrors from port-2, which sess-1 mirrors to. */
    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-4",
                    2);
    tm_session_add_source(s, "port-2");
    TM_ASSERT_ERROR(validate(&f.model), "source", "target");
    tm_model_destroy(&f.model);

    /* Both sessions disabled: still a conflict. */
    fixture_init(&f);
    f.session->enabled = false;
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-1",
                    2);
    s->enabled = false;
    tm_session_add_source(s, "port-3");
    TM_ASSERT_ERROR(validate(&f.model), "source", "target");
    tm_model_destroy(&f.model);

    /* Two sessions may share a target, and a source. */
    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-2",
                    2);
    tm_session_add_source(s, "port-1");
    tm_session_add_source(s, "port-3");
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

/* Sessions: fields. */

static void
test_session_vni(void)
{
    struct fixture f;

    fixture_init(&f);
    f.session->vni = 0;
    TM_ASSERT_OK(validate(&f.model));
    f.session->vni = 16777215;
    TM_ASSERT_OK(validate(&f.model));
    f.session->vni = 16777216;
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "virtual_network_id",
                    "16777215");
    f.session->vni = UINT32_MAX;
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "virtual_network_id",
                    "16777215");
    tm_model_destroy(&f.model);
}

static void
test_session_packet_length(void)
{
    struct fixture f;

    fixture_init(&f);
    f.session->packet_length = 1;
    TM_ASSERT_OK(validate(&f.model));
    f.session->packet_length = 1460;
    TM_ASSERT_OK(validate(&f.model));
    f.session->packet_length = 0;
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "packet_length", "1460");
    f.session->packet_length = 1461;
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "packet_length", "1460");
    tm_model_destroy(&f.model);
}

static void
test_session_priority_range(void)
{
    struct fixture f;

    fixture_init(&f);
    f.session->priority = 1;
    TM_ASSERT_OK(validate(&f.model));
    f.session->priority = 32766;
    TM_ASSERT_OK(validate(&f.model));
    f.session->priority = 0;
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "priority", "32766");
    f.session->priority = 32767;
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "priority", "32766");
    tm_model_destroy(&f.model);
}

static void
test_session_type(void)
{
    struct fixture f;

    fixture_init(&f);
    set_str(&f.session->type, "eni");
    TM_ASSERT_OK(validate(&f.model));
    set_str(&f.session->type, "elb");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "type");
    set_str(&f.session->type, "ENI");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "type");
    set_str(&f.session->type, "");
    TM_ASSERT_ERROR(validate(&f.model), "sess-1", "type");
    tm_model_destroy(&f.model);
}

static void
test_session_name(void)
{
    struct fixture f;

    fixture_init(&f);
    check_name_rules(&f.model, &f.session->name, "sess-1");
    tm_model_destroy(&f.model);
}

static void
test_session_description(void)
{
    struct fixture f;

    fixture_init(&f);
    check_description_rules(&f.model, &f.session->description, "sess-1");
    tm_model_destroy(&f.model);
}

/* Cross-session quotas. */

/* Adds sessions "sess-<from>" ... "sess-<to>" from port-1 to port-3, with
 * priorities from...to, alternately disabled.  Returns the last one. */
static struct tm_session *
add_sessions_on_port1(struct fixture *f, int from, int to)
{
    struct tm_session *s = NULL;

    for (int i = from; i <= to; i++) {
        char id[16];

        snprintf(id, sizeof id, "sess-%d", i);
        s = add_session(&f->model, id, "filter-1", TM_TARGET_ENI, "port-3",
                        i);
        s->enabled = i % 2;
        tm_session_add_source(s, "port-1");
    }
    return s;
}

static void
test_quota_sessions_per_source(void)
{
    struct fixture f;

    /* sess-1, sess-2 and sess-3 mirror from port-1. */
    fixture_init(&f);
    add_sessions_on_port1(&f, 2, 3);
    TM_ASSERT_OK(validate(&f.model));

    add_sessions_on_port1(&f, 4, 4);
    ASSERT_ERROR_EITHER(validate(&f.model), "3", "traffic_mirror_sources",
                        "port-1");
    tm_model_destroy(&f.model);
}

static void
test_quota_sessions_per_source_disabled(void)
{
    struct fixture f;

    fixture_init(&f);
    add_sessions_on_port1(&f, 2, 4);
    for (size_t i = 0; i < f.model.n_sessions; i++) {
        f.model.sessions[i]->enabled = false;
    }
    ASSERT_ERROR_EITHER(validate(&f.model), "3", "traffic_mirror_sources",
                        "port-1");
    tm_model_destroy(&f.model);
}

static void
test_quota_sessions_per_eni_target(void)
{
    struct fixture f;

    /* sess-1 and 9 more sessions mirror to port-2. */
    fixture_init(&f);
    add_sessions(&f.model, "t", 9, "filter-1", TM_TARGET_ENI, "port-2");
    TM_ASSERT_OK(validate(&f.model));

    add_sessions(&f.model, "u", 1, "filter-1", TM_TARGET_ENI, "port-2");
    TM_ASSERT_ERROR(validate(&f.model), "port-2", "10");
    tm_model_destroy(&f.model);

    /* All disabled. */
    fixture_init(&f);
    add_sessions(&f.model, "t", 10, "filter-1", TM_TARGET_ENI, "port-2");
    for (size_t i = 0; i < f.model.n_sessions; i++) {
        f.model.sessions[i]->enabled = false;
    }
    TM_ASSERT_ERROR(validate(&f.model), "port-2", "10");
    tm_model_destroy(&f.model);
}

static void
test_quota_sessions_per_elb_target(void)
{
    struct fixture f;

    fixture_init(&f);
    add_sessions(&f.model, "t", 200, "filter-1", TM_TARGET_ELB, "lb-1");
    TM_ASSERT_OK(validate(&f.model));

    add_sessions(&f.model, "u", 1, "filter-1", TM_TARGET_ELB, "lb-1");
    TM_ASSERT_ERROR(validate(&f.model), "lb-1", "200");
    tm_model_destroy(&f.model);
}

/* Ports and load balancers have separate ids: a port and a load balancer
 * may share one, and then the sessions that mirror to the port and those
 * that mirror to the load balancer count against different targets. */
static void
test_quota_target_port_and_lb_same_id(void)
{
    struct fixture f;

    fixture_init(&f);
    add_port(&f.model, "same-id");
    add_lb(&f.model, "same-id");
    add_sessions(&f.model, "elb", 20, "filter-1", TM_TARGET_ELB, "same-id");
    add_sessions(&f.model, "eni", 10, "filter-1", TM_TARGET_ENI, "same-id");
    TM_ASSERT_OK(validate(&f.model));

    add_sessions(&f.model, "eni-more", 1, "filter-1", TM_TARGET_ENI,
                 "same-id");
    TM_ASSERT_ERROR(validate(&f.model), "same-id", "10");
    tm_model_destroy(&f.model);
}

static void
test_quota_sessions_per_filter(void)
{
    struct fixture f;

    /* sess-1 and 999 more sessions use filter-1, spread over 10 load
     * balancers so that no target quota is reached. */
    fixture_init(&f);
    add_lbs(&f.model, "lbq", 10);
    for (int i = 0; i < 999; i++) {
        char id[32], lb[32];

        snprintf(id, sizeof id, "q-%d", i);
        snprintf(lb, sizeof lb, "lbq-%d", i / 100);
        add_session(&f.model, id, "filter-1", TM_TARGET_ELB, lb, 1)
            ->enabled = i % 2;
    }
    TM_ASSERT_OK(validate(&f.model));

    add_session(&f.model, "q-last", "filter-1", TM_TARGET_ELB, "lbq-9", 1);
    TM_ASSERT_ERROR(validate(&f.model), "filter-1", "1000");
    tm_model_destroy(&f.model);
}

static void
test_quota_sessions_per_region(void)
{
    struct fixture f;

    /* sess-1 and 19,999 more sessions, without sources, 500 per filter and
     * 100 per load balancer, so that only the region quota is reached. */
    fixture_init(&f);
    for (int i = 0; i < 41; i++) {
        char id[32];

        snprintf(id, sizeof id, "rf-%d", i);
        tm_model_add_filter(&f.model, id);
    }
    add_lbs(&f.model, "rl", 201);
    for (int i = 0; i < 19999; i++) {
        char id[32], filter[32], lb[32];

        snprintf(id, sizeof id, "r-%d", i);
        snprintf(filter, sizeof filter, "rf-%d", i / 500);
        snprintf(lb, sizeof lb, "rl-%d", i / 100);
        add_session(&f.model, id, filter, TM_TARGET_ELB, lb, 1)
            ->enabled = i % 2;
    }
    CU_ASSERT_EQUAL(f.model.n_sessions, 20000);
    TM_ASSERT_OK(validate(&f.model));

    add_session(&f.model, "r-last", "rf-40", TM_TARGET_ELB, "rl-200", 1);
    TM_ASSERT_ERROR(validate(&f.model), "20000");
    tm_model_destroy(&f.model);
}

/* Session priority among sessions that share a source. */

static void
test_session_priority_shared_source(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-3",
                    1);
    tm_session_add_source(s, "port-4");
    tm_session_add_source(s, "port-1");
    TM_ASSERT_ERROR(validate(&f.model), "priority", "sess-1", "sess-2");

    s->priority = 2;
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_session_priority_no_shared_source(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-2",
                    1);
    tm_session_add_source(s, "port-3");
    tm_session_add_source(s, "port-4");
    TM_ASSERT_OK(validate(&f.model));
    tm_model_destroy(&f.model);
}

static void
test_session_priority_shared_source_disabled(void)
{
    struct fixture f;
    struct tm_session *s;

    /* One disabled. */
    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-3",
                    1);
    s->enabled = false;
    tm_session_add_source(s, "port-1");
    TM_ASSERT_ERROR(validate(&f.model), "priority", "sess-1", "sess-2");

    /* Both disabled. */
    f.session->enabled = false;
    TM_ASSERT_ERROR(validate(&f.model), "priority", "sess-1", "sess-2");
    tm_model_destroy(&f.model);
}

/* tm_session_validate(). */

static void
test_session_validate_valid(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ELB, "lb-1", 2);
    tm_session_add_source(s, "port-1");
    tm_session_add_source(s, "port-3");
    TM_ASSERT_OK(validate_session(&f.model, f.session));
    TM_ASSERT_OK(validate_session(&f.model, s));
    tm_model_destroy(&f.model);
}

static void
test_session_validate_source_quota(void)
{
    struct tm_session *fourth;
    struct fixture f;

    fixture_init(&f);
    fourth = add_sessions_on_port1(&f, 2, 4);
    ASSERT_ERROR_EITHER(validate_session(&f.model, fourth), "3",
                        "traffic_mirror_sources", "port-1");
    tm_model_destroy(&f.model);
}

static void
test_session_validate_missing_filter(void)
{
    struct fixture f;

    fixture_init(&f);
    set_str(&f.session->filter_id, "no-such-filter");
    TM_ASSERT_ERROR(validate_session(&f.model, f.session), "sess-1",
                    "traffic_mirror_filter_id");
    tm_model_destroy(&f.model);
}

static void
test_session_validate_field(void)
{
    struct fixture f;

    fixture_init(&f);
    f.session->packet_length = 1461;
    TM_ASSERT_ERROR(validate_session(&f.model, f.session), "sess-1",
                    "packet_length", "1460");
    tm_model_destroy(&f.model);
}

static void
test_session_validate_priority_conflict(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "filter-1", TM_TARGET_ENI, "port-3",
                    1);
    tm_session_add_source(s, "port-1");
    TM_ASSERT_ERROR(validate_session(&f.model, s), "priority", "sess-1",
                    "sess-2");
    tm_model_destroy(&f.model);
}

static void
test_session_validate_ignores_unrelated(void)
{
    struct fixture f;
    struct tm_session *s;

    /* sess-2 shares nothing with sess-1 and refers to a missing filter. */
    fixture_init(&f);
    s = add_session(&f.model, "sess-2", "no-such-filter", TM_TARGET_ENI,
                    "port-4", 2);
    tm_session_add_source(s, "port-3");
    TM_ASSERT_OK(validate_session(&f.model, f.session));
    TM_ASSERT_ERROR(validate_session(&f.model, s), "sess-2",
                    "traffic_mirror_filter_id");
    TM_ASSERT_ERROR(validate(&f.model), "sess-2",
                    "traffic_mirror_filter_id");
    tm_model_destroy(&f.model);
}

/* Stable first error. */

static void
test_first_error_same_violation(void)
{
    struct fixture f;
    struct tm_session *s;

    fixture_init(&f);
    s = add_session(&f.model, "sess-first", "no-such-filter", TM_TARGET_ENI,
                    "port-3", 2);
    tm_session_add_source(s, "port-4");
    s = add_session(&f.model, "sess-second", "no-such-filter",
                    TM_TARGET_ENI, "port-3", 3);
    tm_session_add_source(s, "port-4");
    ASSERT_ERROR_NAMES_FIRST(validate(&f.model), "sess-first",
                             "sess-second");
    tm_model_destroy(&f.model);
}

static void
test_first_error_different_violations(void)
{
    struct fixture f;
    struct tm_session *first, *second;

    fixture_init(&f);
    first = add_session(&f.model, "sess-first", "filter-1", TM_TARGET_ENI,
                        "port-3", 2);
    second = add_session(&f.model, "sess-second", "filter-1", TM_TARGET_ENI,
                         "port-3", 3);

    first->packet_length = 0;
    set_str(&second->filter_id, "no-such-filter");
    ASSERT_ERROR_NAMES_FIRST(validate(&f.model), "sess-first",
                             "sess-second");

    first->packet_length = TM_PACKET_LENGTH_DEFAULT;
    set_str(&first->filter_id, "no-such-filter");
    set_str(&second->filter_id, "filter-1");
    second->packet_length = 0;
    ASSERT_ERROR_NAMES_FIRST(validate(&f.model), "sess-first",
                             "sess-second");

    /* Repeated validation gives the same answer. */
    {
        char *a = validate(&f.model);
        char *b = validate(&f.model);

        CU_ASSERT_PTR_NOT_NULL(a);
        CU_ASSERT_PTR_NOT_NULL(b);
        if (a && b) {
            CU_ASSERT_STRING_EQUAL(a, b);
        }
        free(a);
        free(b);
    }
    tm_model_destroy(&f.model);
}

/* Ports and load balancers. */

static void
test_port_name(void)
{
    struct fixture f;

    fixture_init(&f);
    check_name_rules(&f.model, &f.port[3]->name, "port-3");
    tm_model_destroy(&f.model);
}

static void
test_lb_name(void)
{
    struct fixture f;

    fixture_init(&f);
    check_name_rules(&f.model, &f.lb->name, "lb-1");
    tm_model_destroy(&f.model);
}

static int
validate_suite(void)
{
    static const struct {
        const char *name;
        CU_TestFunc func;
    } tests[] = {
#define TEST(NAME) { #NAME, test_##NAME }
        TEST(empty_model_valid),
        TEST(base_model_valid),
        TEST(rich_model_valid),
        TEST(filter_name),
        TEST(filter_description),
        TEST(filter_ingress_rules_quota),
        TEST(filter_egress_rules_quota),
        TEST(filter_rules_quota_both_directions),
        TEST(rule_priority_range),
        TEST(rule_priority_unique_per_direction),
        TEST(rule_port_range_protocol),
        TEST(rule_port_range_bounds),
        TEST(rule_icmp_ethertype),
        TEST(rule_cidr_family),
        TEST(rule_cidr_ipv4_prefix),
        TEST(rule_cidr_ipv6_prefix),
        TEST(session_filter_missing),
        TEST(session_eni_target),
        TEST(session_elb_target),
        TEST(session_source_missing),
        TEST(session_source_duplicate),
        TEST(session_sources_quota_default),
        TEST(session_sources_quota_raised),
        TEST(session_sources_quota_max),
        TEST(quota_sources_per_session_range),
        TEST(session_source_mirror_supported),
        TEST(session_source_is_own_target),
        TEST(session_source_is_other_target),
        TEST(session_vni),
        TEST(session_packet_length),
        TEST(session_priority_range),
        TEST(session_type),
        TEST(session_name),
        TEST(session_description),
        TEST(quota_sessions_per_source),
        TEST(quota_sessions_per_source_disabled),
        TEST(quota_sessions_per_eni_target),
        TEST(quota_sessions_per_elb_target),
        TEST(quota_target_port_and_lb_same_id),
        TEST(quota_sessions_per_filter),
        TEST(quota_sessions_per_region),
        TEST(session_priority_shared_source),
        TEST(session_priority_no_shared_source),
        TEST(session_priority_shared_source_disabled),
        TEST(session_validate_valid),
        TEST(session_validate_source_quota),
        TEST(session_validate_missing_filter),
        TEST(session_validate_field),
        TEST(session_validate_priority_conflict),
        TEST(session_validate_ignores_unrelated),
        TEST(first_error_same_violation),
        TEST(first_error_different_violations),
        TEST(port_name),
        TEST(lb_name),
#undef TEST
    };
    CU_pSuite suite = CU_add_suite("validate", NULL, NULL);

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
TM_TEST_SUITE(validate_suite);
