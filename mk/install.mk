# "make install" and "make uninstall", and the check-install test layer.
#
#     make install [PREFIX=/usr/local] [DESTDIR=]
#
# Daemons go to $(PREFIX)/sbin, user commands to $(PREFIX)/bin, the schema
# to $(PREFIX)/share/tmirror, man pages to $(PREFIX)/share/man/man8, the
# documentation to $(PREFIX)/share/doc/tmirror and the systemd units to
# $(SYSTEMDUNITDIR) (/lib/systemd/system, outside PREFIX, where both Debian
# and RHEL look).  DESTDIR is prepended to every path, for packaging; the
# installed files name paths without it.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/tmirror
SYSTEMDUNITDIR ?= /lib/systemd/system
INSTALL ?= install

# Daemons go to sbin; every other program (tmirror-ctl, and whatever a
# fragment adds) to bin.  Expanded late, so that a fragment included after
# this one may still add to PROGRAMS.
INSTALL_DAEMON_NAMES = tmirror-controller tmirror-apid tmirror-collector
INSTALL_SBIN_PROGRAMS = $(filter $(addprefix %/,$(INSTALL_DAEMON_NAMES)),\
	$(PROGRAMS))
INSTALL_BIN_PROGRAMS = $(filter-out $(INSTALL_SBIN_PROGRAMS),$(PROGRAMS))
INSTALL_MANS := $(wildcard man/*.8)
INSTALL_UNITS := $(wildcard systemd/*.service)
INSTALL_DOCS := README.rst $(wildcard docs/*.rst)

# The source tree's tmirror-db finds the schema next to it, in lib/; the
# installed one must find it under PREFIX, so its fallback path (and the
# man pages' and units' mentions of /usr/local) are rewritten.
INSTALL_SUBST := sed -e 's|/usr/local/share/tmirror/|$(DATADIR)/tmirror/|g' \
	-e 's|/usr/local/sbin/|$(SBINDIR)/|g' \
	-e 's|/usr/local/bin/|$(BINDIR)/|g'

EXTRA_PHONY += install uninstall check-install

install: $(PROGRAMS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
	    $(DESTDIR)$(DATADIR)/tmirror $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 0755 $(INSTALL_BIN_PROGRAMS) utilities/tmirror-sign \
	    $(DESTDIR)$(BINDIR)/
	$(if $(INSTALL_SBIN_PROGRAMS),$(INSTALL) -m 0755 \
	    $(INSTALL_SBIN_PROGRAMS) $(DESTDIR)$(SBINDIR)/)
	$(INSTALL_SUBST) utilities/tmirror-db.sh > $(DESTDIR)$(SBINDIR)/tmirror-db
	chmod 0755 $(DESTDIR)$(SBINDIR)/tmirror-db
	$(INSTALL) -m 0644 lib/tmirror.ovsschema $(DESTDIR)$(DATADIR)/tmirror/
	for f in $(INSTALL_MANS); do \
	    $(INSTALL_SUBST) $$f > $(DESTDIR)$(MANDIR)/man8/$${f##*/} \
	    && chmod 0644 $(DESTDIR)$(MANDIR)/man8/$${f##*/} || exit 1; \
	done
	for f in $(INSTALL_UNITS); do \
	    $(INSTALL_SUBST) $$f > $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} \
	    && chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${f##*/} || exit 1; \
	done
	$(INSTALL) -m 0644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(INSTALL_BIN_PROGRAMS)) \
	    tmirror-sign) \
	    $(addprefix $(DESTDIR)$(SBINDIR)/,\
	        $(notdir $(INSTALL_SBIN_PROGRAMS)) tmirror-db) \
	    $(DESTDIR)$(DATADIR)/tmirror/tmirror.ovsschema \
	    $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(INSTALL_MANS))) \
	    $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(INSTALL_UNITS))) \
	    $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(INSTALL_DOCS)))
	rmdir $(DESTDIR)$(DATADIR)/tmirror $(DESTDIR)$(DOCDIR) 2>/dev/null \
	    || true

# Installs into a temporary DESTDIR and PREFIX and checks the result: the
# tree, the installed tmirror-db against its installed schema, the man
# pages (rendering, and every option of --help documented) and the units.
EXTRA_CHECK_LAYERS += check-install
check-install: $(PROGRAMS)
	@mkdir -p $(CHECK_LOGS)
	OVS_SRC=$(TOP)/$(OVS_SRC) MAKE="$(MAKE)" \
	    tests/install/test-install.sh $(TOP) 2>&1 \
	    | tee $(CHECK_LOGS)/install.log
