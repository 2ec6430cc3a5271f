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
  kinds       each kind of assignee reads as it is: a position under the issuer's header
              with "Chức danh:" and the issuer as its "Cơ quan, đơn vị"; a village under the
              national name alone with "Chức danh:" and "Thôn, tổ dân phố:"; an organisation
              with "Tổ chức:"; the Youth Union under "ĐOÀN TNCS HỒ CHÍ MINH" instead of the
              national name; a requested body commits to cooperate, under no sanction; an
              assignee with letter="no" gets no letter
  basis       "về việc" is followed by the summary as it reads mid-sentence, never a
              lowered capital before another ("uBND")
  level       the two signers' names stand on one line
  summary     no summary (the plan's, a letter's) ends in one word alone on its line
Prints "ok NAME" or "FAIL NAME: ..." per check and a last line "reading: N passed, N failed";
exit status 1 when any failed."""
import csv
import functools
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


@functools.lru_cache(maxsize=None)  # several checks read each letter's text
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


COUNTING = ("Các", "Những", "Mọi", "Mỗi", "Từng", "Toàn", "Tất")


def lower_group(s):
    """A group's name mid-sentence, as vbgen's text_lower_group(): only a first word that
    counts bodies loses its capital ("các sở, ban, ngành")."""
    first = s.split(" ")[0]
    return first[0].lower() + s[1:] if first in COUNTING else s


def kind_of(a, groups):
    k = a.get("kind") or groups.get(a.get("group"), ET.Element("g")).get("kind")
    if k:
        return k
    return "committee" if committee(text_of(a.find("name"))) else "body"


def attr_of(a, groups, name):
    return a.get(name) or groups.get(a.get("group"), ET.Element("g")).get(name)


def squash(s):
    return re.sub(r"\s+", "", s)


def lonely_summary(laid, title, who):
    """The lines of the summary under the title (centred, before the first blank line) of
    a laid-out first page: a problem when there are several and the last holds one word."""
    lines = laid.split("\f")[0].splitlines()
    at = next((i for i, l in enumerate(lines) if l.strip() == title), None)
    if at is None:
        return [f"{who}: no '{title}' line"]
    got = []
    for l in lines[at + 1:]:
        if not l.strip():
            break
        got.append(l.strip())
    if len(got) > 1 and len(got[-1].split()) == 1:
        return [f"{who}: the summary ends in {got[-1]!r} alone"]
    return []


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
    issuer = root.find("document/issuer")
    issuer_short = text_of(issuer.find("short")) or text_of(issuer.find("name"))
    with_letter = {i for i, a in agencies.items() if attr_of(a, groups, "letter") != "no"}
    letters = {i: os.path.join(out, "letters", i + ".pdf") for i in with_letter}

    once, partner, midlist, titles, header, places, stops = [], [], [], [], [], [], []
    kinds, basis, level, summary = [], [], [], []
    for aid in agencies:
        if aid not in with_letter and os.path.exists(os.path.join(out, "letters", aid + ".pdf")):
            kinds.append(f"{aid}: letter=\"no\" but it has a letter")
    for aid in with_letter:
        a = agencies[aid]
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
                        if i in groups and squash(lower_group(names[i])) not in listed:
                            midlist.append(f"{aid}: task {t.get('id')}: group {i} not "
                                           f"written {lower_group(names[i])!r}")
        # titles, header, place
        head_title = text_of(a.find("head/title"))
        kind = kind_of(a, groups)
        c = committee(names[aid]) if kind == "committee" else None
        caption = "Chức danh" if kind in ("position", "village") else "Chức vụ"
        if head_title and f"{caption}: {head_title}" not in flat:
            titles.append(f"{aid}: no '{caption}: {head_title}'")
        if c and c[1] not in head_title:
            titles.append(f"{aid}: title {head_title!r} does not name {names[aid]!r}")
        commits = "Cam kết phối hợp với" if attr_of(a, groups, "requested") == "yes" else "Cam kết với"
        if receiver and f"{commits} {receiver} thực hiện" not in flat:
            titles.append(f"{aid}: no '{commits} {receiver} thực hiện'")
        laid = pdftext(letters[aid], layout=True)
        first = [l.strip() for l in laid.splitlines() if l.strip()]
        left = [re.split(r"\s{3,}", l)[0] for l in first[:3]]
        if c and (not left or left[0] != "ỦY BAN NHÂN DÂN" or
                  left[1] != unicodedata.normalize("NFC", c[0].upper())):
            header.append(f"{aid}: header starts {left[:2]}")
        # each kind of assignee
        top = " ".join(first[:6])
        form = attr_of(a, groups, "form") or "state"
        requested = attr_of(a, groups, "requested") == "yes"
        if kind == "position":
            ic = committee(text_of(issuer.find("name")))
            if ic and not (left[0] == "ỦY BAN NHÂN DÂN" and left[1] == ic[0].upper()):
                kinds.append(f"{aid}: a position's header starts {left[:2]}")
            if f"Cơ quan, đơn vị: {issuer_short}" not in flat:
                kinds.append(f"{aid}: no 'Cơ quan, đơn vị: {issuer_short}'")
        if kind == "village":
            if not first or not first[0].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
                kinds.append(f"{aid}: a village's letter starts {first[:1]}")
            if f"Thôn, tổ dân phố: {names[aid]}" not in flat or "Cơ quan, đơn vị:" in flat:
                kinds.append(f"{aid}: no 'Thôn, tổ dân phố: {names[aid]}'")
        if kind == "organisation" and f"Tổ chức: {names[aid]}" not in flat:
            kinds.append(f"{aid}: no 'Tổ chức: {names[aid]}'")
        if form == "youth-union" and ("ĐOÀN TNCS HỒ CHÍ MINH" not in top or
                                      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in top):
            kinds.append(f"{aid}: the Youth Union's header reads {top[:120]!r}")
        if form == "state" and kind != "village" and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in top:
            kinds.append(f"{aid}: no national name in the header")
        if requested and ("Cam kết phối hợp với" not in flat or "hình thức xử lý" in flat):
            kinds.append(f"{aid}: a requested body's letter does not commit to cooperate, "
                         f"or names a sanction")
        m = re.search(r"về việc (\w)(\w)", flat)
        if m and m.group(1).islower() and m.group(2).isupper():
            basis.append(f"{aid}: 'về việc {m.group(1)}{m.group(2)}...'")
        # the names of both signers on one line of the laid-out last page
        rname = text_of(root.find("commitments/receiver/name"))
        hname = text_of(a.find("head/name"))
        if rname and hname and not any(rname in l and hname in l for l in laid.splitlines()):
            level.append(f"{aid}: '{rname}' and '{hname}' are not level")
        summary += lonely_summary(laid, "BẢN CAM KẾT", aid)
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
    r.check("kinds: positions, villages, organisations, the Youth Union read as they are", kinds)
    r.check("basis: 'về việc' is followed by the summary as it reads mid-sentence", basis)
    r.check("level: the two signers' names stand on one line", level)
    summary += lonely_summary(pdftext(os.path.join(out, "plan.pdf"), layout=True), "KẾ HOẠCH", "plan")
    r.check("summary: no summary ends in one word alone on its line", summary)

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
    records = list(csv.reader(io.StringIO(raw, newline="")))
    # one table per appendix, each with its caption record, separated by an empty record
    tables, cur = [], []
    for rec in records:
        if not rec:
            tables.append(cur)
            cur = []
        else:
            cur.append(rec)
    tables.append(cur)
    heads = [t[0] for t in tables if t]
    head = heads[0]
    rows = [row for t in tables if t for row in t[1:]]
    if any(h != head for h in heads):
        notes.append(f"the appendices' tables have different columns: {heads}")
    if "Ghi chú" not in head:
        notes.append(f"no 'Ghi chú' column in {head}")
    else:
        c_note, c_prod = head.index("Ghi chú"), head.index("Sản phẩm")
        c_text = head.index("Nội dung nhiệm vụ")
        c_lead = head.index("Cơ quan chủ trì") if "Cơ quan chủ trì" in head else head.index("Chủ trì")
        c_sup = head.index("Cơ quan phối hợp") if "Cơ quan phối hợp" in head else head.index("Phối hợp")
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
