#!/usr/bin/env python3
"""msg_fmt.py MSG.DEF OUT.H - each message's text as a literal, for the compiler's checks.

gen/msg.h makes the enum of ids and gen/msg.c the table from gen/msg.def with the
preprocessor alone; what the preprocessor cannot make is a macro per message, and a
call site needs the literal text of its id for -Wformat to compare its arguments with
the conversions (msg(file, line, MSG_X, ...) passes MSG_X_FMT). This writes, for each
line MSG(ID, LEVEL, N_("text")), `#define MSG_ID_FMT "text"` (for MSGN, the form for
many, whose conversions must be the form for one's).

It also refuses what the table must not hold, and stops the build with the line: a
message over several lines (the generated header would miss it), an id given twice, an
unknown level, a conversion without its ' flag's meaning (%'s), a %n."""
import re
import sys

LINE = re.compile(r'^MSG\(([A-Z][A-Z0-9_]*), (NOTE|WARNING|ERROR|SYSTEM|USAGE), N_\(("(?:[^"\\]|\\.)*")\)\)$')
LINEN = re.compile(r'^MSGN\(([A-Z][A-Z0-9_]*), (NOTE|WARNING|ERROR|SYSTEM|USAGE), '
                   r'NP_\(("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\)\)$')
CONV = re.compile(r"%([-+ #0']*)([0-9]+|\*)?(\.[0-9]*|\.\*)?(hh|h|ll|l|z|j|t|L)?([diouxXeEfgGaAcspn%])")


def conversions(text):
    return [(m.group(2) or '', m.group(3) or '', m.group(4) or '', m.group(5))
            for m in CONV.finditer(text) if m.group(5) != '%']


def check_text(where, text):
    for m in CONV.finditer(text):
        if m.group(5) == 'n':
            sys.exit(f"{where}: %n has no place in a message")
        if "'" in m.group(1) and m.group(5) not in 'diufFgG':
            sys.exit(f"{where}: the ' flag groups the digits of a number, not of %{m.group(5)}")


def main():
    src, out = sys.argv[1], sys.argv[2]
    ids, lines = set(), []
    in_comment = False
    for n, line in enumerate(open(src, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        where = f"{src}:{n}"
        s = line.strip()
        if in_comment:
            in_comment = '*/' not in s
            continue
        if s.startswith('/*'):
            in_comment = '*/' not in s
            continue
        if s == '':
            continue
        m = LINE.match(line) or LINEN.match(line)
        if m is None:
            sys.exit(f"{where}: not a line MSG(ID, LEVEL, N_(\"text\")) on one line")
        ident = m.group(1)
        if ident in ids:
            sys.exit(f"{where}: the id {ident} is given twice")
        ids.add(ident)
        texts = [g for g in m.groups()[2:] if g is not None]
        for t in texts:
            check_text(where, t)
        if len(texts) == 2 and conversions(texts[0]) != conversions(texts[1]):
            sys.exit(f"{where}: the two forms of {ident} do not have the same conversions")
        lines.append(f"#define MSG_{ident}_FMT {texts[-1]}")
    with open(out + '.tmp', 'w', encoding='utf-8') as f:
        f.write("/* Written by tools/msg_fmt.py from gen/msg.def: do not edit. */\n")
        f.write('\n'.join(lines) + '\n')
    import os
    os.replace(out + '.tmp', out)


main()
