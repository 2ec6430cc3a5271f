#!/usr/bin/env python3
"""check_reading.py PLAN.xml OUTDIR: reads the documents `vbgen all PLAN.xml -o OUTDIR` wrote
(letters/<id>.pdf, appendix.pdf, appendix.csv, plan.pdf) the way the records office would, and
checks what the plan says they must say:

  once        a task's text is in a letter at most once, under the role the agency has:
              among the tasks it leads when it leads it (itself or through its group), else
              among the tasks it supports
  partner     no agency is named as its own partner: not in its letter's "(phối hợp: ...)"
              lists, not in the appendix's cooperating column of a task it leads
  mid-list    a group's name after "phối hợp:" or "chủ trì:" reads as in running text
              ("các sở, ban, ngành ...") when its first word is an ordinary word
  titles      "Chức vụ:" gives the head's title, and a People's Committee's title names the
              committee ("Chủ tịch UBND xã Cam An"); "Cam kết với" gives the receiver's title
              as written, which names its body
  header      a People's Committee's letter starts "ỦY BAN NHÂN DÂN" / its unit, with no
              parent line
  place       the date line starts with the agency's place: its own, a People's
              Committee's place name, else the plan's
  slash       no line of any document's text ends in a number's or symbol's "/"
              ("165/" | "KH-UBND")
  full stop   no target ends in two full stops
  notes       the appendix CSV has a "Ghi chú" column with each task's note, and the note is
              not in the product's column
Prints "ok NAME" or "FAIL NAME: ..." per check and a last line "reading: N passed, N failed";
exit status 1 when any failed."""
import csv
import io
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

LEVELS = ("thành phố ", "thị trấn ", "thị xã ", "đặc khu ", "phường ", "huyện ", "quận ",
          "tỉnh ", "xã ")


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def text_of(el):
    return norm("".join(el.itertext())) if el is not None else ""


def pdftext(path, layout=False):
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [path, "-"]
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def committee(name):
    """(unit, place) of a People's Committee's name, as vbgen's text_committee() reads it."""
    for prefix in ("Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND "):
        if name.startswith(prefix):
            unit = name[len(prefix):]
            for level in LEVELS:
                if unit.startswith(level) and unit[len(level):][:1].isupper():
                    return unit, unit[len(level):]
    return None


def lower_first(s):
    words = s.split(" ")
    first = words[0]
    if (not first or not first[0].isupper() or sum(c.isupper() for c in first) != 1
            or (len(words) > 1 and words[1][:1].isupper())):
        return s
    return first[0].lower() + s[len(first[0]):]


def squash(s):
    return re.sub(r"\s+", "", s)


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {name}: " + "; ".join(problems[:4]) +
                  (f" (and {len(problems) - 4} more)" if len(problems) > 4 else ""))
        else:
            self.passed += 1
            print(f"ok   {name}")


def main(plan_path, out):
    root = ET.parse(plan_path).getroot()
    r = Report()
    agencies = {a.get("id"): a for a in root.iter("agency")}
    groups = {g.get("id"): g for g in root.iter("group")}
    names = {i: text_of(e.find("name")) for i, e in {**agencies, **groups}.items()}
    place = text_of(root.find("document/place"))
    receiver = text_of(root.find("commitments/receiver/title"))
    tasks = list(root.iter("task"))
    letters = {i: os.path.join(out, "letters", i + ".pdf") for i in agencies}

    once, partner, midlist, titles, header, places, stops = [], [], [], [], [], [], []
    for aid, a in agencies.items():
        if not os.path.exists(letters[aid]):
            once.append(f"{aid}: no letter")
            continue
        # the page numbers at the top of pages 2, 3, ... are no part of the text
        flat = norm(" ".join(l for l in pdftext(letters[aid]).replace("\f", "\n").splitlines()
                             if not l.strip().isdigit()))
        body = squash(flat)
        group = a.get("group")
        led_at = body.find(squash("Chủ trì thực hiện các nhiệm vụ:"))
        sup_at = body.find(squash("Phối hợp thực hiện các nhiệm vụ:"))
        for t in tasks:
            text = squash(text_of(t.find("text")))
            n = body.count(text)
            support = (t.get("support") or "").split()
            leads = t.get("lead") in (aid, group)
            supports = aid in support or group in support
            if n > 1:
                once.append(f"{aid}: task {t.get('id')} {n} times")
            if n == 0 and (leads or supports):
                once.append(f"{aid}: task {t.get('id')} missing")
            if n == 1 and not (leads or supports):
                once.append(f"{aid}: task {t.get('id')} is not its own")
            if n == 1 and (leads or supports):
                at = body.find(text)
                in_led = led_at >= 0 and at > led_at and (sup_at < 0 or at < sup_at)
                if leads != in_led:
                    once.append(f"{aid}: task {t.get('id')} listed as "
                                f"{'led' if in_led else 'supported'}")
                # the partners printed after the task: "(phối hợp: A; B)" or "(chủ trì: A)"
                after = body[at + len(text):at + len(text) + 2000]
                m = re.match(r"\((phốihợp|chủtrì):(.*?)\);", after)
                if m:
                    listed = m.group(2).split(";")
                    if squash(names[aid]) in listed:
                        partner.append(f"{aid}: its own partner in task {t.get('id')}")
                    ids = support if m.group(1) == "phốihợp" else [t.get("lead")]
                    for i in ids:
                        if i in groups and squash(lower_first(names[i])) not in listed:
                            midlist.append(f"{aid}: task {t.get('id')}: group {i} not "
                                           f"written {lower_first(names[i])!r}")
        # titles, header, place
        head_title = text_of(a.find("head/title"))
        c = committee(names[aid])
        if head_title and f"Chức vụ: {head_title}" not in flat:
            titles.append(f"{aid}: no 'Chức vụ: {head_title}'")
        if c and c[1] not in head_title:
            titles.append(f"{aid}: title {head_title!r} does not name {names[aid]!r}")
        if receiver and f"Cam kết với {receiver} thực hiện" not in flat:
            titles.append(f"{aid}: no 'Cam kết với {receiver} thực hiện'")
        first = [l.strip() for l in pdftext(letters[aid], layout=True).splitlines() if l.strip()]
        left = [re.split(r"\s{3,}", l)[0] for l in first[:3]]
        if c and (not left or left[0] != "ỦY BAN NHÂN DÂN" or
                  left[1] != unicodedata.normalize("NFC", c[0].upper())):
            header.append(f"{aid}: header starts {left[:2]}")
        want = text_of(a.find("place")) or (c[1] if c else place)
        if not re.search(re.escape(want) + r", ngày", flat):
            places.append(f"{aid}: no '{want}, ngày'")
        if ".." in flat.replace("./.", "").replace("...", ""):
            stops.append(f"{aid}: two full stops")
    r.check("once: each task once per letter, in its strongest role", once)
    r.check("partner: no agency is its own partner in the letters", partner)
    r.check("mid-list: group names read mid-sentence after 'phối hợp:'/'chủ trì:'", midlist)
    r.check("titles: 'Chức vụ:' and 'Cam kết với' name their bodies", titles)
    r.check("header: People's Committees print ỦY BAN NHÂN DÂN / their unit, no parent", header)
    r.check("place: each letter's date line has its agency's place", places)
    r.check("full stop: no target ends in two full stops", stops)

    # no line ends in a number's slash, in any document
    slash = []
    for path in [os.path.join(out, f) for f in ("plan.pdf", "appendix.pdf")] + list(letters.values()):
        if not os.path.exists(path):
            continue
        for line in pdftext(path).splitlines():
            if re.search(r"[0-9A-Za-zĐđ]/$", line.strip()):
                slash.append(f"{os.path.basename(path)}: {line.strip()[-40:]!r}")
    r.check("slash: no line of text ends in a number's '/'", slash)

    # the appendix CSV: notes in their own column; the lead not among its partners
    notes = []
    raw = open(os.path.join(out, "appendix.csv"), "rb").read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    head, rows = rows[0], rows[1:]
    if "Ghi chú" not in head:
        notes.append(f"no 'Ghi chú' column in {head}")
    else:
        c_note, c_prod = head.index("Ghi chú"), head.index("Sản phẩm")
        c_text, c_lead, c_sup = head.index("Nội dung nhiệm vụ"), head.index("Cơ quan chủ trì"), head.index("Cơ quan phối hợp")
        by_text = {norm(row[c_text]): row for row in rows}
        for t in tasks:
            row = by_text.get(text_of(t.find("text")))
            if row is None:
                notes.append(f"task {t.get('id')} not in the CSV")
                continue
            note = text_of(t.find("note"))
            if norm(row[c_note]) != note:
                notes.append(f"task {t.get('id')}: note {row[c_note]!r}, expected {note!r}")
            if note and note in row[c_prod]:
                notes.append(f"task {t.get('id')}: the note is in the product column")
            if row[c_lead] in [s.strip() for s in row[c_sup].split(";")]:
                partner.append(f"appendix: task {t.get('id')}: its lead among its partners")
    r.check("notes: the appendix's notes are a column of their own", notes)
    r.check("partner: no lead among its partners in the appendix", [p for p in partner if p.startswith("appendix")])
    print(f"reading: {r.passed} passed, {r.failed} failed")
    return 1 if r.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
