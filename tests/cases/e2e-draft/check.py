"""pdftotext -layout turns the blank's width into spaces: "Số:" + blanks + "/KH-UBND"
and "ngày" + blanks + "tháng 8 năm 2023" on the first page."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-f", "1", "-l", "1",
                       "draft.pdf", "-"], capture_output=True, check=True).stdout.decode()
doc = ET.parse(os.environ["SAMPLE"]).getroot().find("document")
symbol = doc.findtext("symbol").strip()
year, month = int(doc.findtext("date")[:4]), int(doc.findtext("date")[5:7])
month = f"{month:02d}" if month <= 2 else str(month)
blank = r"[ \u00a0]{2,}"
number = re.search(r"Số:" + blank + "/" + re.escape(symbol), text)
day = re.search(r"ngày" + blank + f"tháng {month} năm {year}", text)
if not number:
    line = next((l.strip() for l in text.splitlines() if "Số:" in l), "(no 'Số:' line)")
    print(f"no 'Số:' + blanks + '/{symbol}': {line!r}")
    sys.exit(1)
if not day:
    line = next((l.strip() for l in text.splitlines() if "ngày" in l), "(no date line)")
    print(f"no blank day in the date line ('ngày' + blanks + 'tháng {month} năm {year}'): {line!r}")
    sys.exit(1)
print(f"blank number and day: {number.group(0)!r}, {day.group(0)!r}")
