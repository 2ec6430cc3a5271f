#!/usr/bin/env python3
"""writable.py ALLOWED OBJ... - the writable file-scope data of object files.

A variable of static storage that is not const (file scope, or static inside a function)
goes to .data or .bss (nm's d, D, b, B; .tdata/.tbss when thread-local; *COM* when
common). With -fPIE (Debian's default) a const table of pointers goes to .data.rel.ro,
which nm also calls d but the loader makes read-only (RELRO): it is not state, and is
not counted. A function's static gets the compiler's suffix (buf.0): it is dropped, so
that the allowed list names the variable.

ALLOWED holds lines "OBJECT SYMBOL REASON" (# starts a comment). Prints each writable
symbol not allowed, and each allowed one that is no longer there (the list must stay
true); exits 1 when there is either, else prints a count and exits 0."""
import os
import re
import subprocess
import sys

WRITABLE = re.compile(r"^(\.data|\.bss|\.tdata|\.tbss)(\..*)?$|^\*COM\*$")
RELRO = re.compile(r"^\.data\.rel\.ro(\..*)?$")


def symbols(obj):
    out = subprocess.run(["objdump", "-t", obj], capture_output=True, text=True,
                         check=True).stdout
    found = set()
    for line in out.splitlines():
        # "0000000000000000 l     O .bss\t0000000000000004 x"
        m = re.match(r"^[0-9a-f]+ (.{7}) (\S+)\t[0-9a-f]+\s+(\S+)$", line)
        if m is None:
            continue
        flags, section, name = m.groups()
        if "O" not in flags and section != "*COM*":
            continue
        if WRITABLE.match(section) and not RELRO.match(section):
            found.add(re.sub(r"\.\d+$", "", name))
    return found


def main():
    allowed = {}
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                obj, sym, _reason = line.split(None, 2)
                allowed[(obj, sym)] = True
    bad = []
    seen = set()
    for obj in sys.argv[2:]:
        base = os.path.basename(obj)
        for sym in sorted(symbols(obj)):
            if (base, sym) in allowed:
                seen.add((base, sym))
            else:
                bad.append(f"{base}: {sym}: writable file-scope data")
    for key in sorted(allowed):
        if key not in seen and any(os.path.basename(o) == key[0] for o in sys.argv[2:]):
            bad.append(f"{key[0]}: {key[1]}: allowed but no longer there")
    for b in bad:
        print(b)
    if bad:
        print(f"{len(bad)} problem(s)")
        return 1
    print(f"writable data: {len(seen)} allowed symbol(s), nothing else")
    return 0


if __name__ == "__main__":
    sys.exit(main())
