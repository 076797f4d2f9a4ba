/*
 * tmirror: writing Prometheus's text exposition format.
 */
#include <config.h>
#include "tm-prom.h"

#include <inttypes.h>
#include "util.h"

void
tm_prom_family_init(struct tm_prom_family *f, const char *name,
                    const char *type, const char *help)
{
    f->name = name;
    f->type = type;
    f->help = help;
    ds_init(&f->samples);
}

/* Appends 's' escaped as the format wants: a backslash and a newline always
 * (as \\ and \n), a double quote too in a label value (as \"). */
static void
tm_prom_escape(struct ds *out, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\') {
            ds_put_cstr(out, "\\\\");
        } else if (*s == '\n') {
            ds_put_cstr(out, "\\n");
        } else if (*s == '"' && quote) {
            ds_put_cstr(out, "\\\"");
        } else {
            ds_put_char(out, *s);
        }
    }
}

void
tm_prom_label(struct ds *labels, const char *name, const char *value)
{
    if (labels->length) {
        ds_put_char(labels, ',');
    }
    ds_put_format(labels, "%s=\"", name);
    tm_prom_escape(labels, value, true);
    ds_put_char(labels, '"');
}

static void
tm_prom_add__(struct tm_prom_family *f, const struct ds *labels)
{
    ds_put_cstr(&f->samples, f->name);
    if (labels && labels->length) {
        ds_put_format(&f->samples, "{%s}", ds_cstr_ro(labels));
    }
    ds_put_char(&f->samples, ' ');
}

void
tm_prom_add(struct tm_prom_family *f, const struct ds *labels, int64_t value)
{
    tm_prom_add__(f, labels);
    ds_put_format(&f->samples, "%"PRId64"\n", value);
}

void
tm_prom_add_u64(struct tm_prom_family *f, const struct ds *labels,
                uint64_t value)
{
    tm_prom_add__(f, labels);
    ds_put_format(&f->samples, "%"PRIu64"\n", value);
}

void
tm_prom_family_finish(struct tm_prom_family *f, struct ds *out)
{
    ds_put_format(out, "# HELP %s ", f->name);
    tm_prom_escape(out, f->help, false);
    ds_put_format(out, "\n# TYPE %s %s\n", f->name, f->type);
    ds_put_cstr(out, ds_cstr_ro(&f->samples));
    ds_destroy(&f->samples);
}

void
tm_prom_single(struct ds *out, const char *name, const char *type,
               const char *help, const struct ds *labels, int64_t value)
{
    struct tm_prom_family f;

    tm_prom_family_init(&f, name, type, help);
    tm_prom_add(&f, labels, value);
    tm_prom_family_finish(&f, out);
}
