#!/bin/sh
# The examples of docs/nb-database.rst, run as written: every line of a
# "console" block that starts with "$ " is a command, the lines after it
# (up to the next command or the end of the block) are its output.  The
# commands run in order in one shell, with /tmp/tmirror replaced by a
# directory of the test's own; UUIDs and times are compared as placeholders
# since they differ on every run.  A command whose documented output is a
# "tmirror-ctl: " error must fail; any other must succeed.
. "$(dirname "$0")/lib.sh"

nb_init
doc=$TOP/docs/nb-database.rst
PATH=$(dirname "$TMIRROR_CTL"):$TOP/utilities:$PATH
export PATH

# Splits the examples into $NB_DIR/cmd.N and $NB_DIR/want.N.
python3 - "$doc" "$NB_DIR" <<'PYTHON'
import sys
doc, out = sys.argv[1], sys.argv[2]
lines = open(doc).read().split("\n")
n = 0
in_block = False
want = None
for i, line in enumerate(lines):
    if line.strip() == ".. code-block:: console":
        in_block = True
        continue
    if in_block and line and not line.startswith("   "):
        in_block = False
    if not in_block or not line.startswith("   "):
        continue
    text = line[3:]
    if text.startswith("$ "):
        n += 1
        open("%s/cmd.%d" % (out, n), "w").write(text[2:] + "\n")
        want = open("%s/want.%d" % (out, n), "w")
    elif want is not None and text:
        want.write(text + "\n")
open("%s/count" % out, "w").write("%d\n" % n)
PYTHON

normalize() {
    sed -E -e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
           -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(\.[0-9]{3})?Z/<time>/g' "$1"
}

n=$(cat "$NB_DIR/count")
expect_ok test "$n" -gt 10
i=1
while [ "$i" -le "$n" ]; do
    cmd=$(sed "s|/tmp/tmirror|$NB_DIR/doc|g" "$NB_DIR/cmd.$i")
    # Servers the examples start are cleaned up like the harness's own.
    case $cmd in
    *"tmirror-db.sh start "*)
        NB_SERVERS="$NB_SERVERS $(echo "$cmd" | awk '{print $3}')" ;;
    esac
    eval "$cmd" > "$NB_DIR/got.$i" 2>&1
    rc=$?
    normalize "$NB_DIR/got.$i" > "$NB_DIR/got.norm"
    normalize "$NB_DIR/want.$i" > "$NB_DIR/want.norm"
    if grep -q '^tmirror-ctl: ' "$NB_DIR/want.$i"; then
        want_rc=fails
    else
        want_rc=succeeds
    fi
    if [ "$want_rc" = fails ] && [ "$rc" = 0 ]; then
        nb_fail "docs: $cmd: succeeded, the docs say it fails"
    elif [ "$want_rc" = succeeds ] && [ "$rc" != 0 ]; then
        nb_fail "docs: $cmd: exited $rc: $(cat "$NB_DIR/got.$i")"
    elif ! cmp -s "$NB_DIR/got.norm" "$NB_DIR/want.norm"; then
        nb_fail "docs: $cmd: output differs from the docs:"
        diff "$NB_DIR/want.norm" "$NB_DIR/got.norm" | sed 's/^/  /'
    else
        nb_pass "docs: $cmd"
    fi
    i=$((i + 1))
done

nb_finish
