"""The outline's top level, as mutool reads it: one entry per top-level section of the
sample, numbered and in capitals as printed ("I. MỤC ĐÍCH, YÊU CẦU"), in order; after
them only appendices; and subsections below."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET


def roman(n):
    out = ""
    for v, s in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


body = ET.parse(os.environ["SAMPLE"]).getroot().find("body")
want = [f"{roman(i)}. " + " ".join(s.findtext("title").split()).upper()
        for i, s in enumerate(body.findall("section"), 1)]
outline = subprocess.run(["mutool", "show", "plan.pdf", "outline"], capture_output=True,
                         check=True).stdout.decode("utf-8")
top, inner = [], 0
for line in outline.splitlines():
    m = re.match(r'^[-+|](\t+)"(.*)"\t#', line)
    if not m:
        continue
    if len(m.group(1)) == 1:
        top.append(m.group(2))
    else:
        inner += 1
if top[: len(want)] != want:
    print(f"top level is {top}, expected {want} first")
    sys.exit(1)
extra = [t for t in top[len(want):] if not t.startswith("Phụ lục")]
if extra:
    print(f"unexpected top-level entries {extra}")
    sys.exit(1)
if inner == 0:
    print("no subsections in the outline")
    sys.exit(1)
print(f"{' '.join(t.split('.')[0] + '.' for t in want)} and {inner} subsections")
