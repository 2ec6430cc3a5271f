"""The PDF's metadata: Title starts with "Kế hoạch", Author is the issuer, Creator is
"vbgen VERSION" as `vbgen --version` says."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

info = subprocess.run(["pdfinfo", "-enc", "UTF-8", "plan.pdf"], capture_output=True,
                      check=True).stdout.decode("utf-8")
field = lambda k: (re.search(rf"^{k}: *(.*)$", info, re.M) or [None, ""])[1]
title, author, creator = field("Title"), field("Author"), field("Creator")
issuer = " ".join(ET.parse(os.environ["SAMPLE"]).getroot()
                  .findtext("document/issuer/name").split())
version = subprocess.run([os.environ["VBGEN"], "--version"], capture_output=True,
                         text=True).stdout.strip()
if not title.startswith("Kế hoạch"):
    print(f"Title is '{title}', not 'Kế hoạch...'")
elif not issuer or author != issuer:
    print(f"Author is '{author}', not the issuer '{issuer}'")
elif not re.match(r"^vbgen [0-9][0-9.]*", version):
    print(f"vbgen --version says '{version}'")
elif creator != version:
    print(f"Creator is '{creator}', not '{version}'")
else:
    print(f"title, author, creator ({creator})")
    sys.exit(0)
sys.exit(1)
