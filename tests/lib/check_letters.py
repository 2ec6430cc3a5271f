#!/usr/bin/env python3
"""check_letters.py [--agency ID]... PLAN.xml DIR: every letter in DIR (or only those of
the agencies named) lists exactly the tasks its agency leads or supports in PLAN
(directly or through its group), read back from the PDF text with pdftotext. Prints one
line per problem; exit status 1 when there is any."""
import argparse
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def main(plan_path, letters_dir, only):
    root = ET.parse(plan_path).getroot()
    group_of = {a.get("id"): a.get("group") for a in root.iter("agency")
                if not only or a.get("id") in only}
    if only and set(only) - set(group_of):
        print(f"no such agency in {plan_path}: {' '.join(sorted(set(only) - set(group_of)))}")
        return 1
    tasks = []
    for t in root.iter("task"):
        text = norm("".join(t.find("text").itertext()))
        tasks.append((t.get("id"), text, t.get("lead"), (t.get("support") or "").split()))
    problems = 0
    for agency, group in group_of.items():
        try:
            pdf = subprocess.run(["pdftotext", f"{letters_dir}/{agency}.pdf", "-"],
                                 capture_output=True, check=True).stdout.decode()
        except (subprocess.CalledProcessError, FileNotFoundError) as e:
            print(f"{agency}: cannot read its letter: {e}")
            problems += 1
            continue
        # undo the line breaks (and hyphen-free wrapping) of the PDF text
        body = norm(pdf.replace("\f", " "))
        for tid, text, lead, support in tasks:
            mine = lead in (agency, group) or agency in support or group in support
            # a task text as it appears on one line may be wrapped anywhere: compare
            # without spaces
            present = text.replace(" ", "") in body.replace(" ", "")
            if mine and not present:
                print(f"{agency}: task {tid} is missing from its letter")
                problems += 1
            elif present and not mine:
                print(f"{agency}: task {tid} is in its letter but not the agency's")
                problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--agency", action="append", default=[])
    ap.add_argument("plan")
    ap.add_argument("dir")
    a = ap.parse_args()
    sys.exit(main(a.plan, a.dir, a.agency))
