"""po/vi.po has no untranslated or fuzzy entry, also against the texts the sources mark now
(xgettext, as `make pot` runs it, on gen/*.c and the message table gen/msg.def); po/vbgen.pot holds those texts; vi.po is NFC."""
import os, re, subprocess, sys, unicodedata

root, scratch = os.environ["ROOT"], os.environ["SCRATCH"]
said = open(os.environ["STDOUT"], encoding="utf-8").read().strip()
if not re.fullmatch(r"\d+ translated messages?\.", said):
    sys.exit(f"po/vi.po: {said}")
srcs = sorted(os.path.join(root, "gen", f) for f in os.listdir(os.path.join(root, "gen"))
              if f.endswith(".c")) + [os.path.join(root, "gen", "msg.def")]
pot = os.path.join(scratch, "fresh.pot")
subprocess.run(["xgettext", "--from-code=UTF-8", "--language=C", "--keyword=_", "--keyword=N_",
                "--keyword=P_:1,2", "--keyword=NP_:1,2", "--add-comments=TRANSLATORS:", "--no-wrap", "-o", pot] + srcs,
               check=True, capture_output=True)

def ids(path):
    text = open(path, encoding="utf-8").read()
    return set(re.findall(r'^msgid ((?:".*"\n)+)', text + "\n", re.M))

if ids(pot) != ids(os.path.join(root, "po", "vbgen.pot")):
    sys.exit("po/vbgen.pot is not the texts of the sources: run `make pot`, then translate")
merged = os.path.join(scratch, "vi.po")
subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged,
                os.path.join(root, "po", "vi.po"), pot], check=True, capture_output=True)
stats = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", merged],
                       capture_output=True, text=True)
if stats.returncode != 0 or "untranslated" in stats.stderr or "fuzzy" in stats.stderr:
    sys.exit("po/vi.po with the sources' texts: " + stats.stderr.strip().splitlines()[-1])
vi = open(os.path.join(root, "po", "vi.po"), encoding="utf-8").read()
if unicodedata.normalize("NFC", vi) != vi:
    sys.exit("po/vi.po is not in NFC: write it again normalised")
print(stats.stderr.strip())
