#!/usr/bin/env python3
"""check_csv.py - checks `vbgen appendix PLAN.xml --csv FILE` against the plan.

    python3 tests/appendix/check_csv.py PLAN.xml FILE.csv

  1. the file starts with the UTF-8 byte-order mark and is UTF-8 (NFC) throughout;
  2. it parses as RFC 4180 CSV (CRLF records, quoted fields): one caption record, then
     one record per task, every record as long as the caption record;
  3. the first column is the group (never empty), then the template's columns;
  4. every task of every appendix appears exactly once, with its text, its lead's name and
     its cooperating agencies' names (agency-names(@support, '; ') of the template), in
     the plan's section order, numbered 1..N.

Exits 1 when anything failed, 2 when it cannot read its input. Standard library only.
"""
import csv
import io
import sys
import unicodedata
import xml.etree.ElementTree as ET

BOM = b"\xef\xbb\xbf"
TEXT, LEAD, SUPPORT = "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp"



def lower_first(s):
    """A group's name after the first in a list reads as in running text ("các sở, ban,
    ngành"): its first letter small when its first word is an ordinary word (vbgen's
    lower-first())."""
    words = s.split(" ")
    first = words[0]
    if (not first or not first[0].isupper() or sum(c.isupper() for c in first) != 1
            or (len(words) > 1 and words[1][:1].isupper())):
        return s
    return first[0].lower() + s[len(first[0]):]


def support_names(names, groups, ids):
    """The cooperating agencies as the template lists them: agency-names(@support, '; ',
    @lead, 'list')."""
    return "; ".join(lower_first(names[i]) if k > 0 and i in groups else names[i]
                     for k, i in enumerate(ids))

def norm(s):
    return " ".join(s.split())


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        root = ET.parse(argv[1]).getroot()
        raw = open(argv[2], "rb").read()
    except (OSError, ET.ParseError) as e:
        print(f"check_csv: cannot read the input: {e}", file=sys.stderr)
        return 2
    fails = []
    if not raw.startswith(BOM):
        fails.append("no UTF-8 byte-order mark at the start")
    text = raw[len(BOM):].decode("utf-8")
    if not unicodedata.is_normalized("NFC", text):
        fails.append("the text is not NFC")
    if "\n" in text.replace("\r\n", ""):
        fails.append("a line ends without CR LF")
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    head, rows = records[0], records[1:]
    if any(len(r) != len(head) for r in rows):
        fails.append("records differ in length from the caption record")
    try:
        c_text, c_lead, c_support = head.index(TEXT), head.index(LEAD), head.index(SUPPORT)
    except ValueError:
        print(f"check_csv: the caption record lacks {TEXT!r}, {LEAD!r} or {SUPPORT!r}: {head}",
              file=sys.stderr)
        return 2
    if any(not r[0] for r in rows):
        fails.append("a task without its group")
    if [r[1] for r in rows] != [str(k) for k in range(1, len(rows) + 1)]:
        fails.append("the STT column is not 1..N in order")
    names = {a.get("id"): norm("".join(a.find("name").itertext())) for a in root.find("agencies")}
    found = {}
    for r in rows:
        key = (norm(r[c_text]), r[c_lead], r[c_support])
        found[key] = found.get(key, 0) + 1
    ntasks = 0
    for t in root.iter("task"):
        ntasks += 1
        groups = {g.get("id") for g in root.find("agencies") if g.tag == "group"}
        key = (norm("".join(t.find("text").itertext())), names[t.get("lead")],
               support_names(names, groups, (t.get("support") or "").split()))
        if found.get(key, 0) != 1:
            fails.append(f"task {t.get('id')} appears {found.get(key, 0)} times with its text, lead "
                         f"and cooperating agencies")
    if len(rows) != ntasks:
        fails.append(f"{len(rows)} task records for {ntasks} tasks")
    for f in fails[:20]:
        print("FAIL  " + f)
    print(f"check_csv: {len(rows)} task records, {len(head)} columns: "
          f"{'no failure' if not fails else f'{len(fails)} failures'}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
