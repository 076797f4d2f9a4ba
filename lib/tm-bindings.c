/*
 * tmirror: what the compiler needs to know about one hypervisor (see
 * tm-bindings.h).
 */
#include <config.h>
#include "tm-bindings.h"

#include <string.h>
#include "flow.h"
#include "openflow/openflow.h"
#include "openvswitch/json.h"
#include "tm-json.h"
#include "tm-parse.h"
#include "util.h"

void
tm_bindings_init(struct tm_bindings *b)
{
    memset(b, 0, sizeof *b);
    shash_init(&b->ports);
    b->tunnel_mtu = TM_MTU_DEFAULT;
}

void
tm_bindings_destroy(struct tm_bindings *b)
{
    struct shash_node *node;

    if (!b) {
        return;
    }
    SHASH_FOR_EACH (node, &b->ports) {
        struct tm_binding *binding = node->data;
        free(binding->port_id);
        free(binding);
    }
    shash_destroy(&b->ports);
}

void
tm_bindings_set(struct tm_bindings *b, const char *port_id, uint16_t ofport)
{
    struct tm_binding *binding = shash_find_data(&b->ports, port_id);

    if (!binding) {
        binding = xmalloc(sizeof *binding);
        binding->port_id = xstrdup(port_id);
        shash_add(&b->ports, port_id, binding);
    }
    binding->ofport = ofport;
}

const struct tm_binding *
tm_bindings_find(const struct tm_bindings *b, const char *port_id)
{
    return shash_find_data(&b->ports, port_id);
}

/* One user of an OpenFlow port, for tm_bindings_check(). */
struct tm_ofport_user {
    uint16_t ofport;
    char *what;                 /* "port \"ID\"", "the uplink", ... */
};

static int
tm_ofport_user_compare(const void *a_, const void *b_)
{
    const struct tm_ofport_user *a = a_, *b = b_;

    if (a->ofport != b->ofport) {
        return a->ofport < b->ofport ? -1 : 1;
    }
    return strcmp(a->what, b->what);
}

char *
tm_bindings_check(const struct tm_bindings *b)
{
    size_t n_ports = shash_count(&b->ports);
    struct tm_ofport_user *users = xmalloc((n_ports + 2) * sizeof *users);
    struct shash_node *node;
    char *error = NULL;
    size_t n = 0;

    SHASH_FOR_EACH (node, &b->ports) {
        const struct tm_binding *binding = node->data;
        users[n].ofport = binding->ofport;
        users[n++].what = xasprintf("port \"%s\"", binding->port_id);
    }
    if (b->uplink_ofport) {
        users[n].ofport = b->uplink_ofport;
        users[n++].what = xstrdup("the uplink");
    }
    if (b->tunnel_ofport) {
        users[n].ofport = b->tunnel_ofport;
        users[n++].what = xstrdup("the mirror tunnel");
    }

    /* Sorted, two users of one port are neighbours. */
    qsort(users, n, sizeof *users, tm_ofport_user_compare);
    for (size_t i = 1; !error && i < n; i++) {
        if (users[i].ofport == users[i - 1].ofport) {
            error = xasprintf("bindings: OpenFlow port %"PRIu16" is bound "
                              "to both %s and %s", users[i].ofport,
                              users[i - 1].what, users[i].what);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(users[i].what);
    }
    free(users);
    return error;
}

char *
tm_bindings_from_json(const struct json *json, struct tm_bindings *b)
{
    static const char *const members[] = {
        "ports", "uplink", "local_mac", "tunnel", "mirror_only", NULL,
    };
    static const char *const tunnel_members[] = {
        "ofport", "mtu", "nonlocal_src", NULL,
    };
    /* OpenFlow port numbers below OFPP_MAX (0xff00) are ports. */
    const uint32_t max_ofport = ofp_to_u16(OFPP_MAX) - 1;
    const struct json *value;
    uint32_t n;
    char *error;

    error = tm_json_expect_object(json, "bindings");
    if (!error) {
        error = tm_json_check_members(json, "", members);
    }
    if (error) {
        return error;
    }

    value = tm_json_member(json, "ports");
    if (value && value->type != JSON_OBJECT) {
        return tm_json_wrong_type("", "ports", "an object mapping port ids "
                                  "to OpenFlow port numbers", value);
    }
    if (value) {
        struct shash_node *node;
        SHASH_FOR_EACH (node, json_object(value)) {
            char *field = tm_json_path("ports", node->name);
            error = tm_check_id(field, node->name);
            free(field);
            if (!error) {
                error = tm_json_get_uint(value, "ports", node->name, true, 1,
                                         max_ofport, &n);
            }
            if (error) {
                return error;
            }
            tm_bindings_set(b, node->name, n);
        }
    }

    n = b->uplink_ofport;
    error = tm_json_get_uint(json, "", "uplink", false, 1, max_ofport, &n);
    if (error) {
        return error;
    }
    b->uplink_ofport = n;

    value = tm_json_member(json, "local_mac");
    if (value) {
        if (value->type != JSON_STRING) {
            return tm_json_wrong_type("", "local_mac", "a string", value);
        }
        error = tm_parse_mac("local_mac", json_string(value), &b->local_mac);
        if (error) {
            return error;
        }
        b->has_local_mac = true;
    }

    error = tm_json_get_bool(json, "", "mirror_only", &b->mirror_only);
    if (error) {
        return error;
    }

    value = tm_json_member(json, "tunnel");
    if (value) {
        error = tm_json_expect_object(value, "tunnel");
        if (!error) {
            error = tm_json_check_members(value, "tunnel", tunnel_members);
        }
        n = b->tunnel_ofport;
        if (!error) {
            error = tm_json_get_uint(value, "tunnel", "ofport", false, 1,
                                     max_ofport, &n);
        }
        if (!error) {
            b->tunnel_ofport = n;
            error = tm_json_get_uint(value, "tunnel", "mtu", false,
                                     TM_MTU_MIN, TM_MTU_MAX, &b->tunnel_mtu);
        }
        if (!error) {
            error = tm_json_get_bool(value, "tunnel", "nonlocal_src",
                                     &b->nonlocal_src);
        }
    }
    return error ? error : tm_bindings_check(b);
}

char *
tm_bindings_from_file(const char *file_name, struct tm_bindings *b)
{
    struct json *json;
    char *error = tm_json_parse_file(file_name, &json);

    if (!error) {
        error = tm_bindings_from_json(json, b);
        json_destroy(json);
    }
    return error;
}
