"""Every number vbgen writes into the PDF, outside font programs and the cross-reference
table, is in the writer's form: an integer or at most two decimals, no trailing zero,
no exponent, no "-0" (gen/pdf.c fmt_num; tests/unit_pdf.c tests the rounding). Read
from the file itself: the objects' dictionaries and the decompressed page contents.
One exception: the font descriptor's /ItalicAngle is written with printf's "%.1f"
("0.0", "-12.0"), which readers accept; that form, and only after that key, passes."""
import re
import sys
import zlib

data = open("plan.pdf", "rb").read()
GOOD = re.compile(rb"-?(0|[1-9][0-9]*)(\.[0-9]?[1-9])?")
TOKEN = re.compile(rb"%[^\r\n]*|\((?:\\.|[^\\)])*\)|<<|>>|<[0-9A-Fa-f\s]*>|/[^\s/\[\]<>()]*|"
                   rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|\S")


ITALIC = re.compile(rb"-?[0-9]+\.[0-9]")


def bad_numbers(text, where):
    out, key = [], b""
    for m in TOKEN.finditer(text):
        t = m.group(0)
        if t[:1] in b"+-.0123456789" and not GOOD.fullmatch(t) and not (
                key == b"/ItalicAngle" and ITALIC.fullmatch(t)):
            out.append(f"{where}: {t.decode()}")
        key = t
    return out


xref = data.rfind(b"\nxref\n")
body = data[:xref] if xref > 0 else data
problems, counted, contents = [], 0, set(re.findall(rb"/Contents (\d+) 0 R", body))
for m in re.finditer(rb"(?m)^(\d+) 0 obj\n(.*?)endobj\n", body, re.S):
    num, obj = m.group(1), m.group(2)
    head, _, rest = obj.partition(b"stream\n")
    problems += bad_numbers(head, f"object {num.decode()}")
    counted += 1
    if num in contents and rest:
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        page = zlib.decompress(rest[:length])
        problems += bad_numbers(page, f"content {num.decode()}")
if counted == 0 or not contents:
    print("no objects or no page contents found in plan.pdf")
    sys.exit(1)
if problems:
    print(f"{len(problems)} numbers not in the writer's form, first: {problems[0]}")
    sys.exit(1)
print(f"every number of {counted} objects and {len(contents)} page contents well formed")
