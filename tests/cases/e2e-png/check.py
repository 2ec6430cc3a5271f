"""One PNG per page, named preview-N.png, each with its page's proportions."""
import os
import re
import struct
import subprocess
import sys

n = re.search(r"^Pages: *(\d+)", subprocess.run(["pdfinfo", "preview.pdf"], capture_output=True,
                                                text=True).stdout, re.M)
info = subprocess.run(["pdfinfo", "-f", "1", "-l", n.group(1) if n else "1", "preview.pdf"],
                      capture_output=True, text=True).stdout
sizes = [(float(w), float(h)) for w, h in
         re.findall(r"^Page +\d+ size: *([\d.]+) x ([\d.]+)", info, re.M)]
if not sizes:
    print("pdfinfo gives no page sizes")
    sys.exit(1)
want = [f"preview-{i}.png" for i in range(1, len(sizes) + 1)]
have = sorted(os.listdir("png")) if os.path.isdir("png") else []
if sorted(want) != have:
    print(f"{len(sizes)} pages but png/ holds {have}")
    sys.exit(1)
for name, (pw, ph) in zip(want, sizes):
    head = open(os.path.join("png", name), "rb").read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        print(f"{name} is not a PNG")
        sys.exit(1)
    w, h = struct.unpack(">II", head[16:24])
    if abs(w / h - pw / ph) > 0.01:
        print(f"{name} is {w}x{h}; its page is {pw:g}x{ph:g} pt")
        sys.exit(1)
print(f"{len(want)} previews for {len(sizes)} pages")
