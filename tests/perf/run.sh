#!/bin/sh
# "make bench": runs every benchmark (tests/perf/bench-*.sh), one after the
# other so that they don't disturb each other, collects their results (one
# JSON object per line, see tests/perf/README.rst), prints one table and
# writes everything, with the machine it ran on, to build/bench.json.
# With --smoke (what "make check" runs), each benchmark runs a seconds-long
# version that only proves it still works, and the results go to
# build/bench-smoke.json; the last line is then the usual
# "bench-smoke: N passed, N failed", one check per benchmark that ran and
# reported at least one result.  No result is ever judged by time here:
# targets are ratios, and a missed target is reported, not failed.
#
# usage: run.sh [--smoke] TMIRROR-CTL   (as root; OVS_SRC set)
set -u
smoke=0
if [ "${1:-}" = --smoke ]; then
    smoke=1
    shift
fi
: "${OVS_SRC:?OVS_SRC must point at the OVS build tree}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
TMIRROR_CTL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export OVS_SRC TMIRROR_CTL
name=bench
[ "$smoke" = 1 ] && name=bench-smoke

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: benchmarks need root (network namespaces)"
    echo "$name: 0 passed, 0 failed"
    exit 0
fi

out=$(mktemp "${TMPDIR:-/tmp}/tmirror-bench.XXXXXX")
trap 'rm -f "$out" "$out".*' EXIT
trap 'exit 1' INT TERM HUP PIPE

passed=0 failed=0
for bench in "$here"/bench-*.sh; do
    b=$(basename "$bench" .sh)
    echo "=== $b"
    start=$(date +%s)
    : > "$out.one"
    BENCH_SMOKE=$smoke BENCH_OUT=$out.one sh "$bench" \
        > "$top/build/$name-$b.log" 2>&1
    rc=$?
    n=$(grep -c '^{' "$out.one")
    cat "$out.one" >> "$out"
    echo "$b: exit $rc, $n results, $(( $(date +%s) - start )) s" \
        "(log: build/$name-$b.log)"
    if [ "$rc" = 0 ] && [ "$n" -gt 0 ]; then
        passed=$((passed + 1))
        [ "$smoke" = 1 ] && echo "ok: $b"
    else
        failed=$((failed + 1))
        echo "FAIL: $b (exit $rc, $n results):"
        tail -n 15 "$top/build/$name-$b.log"
    fi
done

# The table, and the JSON file with the machine's description.
python3 - "$out" "$top/build/$name.json" "$smoke" <<'PY'
import json, os, platform, subprocess, sys, time

results = []
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith('{'):
        try:
            results.append(json.loads(line))
        except ValueError as e:
            print('unreadable result: %s (%s)' % (line, e))

def cpu_model():
    for line in open('/proc/cpuinfo'):
        if line.startswith('model name'):
            return line.split(':', 1)[1].strip()
    return platform.processor()

try:
    rev = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
                         capture_output=True, text=True).stdout.strip()
except OSError:
    rev = ''
doc = {
    'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
    'commit': rev,
    'smoke': sys.argv[3] == '1',
    'machine': {'cpus': os.cpu_count(), 'cpu': cpu_model(),
                'kernel': platform.release(),
                'memory_gib': round(os.sysconf('SC_PAGE_SIZE')
                                    * os.sysconf('SC_PHYS_PAGES') / 2**30, 1)},
    'results': results,
}
json.dump(doc, open(sys.argv[2], 'w'), indent=1)

def fmt(v):
    if isinstance(v, float):
        return '%.3g' % v if abs(v) < 1000 else '%.0f' % v
    return str(v)

rows = [('group', 'result', 'value', 'target', 'met')]
for r in results:
    met = r.get('met')
    rows.append((r.get('group', ''), r.get('name', ''),
                 '%s %s' % (fmt(r.get('value')), r.get('unit', '')),
                 r.get('target') or '',
                 '' if met is None else ('yes' if met else 'NO')))
widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
print()
for i, row in enumerate(rows):
    print('  '.join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    if i == 0:
        print('  '.join('-' * w for w in widths))
print('\n%d results, machine: %d x %s; written to %s'
      % (len(results), doc['machine']['cpus'], doc['machine']['cpu'],
         sys.argv[2]))
PY

echo "$name: $passed passed, $failed failed"
[ "$failed" = 0 ]
