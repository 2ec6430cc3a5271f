#!/usr/bin/env python3
"""check.py - the checks of tests/docx/run.sh that need more than a shell.

  check.py package FILE.docx...
                               each package is complete: every part has a content type,
                               every content type override and every relationship names a
                               part that exists, the parts Word requires are there
  check.py words VBGEN.pdf WORD.pdf
                               the text of WORD.pdf (LibreOffice's PDF of the .docx) holds
                               every word of VBGEN.pdf (vbgen's own PDF) in the same order,
                               and no other

  check.py justified WORD.pdf CHECKER
                               nd30check's rule "body is justified" on WORD.pdf, with the
                               lines that end in italic and stop at most ITALIC_CORRECTION
                               short of the right margin taken as flush: LibreOffice keeps
                               room for the slant of a line's last italic letter (its
                               "italic correction"), which Word and vbgen do not

Prints nothing and exits 0 when the check holds; else prints one line saying what is
wrong and exits 1 (2: the files cannot be read).
"""
import contextlib
import importlib.machinery
import importlib.util
import io
import posixpath
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# LibreOffice ends a justified line whose last letter is italic this far short of the
# margin at most (about 1.6 pt at 14 pt)
ITALIC_CORRECTION = 3.0
# a table's header row repeats at the top of each page that the table continues on: at
# least this many lines (one per caption), a block no body text repeats
HEADER_LINES = 3


def rels_of(part):
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def package(path):
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as e:
        print(f"not a ZIP file: {e}")
        return 2
    names = set(z.namelist())
    bad = z.testzip()
    if bad is not None:
        print(f"{bad}: damaged in the ZIP")
        return 1
    for n in ("[Content_Types].xml", "_rels/.rels"):
        if n not in names:
            print(f"{n} is missing")
            return 1
    parsed = {}
    for n in sorted(names):
        if n.endswith(".xml") or n.endswith(".rels"):
            try:
                parsed[n] = ET.fromstring(z.read(n))
            except ET.ParseError as e:
                print(f"{n}: not well-formed XML: {e}")
                return 1
    types = parsed["[Content_Types].xml"]
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(CT + "Default")}
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(CT + "Override")}
    for part in overrides:
        if part.lstrip("/") not in names:
            print(f"[Content_Types].xml names {part}, which is not in the package")
            return 1
    for n in names:
        if n == "[Content_Types].xml" or n.endswith("/"):
            continue
        if "/" + n not in overrides and n.rsplit(".", 1)[-1].lower() not in defaults:
            print(f"{n} has no content type")
            return 1
    main = None
    for rels in sorted(n for n in names if n.endswith(".rels")):
        source = posixpath.join(posixpath.dirname(posixpath.dirname(rels)),
                                posixpath.basename(rels)[:-len(".rels")])
        if rels != "_rels/.rels" and source not in names:
            print(f"{rels} describes {source}, which is not in the package")
            return 1
        ids = set()
        for r in parsed[rels].iter(REL + "Relationship"):
            if r.get("Id") in ids:
                print(f"{rels}: relationship id {r.get('Id')} is used twice")
                return 1
            ids.add(r.get("Id"))
            if r.get("TargetMode") == "External":
                continue
            target = r.get("Target")
            full = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
            if full not in names:
                print(f"{rels}: {r.get('Id')} points at {full}, which is not in the package")
                return 1
            if rels == "_rels/.rels" and r.get("Type") == OFFICE_DOC:
                main = full
    if main is None:
        print("_rels/.rels names no main document")
        return 1
    if overrides.get("/" + main) != MAIN:
        print(f"{main} does not have the content type of a Word document")
        return 1
    for part in ("word/styles.xml", "word/settings.xml"):
        if part not in names:
            print(f"{part} is missing")
            return 1
    # every r:id the document and its headers use is a relationship of theirs
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    for n, root in parsed.items():
        used = {e.get(rid) for e in root.iter() if e.get(rid)}
        if not used:
            continue
        known = {r.get("Id") for r in parsed.get(rels_of(n), ET.Element("x")).iter(REL + "Relationship")}
        if used - known:
            print(f"{n} uses {', '.join(sorted(used - known))}, not in {rels_of(n)}")
            return 1
    return 0


def pages_text(path):
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"], capture_output=True, check=True)
    text = unicodedata.normalize("NFC", out.stdout.decode("utf-8"))
    pages = []
    for page in text.split("\f"):
        # page numbers (and the STT cells, lines of a number of up to three digits alone:
        # a year that a cell wraps to a line of its own stays) are left out: the
        # PDFs place them in different orders
        lines = [ln.strip() for ln in page.split("\n")]
        pages.append([ln for ln in lines if ln and not re.fullmatch(r"\d{1,3}", ln)])
    return pages


def words(pages):
    """The words of the document, a repeated table header counted once: the first lines
    of a page that repeat, in the same order, the HEADER_LINES or more lines at the first
    place they were seen (the header where the table starts) are left out. Only that first
    place counts: a group row that followed the header on some earlier page is a row of
    this page, not a part of the header."""
    seen, out = "\n", []
    for lines in pages:
        k = 0
        at = seen.find("\n" + "\n".join(lines[:HEADER_LINES]) + "\n") \
            if len(lines) > HEADER_LINES else -1
        if at >= 0:
            k = HEADER_LINES
            while k < len(lines) and seen.startswith("\n".join(lines[:k + 1]) + "\n", at + 1):
                k += 1
        seen += "".join(ln + "\n" for ln in lines)
        for ln in lines[k:]:
            out += ln.split()
    return out


def same_words(vbgen_pdf, word_pdf):
    try:
        want, got = words(pages_text(vbgen_pdf)), words(pages_text(word_pdf))
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"cannot read the text: {e}")
        return 2
    # lines may break at other places (after "165/" in one, before it in the other), so
    # the words are compared as the sequence of their letters, spaces left out
    a, b = "".join(want), "".join(got)
    if a == b:
        return 0
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    print(f"the texts part at letter {i + 1} of {len(a)}: the PDF has '{a[max(0, i - 30):i]}[{a[i:i + 20]}]', "
          f"the Word file '{b[max(0, i - 30):i]}[{b[i:i + 20]}]'")
    return 1


def justified(word_pdf, checker):
    loader = importlib.machinery.SourceFileLoader("nd30check", checker)
    spec = importlib.util.spec_from_loader("nd30check", loader)
    nd = importlib.util.module_from_spec(spec)
    loader.exec_module(nd)
    try:
        pages = nd.read_pdf(word_pdf)
    except Exception as e:  # the checker's own reading failed: say so, as it would
        print(f"cannot read {word_pdf}: {e}")
        return 2
    for p in pages:
        right = max((s.x1 for s in p.segs), default=0)
        if p.landscape:
            continue
        for s in p.segs:
            last = [c for c in s.chars if not c["c"].isspace()]
            if last and re.search(r"italic|oblique", last[-1]["font"], re.I) and \
                    0 < right - s.x1 <= ITALIC_CORRECTION:
                s.x1 = right
    r = nd.Report(True)
    nd.body_rules(pages, r)
    return 1 if r.failed else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "package":
        # one start of Python for all the files of a sample; the first problem names its file
        for path in argv[1:]:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                rc = package(path)
            if rc:
                print(f"{path}: {out.getvalue().strip()}")
                return rc
        return 0
    if len(argv) == 3 and argv[0] == "words":
        return same_words(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "justified":
        return justified(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
