#!/usr/bin/env python3
"""check_dump.py - checks the table pages of an appendix from `vbgen ... --dump layout`.

    vbgen appendix PLAN.xml --dump layout > A.dump
    python3 tests/appendix/check_dump.py [--template T.xml] [--plan PLAN.xml] [--tasks N] A.dump

Reads the dump (gen/dump.c: one line per text line and per cell border) and the template
the dump was made with (default templates/appendix.xml: its page margins, style sizes and
table padding), rebuilds the table's rows from the cell borders (a row is the boxes that
share a top edge), and checks what the appendix issue asks of the table engine:

  1. every text line and every box lies inside the page margins (the page number, in the
     top margin, excepted);
  2. every text line of the table lies inside its cell's box, clear of the border; no text
     sits below the title block outside a cell;
  3. every page that continues a table starts, right under the page number, with the
     header row (same captions, same columns) at the top margin;
  4. rows follow each other without gaps or overlaps, each as wide as the header;
  5. a row is split across pages only when it is taller than an empty page under the
     header; a split row continues at the top of the next page (a part whose first cell,
     the STT, is empty), every part with its own closed box;
  6. no page ends with a group row;
  7. the STT column numbers the tasks 1..N without gaps (N = --tasks when given);
  8. with --plan: every task of the plan appears exactly once, with its text, its lead's
     name and its cooperating agencies' names (agency-names(@support, '; ')), compared
     with white space removed, since a long word may break between characters.

Text extents: a line's box is its baseline less ASCENT x size to its baseline plus
DESCENT x size (Times New Roman and its metric twin Liberation Serif). Prints what it
found and one line per failure; exits 1 when anything failed, 2 when it cannot read its
input. Only the Python standard library is used.
"""
import argparse
import os
import re
import statistics
import sys
import xml.etree.ElementTree as ET

MM = 72 / 25.4
ASCENT, DESCENT = 0.891, 0.216  # em, Times New Roman / Liberation Serif
TOL = 0.05                      # pt: dump values are rounded to 0.01
HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "..", "templates", "appendix.xml")

# "  text X Y W STYLE TEXT": the style is padded to 12 characters (gen/dump.c).
TEXT = re.compile(r"^  text +(-?[\d.]+) +(-?[\d.]+) +(-?[\d.]+) (\S+) ?(.*)$")
STYLE_WIDTH = 12
BOX = re.compile(r"^  box +(-?[\d.]+) +(-?[\d.]+) +(-?[\d.]+) +(-?[\d.]+)$")
PAGE = re.compile(r"^page (\d+) ([\d.]+)x([\d.]+) number=(\d+)$")



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

def length(s, default):
    if s is None:
        return default
    m = re.fullmatch(r"\s*(-?[\d.]+)\s*(mm|cm|pt|in)?\s*", s)
    v, unit = float(m.group(1)), m.group(2) or "pt"
    return v * {"mm": MM, "cm": 10 * MM, "pt": 1, "in": 72}[unit]


class Template:
    """What the checks need from the template: margins, style sizes, table padding."""

    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.sizes = {}
        for s in root.iter("style"):
            parent = s.get("parent")
            size = self.sizes.get(parent, 14.0) if parent else 14.0
            self.sizes[s.get("name")] = float(s.get("size", size))
        page = root.find("page")
        self.top = length(page.get("top"), 20 * MM)
        self.bottom = length(page.get("bottom"), 20 * MM)
        self.left = length(page.get("left"), 30 * MM)
        self.right = length(page.get("right"), 15 * MM)
        table = root.find(".//table")
        self.pad = length(table.get("padding") if table is not None else None, 3)
        self.border = length(table.get("border") if table is not None else None, 0.5)


class Text:
    def __init__(self, m):
        self.x, self.y, self.w = float(m.group(1)), float(m.group(2)), float(m.group(3))
        self.style = m.group(4)
        rest = m.string[m.start(4):]
        text = rest[max(STYLE_WIDTH, len(self.style)) + 1:]
        self.text = text[len("[bookmark] "):] if text.startswith("[bookmark] ") else text


class Box:
    def __init__(self, m):
        self.x, self.y, self.w, self.h = (float(m.group(k)) for k in range(1, 5))
        self.texts = []

    def content(self):
        return " ".join(t.text for t in self.texts)


class Page:
    def __init__(self, m):
        self.n, self.width, self.height = int(m.group(1)), float(m.group(2)), float(m.group(3))
        self.texts, self.boxes, self.rows = [], [], []


def read(path):
    pages = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = PAGE.match(line)
            if m:
                pages.append(Page(m))
                continue
            m = TEXT.match(line)
            if m:
                pages[-1].texts.append(Text(m))
                continue
            m = BOX.match(line)
            if m:
                pages[-1].boxes.append(Box(m))
    return pages


class Checker:
    def __init__(self, t):
        self.t = t
        self.failures = 0

    def fail(self, msg):
        self.failures += 1
        if self.failures <= 40:
            print("FAIL  " + msg)

    def size(self, style):
        return self.t.sizes.get(style, 12.0)

    def margins(self, p):
        t = self.t
        for x in p.texts:
            s = self.size(x.style)
            if x.y < t.top:  # the page number lives in the top margin
                if not re.fullmatch(r"\d+", x.text):
                    self.fail(f"p{p.n}: text in the top margin that is no page number: {x.text!r}")
                continue
            if (x.x < t.left - TOL or x.x + x.w > p.width - t.right + TOL or
                    x.y - ASCENT * s < t.top - TOL or x.y + DESCENT * s > p.height - t.bottom + TOL):
                self.fail(f"p{p.n}: text outside the margins at x {x.x:.2f}-{x.x + x.w:.2f} "
                          f"y {x.y:.2f}: {x.text[:40]!r}")
        for b in p.boxes:
            if (b.x < t.left - TOL or b.x + b.w > p.width - t.right + TOL or
                    b.y < t.top - TOL or b.y + b.h > p.height - t.bottom + TOL):
                self.fail(f"p{p.n}: cell border outside the margins: {b.x:.2f} {b.y:.2f} {b.w:.2f} {b.h:.2f}")

    def cells(self, p):
        """Puts each text line into the box holding its baseline's left end; checks that
        it lies wholly inside, and that no table text stands outside a cell."""
        t = self.t
        by_top = {}
        for b in p.boxes:
            by_top.setdefault(round(b.y, 1), []).append(b)
        p.rows = [sorted(by_top[k], key=lambda b: b.x) for k in sorted(by_top)]
        first_top = p.rows[0][0].y if p.rows else None
        for x in p.texts:
            if x.y < t.top:
                continue
            home = [b for b in p.boxes if b.x - TOL <= x.x <= b.x + b.w and b.y - TOL <= x.y <= b.y + b.h]
            if not home:
                if first_top is not None and x.y > first_top:
                    self.fail(f"p{p.n}: text below the table's top outside every cell: {x.text[:40]!r}")
                continue
            b = home[0]
            s = self.size(x.style)
            inner = t.border / 2
            if (x.x < b.x + inner - TOL or x.x + x.w > b.x + b.w - inner + TOL or
                    x.y - ASCENT * s < b.y + inner - TOL or x.y + DESCENT * s > b.y + b.h - inner + TOL):
                self.fail(f"p{p.n}: text crosses its cell's border (cell x {b.x:.2f}-{b.x + b.w:.2f} "
                          f"y {b.y:.2f}-{b.y + b.h:.2f}; line x {x.x:.2f}-{x.x + x.w:.2f} y {x.y:.2f}): "
                          f"{x.text[:40]!r}")
            b.texts.append(x)

    def line_pitch(self, pages):
        """The distance between baselines in a cell, per style, as the dump shows it."""
        gaps = {}
        for p in pages:
            for b in p.boxes:
                for a, c in zip(b.texts, b.texts[1:]):
                    if a.style == c.style:
                        gaps.setdefault(a.style, []).append(round(c.y - a.y, 2))
        return {s: statistics.median(g) for s, g in gaps.items()}

    def run(self, pages, plan, ntasks):
        t = self.t
        for p in pages:
            self.margins(p)
            self.cells(p)
        pitch = self.line_pitch(pages)
        header, header_sig = None, None
        logical = []       # rows of the table: list of parts (page, boxes)
        stt = []           # the STT column of each table
        split = 0
        for p in pages:
            if not p.rows:
                continue
            body_texts = [x for x in p.texts if x.y >= t.top]
            title_block = any(x.y < p.rows[0][0].y for x in body_texts)
            sig = [(round(b.x, 1), round(b.w, 1), b.content()) for b in p.rows[0]]
            if title_block or header is None:
                header, header_sig = p.rows[0], sig  # a table starts under its title
                stt.append([])
            else:
                if sig != header_sig:
                    self.fail(f"p{p.n}: the page does not start with the header row "
                              f"(first row: {' | '.join(c for _, _, c in sig)[:80]!r})")
                if abs(p.rows[0][0].y - t.top) > TOL:
                    self.fail(f"p{p.n}: the header row is not at the top margin (y {p.rows[0][0].y:.2f})")
            width = sum(b.w for b in header)
            for a, c in zip(p.rows, p.rows[1:]):
                if abs(a[0].y + a[0].h - c[0].y) > TOL:
                    self.fail(f"p{p.n}: rows at y {a[0].y:.2f} and {c[0].y:.2f} do not meet")
            for k, row in enumerate(p.rows[1:]):
                if abs(sum(b.w for b in row) - width) > 0.1 or abs(row[0].x - header[0].x) > TOL:
                    self.fail(f"p{p.n}: a row at y {row[0].y:.2f} is not as wide as the header")
                if any(abs(b.h - row[0].h) > TOL for b in row):
                    self.fail(f"p{p.n}: the cells of the row at y {row[0].y:.2f} differ in height")
                group = len(row) == 1 and len(header) > 1
                first_cell = row[0].content().strip()
                if not group and not first_cell and any(b.texts for b in row):
                    if k == 0 and logical and not logical[-1]["group"]:
                        logical[-1]["parts"].append((p, row))  # a split row continues
                        continue
                    self.fail(f"p{p.n}: a row without STT that does not continue a split row "
                              f"(y {row[0].y:.2f})")
                logical.append({"group": group, "parts": [(p, row)]})
                if not group:
                    stt[-1].append(first_cell)
            if len(p.rows) > 1 and len(p.rows[-1]) == 1 and len(header) > 1 and p is not pages[-1]:
                self.fail(f"p{p.n}: the page ends with a group row: {p.rows[-1][0].content()[:50]!r}")
        # split rows: only those taller than an empty page under the header
        page_room = None
        for row in logical:
            parts = row["parts"]
            if len(parts) == 1:
                continue
            split += 1
            pages_of = [pp.n for pp, _ in parts]
            if pages_of != list(range(pages_of[0], pages_of[0] + len(parts))):
                self.fail(f"a split row runs over pages {pages_of}, not consecutive ones")
            p0 = parts[0][0]
            header_h = header[0].h if header else 0
            page_room = p0.height - t.top - t.bottom - header_h
            ncols = len(parts[0][1])
            natural = 0
            for c in range(ncols):
                h = sum(pitch.get(x.style, 1.107 * self.size(x.style))
                        for _, boxes in parts for x in boxes[c].texts)
                natural = max(natural, h)
            natural += 2 * t.pad
            if natural <= page_room + TOL:
                self.fail(f"row {parts[0][1][0].content()!r} is split over pages {pages_of} although it "
                          f"is {natural:.1f} pt tall and an empty page holds {page_room:.1f} pt")
        # numbering: 1..N in each table
        for k, numbers in enumerate(stt):
            want = [str(j) for j in range(1, len(numbers) + 1)]
            if numbers != want:
                bad = next(j for j, (a, b) in enumerate(zip(numbers, want)) if a != b)
                self.fail(f"table {k + 1}: STT is not 1..{len(want)}: at row {bad + 1} it reads "
                          f"{numbers[bad]!r}")
        if ntasks is not None and sum(map(len, stt)) != ntasks:
            self.fail(f"{sum(map(len, stt))} task rows, expected {ntasks}")
        if plan:
            self.against_plan(plan, logical)
        rows = [r for r in logical if not r["group"]]
        lines = [sum(len(boxes[1].texts) for _, boxes in r["parts"]) for r in rows if len(r["parts"][0][1]) > 1]
        print(f"check_dump: {len(pages)} pages, {len(stt)} table{'s' if len(stt) != 1 else ''}, "
              f"{len(rows)} task rows, "
              f"{len(logical) - len(rows)} group rows, {split} split over pages; "
              f"second-column cells of {min(lines, default=0)} to {max(lines, default=0)} lines")
        return self.failures

    def against_plan(self, path, logical):
        root = ET.parse(path).getroot()
        names = {a.get("id"): " ".join("".join(a.find("name").itertext()).split())
                 for a in root.find("agencies")}

        def squash(s):
            return re.sub(r"\s+", "", s)

        seen = {}
        for r in logical:
            if r["group"]:
                continue
            ncols = len(r["parts"][0][1])
            cols = ["".join(squash(boxes[c].content()) for _, boxes in r["parts"]) for c in range(ncols)]
            seen.setdefault((cols[1], cols[2], cols[3]), []).append(cols[0])
        for task in root.iter("task"):
            text = squash("".join(task.find("text").itertext()))
            lead = squash(names[task.get("lead")])
            groups = {g.get("id") for g in root.find("agencies") if g.tag == "group"}
            support = squash(support_names(names, groups, (task.get("support") or "").split()))
            hits = seen.get((text, lead, support), [])
            if len(hits) != 1:
                self.fail(f"task {task.get('id')} appears {len(hits)} times with its text, lead "
                          f"{names[task.get('lead')]!r} and cooperating agencies")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--template", default=TEMPLATE)
    ap.add_argument("--plan")
    ap.add_argument("--tasks", type=int)
    ap.add_argument("dump")
    a = ap.parse_args()
    try:
        t = Template(a.template)
        pages = read(a.dump)
    except (OSError, ET.ParseError, AttributeError, IndexError) as e:
        print(f"check_dump: cannot read the input: {e}", file=sys.stderr)
        return 2
    if not pages:
        print("check_dump: the dump has no pages", file=sys.stderr)
        return 2
    failures = Checker(t).run(pages, a.plan, a.tasks)
    print(f"check_dump: {'no failure' if failures == 0 else f'{failures} failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
