"""pdffonts: every font embedded, each Times New Roman or Liberation Serif (its metric
twin) after the subset prefix ABCDEF+."""
import re
import subprocess
import sys

rows = subprocess.run(["pdffonts", "plan.pdf"], capture_output=True,
                      check=True).stdout.decode("utf-8").splitlines()
# the dashes under the heading give the columns (names may hold spaces)
dash = next(i for i, r in enumerate(rows) if r.startswith("---"))
cols = [(m.start(), m.end()) for m in re.finditer(r"-+", rows[dash])]
heads = [rows[dash - 1][a:b + 1].strip() for a, b in cols]
emb = heads.index("emb")
ok = re.compile(r"(LiberationSerif|TimesNewRoman(PS)?|Times New Roman)"
                r"([-,](Bold|Italic|BoldItalic))?(MT)?")
names = []
for r in rows[dash + 1:]:
    if not r.strip():
        continue
    name = r[cols[0][0]:cols[0][1]].strip()
    base = re.sub(r"^[A-Z]{6}\+", "", name)
    if not ok.fullmatch(base):
        print(f"font '{name}' is neither Times New Roman nor Liberation Serif")
        sys.exit(1)
    if r[cols[emb][0]:cols[emb][1] + 1].strip() != "yes":
        print(f"font '{name}' is not embedded")
        sys.exit(1)
    names.append(base)
if not names:
    print("pdffonts lists no font")
    sys.exit(1)
print("embedded: " + ", ".join(sorted(set(names))))
