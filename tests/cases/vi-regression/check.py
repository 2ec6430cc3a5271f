"""Each input of tests/check speaks Vietnamese with --lang vi and says the same as in English
where scripts look: the exit status, the number of lines, and on each line the place
("vbgen: FILE:LINE:") and the level (error / lỗi, warning / cảnh báo, note / ghi chú). The
Vietnamese text differs from the English one, and no English phrase is left in it once the
names from the file (quoted values, <tags>, attr=) are taken out."""
import glob, os, re, sys

LEVELS = {"error": "lỗi", "warning": "cảnh báo", "note": "ghi chú"}
WHERE = re.compile(r"^((?:vbgen: )?(?:[^:\s]+(?::\d+)?: )?)(?:(error|warning|note|lỗi|cảnh báo|ghi chú): )?")
# words of vbgen's English messages that no Vietnamese message has
ENGLISH = {"the", "is", "are", "write", "not", "and", "with", "this", "file", "line", "must",
           "give", "has", "found", "problem", "problems", "correct", "check", "again", "valid",
           "plan", "delete", "here", "which", "cannot", "does", "add", "its", "of"}
NAMES = re.compile(r'“[^”]*”|"[^"]*"|\'[^\']*\'|</?[^>\s]*[^>]*>|[\w.:-]+=|[\w./-]+\.(?:xml|pdf|rng|md)|'
                   r'&\w+;|U\+[0-9A-F]+|\b[A-Z][\w-]*[A-Z0-9][\w-]*\b|xmllint.*?plan\.rng|'
                   r'\bapt-get install [\w.-]+|\bSave As, Encoding: UTF-8|\bExport as PNG|'
                   r'Yes, export the private key|/Size|--[\w-]+|-o\b|\bvbgen \w+|ok-\w+')

bad, n = [], 0
for en_path in sorted(glob.glob("*.en")):
    name = en_path[:-3]
    en = open(en_path, encoding="utf-8").read().splitlines()
    vi = open(name + ".vi", encoding="utf-8").read().splitlines()
    n += 1
    if len(en) != len(vi) or en[-1] != vi[-1]:
        bad.append(f"{name}: {len(vi)} lines ({vi[-1]}), English {len(en)} ({en[-1]})")
        continue
    for e, v in zip(en[:-1], vi[:-1]):
        me, mv = WHERE.match(e), WHERE.match(v)
        if me.group(1) != mv.group(1) or LEVELS.get(me.group(2), me.group(2)) != mv.group(2):
            bad.append(f"{name}: place or level differs: {v[:80]!r} / {e[:80]!r}")
            break
        text = v[mv.end():]
        left = set(re.findall(r"[A-Za-z]+", NAMES.sub(" ", text))) & ENGLISH
        if text == e[me.end():] or left:
            bad.append(f"{name}: English left ({', '.join(sorted(left)) or 'untranslated'}): {v}")
            break
for b in bad:
    print(b)
print(f"{n - len({b.split(':')[0] for b in bad})} of {n} inputs say the same in Vietnamese")
sys.exit(1 if bad or n == 0 else 0)
