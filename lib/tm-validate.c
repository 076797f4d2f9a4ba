/*
 * tmirror: validation of a whole model (see tm-validate.h).
 *
 * Messages name the object as `kind "id"`, then the field, then the limit,
 * so that an operator can find the offending line of a request at once:
 *
 *   traffic_mirror_session "s4": traffic_mirror_sources: port "p1" would
 *   be a source of 4 sessions, the quota is 3 per source
 */
#include <config.h>
#include "tm-validate.h"

#include <stdarg.h>
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "tm-parse.h"
#include "util.h"

/* Per-model counts that several checks need, computed once. */
struct tm_counts {
    struct shash sessions_per_source;   /* Port id -> struct tm_users *. */
    struct shash sessions_per_target;   /* Target id -> struct tm_users *. */
    struct shash sessions_per_filter;   /* Filter id -> struct tm_users *. */
    struct shash target_ports;          /* Port id -> first session. */
};

/* The sessions that use one object, in input order. */
struct tm_users {
    const struct tm_session **sessions;
    size_t n, allocated;
};

static char * OVS_PRINTF_FORMAT(4, 5)
tm_error(const char *kind, const char *id, const char *field,
         const char *format, ...)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&s, "%s \"%s\": %s: ", kind, id, field);
    va_start(args, format);
    ds_put_format_valist(&s, format, args);
    va_end(args);
    return ds_steal_cstr(&s);
}

/* Prefixes a field parser's error (which starts with the field name) with
 * the object it belongs to. */
static char *
tm_wrap(const char *kind, const char *id, char *error)
{
    if (!error) {
        return NULL;
    }
    char *wrapped = xasprintf("%s \"%s\": %s", kind, id, error);
    free(error);
    return wrapped;
}

static void
tm_users_add(struct shash *map, const char *key,
             const struct tm_session *session)
{
    struct tm_users *users = shash_find_data(map, key);
    if (!users) {
        users = xzalloc(sizeof *users);
        shash_add(map, key, users);
    }
    if (users->n >= users->allocated) {
        users->sessions = x2nrealloc(users->sessions, &users->allocated,
                                     sizeof *users->sessions);
    }
    users->sessions[users->n++] = session;
}

/* Does 'a' come before 'b' when a write changed the objects in 'focus'?
 * Untouched objects were there first; among the others, input order. */
static bool
tm_session_precedes(const struct tm_session *a, size_t a_index,
                    const struct tm_session *b, size_t b_index,
                    const struct sset *focus)
{
    bool a_new = focus && sset_contains(focus, a->id);
    bool b_new = focus && sset_contains(focus, b->id);
    return a_new != b_new ? b_new : a_index < b_index;
}

/* Returns how many sessions use 'key' up to and including 'session', in
 * the order of tm_session_precedes(): quota errors go to the session that
 * first goes over the limit, which for a write is one it changed, whatever
 * its age. */
static size_t
tm_users_rank(const struct shash *map, const char *key,
              const struct tm_session *session, const struct sset *focus)
{
    const struct tm_users *users = shash_find_data(map, key);
    if (users && focus) {
        size_t index = 0, rank = 1;
        for (size_t i = 0; i < users->n; i++) {
            if (users->sessions[i] == session) {
                index = i;
            }
        }
        for (size_t i = 0; i < users->n; i++) {
            rank += (users->sessions[i] != session
                     && tm_session_precedes(users->sessions[i], i, session,
                                            index, focus));
        }
        return rank;
    }
    if (users) {
        for (size_t i = 0; i < users->n; i++) {
            if (users->sessions[i] == session) {
                return i + 1;
            }
        }
    }
    return 0;
}

static void
tm_users_map_destroy(struct shash *map)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, map) {
        struct tm_users *users = node->data;
        free(users->sessions);
        free(users);
    }
    shash_destroy(map);
}

/* Ports and load balancers are separate id spaces, so the per-target
 * counts are keyed by type and id. */
static char *
tm_target_key(const struct tm_session *s)
{
    return xasprintf("%s/%s", tm_target_type_to_string(s->target_type),
                     s->target_id ? s->target_id : "");
}

static void
tm_counts_init(struct tm_counts *counts, const struct tm_model *model)
{
    shash_init(&counts->sessions_per_source);
    shash_init(&counts->sessions_per_target);
    shash_init(&counts->sessions_per_filter);
    shash_init(&counts->target_ports);

    for (size_t i = 0; i < model->n_sessions; i++) {
        const struct tm_session *s = model->sessions[i];
        for (size_t j = 0; j < s->n_sources; j++) {
            /* A source listed twice in one session is reported on its own;
             * count the session once here. */
            bool repeated = false;
            for (size_t k = 0; k < j; k++) {
                repeated |= !strcmp(s->sources[k], s->sources[j]);
            }
            if (!repeated) {
                tm_users_add(&counts->sessions_per_source, s->sources[j], s);
            }
        }
        if (s->target_id) {
            char *key = tm_target_key(s);
            tm_users_add(&counts->sessions_per_target, key, s);
            free(key);
            if (s->target_type == TM_TARGET_ENI) {
                shash_add_once(&counts->target_ports, s->target_id,
                               CONST_CAST(struct tm_session *, s));
            }
        }
        if (s->filter_id) {
            tm_users_add(&counts->sessions_per_filter, s->filter_id, s);
        }
    }
}

static void
tm_counts_destroy(struct tm_counts *counts)
{
    tm_users_map_destroy(&counts->sessions_per_source);
    tm_users_map_destroy(&counts->sessions_per_target);
    tm_users_map_destroy(&counts->sessions_per_filter);
    shash_destroy(&counts->target_ports);
}

/* Name and description, which every named resource has. */
static char *
tm_validate_naming(const char *kind, const char *id, const char *name,
                   const char *description)
{
    char *error = tm_wrap(kind, id, tm_check_id("id", id));
    if (!error && name && name[0]) {
        error = tm_wrap(kind, id, tm_check_name("name", name));
    }
    if (!error && description) {
        error = tm_wrap(kind, id, tm_check_description("description",
                                                       description));
    }
    return error;
}

static char *
tm_validate_cidr(const struct tm_rule *rule, const char *field,
                 const struct tm_cidr *cidr)
{
    static const char *kind = "traffic_mirror_filter_rule";
    int want = rule->ethertype == TM_ETH_IPV4 ? AF_INET : AF_INET6;
    unsigned int max_plen = want == AF_INET ? 32 : 128;

    if (!cidr->set) {
        return NULL;
    }
    if (cidr->family != want) {
        return tm_error(kind, rule->id, field,
                        "an %s prefix does not match ethertype %s",
                        cidr->family == AF_INET ? "IPv4" : "IPv6",
                        tm_ethertype_to_string(rule->ethertype));
    }
    if (cidr->plen > max_plen) {
        return tm_error(kind, rule->id, field,
                        "prefix length %u is out of range 0-%u",
                        cidr->plen, max_plen);
    }

    /* The prefix is stored IPv4-mapped for IPv4, so the mask covers the
     * 96 mapping bits too. */
    unsigned int bits = want == AF_INET ? cidr->plen + 96 : cidr->plen;
    struct in6_addr mask = ipv6_create_mask(bits);
    struct in6_addr net = ipv6_addr_bitand(&cidr->addr, &mask);
    if (!ipv6_addr_equals(&net, &cidr->addr)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        tm_cidr_format(cidr, &s);
        char *error = tm_error(kind, rule->id, field,
                               "%s has host bits set past the prefix "
                               "length", ds_cstr(&s));
        ds_destroy(&s);
        return error;
    }
    return NULL;
}

static char *
tm_validate_port_range(const struct tm_rule *rule, const char *field,
                       const struct tm_port_range *range)
{
    static const char *kind = "traffic_mirror_filter_rule";

    if (!range->set) {
        return NULL;
    }
    if (rule->protocol != TM_PROTO_TCP && rule->protocol != TM_PROTO_UDP) {
        return tm_error(kind, rule->id, field,
                        "port ranges are allowed only with protocol tcp or "
                        "udp, not %s", tm_protocol_to_string(rule->protocol));
    }
    if (range->min < 1 || range->min > range->max) {
        return tm_error(kind, rule->id, field,
                        "%u-%u is not a range within 1-65535",
                        range->min, range->max);
    }
    return NULL;
}

static char *
tm_validate_rule(const struct tm_rule *rule)
{
    static const char *kind = "traffic_mirror_filter_rule";
    char *error;

    error = tm_validate_naming(kind, rule->id, NULL, rule->description);
    if (error) {
        return error;
    }
    if (rule->priority < TM_RULE_PRIORITY_MIN
        || rule->priority > TM_RULE_PRIORITY_MAX) {
        return tm_error(kind, rule->id, "priority",
                        "%"PRIu32" is out of range %d-%d", rule->priority,
                        TM_RULE_PRIORITY_MIN, TM_RULE_PRIORITY_MAX);
    }
    if (rule->protocol == TM_PROTO_ICMPV6
        && rule->ethertype != TM_ETH_IPV6) {
        return tm_error(kind, rule->id, "protocol",
                        "icmpv6 requires ethertype IPv6");
    }
    if (rule->protocol == TM_PROTO_ICMP && rule->ethertype != TM_ETH_IPV4) {
        return tm_error(kind, rule->id, "protocol",
                        "icmp requires ethertype IPv4 (use icmpv6 with "
                        "IPv6)");
    }
    error = tm_validate_cidr(rule, "source_cidr_block", &rule->src);
    if (!error) {
        error = tm_validate_cidr(rule, "destination_cidr_block", &rule->dst);
    }
    if (!error) {
        error = tm_validate_port_range(rule, "source_port_range",
                                       &rule->src_ports);
    }
    if (!error) {
        error = tm_validate_port_range(rule, "destination_port_range",
                                       &rule->dst_ports);
    }
    return error;
}

/* Checks 'filter' and its rules.  Of two rules that share a priority, the
 * one in 'focus' (which a write changed) is blamed, else the later one. */
static char *
tm_validate_filter(const struct tm_filter *filter, const struct sset *focus)
{
    static const char *kind = "traffic_mirror_filter";
    size_t n_rules[TM_N_DIRECTIONS] = { 0, 0 };
    char *error;

    error = tm_validate_naming(kind, filter->id, filter->name,
                               filter->description);
    for (size_t i = 0; !error && i < filter->n_rules; i++) {
        const struct tm_rule *rule = filter->rules[i];

        error = tm_validate_rule(rule);
        if (error) {
            break;
        }
        if (++n_rules[rule->direction] > TM_QUOTA_RULES_PER_DIRECTION) {
            return tm_error(kind, filter->id,
                            rule->direction == TM_INGRESS
                            ? "ingress_rules" : "egress_rules",
                            "more than %d rules in this direction (quota "
                            "%d)", TM_QUOTA_RULES_PER_DIRECTION,
                            TM_QUOTA_RULES_PER_DIRECTION);
        }
        /* Quadratic, but a direction has at most 10 rules. */
        for (size_t j = 0; j < i; j++) {
            const struct tm_rule *other = filter->rules[j];
            if (other->direction == rule->direction
                && other->priority == rule->priority) {
                const struct tm_rule *blamed = rule;
                if (focus && sset_contains(focus, other->id)
                    && !sset_contains(focus, rule->id)) {
                    blamed = other;
                    other = rule;
                }
                return tm_error("traffic_mirror_filter_rule", blamed->id,
                                "priority", "%"PRIu32" is already used by "
                                "%s rule \"%s\" of the same filter; "
                                "priorities must be unique per filter and "
                                "direction (1-65535)", blamed->priority,
                                tm_direction_to_string(blamed->direction),
                                other->id);
            }
        }
    }
    return error;
}

static char *
tm_validate_port(const struct tm_port *port)
{
    return tm_validate_naming("port", port->id, port->name, NULL);
}

static char *
tm_validate_lb(const struct tm_lb *lb)
{
    return tm_validate_naming("loadbalancer", lb->id, lb->name, NULL);
}

/* The checks of one session that need only the session, the objects it
 * refers to and the model-wide counts. */
/* 'focus' (may be null): the objects a write changed, which take the blame
 * for conflicts with what was there before. */
static char *
tm_validate_session__(const struct tm_model *model,
                      const struct tm_counts *counts,
                      const struct tm_session *s, const struct sset *focus)
{
    static const char *kind = "traffic_mirror_session";
    char *error;

    error = tm_validate_naming(kind, s->id, s->name, s->description);
    if (error) {
        return error;
    }
    if (!s->type || strcmp(s->type, "eni")) {
        return tm_error(kind, s->id, "type", "\"%s\" is not supported; the "
                        "only type is eni", s->type ? s->type : "");
    }
    if (s->vni > TM_VNI_MAX) {
        return tm_error(kind, s->id, "virtual_network_id",
                        "%"PRIu32" is out of range 0-%d", s->vni,
                        TM_VNI_MAX);
    }
    if (s->packet_length < TM_PACKET_LENGTH_MIN
        || s->packet_length > TM_PACKET_LENGTH_MAX) {
        return tm_error(kind, s->id, "packet_length",
                        "%"PRIu32" is out of range %d-%d", s->packet_length,
                        TM_PACKET_LENGTH_MIN, TM_PACKET_LENGTH_MAX);
    }
    if (s->priority < TM_SESSION_PRIORITY_MIN
        || s->priority > TM_SESSION_PRIORITY_MAX) {
        return tm_error(kind, s->id, "priority",
                        "%"PRIu32" is out of range %d-%d", s->priority,
                        TM_SESSION_PRIORITY_MIN, TM_SESSION_PRIORITY_MAX);
    }

    /* The filter. */
    if (!s->filter_id || !tm_model_find_filter(model, s->filter_id)) {
        return tm_error(kind, s->id, "traffic_mirror_filter_id",
                        "no traffic_mirror_filter \"%s\"",
                        s->filter_id ? s->filter_id : "");
    }
    size_t n = tm_users_rank(&counts->sessions_per_filter, s->filter_id,
                             s, focus);
    if (n > TM_QUOTA_SESSIONS_PER_FILTER) {
        return tm_error(kind, s->id, "traffic_mirror_filter_id",
                        "filter \"%s\" would be used by %"PRIuSIZE" "
                        "sessions, the quota is %d per filter",
                        s->filter_id, n, TM_QUOTA_SESSIONS_PER_FILTER);
    }

    /* The target. */
    const char *target_id = s->target_id ? s->target_id : "";
    if (s->target_type == TM_TARGET_ENI) {
        const struct tm_port *port = tm_model_find_port(model, target_id);
        if (!port) {
            return tm_error(kind, s->id, "traffic_mirror_target_id",
                            "no port \"%s\"", target_id);
        }
        if (!port->n_ips) {
            return tm_error(kind, s->id, "traffic_mirror_target_id",
                            "target port \"%s\" has no IP address to "
                            "send the mirrored traffic to", target_id);
        }
        if (shash_find(&counts->sessions_per_source, target_id)) {
            return tm_error(kind, s->id, "traffic_mirror_target_id",
                            "port \"%s\" is a mirror source; a port can't "
                            "be both a mirror source and a mirror target",
                            target_id);
        }
    } else {
        const struct tm_lb *lb = tm_model_find_lb(model, target_id);
        if (!lb) {
            return tm_error(kind, s->id, "traffic_mirror_target_id",
                            "no loadbalancer \"%s\"", target_id);
        }
        if (!lb->has_vip) {
            return tm_error(kind, s->id, "traffic_mirror_target_id",
                            "loadbalancer \"%s\" has no vip_address",
                            target_id);
        }
        if (!lb->udp_supported) {
            return tm_error(kind, s->id, "traffic_mirror_target_id",
                            "loadbalancer \"%s\" does not accept UDP "
                            "(udp_supported is false); mirrored traffic is "
                            "VXLAN over UDP 4789", target_id);
        }
    }
    int quota = (s->target_type == TM_TARGET_ENI
                 ? TM_QUOTA_SESSIONS_PER_ENI_TARGET
                 : TM_QUOTA_SESSIONS_PER_ELB_TARGET);
    char *key = tm_target_key(s);
    n = tm_users_rank(&counts->sessions_per_target, key, s, focus);
    free(key);
    if (n > quota) {
        return tm_error(kind, s->id, "traffic_mirror_target_id",
                        "%s \"%s\" would be the target of %"PRIuSIZE" "
                        "sessions, the quota is %d per %s target",
                        s->target_type == TM_TARGET_ENI
                        ? "port" : "loadbalancer", target_id, n, quota,
                        s->target_type == TM_TARGET_ENI
                        ? "network interface" : "load balancer");
    }

    /* The sources. */
    if (s->n_sources > model->quotas.sources_per_session) {
        return tm_error(kind, s->id, "traffic_mirror_sources",
                        "%"PRIuSIZE" sources exceed the quota of %"PRIu32" "
                        "per session", s->n_sources,
                        model->quotas.sources_per_session);
    }
    for (size_t i = 0; i < s->n_sources; i++) {
        const char *port_id = s->sources[i];
        const struct tm_port *port = tm_model_find_port(model, port_id);

        if (!port) {
            return tm_error(kind, s->id, "traffic_mirror_sources",
                            "no port \"%s\"", port_id);
        }
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(s->sources[j], port_id)) {
                return tm_error(kind, s->id, "traffic_mirror_sources",
                                "port \"%s\" is listed more than once",
                                port_id);
            }
        }
        if (!port->mirror_supported) {
            return tm_error(kind, s->id, "traffic_mirror_sources",
                            "port \"%s\" can't be a mirror source: its "
                            "flavor does not support traffic mirroring "
                            "(traffic_mirroring_supported is false)",
                            port_id);
        }
        const struct tm_session *as_target
            = shash_find_data(&counts->target_ports, port_id);
        if (as_target) {
            return tm_error(kind, s->id, "traffic_mirror_sources",
                            "port \"%s\" is the mirror target of session "
                            "\"%s\"; a port can't be both a mirror source "
                            "and a mirror target", port_id, as_target->id);
        }

        const struct tm_users *users
            = shash_find_data(&counts->sessions_per_source, port_id);
        if (!users) {
            /* 's' is not in 'model' (a caller's mistake): nothing to
             * compare it with. */
            continue;
        }
        n = tm_users_rank(&counts->sessions_per_source, port_id, s,
                          focus);
        if (n > TM_QUOTA_SESSIONS_PER_SOURCE) {
            return tm_error(kind, s->id, "traffic_mirror_sources",
                            "port \"%s\" would be a source of %"PRIuSIZE" "
                            "sessions, the quota is %d per source",
                            port_id, n, TM_QUOTA_SESSIONS_PER_SOURCE);
        }
        /* Only sessions that come first, so that the conflict is reported
         * once, on the later of the two. */
        size_t index = 0;
        for (size_t j = 0; j < users->n; j++) {
            if (users->sessions[j] == s) {
                index = j;
            }
        }
        for (size_t j = 0; j < users->n; j++) {
            const struct tm_session *other = users->sessions[j];
            if (other != s && other->priority == s->priority
                && tm_session_precedes(other, j, s, index, focus)) {
                return tm_error(kind, s->id, "priority",
                                "%"PRIu32" is already the priority of "
                                "session \"%s\", which shares source port "
                                "\"%s\"; sessions of one source need "
                                "distinct priorities (1-32766)",
                                s->priority, other->id, port_id);
            }
        }
    }
    return NULL;
}

char *
tm_session_validate(const struct tm_model *model,
                    const struct tm_session *session)
{
    struct tm_counts counts;

    tm_counts_init(&counts, model);
    char *error = tm_validate_session__(model, &counts, session, NULL);
    tm_counts_destroy(&counts);
    return error;
}

/* Does 'filter' hold a rule whose id is in 'focus'? */
static bool
tm_filter_in_focus(const struct tm_filter *filter, const struct sset *focus)
{
    if (sset_contains(focus, filter->id)) {
        return true;
    }
    for (size_t i = 0; i < filter->n_rules; i++) {
        if (sset_contains(focus, filter->rules[i]->id)) {
            return true;
        }
    }
    return false;
}

char *
tm_model_validate_focus(const struct tm_model *model,
                        const struct sset *focus)
{
    char *error = NULL;

    /* What the write changed first, blamed for its conflicts... */
    for (size_t i = 0; !error && i < model->n_filters; i++) {
        if (tm_filter_in_focus(model->filters[i], focus)) {
            error = tm_validate_filter(model->filters[i], focus);
        }
    }
    if (!error) {
        struct tm_counts counts;

        tm_counts_init(&counts, model);
        for (size_t i = 0; !error && i < model->n_sessions; i++) {
            const struct tm_session *s = model->sessions[i];
            if (sset_contains(focus, s->id)) {
                error = tm_validate_session__(model, &counts, s, focus);
            }
        }
        tm_counts_destroy(&counts);
    }

    /* ...then everything else, which the write may have broken too (a
     * deleted port, the region quota). */
    return error ? error : tm_model_validate(model);
}

char *
tm_model_validate(const struct tm_model *model)
{
    const struct tm_quotas *q = &model->quotas;
    char *error = NULL;

    if (q->sources_per_session < 1
        || q->sources_per_session > TM_QUOTA_SOURCES_PER_SESSION_MAX) {
        return xasprintf("quotas: sources_per_session: %"PRIu32" is out of "
                         "range 1-%d", q->sources_per_session,
                         TM_QUOTA_SOURCES_PER_SESSION_MAX);
    }
    if (model->n_sessions > TM_QUOTA_SESSIONS_PER_REGION) {
        return xasprintf("traffic_mirror_sessions: %"PRIuSIZE" sessions "
                         "exceed the quota of %d per region",
                         model->n_sessions, TM_QUOTA_SESSIONS_PER_REGION);
    }
    for (size_t i = 0; !error && i < model->n_ports; i++) {
        error = tm_validate_port(model->ports[i]);
    }
    for (size_t i = 0; !error && i < model->n_lbs; i++) {
        error = tm_validate_lb(model->lbs[i]);
    }
    for (size_t i = 0; !error && i < model->n_filters; i++) {
        error = tm_validate_filter(model->filters[i], NULL);
    }
    if (!error && model->n_sessions) {
        struct tm_counts counts;

        tm_counts_init(&counts, model);
        for (size_t i = 0; !error && i < model->n_sessions; i++) {
            error = tm_validate_session__(model, &counts,
                                          model->sessions[i], NULL);
        }
        tm_counts_destroy(&counts);
    }
    return error;
}
