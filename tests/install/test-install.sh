#!/bin/sh
# Checks "make install": installs into a temporary DESTDIR with a
# non-default PREFIX and checks the tree, then installs into a temporary
# PREFIX (no DESTDIR) and runs the installed tmirror-db against the
# installed schema, verifies the installed systemd units and uninstalls.
# Also checks the man pages: they render without a warning, and each one
# documents every option its program's --help lists, every command it has
# (tmirror-ctl's, tmirror-db's, the daemons' unixctl commands), and no
# option the program does not have.
#
# usage: test-install.sh TOP   (OVS_SRC: the OVS build tree; MAKE: make)
# Prints "ok:"/"FAIL:" lines and ends with "install: N passed, N failed".
set -u

TOP=$(cd "${1:?usage: test-install.sh TOP}" && pwd)
OVS_SRC=${OVS_SRC:-$TOP/build/ovs}
MAKE=${MAKE:-make}
BIN=$TOP/build/bin
unset TMIRROR_SCHEMA OVS_BINDIR MAKEFLAGS MFLAGS

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
check() {
    what=$1
    shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tmirror-install.XXXXXX")
nb_pid=
cleanup() {
    if [ -n "$nb_pid" ]; then
        kill "$nb_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- 1. A packaging install: DESTDIR and a non-default PREFIX. ----------
prefix=/opt/tmirror-test
dest=$tmp/dest
root=$dest$prefix
if $MAKE -C "$TOP" --no-print-directory install DESTDIR="$dest" \
        PREFIX="$prefix" > "$tmp/install.log" 2>&1; then
    ok "make install DESTDIR=... PREFIX=$prefix"
else
    fail "make install DESTDIR=... PREFIX=$prefix:"
    tail -n 20 "$tmp/install.log"
fi

expect_file() {
    mode=$1 file=$2
    if [ ! -f "$file" ]; then
        fail "${file#"$dest"} is missing"
    elif [ "$mode" = x ] && [ ! -x "$file" ]; then
        fail "${file#"$dest"} is not executable"
    elif [ "$mode" = r ] && [ -x "$file" ]; then
        fail "${file#"$dest"} is executable"
    else
        ok "${file#"$dest"} installed"
    fi
}

for p in tmirror-ctl tmirror-sign; do
    expect_file x "$root/bin/$p"
done
for p in tmirror-controller tmirror-apid tmirror-db; do
    expect_file x "$root/sbin/$p"
done
# Whatever else is built (a fragment's new program) is installed too.
for p in "$BIN"/*; do
    name=${p##*/}
    if [ -f "$root/bin/$name" ]; then
        check "$name installed as built" cmp -s "$p" "$root/bin/$name"
    elif [ -f "$root/sbin/$name" ]; then
        check "$name installed as built" cmp -s "$p" "$root/sbin/$name"
    else
        fail "$name (built) is not installed"
    fi
done
expect_file r "$root/share/tmirror/tmirror.ovsschema"
check "installed schema is lib/tmirror.ovsschema" \
    cmp -s "$TOP/lib/tmirror.ovsschema" "$root/share/tmirror/tmirror.ovsschema"
for m in "$TOP"/man/*.8; do
    expect_file r "$root/share/man/man8/${m##*/}"
done
for u in "$TOP"/systemd/*.service; do
    expect_file r "$dest/lib/systemd/system/${u##*/}"
done
for d in README.rst "$TOP"/docs/*.rst; do
    expect_file r "$root/share/doc/tmirror/${d##*/}"
done

# The installed files name PREFIX, not the source's /usr/local.
check "installed tmirror-db looks for the schema under PREFIX" \
    grep -q "$prefix/share/tmirror/tmirror.ovsschema" "$root/sbin/tmirror-db"
for f in "$root/sbin/tmirror-db" "$root"/share/man/man8/*.8 \
         "$dest"/lib/systemd/system/*.service; do
    if grep -q /usr/local "$f"; then
        fail "${f#"$dest"} still names /usr/local"
    fi
done
for u in "$dest"/lib/systemd/system/*.service; do
    for exe in $(sed -n 's/^Exec[A-Za-z]*=-\{0,1\}\([^ ]*\).*/\1/p' "$u" \
                 | sort -u); do
        case $exe in
        "$prefix"/*)
            check "${u##*/}: $exe is installed" test -x "$dest$exe" ;;
        *)
            fail "${u##*/}: $exe is not under PREFIX" ;;
        esac
    done
done

# --- 2. The man pages. ---------------------------------------------------
mandir=$root/share/man

# Prints the roff source of section $2 of man page $1 (up to the next
# .SH), with \- as - and font escapes removed.
section() {
    awk -v want="$2" '
        /^\.SH / {
            name = substr($0, 5)
            gsub(/"/, "", name)
            on = (name == want)
            next
        }
        on' "$1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\e/\\/g'
}

# Prints the first word of each .TP tag of section $2 of man page $1.
tags() {
    section "$1" "$2" | awk '
        tag { sub(/^\.[A-Z]+ +/, ""); gsub(/"/, ""); print $1; tag = 0 }
        /^\.TP/ { tag = 1 }'
}

# Renders page $1 and fails on any warning from groff or man.
render() {
    page=$1
    groff -ww -z -man -Tutf8 "$page" > "$tmp/groff.err" 2>&1 || return 1
    [ ! -s "$tmp/groff.err" ] || { cat "$tmp/groff.err"; return 1; }
    MANWIDTH=80 man --warnings -l "$page" > "$tmp/man.out" \
        2> "$tmp/man.err" || return 1
    [ ! -s "$tmp/man.err" ] || { cat "$tmp/man.err"; return 1; }
    [ -s "$tmp/man.out" ]
}

# The warning check must itself catch a broken page.
printf '.TH BAD 8\n.SH NAME\nbad \\- bad\n.XYZZY\n.SH DESCRIPTION\n\\fBx\n' \
    > "$tmp/bad.8"
if render "$tmp/bad.8" > /dev/null 2>&1; then
    fail "the warning check passes a page with an undefined macro"
else
    ok "the warning check catches a page with an undefined macro"
fi

for page in "$mandir"/man8/*.8; do
    name=$(basename "$page" .8)
    check "$name.8 renders without warnings" render "$page"
    # shellcheck disable=SC2016
    check "$name.8 has a NAME that mandb can read" \
        sh -c 'lexgrog "$1" | grep -q " - "' sh "$page"
    check "man -M finds $name" \
        test "$(man -M "$mandir" -w "$name" 2>/dev/null)" = "$page"
    for s in NAME SYNOPSIS DESCRIPTION COMMANDS FILES ENVIRONMENT \
             EXAMPLES "SEE ALSO"; do
        if ! grep -Eq "^\.SH \"?$s\"?\$" "$page"; then
            fail "$name.8 has no $s section"
        fi
    done
    # The environment variables the program reads are described: tmirror's
    # own that its binary or script names, OVS_RUNDIR (the default run
    # directory of everything built on libopenvswitch), and the OVS_*
    # variables a script names.
    prog=$BIN/$name
    [ -f "$prog" ] || prog=$TOP/utilities/$name.sh
    vars=OVS_RUNDIR
    for v in TMIRROR_NB_DB TMIRROR_RUNDIR TMIRROR_SCHEMA OVS_BINDIR; do
        case $v,$prog in
        OVS_*,*.sh | TMIRROR_*,*)
            if [ -f "$prog" ] && grep -aq "$v" "$prog"; then
                vars="$vars $v"
            fi ;;
        esac
    done
    for v in $vars; do
        if ! section "$page" ENVIRONMENT | grep -q "^\.B $v\$"; then
            fail "$name.8 does not describe $v in ENVIRONMENT"
        fi
    done
done

# Every program (bin and sbin) that is built has a man page.
for p in "$BIN"/*; do
    name=${p##*/}
    [ -f "$TOP/man/$name.8" ] || fail "$name has no man page (man/$name.8)"
done

# Options: each one --help lists is in OPTIONS, and each one OPTIONS
# documents is one the program has (its name is a string in the binary,
# as getopt_long's table holds it).
for p in "$BIN"/*; do
    name=${p##*/}
    page=$TOP/man/$name.8
    [ -f "$page" ] || continue
    if ! "$p" --help > "$tmp/help" 2>&1; then
        fail "$name --help failed"
        continue
    fi
    section "$page" OPTIONS > "$tmp/options"
    if [ ! -s "$tmp/options" ]; then
        fail "$name.8 has no OPTIONS section"
        continue
    fi
    missing=
    for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help" | sort -u) \
               $(grep -oE -- '(^|[ ,])-[A-Za-z]' "$tmp/help" \
                 | sed 's/^[ ,]//' | sort -u); do
        if ! grep -Eq -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$tmp/options"; then
            missing="$missing $opt"
        fi
    done
    if [ -z "$missing" ]; then
        ok "$name.8 documents every option of $name --help"
    else
        fail "$name.8 does not document:$missing"
    fi
    tr '\0' '\n' < "$p" > "$tmp/strings"
    unknown=
    for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/options" | sort -u); do
        grep -q -- "${opt#--}\$" "$tmp/strings" || unknown="$unknown $opt"
    done
    if [ -z "$unknown" ]; then
        ok "$name.8 documents no option $name does not have"
    else
        fail "$name.8 documents options $name does not have:$unknown"
    fi
done

# Compares the command tags of a man page's COMMANDS section ($2) with
# the commands in file $3, both ways.
compare_commands() {
    what=$1 page=$2 list=$3
    tags "$page" COMMANDS | sort -u > "$tmp/documented"
    sort -u "$list" > "$tmp/actual"
    if [ ! -s "$tmp/actual" ]; then
        fail "$what: found no commands to compare"
        return
    fi
    undocumented=$(comm -13 "$tmp/documented" "$tmp/actual" | tr '\n' ' ')
    extra=$(comm -23 "$tmp/documented" "$tmp/actual" | tr '\n' ' ')
    if [ -z "$undocumented$extra" ]; then
        ok "$what: every command documented, no other"
    else
        fail "$what: undocumented: ${undocumented:-none};" \
             "documented but missing: ${extra:-none}"
    fi
}

# tmirror-ctl's commands, as its --help lists them.
"$BIN/tmirror-ctl" --help \
    | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' > "$tmp/cmds"
compare_commands "tmirror-ctl.8" "$TOP/man/tmirror-ctl.8" "$tmp/cmds"

# The daemons' unixctl commands, as their main sources register them.
for src in "$TOP"/*/tmirror-*.c; do
    name=$(basename "$src" .c)
    sed -n 's/.*unixctl_command_register("\([^"]*\)".*/\1/p' "$src" \
        > "$tmp/cmds"
    if [ -s "$tmp/cmds" ] && [ -f "$TOP/man/$name.8" ]; then
        compare_commands "$name.8" "$TOP/man/$name.8" "$tmp/cmds"
    fi
done

# tmirror-db's commands, the arms of its "case $command".
sed -n 's/^\([a-z][a-z-]*\))$/\1/p' "$TOP/utilities/tmirror-db.sh" \
    > "$tmp/cmds"
compare_commands "tmirror-db.8" "$TOP/man/tmirror-db.8" "$tmp/cmds"
# tmirror-db's options, as its header comment shows them.
sed -n '/^set /q; s/^#//p' "$TOP/utilities/tmirror-db.sh" \
    | grep -o -- '--[a-z][a-z-]*' | sort -u > "$tmp/dbopts"
section "$TOP/man/tmirror-db.8" COMMANDS > "$tmp/dbcommands"
missing=
while read -r opt; do
    grep -q -- "$opt" "$tmp/dbcommands" || missing="$missing $opt"
done < "$tmp/dbopts"
if [ -s "$tmp/dbopts" ] && [ -z "$missing" ]; then
    ok "tmirror-db.8 documents every option of tmirror-db"
else
    fail "tmirror-db.8 does not document:${missing:- (no options found)}"
fi

# --- 3. A real install into a temporary PREFIX: run what it installed. --
prefix2=$tmp/prefix
units2=$prefix2/lib/systemd/system
if $MAKE -C "$TOP" --no-print-directory install PREFIX="$prefix2" \
        SYSTEMDUNITDIR="$units2" > "$tmp/install2.log" 2>&1; then
    ok "make install PREFIX=(temporary directory)"
else
    fail "make install PREFIX=(temporary directory):"
    tail -n 20 "$tmp/install2.log"
fi

# The OVS binaries of the build tree, through PATH as on a real system
# (they are not next to the installed script).
PATH=$OVS_SRC/ovsdb:$OVS_SRC/utilities:$PATH
export PATH
nb=$tmp/nb
if "$prefix2/sbin/tmirror-db" start "$nb" > "$tmp/db.log" 2>&1; then
    ok "installed tmirror-db starts a database with the installed schema"
    nb_pid=$(cat "$nb/tmirror_nb.pid")
else
    fail "installed tmirror-db start:"
    cat "$tmp/db.log"
fi
# shellcheck disable=SC2016
check "installed tmirror-ctl writes and reads it" sh -c '
    "$1" --db="unix:$2/tmirror_nb.sock" --timeout=10 init &&
    "$1" --db="unix:$2/tmirror_nb.sock" --timeout=10 show \
        | grep -q "^nb_cfg="' sh "$prefix2/bin/tmirror-ctl" "$nb"
want=$("$OVS_SRC/ovsdb/ovsdb-tool" schema-version \
       "$TOP/lib/tmirror.ovsschema")
# shellcheck disable=SC2016
check "installed tmirror-db status reports schema $want" sh -c '
    "$1" status "$2" | grep -qx "schema: $3"' \
    sh "$prefix2/sbin/tmirror-db" "$nb" "$want"
if "$prefix2/sbin/tmirror-db" stop "$nb" > "$tmp/db.log" 2>&1 \
   && ! kill -0 "$nb_pid" 2>/dev/null; then
    ok "installed tmirror-db stops it"
    nb_pid=
else
    fail "installed tmirror-db stop:"
    cat "$tmp/db.log"
fi
# Without the installed schema it must fail: it used that one.
mv "$prefix2/share/tmirror/tmirror.ovsschema" "$tmp/schema"
if "$prefix2/sbin/tmirror-db" start "$tmp/nb2" > /dev/null 2>&1; then
    fail "installed tmirror-db starts without the installed schema"
    kill "$(cat "$tmp/nb2/tmirror_nb.pid")" 2>/dev/null
else
    ok "installed tmirror-db needs the installed schema"
fi
mv "$tmp/schema" "$prefix2/share/tmirror/tmirror.ovsschema"

# The installed units, whose programs now exist.
if command -v systemd-analyze > /dev/null 2>&1; then
    for u in "$units2"/*.service; do
        if systemd-analyze verify --man=no "$u" > "$tmp/verify" 2>&1 \
           && [ ! -s "$tmp/verify" ]; then
            ok "systemd-analyze verify ${u##*/}"
        else
            fail "systemd-analyze verify ${u##*/}:"
            cat "$tmp/verify"
        fi
    done
else
    echo "skip: systemd-analyze is not installed: units not verified"
fi

if $MAKE -C "$TOP" --no-print-directory uninstall PREFIX="$prefix2" \
        SYSTEMDUNITDIR="$units2" > "$tmp/uninstall.log" 2>&1; then
    left=$(find "$prefix2" -type f | sed "s|^$prefix2/||")
    if [ -z "$left" ]; then
        ok "make uninstall removes every installed file"
    else
        fail "make uninstall leaves: $(echo "$left" | tr '\n' ' ')"
    fi
else
    fail "make uninstall:"
    tail -n 20 "$tmp/uninstall.log"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
