#!/usr/bin/env python3
"""table.py GEN - the messages of vbgen are the rows of GEN/msg.def, and only those.

Fails (exit 1, one line each) when
  - a row of msg.def is not one line MSG(ID, LEVEL, N_("text")) or MSGN(ID, LEVEL,
    NP_("one", "many")), or an id is given twice;
  (glibc's getopt messages, which main.c's option_error() repeats word for word, are
  not vbgen's and stay _()-marked texts)
  - an id of msg.def is used nowhere in GEN outside msg.c and msg.h (a message nobody
    says: MSG_ID or MSG_ID_FMT in a .c or .h file);
  - a MSG_ID used in GEN is not in msg.def (the compiler says so too);
  - a function with printf's format attribute takes no message id (enum msg_id): a
    reporter of free-form texts, unless it is one of ALLOWED below, which print no
    diagnostic;
  - diag_say() (diag.c's printer of a formatted text) is called outside msg.c, or the
    msg_*_at() functions (which take the text beside the id) outside msg.h's macros and
    msg.c: a call site always names its id and never gives its text;
  - a string literal in a .c file has the form of a diagnostic ("vbgen: ...: error:"),
    outside diag.c (the printer) and main.c's out-of-memory line (MSG_OUT_OF_MEMORY_FMT).
table.py --list MSG.DEF LIST - LIST (vbgen --list-messages) has a line per row of
MSG.DEF, in its order, with its id, level and text."""
import os
import re
import sys

ROW = re.compile(r'^MSGN?\(([A-Z][A-Z0-9_]*), (NOTE|WARNING|ERROR|SYSTEM|USAGE), '
                 r'(?:N_\(("(?:[^"\\]|\\.)*")\)|NP_\(("(?:[^"\\]|\\.)*"), ("(?:[^"\\]|\\.)*")\))\)$')
# printf-like functions that print no message: PDF syntax, and the summary and progress
# lines in the language's numbers (i18n.h)
ALLOWED = {("pdf.c", "putf"), ("i18n.h", "i18n_snprintf"), ("i18n.h", "i18n_fprintf")}


def rows(path):
    out, problems = [], []
    in_comment = False
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        s = line.strip()
        if in_comment or s.startswith("/*"):
            in_comment = "*/" not in s
            continue
        if not s:
            continue
        m = ROW.match(line)
        if m is None:
            problems.append(f"{path}:{n}: not a one-line MSG(ID, LEVEL, N_(\"text\")) row")
            continue
        out.append((m.group(1), m.group(2), m.group(3) or m.group(4)))
    return out, problems


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def check(gen):
    table, problems = rows(os.path.join(gen, "msg.def"))
    ids = [r[0] for r in table]
    problems += [f"msg.def: the id {i} is given twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    sources = {f: open(os.path.join(gen, f), encoding="utf-8").read()
               for f in sorted(os.listdir(gen)) if f.endswith((".c", ".h"))}
    used = set()
    for f, text in sources.items():
        code = strip_comments(text)
        if f not in ("msg.c", "msg.h"):
            used |= set(re.findall(r"\bMSG_([A-Z][A-Z0-9_]*?)(?:_FMT)?\b", code))
        # printf-like functions: each must take a message id
        for m in re.finditer(r"\b(\w+)\s*\(([^;{]*?)\)\s*__attribute__\(\(format\(printf", code):
            name, params = m.group(1), m.group(2)
            if "enum msg_id" not in params and (f, name) not in ALLOWED:
                line = code.count("\n", 0, m.start()) + 1
                problems.append(f"{f}:{line}: {name}() formats a free-form text: give it a "
                                "message id (enum msg_id) and its text in msg.def")
        for m in re.finditer(r"\bdiag_say\s*\(", code):
            if f not in ("msg.c", "diag.c", "diag.h"):
                line = code.count("\n", 0, m.start()) + 1
                problems.append(f"{f}:{line}: diag_say() outside msg.c: say it with msg()")
        for m in re.finditer(r"\b(msg_at|msgn_at|msg_format_at)\s*\(", code):
            if f not in ("msg.c", "msg.h"):
                line = code.count("\n", 0, m.start()) + 1
                problems.append(f"{f}:{line}: {m.group(1)}() called directly: use its "
                                "macro, which passes the id's own text")
        if f.endswith(".c") and f != "diag.c":
            for m in re.finditer(r'"vbgen: [^"]*\b(error|warning|note): ', code):
                if f == "main.c" and "MSG_OUT_OF_MEMORY_FMT" in code[m.start():m.start() + 80]:
                    continue
                line = code.count("\n", 0, m.start()) + 1
                problems.append(f"{f}:{line}: a diagnostic written by hand: say it with msg()")
    for i in ids:
        if i not in used:
            problems.append(f"msg.def: {i} is said nowhere (no MSG_{i} in {gen}): "
                            "remove its row, or say it")
    for i in sorted(used - set(ids) - {"COUNT", "TEXT_MAX"}):
        problems.append(f"MSG_{i} is used but is no row of msg.def")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{len(table)} messages in msg.def, each said somewhere; no free-form message")
    return 0


def check_list(msgdef, listing):
    table, problems = rows(msgdef)
    lines = open(listing, encoding="utf-8").read().splitlines()
    levels = {"NOTE": "note", "WARNING": "warning", "ERROR": "error", "SYSTEM": "system",
              "USAGE": "usage"}
    if len(lines) != len(table):
        print(f"--list-messages printed {len(lines)} lines for {len(table)} messages")
        return 1
    for (ident, level, text), line in zip(table, lines):
        cols = line.split("\t")
        english = bytes(text[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        if cols[0] != ident or cols[1] != levels[level] or not cols[2].startswith(english):
            print(f"--list-messages: {line!r} is not {ident}, {levels[level]}, {english!r}")
            return 1
    print(f"--list-messages: {len(lines)} lines, the table's ids, levels and texts in order")
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--list":
        sys.exit(check_list(sys.argv[2], sys.argv[3]))
    sys.exit(check(sys.argv[1]))
