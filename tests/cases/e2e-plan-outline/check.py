"""The whole outline tree, read with qpdf --json, against the plan: each entry is a
section of the sample (its title after the number, in capitals for the top level, cut
at a character boundary when long) or an appendix, in document order, and each
section's entry sits under the entry of its parent section. The number of entries is
the number of bookmarked lines in the layout dump of the same plan."""
import json
import os
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET


def norm(s):
    return " ".join(unicodedata.normalize("NFC", s).split()).lower()


data = json.loads(subprocess.run(["qpdf", "--json=2", "--json-key=outlines", "plan.pdf"],
                                 capture_output=True, check=True).stdout)
entries = []  # (title, parent index or None), depth first


def walk(items, parent):
    for it in items:
        entries.append((it["title"], parent))
        walk(it["kids"], len(entries) - 1)


walk(data["outlines"], None)
root = ET.parse(os.environ["SAMPLE"]).getroot()
nodes = []  # (title, parent index or None): sections depth first, then appendices


def sections(el, parent):
    for s in el.findall("section"):
        nodes.append((norm(s.findtext("title") or ""), parent))
        sections(s, len(nodes) - 1)


sections(root.find("body"), None)
nodes += [("phụ lục", None) for _ in root.findall("appendix")]
dump = subprocess.run([os.environ["VBGEN"], "plan", os.environ["SAMPLE"], "--dump", "layout"],
                      capture_output=True, check=True).stdout.decode("utf-8")
marked = sum(1 for line in dump.splitlines() if "[bookmark] " in line)
if marked != len(entries):
    print(f"{len(entries)} outline entries, {marked} bookmarked lines in the layout dump")
    sys.exit(1)
match, at = {}, 0  # outline entry -> section node
for i, (title, parent) in enumerate(entries):
    t = norm(title)
    body = t.split(". ", 1)[1] if ". " in t and t[0] in "ivx0123456789" else t
    while at < len(nodes) and not (nodes[at][0].startswith(body) or body.startswith(nodes[at][0])):
        at += 1
    if at == len(nodes):
        print(f"outline entry '{title}' is no section of the plan (or out of order)")
        sys.exit(1)
    match[i] = at
    want_parent = nodes[at][1]
    got_parent = match[parent] if parent is not None else None
    if got_parent != want_parent:
        under = entries[parent][0] if parent is not None else "the top"
        print(f"'{title}' is under '{under}', not under its parent section")
        sys.exit(1)
    at += 1
levels = {}
for i, (_, parent) in enumerate(entries):
    levels[i] = 1 if parent is None else levels[parent] + 1
print(f"{len(entries)} entries nested {max(levels.values())} deep, each under its parent section")
