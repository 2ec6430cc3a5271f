import csv
import io
import os
import sys
import xml.etree.ElementTree as ET

root = ET.parse(os.path.join(os.environ["ROOT"], "samples/ke-hoach-nong-thon-moi-yen-phu-2024.xml")).getroot()
groups = {g.get("id"): g for g in root.iter("group")}
agencies = {a.get("id"): a for a in root.iter("agency")}


def attr(a, name):
    return a.get(name) or groups[a.get("group")].get(name)


names = {i: " ".join("".join(e.find("name").itertext()).split()) for i, e in {**agencies, **groups}.items()}
requested = {i for i, a in agencies.items() if attr(a, "requested") == "yes"} | \
            {i for i, g in groups.items() if g.get("requested") == "yes"}
raw = open("out/appendix.csv", encoding="utf-8-sig").read()
rows = [r for r in csv.reader(io.StringIO(raw, newline="")) if r and r[1].isdigit()]
leads = {" ".join(r[3].split()) for r in rows}
bad = []
for t in root.iter("task"):
    lead = t.get("lead")
    want = ("Đề nghị " if lead in requested else "") + names[lead]
    if want not in leads:
        bad.append(f"task {t.get('id')}: no lead cell {want!r}")
for i, a in agencies.items():
    has = os.path.exists(f"out/letters/{i}.pdf")
    if has != (attr(a, "letter") != "no"):
        bad.append(f"{i}: letter {'made' if has else 'missing'}")
if bad:
    print("; ".join(bad[:5]))
    sys.exit(1)
print(f"{sum(1 for t in root.iter('task') if t.get('lead') in requested)} tasks led by requested "
      f"bodies say 'Đề nghị'; {sum(attr(a, 'letter') == 'no' for a in agencies.values())} "
      f"assignees without a letter have none")
