"""The structure tree (tagged PDF) of every PDF of every sample (the outputs of
samples-read), read back with poppler and qpdf, independently of vbgen:

  - the catalog says /MarkInfo << /Marked true >> and has a /StructTreeRoot with a
    /ParentTree; every page that shows text has /StructParents;
  - the reading order: the words of `pdfinfo -struct-text` are the words of
    `pdftotext -raw` (the content's order, which is the document's), with only the
    artifacts left out: page numbers, and the header row repeated on the pages a table
    continues on (words of the table's TH cells);
  - the roles: a plan has H1 (its sections), H2, L > LI > Lbl + LBody (its bullets), a
    Div (the header block) and, with its appendix, Table > TR > TH | TD; an appendix has
    H1 ("Phụ lục"), TH in its header row and TD; a letter has L > LI (its numbered
    commitments) and Div (header and signature blocks); each list item's label is its
    bullet or its number.
The catalog and pages of every PDF are checked; the structure text of each sample's plan,
appendix and first two letters (poppler reads it slowly).
(The default order of pdftotext, its guess at physical columns, reads a header block's
columns otherwise: that one is not the document's order, and not compared.)"""
import glob
import json
import re
import subprocess
import sys

problems = []
files = 0


def bad(path, msg):
    problems.append(f"{path}: {msg}")


def run(*argv):
    return subprocess.run(argv, capture_output=True, check=True).stdout.decode("utf-8")


def tree(path):
    """The roles met in the structure text, the words in order, the TH words and the
    labels."""
    roles, words, head, labels, cur = set(), [], set(), [], None
    for line in run("pdfinfo", "-struct-text", path).splitlines():
        r = re.match(r"\s*([A-Za-z0-9]+)( \(block\)| \(inline\))?$", line)
        if r:
            cur = r.group(1)
            roles.add(cur)
            continue
        m = re.match(r'\s*"(.*)"\s*$', line)
        if m:
            words += m.group(1).split()
            if cur == "TH":
                head.update(m.group(1).split())
            if cur == "Lbl":
                labels.append(m.group(1))
    return roles, words, head, labels


def reread(path):
    """Whether to read path's structure text: poppler takes seconds per plan for it, so
    each sample's plan, appendix and first two letters (the print file repeats them)."""
    name = path.split("/", 1)[1]
    if name in ("plan.pdf", "appendix.pdf"):
        return True
    if name.startswith("letters/"):
        return sorted(glob.glob(path.split("/")[0] + "/letters/*.pdf")).index(path) < 2
    return False


NEEDED = {
    "plan": {"Document", "Div", "H1", "H2", "P", "L", "LI", "Lbl", "LBody"},
    "appendix": {"Document", "H1", "P", "Table", "TR", "TH", "TD"},
    "letter": {"Document", "Div", "P", "L", "LI", "Lbl", "LBody"},
}

for path in sorted(glob.glob("*/**/*.pdf", recursive=True)):
    files += 1
    name = path.rsplit("/", 1)[-1]
    kind = ("appendix" if name == "appendix.pdf" else
            "plan" if name.startswith("plan") else "letter")
    if name == "plan.pdf":
        kind_roles = NEEDED["plan"] | {"Table", "TH", "TD"}
    else:
        kind_roles = NEEDED[kind]
    d = json.loads(subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", path],
                                  capture_output=True, check=True).stdout)
    objs = d["qpdf"][1]
    trailer = objs["trailer"]["value"]
    cat = objs[f"obj:{trailer['/Root']}"]["value"]
    if cat.get("/MarkInfo", {}).get("/Marked") is not True:
        bad(path, "the catalog has no /MarkInfo << /Marked true >>")
    root = cat.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in objs[f"obj:{root}"]["value"]:
        bad(path, "no /StructTreeRoot with a /ParentTree")
        continue
    for key, o in objs.items():
        v = o.get("value")
        if isinstance(v, dict) and v.get("/Type") == "/Page" and "/StructParents" not in v:
            bad(path, f"{key}: a page without /StructParents")
    if not reread(path):
        continue
    roles, words, head, labels = tree(path)
    missing = kind_roles - roles
    if missing:
        bad(path, f"roles missing from the structure tree: {sorted(missing)}")
    for lbl in labels:
        if not re.fullmatch(r"(- |\+ |\d+\. )", lbl):
            bad(path, f"a list label {lbl!r} is not a bullet or a number")
            break
    raw, i, left = run("pdftotext", "-raw", path, "-").split(), 0, []
    for w in raw:
        if i < len(words) and w == words[i]:
            i += 1
        else:
            left.append(w)
    if i < len(words):
        bad(path, f"the structure's word {i} ({words[i]!r}) is out of the content's order")
    odd = [w for w in left if not w.isdigit() and w not in head]
    if odd:
        bad(path, f"words outside the structure tree that are no artifact: {odd[:5]}")

if files < 20:
    problems.append(f"only {files} PDFs read: samples-read wrote fewer than expected")
for p in problems[:20]:
    print(p)
if problems:
    print(f"{len(problems)} problems in {files} PDFs")
    sys.exit(1)
print(f"{files} PDFs: marked, a structure tree in the document's reading order, with its roles")
