#!/usr/bin/env python3
"""replace.py FROM_FILE TO_FILE OLD NEW - writes FROM_FILE to TO_FILE with the first OLD
replaced by NEW (a broken template for a case). Fails when FROM_FILE has no OLD: the
template moved on and the case would test nothing."""
import sys

src, dst, old, new = sys.argv[1:5]
text = open(src, encoding="utf-8").read()
if old not in text:
    sys.exit(f"replace.py: {src} has no {old!r} to replace")
open(dst, "w", encoding="utf-8").write(text.replace(old, new, 1))
