#!/usr/bin/env python3
"""Strict reader of Prometheus's text exposition format (0.0.4), for the
tests of tmirror-controller --metrics.

    metrics.py check FILE             validates FILE; prints the problems
    metrics.py get FILE NAME [L=V]... prints the value of the one sample of
                                      NAME whose labels include every L=V
    metrics.py count FILE NAME        prints how many samples NAME has

"check" is stricter than the format itself, on what tmirror promises:
every family has exactly one HELP and one TYPE line, before its samples;
a family's samples are together; no blank line, other comment, timestamp,
duplicate series or trailing comma; counters are named *_total and never
negative; label values only use the escapes \\\\, \\" and \\n.  Exit
status 1 on any problem (or, for "get", when not exactly one sample
matches).
"""
import re
import sys

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*'
# A label value: any character but backslash, double quote and newline,
# or one of the three escapes.
VALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
FLOAT = r'[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN'
SAMPLE = re.compile(r'(%s)(?:\{((?:%s=%s)(?:,%s=%s)*)\})? (%s)$'
                    % (NAME, LABEL, VALUE, LABEL, VALUE, FLOAT))
PAIR = re.compile(r'(%s)=(%s)' % (LABEL, VALUE))
HELP = re.compile(r'# HELP (%s) ((?:[^\\\n]|\\[\\n])*)$' % NAME)
TYPE = re.compile(r'# TYPE (%s) (counter|gauge|histogram|summary|untyped)$'
                  % NAME)


def unescape(v):
    return re.sub(r'\\(.)', lambda m: {'n': '\n'}.get(m.group(1),
                                                      m.group(1)), v[1:-1])


def parse(text):
    """Returns (problems, samples), samples as (name, labels, value)."""
    problems, samples = [], []
    helps, types, done, seen = {}, {}, set(), set()
    current = None
    if text and not text.endswith('\n'):
        problems.append('the last line does not end with a newline')
    for n, line in enumerate(text.split('\n')[:-1], 1):
        where = 'line %d: ' % n
        m_help, m_type = HELP.match(line), TYPE.match(line)
        m = m_help or m_type
        if m:
            family = m.group(1)
            table = helps if m_help else types
            if family in table:
                problems.append(where + 'second %s for %s'
                                % ('HELP' if m_help else 'TYPE', family))
            if family in done or family in seen:
                problems.append(where + '%s of %s after its samples'
                                % ('HELP' if m_help else 'TYPE', family))
            table[family] = m.group(2)
            if current and current != family:
                done.add(current)
            current = family
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(where + 'not a HELP, TYPE or sample line: %r'
                            % line)
            continue
        name, labels_text, value = m.group(1), m.group(2), m.group(3)
        if name != current:
            problems.append(where + '%s is not the family of the HELP and '
                            'TYPE lines above it (%s)' % (name, current))
        if name in done:
            problems.append(where + 'samples of %s are not together' % name)
        labels = {}
        for lm in PAIR.finditer(labels_text or ''):
            if lm.group(1) in labels:
                problems.append(where + 'label %s twice' % lm.group(1))
            if lm.group(1).startswith('__'):
                problems.append(where + 'reserved label %s' % lm.group(1))
            labels[lm.group(1)] = unescape(lm.group(2))
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            problems.append(where + 'duplicate series %s%s' % key)
        seen.add(key)
        seen.add(name)
        v = float(value)
        if types.get(name) == 'counter':
            if not name.endswith('_total'):
                problems.append(where + 'counter %s is not named *_total'
                                % name)
            if not v >= 0:
                problems.append(where + 'counter %s is %s' % (name, value))
        samples.append((name, labels, v))
    for family in set(helps) | set(types):
        if family not in helps:
            problems.append('%s has no HELP' % family)
        if family not in types:
            problems.append('%s has no TYPE' % family)
    return problems, samples


def fmt(v):
    return '%d' % v if v == int(v) else repr(v)


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        problems, samples = parse(f.read())
    if cmd == 'check':
        for p in problems:
            print(p)
        if not problems:
            print('%d samples' % len(samples))
        return 1 if problems else 0
    if problems:
        print('not a valid exposition: %s' % problems[0], file=sys.stderr)
        return 1
    name = sys.argv[3]
    found = [s for s in samples if s[0] == name]
    if cmd == 'count':
        print(len(found))
        return 0
    want = dict(a.split('=', 1) for a in sys.argv[4:])
    found = [s for s in found if all(s[1].get(k) == v
                                     for k, v in want.items())]
    if len(found) != 1:
        print('%d samples of %s match %s' % (len(found), name, want),
              file=sys.stderr)
        return 1
    print(fmt(found[0][2]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
