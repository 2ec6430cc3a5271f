"""PDF/A-2b (ISO 19005-2, level B) of every PDF of every sample (the outputs of
samples-read), requirement by requirement, read back with qpdf --json, pdffonts and
pdfinfo, independently of vbgen (no PDF/A validator is packaged for this machine):

  6.1.2   the header %PDF-1.7 and a comment of four bytes above 127 on the next line
  6.1.3   a trailer /ID, no /Encrypt; one cross-reference table, %%EOF at the end
  6.2.3   one output intent in the catalog: /S /GTS_PDFA1, an ICC profile stream with
          /N 3 whose bytes are an ICC profile (size, 'acsp', class mntr, RGB, PCS XYZ,
          version 2 or 4, at most 4.2; the fixed creation date, so the same input gives
          the same bytes)
  6.2.9/10 no transparency: no /SMask, /Group, /CA or /ca below 1, no blend mode
  6.2.11  every font embedded (pdffonts), CIDFontType2 fonts with /CIDToGIDMap
  6.3     every annotation printable (/F with bit 3), not hidden, an appearance
          dictionary with /N alone; no NeedAppearances in the form
  6.6.2   XMP with pdfaid:part 2 and pdfaid:conformance B (that the XMP agrees with
          the Info dictionary is the case metadata-samples)
  6.6.4   no other part or level claimed
The Info/XMP agreement, /Lang and dc:language are metadata-samples' checks."""
import base64
import glob
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

PDFAID = "http://www.aiim.org/pdfa/ns/id/"
problems = []
files = 0


def bad(path, msg):
    problems.append(f"{path}: {msg}")


def run(*argv):
    return subprocess.run(argv, capture_output=True, check=True).stdout


def check_icc(path, icc):
    if len(icc) < 132:
        return bad(path, f"the output profile is {len(icc)} bytes, not an ICC profile")
    size = int.from_bytes(icc[0:4], "big")
    major, minor = icc[8], icc[9] >> 4
    if size != len(icc):
        bad(path, f"the ICC header says {size} bytes, the stream has {len(icc)}")
    if icc[36:40] != b"acsp":
        bad(path, "the output profile has no 'acsp' signature")
    if icc[12:16] not in (b"mntr", b"prtr"):
        bad(path, f"the output profile's class is {icc[12:16]!r}, not mntr or prtr")
    if icc[16:20] != b"RGB ":
        bad(path, f"the output profile's colour space is {icc[16:20]!r}, not RGB")
    if icc[20:24] not in (b"XYZ ", b"Lab "):
        bad(path, f"the output profile's PCS is {icc[20:24]!r}")
    if major not in (2, 4) or (major == 4 and minor > 2):
        bad(path, f"the output profile is ICC version {major}.{minor}, not 2.x or 4.0-4.2")
    date = [int.from_bytes(icc[24 + 2 * i:26 + 2 * i], "big") for i in range(6)]
    if date != [2000, 1, 1, 0, 0, 0]:
        bad(path, f"the output profile's creation date is {date}, not the fixed 2000-01-01")
    count = int.from_bytes(icc[128:132], "big")
    for i in range(count):
        at = 132 + 12 * i
        off = int.from_bytes(icc[at + 4:at + 8], "big")
        ln = int.from_bytes(icc[at + 8:at + 12], "big")
        if at + 12 > len(icc) or off + ln > len(icc):
            bad(path, f"the output profile's tag {icc[at:at + 4]!r} lies outside it")


def walk(v):
    """Every dictionary inside the JSON value v."""
    if isinstance(v, dict):
        yield v
        for x in v.values():
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)


for path in sorted(glob.glob("*/*.pdf") + glob.glob("*/letters/*.pdf")):
    files += 1
    raw = open(path, "rb").read()
    if not raw.startswith(b"%PDF-1.7\n%") or not all(b > 127 for b in raw[10:14]):
        bad(path, "the header is not %PDF-1.7 with a binary comment")
    if raw.count(b"%%EOF") != 1 or not raw.rstrip().endswith(b"%%EOF"):
        bad(path, "not one %%EOF at the end")
    if raw.count(b"\nxref\n") != 1:
        bad(path, "not one classic cross-reference table")
    d = json.loads(run("qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline", path))
    objs = d["qpdf"][1]
    obj = lambda ref: objs.get("obj:" + ref, {})
    trailer = objs["trailer"]["value"]
    if "/Encrypt" in trailer:
        bad(path, "encrypted")
    ids = trailer.get("/ID", [])
    if len(ids) != 2 or not all(len(i) > 2 for i in ids):
        bad(path, f"no trailer /ID of two strings: {ids}")
    cat = obj(trailer["/Root"])["value"]
    intents = cat.get("/OutputIntents", [])
    if len(intents) != 1:
        bad(path, f"{len(intents)} output intents, not one")
    for ref in intents:
        oi = obj(ref)["value"]
        if oi.get("/S") != "/GTS_PDFA1" or oi.get("/Type", "/OutputIntent") != "/OutputIntent":
            bad(path, f"the output intent is not /GTS_PDFA1: {oi}")
        if "/OutputConditionIdentifier" not in oi:
            bad(path, "the output intent has no /OutputConditionIdentifier")
        prof = obj(oi.get("/DestOutputProfile", ""))
        if "stream" not in prof:
            bad(path, "the output intent has no profile stream")
            continue
        if prof["stream"]["dict"].get("/N") != 3:
            bad(path, "the output profile's /N is not 3 (RGB)")
        check_icc(path, base64.b64decode(prof["stream"].get("data", "")))
    form = cat.get("/AcroForm")
    if form is not None:
        fd = obj(form).get("value", {})
        if fd.get("/NeedAppearances") is True:
            bad(path, "the form asks for NeedAppearances")
    for key, o in objs.items():
        if not key.startswith("obj:"):
            continue
        dicts = list(walk(o.get("value", {}))) + ([o["stream"]["dict"]] if "stream" in o else [])
        for dd in dicts:
            for k in ("/SMask", "/Group"):
                if k in dd and dd[k] != "/None":
                    bad(path, f"{key} has {k} (transparency)")
            for k in ("/CA", "/ca"):
                if k in dd and dd[k] != 1:
                    bad(path, f"{key} has {k} {dd[k]}")
            if dd.get("/BM", "/Normal") not in ("/Normal", "/Compatible"):
                bad(path, f"{key} has the blend mode {dd['/BM']}")
            if dd.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in dd:
                bad(path, f"{key}: a CIDFontType2 font without /CIDToGIDMap")
            if dd.get("/Type") == "/Annot" or dd.get("/Subtype") == "/Widget":
                f = dd.get("/F", 0)
                if not f & 4 or f & (1 | 2 | 32):
                    bad(path, f"{key}: annotation flags {f}, not printed or hidden")
                if list(dd.get("/AP", {}).keys()) != ["/N"]:
                    bad(path, f"{key}: the appearance is not /N alone: {dd.get('/AP')}")
    for line in run("pdffonts", path).decode().splitlines()[2:]:
        cols = line.split()
        # name type... emb sub uni object ID: emb is the fifth column from the end
        if len(cols) >= 7 and cols[-5] != "yes":
            bad(path, f"a font not embedded: {line.strip()}")
    meta = run("pdfinfo", "-meta", path).decode("utf-8")
    try:
        root = ET.fromstring(meta[meta.index("<x:xmpmeta"):meta.index("</x:xmpmeta>") + 12])
    except (ValueError, ET.ParseError) as e:
        bad(path, f"no readable XMP: {e}")
        continue
    part = [e.text for e in root.iter(f"{{{PDFAID}}}part")]
    conf = [e.text for e in root.iter(f"{{{PDFAID}}}conformance")]
    if part != ["2"] or conf != ["B"]:
        bad(path, f"the XMP claims pdfaid part {part} conformance {conf}, not 2 and B")

if files < 20:
    problems.append(f"only {files} PDFs read: samples-read wrote fewer than expected")
for p in problems[:20]:
    print(p)
if problems:
    print(f"{len(problems)} problems in {files} PDFs")
    sys.exit(1)
print(f"{files} PDFs: PDF/A-2b output intent, pdfaid 2B, fonts embedded, no transparency")
