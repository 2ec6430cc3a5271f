"""Every sentence of the sample's body is in the PDF's text, in order. Both sides are
compared in NFC, lower case (headings print in capitals), without white space and
hyphens (lines break anywhere, also after "165/" or inside "KH-UBND", and bullets add
"- "); page-number lines are dropped. Sentences are the pieces between ". " and ";" of
each title, paragraph and item. The reference is the sample's own <body>, not
../shared/seed, which a user's clone does not have."""
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET


def norm(s):
    s = unicodedata.normalize("NFC", s).lower()
    return re.sub(r"[\s\u00a0\u00ad\u2010\u2011-]+", "", s)


body = ET.parse(os.environ["SAMPLE"]).getroot().find("body")
sentences = []
for el in body.iter():
    if el.tag in ("title", "p", "item"):
        text = " ".join("".join(el.itertext()).split())
        sentences += [s.strip() for s in re.split(r"(?<=\.)\s+|;", text) if s.strip()]
text = subprocess.run(["pdftotext", "-enc", "UTF-8", "plan.pdf", "-"], capture_output=True,
                      check=True).stdout.decode("utf-8")
pdf = norm("".join(line for line in text.replace("\f", "\n").splitlines(True)
                   if not line.strip().isdigit()))
pos = 0
for n, s in enumerate(sentences, 1):
    i = pdf.find(norm(s), pos)
    if i < 0:
        where = "anywhere" if pdf.find(norm(s)) < 0 else "after the sentence before it"
        print(f"sentence {n} of {len(sentences)} not found {where}: '{s[:70]}'")
        sys.exit(1)
    pos = i + len(norm(s))
print(f"{len(sentences)} sentences, in order")
