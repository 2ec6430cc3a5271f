"""The signing places of every document of every sample (the outputs of samples-read),
read back with qpdf --json and pdftotext -bbox, independently of vbgen:

  plan.pdf, plan-no-appendix.pdf  'signer' over the signing space, 'seal' over its left
                                  third, on the page of the signature (never on the
                                  appendix's pages)
  appendix.pdf                    'issuer' on page 1 above the label, inside the margins,
                                  flush right
  letters/*.pdf                   'receiver' (left block) and 'head' (right block) on the
                                  last page
  letters-print.pdf               none (it is for paper)

Each field is an AcroForm /Sig field merged with its widget (/Subtype /Widget, printed,
/P its page, listed in that page's /Annots, an empty appearance of its own), inside the
page and clear of every word; on the appendix's page 1 the field lies inside the
margins and, drawn by MuPDF (with its mark for an unsigned field, SIGN), nothing stands
outside them; a space's field lies right under the title lines (or the note) and above the signer's name.
The file stays ready for an incremental update: one cross-reference table, one %%EOF, no
object streams."""
import functools
import glob
import html
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

EPS = 0.6  # pt: rounding of the written numbers and of pdftotext's boxes
problems = []
counted = {"files": 0, "fields": 0}


def bad(path, msg):
    problems.append(f"{path}: {msg}")


# The same file's objects and a page's words are asked for more than once (a letter's
# page count after its fields; the page both its fields are on): each read is kept, as
# the tools give the same output for the same file, and qpdf or pdftotext runs once.
@functools.lru_cache(maxsize=None)
def objects(path):
    out = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", "--json-key=pages", path],
                         capture_output=True, check=True).stdout
    d = json.loads(out)
    objs = {k[4:]: v.get("value", v.get("stream", {}).get("dict"))
            for k, v in d["qpdf"][1].items() if k.startswith("obj:")}
    pages = [p["object"] for p in d["pages"]]
    trailer = d["qpdf"][1]["trailer"]["value"]
    return objs, pages, trailer


@functools.lru_cache(maxsize=None)
def words(path, page):
    """(x0, y0, x1, y1, text) of each word of a page, top-down coordinates."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", path, "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    return [(float(m[1]), float(m[2]), float(m[3]), float(m[4]), m[5]) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        out)]


def fields_of(path):
    """name -> (page number from 1, [x0, y0, x1, y1] top-down, page height)."""
    data = open(path, "rb").read()
    if data.count(b"\nxref\n") != 1 or data.count(b"%%EOF") != 1:
        bad(path, "not one cross-reference table and one %%EOF")
    if b"/ObjStm" in data or b"/XRef" in data:
        bad(path, "object or cross-reference streams")
    objs, pages, trailer = objects(path)
    cat = objs[trailer["/Root"]]
    got = {}
    acro = cat.get("/AcroForm")
    if acro is None:
        return got
    form = objs[acro]
    for ref in form.get("/Fields", []):
        w = objs[ref]
        name = w.get("/T", "")[2:] if str(w.get("/T", "")).startswith("u:") else w.get("/T")
        if w.get("/FT") != "/Sig" or w.get("/Subtype") != "/Widget" or w.get("/Type") != "/Annot":
            bad(path, f"field {name} is not a /Sig field merged with its widget: {w}")
        if w.get("/F") != 4:
            bad(path, f"field {name}: /F {w.get('/F')}, not 4 (printed)")
        if "/V" in w or "/Kids" in w:
            bad(path, f"field {name} is not empty")
        ap = w.get("/AP", {}).get("/N")
        if ap is None or objs.get(ap, {}).get("/Subtype") != "/Form":
            bad(path, f"field {name} has no appearance of its own (/AP /N, a form)")
        page = w.get("/P")
        if page not in pages:
            bad(path, f"field {name}: /P {page} is not a page")
            continue
        pd = objs[page]
        if ref not in pd.get("/Annots", []):
            bad(path, f"field {name} is not in its page's /Annots")
        mb = pd["/MediaBox"]
        x0, y0, x1, y1 = w["/Rect"]
        h = mb[3]
        if not (0 <= x0 < x1 <= mb[2] and 0 <= y0 < y1 <= h):
            bad(path, f"field {name} {w['/Rect']} is not inside the page {mb}")
        if name in got:
            bad(path, f"two fields named {name}")
        got[name] = (pages.index(page) + 1, [x0, h - y1, x1, h - y0], h)
    # every widget of every page is a field of the form
    for p in pages:
        for a in objs[p].get("/Annots", []):
            if a not in form.get("/Fields", []):
                bad(path, f"a widget {a} is not in the form")
    return got


def overlaps(r, wd):
    return wd[0] < r[2] - EPS and wd[2] > r[0] + EPS and wd[1] < r[3] - EPS and wd[3] > r[1] + EPS


def clear_of_text(path, name, page, r):
    ws = words(path, page)
    for wd in ws:
        if overlaps(r, wd):
            bad(path, f"field {name} {r} covers the word '{wd[4]}' {wd[:4]}")
    return ws


def in_space(path, name, page, r, ws, above_words, below_words):
    """Right under the title lines and above the name: the nearest words over the field's
    width above it are among above_words, those below among below_words."""
    col = [wd for wd in ws if wd[2] > r[0] + EPS and wd[0] < r[2] - EPS]
    above = [wd for wd in col if wd[3] <= r[1] + EPS]
    below = [wd for wd in col if wd[1] >= r[3] - EPS]
    if not above:
        bad(path, f"field {name}: nothing above it")
        return
    top = max(wd[3] for wd in above)
    line = " ".join(wd[4] for wd in sorted(above) if abs(wd[3] - top) < 1)
    if r[1] - top > 12:
        bad(path, f"field {name} starts {r[1] - top:.1f} pt under the line above it")
    if not any(a in line for a in above_words):
        bad(path, f"field {name}: the line above it is '{line}', not one of {above_words}")
    if below_words and below:
        first = min(wd[1] for wd in below)
        line = " ".join(wd[4] for wd in sorted(below) if abs(wd[1] - first) < 1)
        if line not in below_words:
            bad(path, f"field {name}: the line under it is '{line}', not the name {below_words}")
        if first - r[3] > 12:
            bad(path, f"field {name} ends {first - r[3]:.1f} pt above the name")


def text(el, path):
    return " ".join((el.findtext(path) or "").split())


def pages_of(path):
    return len(objects(path)[1])


ROOT = os.environ["ROOT"]
for folder in sorted(d for d in glob.glob("*") if os.path.isdir(d)):
    plan = ET.parse(os.path.join(ROOT, "samples", folder + ".xml")).getroot()
    signer = text(plan, "signature/name")
    receiver = text(plan, "commitments/receiver/name")
    for pdf in ("plan.pdf", "plan-no-appendix.pdf"):
        path = os.path.join(folder, pdf)
        f = fields_of(path)
        counted["files"] += 1
        if sorted(f) != ["seal", "signer"]:
            bad(path, f"fields {sorted(f)}, not seal and signer")
            continue
        counted["fields"] += 2
        (ps, rs, _), (pz, rz, _) = f["signer"], f["seal"]
        if ps != pz:
            bad(path, "signer and seal on different pages")
        ws = clear_of_text(path, "signer", ps, rs)
        # the signature's page: the one with the signer's name, before the appendix
        if not any(wd[4] in signer.split() for wd in ws):
            bad(path, f"signer is on page {ps}, which does not show the name {signer}")
        in_space(path, "signer", ps, rs, ws,
                 [text(plan, "signature/title").upper().split()[-1]], [signer])
        if abs(rz[0] - rs[0]) > EPS or abs((rz[2] - rz[0]) * 3 - (rs[2] - rs[0])) > 3 * EPS \
                or abs(rz[1] - rs[1]) > EPS or abs(rz[3] - rs[3]) > EPS:
            bad(path, f"seal {rz} is not the left third of signer {rs}")
    path = os.path.join(folder, "appendix.pdf")
    f = fields_of(path)
    counted["files"] += 1
    if sorted(f) != ["issuer"]:
        bad(path, f"fields {sorted(f)}, not issuer")
    else:
        counted["fields"] += 1
        p, r, _ = f["issuer"]
        ws = clear_of_text(path, "issuer", p, r)
        if p != 1:
            bad(path, f"issuer on page {p}, not the first")
        if ws and r[1] > min(wd[1] for wd in ws) - EPS:
            bad(path, f"issuer {r} does not lie above the text")
        mm = 72 / 25.4
        if r[0] < 20 * mm - EPS or r[2] > 841.89 - 15 * mm + EPS or r[1] < 20 * mm - EPS:
            bad(path, f"issuer {r} is not inside the margins (left 20, right 15, top 20 mm)")
        if ws and abs(r[2] - max(wd[2] for wd in ws)) > 60:
            bad(path, f"issuer {r} is not at the right of the page")
        # as MuPDF draws the page (the records office's checker reads it so, with its own
        # mark for an unsigned field, SIGN): nothing outside the margins
        st = subprocess.run(["mutool", "draw", "-F", "stext", "-o", "-", path, "1"],
                            capture_output=True).stdout.decode("utf-8")
        for m in re.finditer(r'<line bbox="([\d.-]+) ([\d.-]+) ([\d.-]+) ([\d.-]+)"(.*?)</line>',
                             st, re.S):
            x0, y0, x1, y1 = (float(m[i]) for i in range(1, 5))
            t = "".join(html.unescape(c) for c in re.findall(r' c="([^"]*)"', m[5]))
            if (x0 < 20 * mm - 1 or x1 > 841.89 - 15 * mm + 1 or y0 < 20 * mm - 3):
                bad(path, f"'{t}' stands outside the margins of page 1 ({x0:.0f}, {y0:.0f})")
    for path in sorted(glob.glob(os.path.join(folder, "letters", "*.pdf"))):
        f = fields_of(path)
        counted["files"] += 1
        if sorted(f) != ["head", "receiver"]:
            bad(path, f"fields {sorted(f)}, not head and receiver")
            continue
        counted["fields"] += 2
        last = pages_of(path)
        (pr, rr, _), (ph, rh, _) = f["receiver"], f["head"]
        if pr != last or ph != last:
            bad(path, f"fields on pages {pr}, {ph}, not the last ({last})")
        if not rr[2] <= rh[0] + EPS:
            bad(path, f"receiver {rr} is not left of head {rh}")
        ws = clear_of_text(path, "receiver", pr, rr)
        clear_of_text(path, "head", ph, rh)
        in_space(path, "receiver", pr, rr, ws, ["tên)"], [receiver] if receiver else [])
        in_space(path, "head", ph, rh, ws, ["tên)"], [])
    path = os.path.join(folder, "letters-print.pdf")
    data = open(path, "rb").read()
    counted["files"] += 1
    if b"/AcroForm" in data or b"/Annots" in data or b"/FT /Sig" in data:
        bad(path, "the print file has signature fields")

for p in problems[:10]:
    print(p)
if problems or counted["files"] == 0:
    print(f"{len(problems)} problems")
    sys.exit(1)
print(f"{counted['fields']} fields in {counted['files']} files, each where it belongs")
