"""The archival metadata of every PDF of every sample (the outputs of samples-read): an
XMP packet (the catalog's /Metadata, read with pdfinfo -meta, parsed as XML) that agrees
with the Info dictionary (pdfinfo -isodates): dc:title = Title, dc:creator = Author,
dc:description = Subject, pdf:Producer = Producer, xmp:CreatorTool = Creator,
xmp:CreateDate = CreationDate, xmp:ModifyDate = ModDate; dc:language vi-VN; and the
catalog's /Lang (vi-VN)."""
import glob
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdf": "http://ns.adobe.com/pdf/1.3/",
      "x": "adobe:ns:meta/"}
problems = []
files = 0


def run(*argv):
    return subprocess.run(argv, capture_output=True, check=True).stdout.decode("utf-8")


def iso(d):
    """pdfinfo's ISO date (2023-08-28T00:00:00Z or +07:00) as a comparable string."""
    return d.strip().replace("+00:00", "Z")


for path in sorted(glob.glob("*/*.pdf") + glob.glob("*/letters/*.pdf")):
    files += 1
    info = run("pdfinfo", "-enc", "UTF-8", "-isodates", path)
    field = lambda k: (re.search(rf"^{k}: *(.*)$", info, re.M) or [None, None])[1]
    meta = run("pdfinfo", "-meta", path)
    if "<x:xmpmeta" not in meta:
        problems.append(f"{path}: no XMP metadata")
        continue
    try:
        root = ET.fromstring(meta[meta.index("<x:xmpmeta"):meta.index("</x:xmpmeta>") + 12])
    except ET.ParseError as e:
        problems.append(f"{path}: the XMP is not well-formed XML: {e}")
        continue
    desc = root.find("rdf:RDF/rdf:Description", NS)
    got = lambda p: (desc.findtext(p, namespaces=NS) if desc is not None else None)
    pairs = [("Title", got("dc:title/rdf:Alt/rdf:li")),
             ("Author", got("dc:creator/rdf:Seq/rdf:li")),
             ("Subject", got("dc:description/rdf:Alt/rdf:li")),
             ("Producer", got("pdf:Producer")),
             ("Creator", got("xmp:CreatorTool"))]
    for k, x in pairs:
        if (field(k) or None) != x:
            problems.append(f"{path}: Info {k} '{field(k)}' but XMP '{x}'")
    for k, x in (("CreationDate", got("xmp:CreateDate")), ("ModDate", got("xmp:ModifyDate"))):
        if field(k) is None or x is None or iso(field(k)) != iso(x):
            problems.append(f"{path}: Info {k} '{field(k)}' but XMP '{x}'")
    if got("dc:language/rdf:Bag/rdf:li") != "vi-VN":
        problems.append(f"{path}: dc:language is not vi-VN")
    if got("dc:format") != "application/pdf":
        problems.append(f"{path}: dc:format is not application/pdf")
    if b"/Lang (vi-VN)" not in open(path, "rb").read():
        problems.append(f"{path}: the catalog has no /Lang (vi-VN)")

for p in problems[:10]:
    print(p)
if problems or files == 0:
    print(f"{len(problems)} problems in {files} files")
    sys.exit(1)
print(f"{files} files: XMP agrees with the Info dictionary; language vi-VN")
