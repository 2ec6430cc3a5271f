import os, sys
raw = open(os.environ["STDERR"], "rb").read()
try:
    text = raw.decode("utf-8")
except UnicodeDecodeError as e:
    print("stderr is not valid UTF-8:", e)
    sys.exit(1)
lines = text.splitlines()
bad = [l for l in lines if not l.startswith("vbgen: ") or "\t" in l or "\r" in l]
if bad:
    print("a message spans lines or holds a tab:", repr(bad[0]))
    sys.exit(1)
if len(lines) != 4:
    print("expected 4 message lines, got", len(lines))
    sys.exit(1)
print("every message one line of valid UTF-8")
