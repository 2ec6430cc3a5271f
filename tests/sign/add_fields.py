#!/usr/bin/env python3
"""add_fields.py - test fixtures only: give commitment letters the signature fields that
vbgen's PDF writer will make (issue "PDFs made for the e-government workflow").

    python3 tests/sign/add_fields.py LETTER.pdf... 

Each letter vbgen wrote gets, in place, one incremental update that adds exactly the
structure the writer will have: an /AcroForm dictionary << /Fields [...] >> referenced
from the catalog, and two merged field-widgets << /Type /Annot /Subtype /Widget /FT /Sig
/T (name) /F 4 /Rect [...] /P page >> listed in the last page's /Annots: "receiver" in
the left signature block (caption NGƯỜI NHẬN CAM KẾT) and "head" in the right one
(NGƯỜI CAM KẾT), each inside the space between the block's title lines and its name.
The places come from the text positions (pdftotext -bbox). A letter that already has
fields is left alone. When the real fields land, the tests use them and this goes.
"""
import re
import subprocess
import sys

MARGIN = 2.0  # pt kept clear of the title lines and the name


def words(pdf, page):
    """The words of a page with their boxes (top-down coordinates)."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", pdf, "-"],
                         check=True, capture_output=True, text=True).stdout
    got = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                         r'yMax="([\d.]+)">([^<]*)</word>', out):
        got.append((float(m[1]), float(m[2]), float(m[3]), float(m[4]), m[5]))
    return got


def lines_of(ws):
    """Words grouped into lines: (y0, y1, x0, x1, text), top to bottom, left to right."""
    rows = {}
    for x0, y0, x1, y1, t in ws:
        rows.setdefault(round(y0, 1), []).append((x0, y0, x1, y1, t))
    lines = []
    for y in sorted(rows):
        ws_ = sorted(rows[y])
        # one block per run of words without a wide gap (the two columns share baselines)
        cur = [ws_[0]]
        for w in ws_[1:]:
            if w[0] - cur[-1][2] > 30:
                lines.append(cur)
                cur = [w]
            else:
                cur.append(w)
        lines.append(cur)
    return [(min(w[1] for w in l), max(w[3] for w in l), l[0][0], l[-1][2],
             " ".join(w[4] for w in l)) for l in lines]


def block_space(lines, caption):
    """The signing space under a caption: between its title lines and the name."""
    cap = [l for l in lines if l[4] == caption]
    if not cap:
        raise SystemExit("add_fields: no caption %r" % caption)
    cx = (cap[-1][2] + cap[-1][3]) / 2
    below = [l for l in lines if l[0] > cap[-1][0] and abs((l[2] + l[3]) / 2 - cx) < 60]
    title_end, name_top = cap[-1][1], None
    for l in below:
        if l[0] - title_end > 40:  # the gap: the next line is the name
            name_top = l[0]
            break
        title_end = l[1]
    if name_top is None:
        # no name under the space (a head without a name leaves the place blank): the
        # template's signing space is 60 pt
        if not below:
            raise SystemExit("add_fields: no signing space under %r" % caption)
        name_top = title_end + 60
    return cx, title_end + MARGIN, name_top - MARGIN


def main(paths):
    for path in paths:
        data = open(path, "rb").read()
        if b"/AcroForm" in data:
            continue
        pages = int(re.search(rb"/Type /Pages /Kids \[([^\]]*)\] /Count (\d+)", data)[2])
        kids = [int(k) for k in re.findall(rb"(\d+) 0 R",
                                           re.search(rb"/Type /Pages /Kids \[([^\]]*)\]", data)[1])]
        page_obj = kids[-1]
        page_dict = re.search(rb"\n%d 0 obj\n(<<.*?>>)\nendobj" % page_obj, data, re.S)[1]
        height = float(re.search(rb"/MediaBox \[0 0 [\d.]+ ([\d.]+)\]", page_dict)[1])
        catalog = re.search(rb"\n1 0 obj\n(<<.*?>>)\nendobj", data, re.S)[1]
        size = int(re.findall(rb"/Size (\d+)", data)[-1])
        ident = re.findall(rb"/ID \[(<[0-9A-Fa-f]*> <[0-9A-Fa-f]*>)\]", data)[-1]
        startxref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
        lines = lines_of(words(path, pages))
        fields = []
        for name, caption in (("receiver", "NGƯỜI NHẬN CAM KẾT"), ("head", "NGƯỜI CAM KẾT")):
            cx, top, bottom = block_space(lines, caption)
            rect = (cx - 100, height - bottom, cx + 100, height - top)
            fields.append((name, rect))
        acro, w1 = size, size + 1
        objs = {}
        widgets = []
        for i, (name, r) in enumerate(fields):
            n = w1 + i
            widgets.append(n)
            objs[n] = (b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (%s) /F 4 "
                       b"/Rect [%.2f %.2f %.2f %.2f] /P %d 0 R >>"
                       % (name.encode(), r[0], r[1], r[2], r[3], page_obj))
        refs = b" ".join(b"%d 0 R" % n for n in widgets)
        objs[acro] = b"<< /Fields [%s] >>" % refs
        objs[page_obj] = page_dict[:-2].rstrip() + b" /Annots [%s] >>" % refs
        objs[1] = catalog[:-2].rstrip() + b" /AcroForm %d 0 R >>" % acro
        out = bytearray(data)
        if not out.endswith(b"\n"):
            out += b"\n"
        offsets = {}
        for n in sorted(objs):
            offsets[n] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (n, objs[n])
        xref = len(out)
        out += b"xref\n"
        nums = sorted(objs)
        i = 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            out += b"%d %d\n" % (nums[i], j - i + 1)
            for n in nums[i:j + 1]:
                out += b"%010d 00000 n \n" % offsets[n]
            i = j + 1
        out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R /ID [%s] /Prev %d >>\n"
                b"startxref\n%d\n%%%%EOF\n" % (w1 + len(widgets), ident, startxref, xref))
        with open(path, "wb") as f:
            f.write(out)


if __name__ == "__main__":
    main(sys.argv[1:])
