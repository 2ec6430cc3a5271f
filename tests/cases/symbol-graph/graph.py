#!/usr/bin/env python3
"""graph.py - the stages' symbol graph, from nm: which object of gen/ uses which.

    python3 graph.py ALLOWED OBJ.o...

An edge a -> b means a.o leaves undefined a symbol that b.o defines (a calls b, or reads
its data). The pipeline runs one way, so the graph must have no cycle: the script prints
every cycle (each strongly connected set of stages, and the edges inside it that are not
allowed), the stages in the order they may be built up from the leaves, and exits 1 when
a cycle is not allowed. ALLOWED lists edges "a -> b  reason" that may close a cycle.
"""
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind.isupper() or kind in ("w", "v"):  # global: lower case is file-local
            defined.add(name)
    return defined, undefined


def sccs(nodes, edges):
    """Tarjan's strongly connected components, each a sorted list."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv):
    allowed = {}
    for line in open(argv[1], encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line:
            a, _, rest = line.partition("->")
            b = rest.split()[0]
            allowed[(a.strip(), b)] = rest[len(b) + 1:].strip()
    objs = argv[2:]
    stage = {o: os.path.basename(o)[:-2] for o in objs}
    defs, undefs = {}, {}
    for o in objs:
        defs[stage[o]], undefs[stage[o]] = symbols(o)
    owner = {}
    for s, ds in defs.items():
        for d in ds:
            owner[d] = s
    edges = {s: set() for s in defs}
    for s, us in undefs.items():
        for u in us:
            if u in owner and owner[u] != s:
                edges[s].add(owner[u])
    n_edges = sum(len(e) for e in edges.values())
    print("%d stages, %d edges between them" % (len(edges), n_edges))
    bad = 0
    comps = sccs(edges.keys(), edges)
    for comp in comps:
        if len(comp) < 2:
            continue
        inside = sorted((a, b) for a in comp for b in edges[a] if b in comp)
        print("cycle: " + " ".join(comp))
        # the cycle stays when the allowed edges are taken out?
        trimmed = {a: {b for b in edges[a] if b in comp and (a, b) not in allowed}
                   for a in comp}
        still = [c for c in sccs(comp, trimmed) if len(c) > 1]
        for a, b in inside:
            mark = "allowed: " + allowed[(a, b)] if (a, b) in allowed else ""
            print(("  %s -> %s %s" % (a, b, mark)).rstrip())
        if still:
            bad += 1
    for (a, b), why in sorted(allowed.items()):
        if b not in edges.get(a, ()):
            print("allowed edge %s -> %s is not in the graph any more: remove it" % (a, b))
            bad += 1
    # the order from the leaves (Tarjan gives components leaves first)
    print("from the leaves: " + " ".join(" ".join(c) if len(c) == 1 else "{" + " ".join(c) + "}"
                                          for c in comps))
    if bad:
        print("FAIL: the stages call each other in a circle")
        return 1
    print("no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
