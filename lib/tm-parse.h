/*
 * tmirror: parsers and checkers for single fields.
 *
 * Every function here takes the name of the field as the user knows it
 * ("source_cidr_block", or a JSON path such as
 * "traffic_mirror_filters[0].ingress_rules[1].priority") and returns NULL on
 * success or a malloc'd error string that begins with that name and says
 * which limit was broken, e.g.
 *
 *     priority: 0 is out of range 1-65535
 *
 * On error the output argument is left unchanged.  The caller frees the
 * error with free().
 */
#ifndef TM_PARSE_H
#define TM_PARSE_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"
#include "tm-model.h"

/* A decimal integer without sign, spaces or leading zeros ("0" itself is
 * fine) in [min, max]. */
char *tm_parse_uint(const char *field, const char *s, uint32_t min,
                    uint32_t max, uint32_t *value) OVS_WARN_UNUSED_RESULT;

/* For a program's command-line options: parses 'arg', the value of
 * 'option', as tm_parse_uint() does, and exits with its message (which
 * names the option and the range) if it is not an integer in [min, max].
 * Daemons parse their numeric options with it, so that they all accept
 * and refuse the same way. */
void tm_parse_uint_option(const char *option, const char *arg, uint32_t min,
                          uint32_t max, uint32_t *value);

/* Checks an integer that was already parsed (e.g. from a JSON number). */
char *tm_check_uint(const char *field, long long int value, uint32_t min,
                    uint32_t max) OVS_WARN_UNUSED_RESULT;

/* Integer fields with their DESIGN.md section 2 ranges. */
char *tm_parse_rule_priority(const char *field, const char *s, uint32_t *)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_session_priority(const char *field, const char *s, uint32_t *)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_vni(const char *field, const char *s, uint32_t *)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_packet_length(const char *field, const char *s, uint32_t *)
    OVS_WARN_UNUSED_RESULT;

/* "192.168.0.0/24", "2001:db8::/32".  A bare address means a host prefix
 * (/32 or /128).  Bits set past the prefix length are an error that shows
 * the intended network. */
char *tm_parse_cidr(const char *field, const char *s, struct tm_cidr *)
    OVS_WARN_UNUSED_RESULT;

/* One IPv4 or IPv6 address, no prefix. */
char *tm_parse_ip(const char *field, const char *s, struct tm_ip *)
    OVS_WARN_UNUSED_RESULT;

/* Where a daemon listens: "HOST:PORT", "[IPV6]:PORT", ":PORT" or "PORT".
 * HOST is an IPv4 or IPv6 address, not a name (nothing to resolve, and so
 * nothing to go wrong, when a daemon starts); without it, 'default_host'
 * (an address too) is used.  PORT is in 0-65535, 0 meaning any free
 * port. */
char *tm_parse_listen(const char *field, const char *s,
                      const char *default_host, struct tm_ip *,
                      uint16_t *port) OVS_WARN_UNUSED_RESULT;

/* "a-b" with 1 <= a <= b <= 65535; a single "a" means "a-a". */
char *tm_parse_port_range(const char *field, const char *s,
                          struct tm_port_range *) OVS_WARN_UNUSED_RESULT;

/* Enumerations, case-insensitive, stored canonically. */
char *tm_parse_protocol(const char *field, const char *s, enum tm_protocol *)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_ethertype(const char *field, const char *s,
                         enum tm_ethertype *) OVS_WARN_UNUSED_RESULT;
char *tm_parse_action(const char *field, const char *s, enum tm_action *)
    OVS_WARN_UNUSED_RESULT;
char *tm_parse_direction(const char *field, const char *s,
                         enum tm_direction *) OVS_WARN_UNUSED_RESULT;
char *tm_parse_target_type(const char *field, const char *s,
                           enum tm_target_type *) OVS_WARN_UNUSED_RESULT;
char *tm_parse_bool(const char *field, const char *s, bool *)
    OVS_WARN_UNUSED_RESULT;

/* "fa:16:3e:7e:d6:bc".  Multicast addresses are refused: a port's MAC must
 * be unicast. */
char *tm_parse_mac(const char *field, const char *s, struct eth_addr *)
    OVS_WARN_UNUSED_RESULT;

/* Names: 1-64 characters (UTF-8 code points) of letters, digits, '_', '-'
 * and '.', where any non-ASCII character counts as a letter (Huawei allows
 * Chinese names). */
char *tm_check_name(const char *field, const char *s) OVS_WARN_UNUSED_RESULT;

/* Descriptions: at most 255 characters, no '<' or '>'. */
char *tm_check_description(const char *field, const char *s)
    OVS_WARN_UNUSED_RESULT;

/* Resource ids: 1-64 characters of letters, digits, '_', '-' and '.'. */
char *tm_check_id(const char *field, const char *s) OVS_WARN_UNUSED_RESULT;

/* Project ids: empty, or as resource ids. */
char *tm_check_project_id(const char *field, const char *s)
    OVS_WARN_UNUSED_RESULT;

/* Other text (timestamps, types read from files): valid UTF-8 of at most
 * 255 characters, which is what the database accepts. */
char *tm_check_free_text(const char *field, const char *s)
    OVS_WARN_UNUSED_RESULT;

/* Formatting, the inverse of the parsers above. */
void tm_cidr_format(const struct tm_cidr *, struct ds *);
void tm_ip_format(const struct tm_ip *, struct ds *);
void tm_port_range_format(const struct tm_port_range *, struct ds *);

/* A rule's action, protocol, ethertype and the CIDR blocks and port ranges
 * it has, with the API's field names: "accept tcp IPv4
 * source_cidr_block=10.0.0.0/8 destination_port_range=80-80". */
void tm_rule_format_conditions(const struct tm_rule *, struct ds *);

#endif /* tm-parse.h */
