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

Each prints nothing and exits 0 when the check holds; else prints one line saying what is
wrong and exits 1 (2: the files cannot be read).

  check.py documents JOBS N CHECKER OUT
                               the checks of each document through LibreOffice (run.sh
                               check lists them in JOBS, one line each: NAME with | for
                               spaces, KEY, KIND, vbgen's PDF, LibreOffice's, SAME), N at a
                               time, each in one Python that loads the checker once
                               (tests/lib/nd30.py): nd30check (document()), the words
                               (words), the page counts; prints their "ok ...", "FAIL ..."
                               and "skip ..." lines in the order of JOBS.
"""
import contextlib
import fnmatch
import importlib.machinery
import importlib.util
import io
import multiprocessing
import os
import posixpath
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import nd30  # noqa: E402  (tests/lib)

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


def justified(word_pdf, checker, nd=None):
    if nd is None:
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


# nd30check's one known false alarm (see tests/e2e.sh): mutool cuts font names after 24
# characters, so LiberationSerif-BoldItalic reads as not italic.
KNOWN = re.compile(r"^FAIL  'Nơi nhận:' bold italic 12 pt: .*\([A-Za-z]*-BoldItal 12\)$")
ALLOW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nd30-allow")

_checker = None  # in a worker of documents(): the checker, loaded once


def quiet_call(fn, *args):
    """(what fn printed, its return value)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = fn(*args)
    return out.getvalue(), rc


def nd30_failures(kind, lo_pdf, key, checker):
    """The checker's failures on LibreOffice's PDF other than the known false alarm, as
    lines, or none. What it printed goes to LO.pdf.nd30, with a line saying why a failure
    was allowed. KEY (SAMPLE/KIND/ID) names the document for tests/docx/nd30-allow: lines
    "GLOB RULE", a rule that may fail for the documents GLOB matches, by design (the same
    documents as the PDFs' tests/cases/nd30-samples/nd30-allow). A failure of "body is
    justified" alone is checked again with the lines that LibreOffice ends short for the
    slant of their last italic letter taken as flush (justified: Word sets them flush);
    passing so, it is no failure."""
    status, text = _checker.run(["--quiet", "--kind", kind, lo_pdf])
    notes = []
    fails = [ln for ln in text.splitlines() if ln.startswith("FAIL") and not KNOWN.search(ln)]
    with open(ALLOW, encoding="utf-8") as f:
        for line in f:
            parts = line.split(None, 1)
            if not parts or parts[0].startswith("#"):
                continue
            glob, rule = parts[0], (parts[1].rstrip("\n") if len(parts) > 1 else "")
            if fnmatch.fnmatchcase(key, glob):
                fails = [ln for ln in fails if "FAIL  " + rule not in ln]
                if not fails:
                    notes.append(f"(allowed by tests/docx/nd30-allow: {rule})")
    if fails and all(ln.startswith("FAIL  body is justified") for ln in fails) and \
            quiet_call(justified, lo_pdf, checker, _checker)[1] == 0:
        notes.append(f"(LibreOffice's italic correction allowed: {chr(10).join(fails)})")
        fails = []
    text = text + "".join(n + "\n" for n in notes)
    with open(lo_pdf + ".nd30", "w", encoding="utf-8") as f:
        f.write(text)
    if not re.search(r"nd30check: [0-9]* passed", text):
        last = (text.rstrip("\n").split("\n") or [""])[-1]
        fails.append(f"the checker did not finish: {last}")
    return fails, text


def pdf_pages(path):
    r = subprocess.run(["pdfinfo", path], capture_output=True)
    for line in r.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Pages:"):
            return line[len("Pages:"):].strip()
    return ""


def document(job):
    """The checks of one document (a line of JOBS): its result lines."""
    fields, checker, out_dir = job
    name, key, kind, pdf, lo, same = fields
    name = name.replace("|", " ")
    lines = []
    ok = lambda what: lines.append(f"ok    docx: {what}")
    bad = lambda what, why="": lines.append(f"FAIL  docx: {what}{': ' + why if why else ''}")
    if not os.path.exists(lo) or os.path.getsize(lo) == 0:
        bad(f"{name} through LibreOffice", f"LibreOffice wrote no PDF of it (see {out_dir})")
        return lines
    if not os.path.exists(checker):
        lines.append(f"skip  docx: {name}: nd30check: the checker {checker} is not in this clone")
    else:
        fails, text = nd30_failures(kind, lo, key, checker)
        if not fails:
            note = ""
            if "italic correction allowed" in text:
                note = (" (a line ending in italic set short by LibreOffice's italic "
                        "correction, allowed)")
            allowed = [m.group(1) for m in re.finditer(
                r"^\(allowed by tests.docx.nd30-allow: (.*)\)$", text, re.M)]
            if allowed:
                note += f" ({allowed[0]}: allowed by design)"
            summary = "\n".join(ln[len("nd30check: "):] if ln.startswith("nd30check: ")
                                else ln for ln in text.splitlines()
                                if ln.startswith("nd30check:"))
            ok(f"{name}: nd30check --kind {kind} on LibreOffice's PDF: {summary}{note}")
        else:
            bad(f"{name}: nd30check --kind {kind} on LibreOffice's PDF",
                " ".join(fails[:3]) + (" " if len(fails) > 3 else ""))
    why, rc = quiet_call(same_words, pdf, lo)
    if rc == 0:
        ok(f"{name}: LibreOffice's PDF has vbgen's words in vbgen's order")
    else:
        bad(f"{name}: words", why.rstrip("\n"))
    a, b = pdf_pages(pdf), pdf_pages(lo)
    d = (int(b) if b.isdigit() else 0) - (int(a) if a.isdigit() else 0)
    if a and b and (d == 0 or (same != "1" and -1 <= d <= 1)):
        ok(f"{name}: {b} pages in LibreOffice, {a} in vbgen's PDF")
    else:
        allowed = "equal" if same == "1" else "one more or less"
        bad(f"{name}: pages", f"{b} in LibreOffice, {a} in vbgen's PDF (allowed: {allowed})")
    return lines


def load_checker(path):
    global _checker
    if os.path.exists(path):
        _checker = nd30.Checker(path)


def document_safe(job):
    try:
        return document(job)
    except Exception as e:  # a bug of this script fails the document, never passes it
        return [f"FAIL  docx: {job[0][0].replace('|', ' ')}: check.py: "
                f"{type(e).__name__}: {e}"]


def documents(jobs_file, at_once, checker, out_dir):
    with open(jobs_file, encoding="utf-8") as f:
        jobs = [line.split() for line in f if line.strip()]
    work = []
    for n, fields in enumerate(jobs, 1):
        if len(fields) != 6:
            print(f"FAIL  docx: job {n} of {jobs_file} is not NAME KEY KIND PDF LO SAME: "
                  f"{' '.join(fields)}")
            continue
        work.append((fields, checker, out_dir))
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(max(1, at_once), initializer=load_checker, initargs=(checker,)) as pool:
        for lines in pool.imap(document_safe, work):
            for line in lines:
                print(line)
        pool.close()
        pool.join()
    return 0


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
    if len(argv) == 5 and argv[0] == "documents":
        return documents(argv[1], int(argv[2]), argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
