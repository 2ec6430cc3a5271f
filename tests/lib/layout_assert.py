#!/usr/bin/env python3
"""layout_assert.py KIND BASE_DUMP DUMP BASE_TEMPLATE TEMPLATE - what a template variant
must do to the layout, with the numbers read from the variant template itself (so that
no layout number lives in the C code). BASE_* are the bundled templates and their dump.

  body-size  body line pitch and the width of one-line body paragraphs scale by the
             size ratio (13/14), and nothing outside the body (the header block) moves
  margins    every line lies inside the new margins, body lines start exactly at the new
             left margin and full lines span exactly the new text width, and the first
             line moves down by exactly the change of the top margin
  indent     every first line is indented by the new indent (28.35 pt, not 36.00)

Prints a short summary and exits 0, or prints what is wrong and exits 1.
"""
import statistics
import sys
import xml.etree.ElementTree as ET

kind, base_dump, var_dump, base_tpl, var_tpl = sys.argv[1:6]
MM = 72 / 25.4
EPS = 0.011  # the dump prints two decimals


def length(s):
    """A template length, as gen/template.c parse_length() reads it: pt by default."""
    s = s.strip()
    for unit, k in (("mm", MM), ("cm", 10 * MM), ("in", 72.0), ("pt", 1.0)):
        if s.endswith(unit):
            return float(s[: -len(unit)]) * k
    return float(s)


class Template:
    """The few numbers of a template that the assertions need."""

    def __init__(self, path):
        root = ET.parse(path).getroot()
        self.styles = {s.get("name"): s for s in root.findall("style")}
        pages = root.findall("page")
        doc = root.find("document")
        want = doc.get("page") if doc is not None else None
        page = next((p for p in pages if p.get("name") == want), pages[0])
        self.width, self.height = 210 * MM, 297 * MM
        if page.get("orientation") == "landscape":
            self.width, self.height = self.height, self.width
        # defaults as in compile_page()
        self.top = length(page.get("top", "20mm"))
        self.bottom = length(page.get("bottom", "20mm"))
        self.left = length(page.get("left", "30mm"))
        self.right = length(page.get("right", "15mm"))
        self.text_width = self.width - self.left - self.right

    def style_attr(self, name, attr, default):
        """An attribute of a style, inherited through parent= as compile_style() does."""
        s = self.styles.get(name)
        while s is not None:
            if s.get(attr) is not None:
                return s.get(attr)
            s = self.styles.get(s.get("parent"))
        return default

    def family(self, root_style):
        """The style and every style that inherits from it."""
        out = set()
        for name in self.styles:
            s = name
            while s is not None:
                if s == root_style:
                    out.add(name)
                    break
                p = self.styles.get(s)
                s = p.get("parent") if p is not None else None
        return out


def read_dump(path):
    """Pages of text lines: (x, y, w, style, text)."""
    pages = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split(None, 5)
            if parts[0] == "page":
                pages.append([])
            elif parts[0] == "text":
                text = parts[5].rstrip("\n") if len(parts) > 5 else ""
                text = text.replace("[bookmark] ", "", 1)
                pages[-1].append((float(parts[1]), float(parts[2]), float(parts[3]), parts[4], text))
    return pages


def fail(msg):
    print(msg)
    sys.exit(1)


bt, vt = Template(base_tpl), Template(var_tpl)
bd, vd = read_dump(base_dump), read_dump(var_dump)
body = vt.family("body")
if not body:
    fail("the variant template has no body style")


def lines(pages, styles=None):
    return [e for p in pages for e in p if styles is None or e[3] in styles]


def near(a, b, eps=EPS):
    return abs(a - b) <= eps


def pitch(pages, t):
    """The median baseline distance between consecutive lines of one body paragraph."""
    d = []
    for p in pages:
        for a, b in zip(p, p[1:]):
            if a[3] in body and b[3] in body and near(b[0], t.left):
                d.append(b[1] - a[1])
    if not d:
        fail("no two consecutive body lines found")
    return statistics.median(d)


if kind == "body-size":
    s0 = float(bt.style_attr("body", "size", "14"))
    s1 = float(vt.style_attr("body", "size", "14"))
    if s0 == s1:
        fail(f"the variant does not change the body size ({s0:g} pt)")
    k = s1 / s0
    p0, p1 = pitch(bd, bt), pitch(vd, vt)
    if abs(p1 / p0 - k) > 0.003 * k:
        fail(f"body line pitch {p1:.2f} pt vs {p0:.2f} pt at {s0:g} pt: ratio {p1 / p0:.4f}, "
             f"expected {s1:g}/{s0:g} = {k:.4f}")
    # one-line paragraphs (first line, not stretched to the measure) keep their text:
    # their widths scale with the size
    ind0 = length(bt.style_attr("body", "indent", "0"))
    ind1 = length(vt.style_attr("body", "indent", "0"))

    def single(pages, t, ind):
        out = {}
        for e in lines(pages, body):
            if near(e[0], t.left + ind) and e[2] < t.text_width - ind - 1:
                out.setdefault(e[4], []).append(e[2])
        return {text: w[0] for text, w in out.items() if len(w) == 1}

    w0, w1 = single(bd, bt, ind0), single(vd, vt, ind1)
    common = sorted(set(w0) & set(w1))
    if len(common) < 3:
        fail(f"only {len(common)} one-line body paragraphs to compare widths")
    for text in common:
        if abs(w1[text] / w0[text] - k) > 0.005 * k:
            fail(f"'{text[:40]}' is {w1[text]:.2f} pt wide, {w0[text]:.2f} pt at {s0:g} pt: "
                 f"ratio {w1[text] / w0[text]:.4f}, expected {k:.4f}")
    # what is not body does not move: the header block above the first body line
    n0 = next((i for i, e in enumerate(bd[0]) if e[3] in body), 0)
    n1 = next((i for i, e in enumerate(vd[0]) if e[3] in body), 0)
    if n0 == 0 or bd[0][:n0] != vd[0][:n1]:
        fail("lines outside the body (the header block above it) moved")
    print(f"body {s1:g} pt: line pitch {p1:.2f} pt = {p0:.2f} x {s1:g}/{s0:g}, "
          f"{len(common)} one-line paragraphs {k:.4f} times as wide, header block unchanged")

elif kind == "margins":
    if (bt.left, bt.right, bt.top) == (vt.left, vt.right, vt.top):
        fail("the variant does not change the margins")
    for n, p in enumerate(vd, 1):
        for x, y, w, style, text in p:
            if x < vt.left - EPS or x + w > vt.width - vt.right + EPS:
                fail(f"page {n}: '{text[:40]}' at x {x:.2f}-{x + w:.2f} is outside the margins "
                     f"{vt.left:.2f}-{vt.width - vt.right:.2f}")
            if style != "page-number" and not vt.top < y <= vt.height - vt.bottom + EPS:
                fail(f"page {n}: '{text[:40]}' at baseline {y:.2f} is outside the margins "
                     f"{vt.top:.2f}-{vt.height - vt.bottom:.2f}")
    b = lines(vd, body)
    left = min(e[0] for e in b)
    if not near(left, vt.left):
        fail(f"the leftmost body line starts at {left:.2f}, not at the left margin {vt.left:.2f}")
    wide = max(e[2] for e in b)
    if not near(wide, vt.text_width, 0.02):
        fail(f"the widest body line is {wide:.2f} pt, not the text width {vt.text_width:.2f}")
    d0 = bd[0][0][1] - bt.top
    d1 = vd[0][0][1] - vt.top
    if not near(d0, d1, 0.02):
        fail(f"the first line sits {d1:.2f} pt below the top margin, {d0:.2f} pt with the "
             f"bundled template")
    print(f"left {vt.left:.2f}, right {vt.width - vt.right:.2f}, top {vt.top:.2f}: "
          f"body from {left:.2f}, full lines {wide:.2f} pt wide, first baseline "
          f"{d1:.2f} pt below the top margin")

elif kind == "indent":
    i0 = length(bt.style_attr("body", "indent", "0"))
    i1 = length(vt.style_attr("body", "indent", "0"))
    if near(i0, i1):
        fail("the variant does not change the indent")
    first0 = [e for e in lines(bd, body) if near(e[0], bt.left + i0)]
    first1 = [e for e in lines(vd, body) if near(e[0], vt.left + i1)]
    other = [e for e in lines(vd, body)
             if not near(e[0], vt.left + i1) and not near(e[0], vt.left)]
    if other:
        e = other[0]
        fail(f"'{e[4][:40]}' starts at {e[0]:.2f}: neither the margin {vt.left:.2f} nor "
             f"indented by {i1:.2f} ({vt.left + i1:.2f})")
    if not first1 or len(first1) != len(first0):
        fail(f"{len(first1)} lines indented by {i1:.2f} pt; {len(first0)} paragraphs indented "
             f"by {i0:.2f} pt with the bundled template")
    wide = max(e[2] for e in first1)
    if not near(wide, vt.text_width - i1, 0.02):
        fail(f"the widest first line is {wide:.2f} pt, not {vt.text_width - i1:.2f}")
    print(f"{len(first1)} first lines indented {i1:.2f} pt (was {i0:.2f}), full first lines "
          f"{wide:.2f} pt wide")
else:
    fail(f"unknown assertion {kind}")
