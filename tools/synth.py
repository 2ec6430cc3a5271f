#!/usr/bin/env python3
"""synth.py - deterministic synthetic vbgen plans for `make bench` (tools/bench.sh).

    python3 tools/synth.py [OPTIONS] OUT.xml
    python3 tools/synth.py --styles OUT.txt TEMPLATE.xml...

The first form writes one plan file (docs/plan-format.md) that `vbgen check` accepts:
the same seed and options always give the same bytes. What it can be made to stress:

  --pages N            a body of about N pages of plan text (paragraphs, bullets and
                       numbered sections three levels deep; calibrated against
                       templates/plan.xml: about PARAS_PER_PAGE paragraphs per page)
  --paras N            the number of body paragraphs, instead of --pages
  --tasks N            appendix rows, leads and supporters drawn at random, a few of
                       them whole groups (default 40)
  --cell-lines A-B     each task's text is about A..B lines long in its table cell
                       (CELL_CHARS_PER_LINE characters a line; default 1-3)
  --agencies N         agencies, spread over 3 groups (departments, communes, central
                       bodies; default 30)
  --tasks-per-agency K instead of --tasks, for the letters: agencies x K / 3 rows, every
                       agency leading K/3 of them in turn and supporting about 2K/3, so
                       that its commitment letter lists about K tasks (K = 11: letters
                       of three pages, 987 of 1,000 for 1,000 agencies, with
                       templates/letter.xml as of vbgen 0.1.0)
  --busy M             with --tasks-per-agency: only the first M agencies lead and
                       support tasks (M x K / 3 rows), the others have none; so that the
                       letters of those M are the same whatever --agencies is (make
                       bench: the cost of a letter against the number of agencies)
  --seed S             the seed of the pseudo-random choices (default 1)

All text is Vietnamese with its diacritics, made from the word lists below; ids are
ASCII and numbered, so they are unique whatever the counts.

The second form is a helper of bench.sh for tests/bare.c: it writes the table
"STYLE SIZE BOLD ITALIC" (one style a line, parent styles resolved) of the styles the
templates declare, so that the bare program draws each line of a layout dump in the same
size and face as vbgen. When templates declare the same style name, the first wins:
list the document's own template first.

Only the Python standard library is used.
"""

import argparse
import math
import random
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

# Body paragraphs (bullets and paragraphs of 25..90 words, with section titles) per A4
# page of templates/plan.xml (14 pt, line spacing 1.1): measured with vbgen 0.1.0
# (--pages 50, 100, 200 gave 50, 100, 196 pages).
PARAS_PER_PAGE = 4.55
# Characters per line of the task column of the appendix table (templates/appendix.xml:
# landscape A4, 12 pt, the column 34% of the table, about 210 pt of text): measured with
# vbgen 0.1.0 (--cell-lines 1-1, 3-3, 10-10, 30-30 gave 1.00, 3.00, 10.01, 29.91 lines).
CELL_CHARS_PER_LINE = 40

# Words of plan prose, mostly two-syllable administrative terms, so that sentences read
# like a plan and every Vietnamese diacritic shows up.
WORDS = """
cải cách|hành chính|nâng cao|chất lượng|hiệu quả|hiệu lực|công tác|nhiệm vụ|giải pháp|
thực hiện|triển khai|tăng cường|đẩy mạnh|tiếp tục|đổi mới|rà soát|kiểm tra|giám sát|
đánh giá|tổng hợp|báo cáo|kế hoạch|chỉ đạo|điều hành|phối hợp|trách nhiệm|người đứng đầu|
cơ quan|đơn vị|địa phương|cán bộ|công chức|viên chức|người dân|doanh nghiệp|tổ chức|
thủ tục|hồ sơ|giải quyết|đúng hạn|trước hẹn|quá hạn|công khai|minh bạch|niêm yết|
tiếp nhận|trả kết quả|một cửa|liên thông|trực tuyến|dịch vụ công|toàn trình|
chuyển đổi số|chính quyền số|chính quyền điện tử|hạ tầng|dữ liệu|số hóa|ký số|
văn bản|quy phạm pháp luật|thẩm định|ban hành|sửa đổi|bổ sung|thay thế|bãi bỏ|
tinh giản|biên chế|vị trí việc làm|tuyển dụng|bồi dưỡng|đào tạo|luân chuyển|bổ nhiệm|
kỷ luật|kỷ cương|thi đua|khen thưởng|tài chính công|ngân sách|tài sản công|tiết kiệm|
chống lãng phí|phòng, chống tham nhũng|tiêu cực|khiếu nại|tố cáo|tiếp công dân|
dân chủ|cơ sở|đối thoại|lắng nghe|hài lòng|phục vụ|thân thiện|chuyên nghiệp|
năng động|sáng tạo|đồng bộ|thống nhất|kịp thời|khả thi|nghiêm túc|thường xuyên|
định kỳ|hằng năm|sáu tháng|quý|chỉ số|điểm số|tiêu chí|mục tiêu|kết quả|tiến độ|
tuyên truyền|phổ biến|quán triệt|nhận thức|thông tin|chuyên mục|trang điện tử|
đất đai|xây dựng|đầu tư|môi trường|nông thôn mới|y tế|giáo dục|văn hóa|xã hội|
lao động|thương binh|bảo hiểm|thuế|kho bạc|công an|quân sự|tư pháp|nội vụ|
trên địa bàn|theo quy định|của tỉnh|của huyện|các xã|thị trấn|cấp trên|cấp dưới|
giữa các|đối với|nhằm|để|và|với|trong|theo|về|của|cho|tại|từ|đến|các|những|
được|phải|đã|sẽ|đang|không|còn|hơn|nhất là|đặc biệt|cụ thể|toàn diện|
ưu tiên|trọng tâm|trọng điểm|lĩnh vực|ngành|phân cấp|phân quyền|ủy quyền|
quyền hạn|cơ chế|kiểm soát|quyền lực|hướng dẫn|đôn đốc|theo dõi|tham mưu|
đề xuất|xử lý|khắc phục|hạn chế|yếu kém|tồn tại|vướng mắc|khó khăn|
nguồn lực|nhân lực|kinh phí|trang thiết bị|phần mềm|ứng dụng|nền tảng|
điện thoại thông minh|tiện ích|mọi lúc|mọi nơi|người lao động|hộ nghèo|
""".replace("\n", "").split("|")
WORDS = [w.strip() for w in WORDS if w.strip()]

# Phrases a deadline or a product is made of.
DEADLINE_WORDS = ["Thường xuyên", "Hằng năm", "Định kỳ 6 tháng, năm", "Hằng quý",
                  "Theo yêu cầu của UBND huyện", "Trước ngày 15 hằng tháng"]
PRODUCTS = ["Báo cáo kết quả thực hiện", "Kế hoạch triển khai", "Văn bản hướng dẫn",
            "Quyết định kiện toàn", "Danh sách được niêm yết công khai",
            "Báo cáo đánh giá chỉ số", "Chuyên mục trên Trang thông tin điện tử",
            "Hội nghị đối thoại với Nhân dân", "Biên bản kiểm tra", "Sáng kiến được công nhận"]
NOTES = ["Lồng ghép trong báo cáo công tác CCHC", "Gửi UBND huyện qua Phòng Nội vụ",
         "Phối hợp với Ủy ban MTTQ Việt Nam huyện", "Theo hướng dẫn của Sở Nội vụ"]

DEPARTMENTS = ["Phòng Nội vụ", "Phòng Tư pháp", "Phòng Tài chính - Kế hoạch",
               "Phòng Tài nguyên và Môi trường", "Phòng Kinh tế và Hạ tầng",
               "Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Lao động - Thương binh và Xã hội",
               "Phòng Giáo dục và Đào tạo", "Phòng Văn hóa và Thông tin", "Phòng Y tế",
               "Thanh tra huyện", "Văn phòng HĐND và UBND huyện", "Phòng Dân tộc",
               "Trung tâm Văn hóa - Thể thao và Truyền thông", "Ban Quản lý dự án đầu tư xây dựng"]
CENTRAL = ["Chi cục Thuế khu vực", "Kho bạc Nhà nước", "Bảo hiểm xã hội", "Công an",
           "Ban Chỉ huy Quân sự", "Chi cục Thống kê", "Văn phòng Đăng ký đất đai chi nhánh",
           "Điện lực", "Viễn thông", "Bưu điện"]
PLACE_SYLLABLES = ["Cam", "Thành", "Hiếu", "Tuyền", "Chính", "Nghĩa", "An", "Thủy", "Triệu",
                   "Phước", "Hải", "Lăng", "Đông", "Trung", "Vĩnh", "Long", "Gio", "Linh",
                   "Mỹ", "Hòa", "Tân", "Lợi", "Phú", "Sơn", "Hướng", "Lập", "Đakrông", "Ba",
                   "Lòng", "Mò", "Ó", "Quang", "Ngạn", "Hưng", "Lộc", "Thượng", "Hạ", "Xuân",
                   "Diên", "Khánh", "Ái", "Tử", "Đức", "Liêm", "Bình", "Kỳ", "Nhơn"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh", "Quang", "Ngọc", "Thị Thu", "Xuân",
          "Công", "Đình", "Thị Hoài", "Kim"]
GIVEN = ["Anh", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn",
         "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trung", "Tuấn", "Việt", "Yến", "Đạt", "Ước"]

GROUPS = [
    # id, name, parent, share of the agencies, head title
    ("phong", "Các cơ quan, đơn vị thuộc UBND huyện", "UBND huyện Cam Lộ", 0.10, "Trưởng phòng"),
    # a People's Committee prints no parent line, and its chairman's title names it
    ("xa", "UBND các xã, thị trấn", None, 0.80, "Chủ tịch"),
    ("trung-uong", "Các cơ quan Trung ương trên địa bàn huyện", None, 0.10, "Thủ trưởng"),
]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def words(self, n):
        """n words of prose, no capital, no full stop."""
        out = []
        for i in range(n):
            out.append(self.r.choice(WORDS))
            if i > 3 and i < n - 2 and self.r.random() < 0.08:
                out[-1] += self.r.choice([",", ",", ";"])
        return " ".join(out)

    def sentence(self, n):
        s = self.words(n)
        return s[0].upper() + s[1:] + "."

    def prose(self, nwords):
        """Sentences adding up to about nwords words."""
        out, left = [], nwords
        while left > 0:
            n = min(left, self.r.randint(10, 30))
            out.append(self.sentence(max(n, 3)))
            left -= n
        return " ".join(out)

    def prose_chars(self, nchars):
        """Sentences cut at a word boundary at about nchars characters, no full stop."""
        text = ""
        while len(text) < nchars:
            text += (" " if text else "") + self.sentence(self.r.randint(10, 30))
        cut = text.rfind(" ", 0, nchars + 1)
        return (text[:cut] if cut > 0 else text[:nchars]).rstrip(" ,;.")

    def running(self, nwords, nchars=None):
        """Running text: prose with an occasional <b> or <i> phrase (escaped XML), of
        about nwords words, or nchars characters when given."""
        text = escape(self.prose(nwords) if nchars is None else self.prose_chars(nchars))
        if self.r.random() < 0.15:
            words = text.split(" ")
            i = self.r.randrange(len(words))
            j = min(len(words), i + self.r.randint(1, 4))
            tag = self.r.choice(["b", "i"])
            words[i] = "<%s>%s" % (tag, words[i])
            words[j - 1] = "%s</%s>" % (words[j - 1], tag)
            text = " ".join(words)
        return text

    def title(self):
        s = self.words(self.r.randint(3, 10)).rstrip(",;")
        return escape(s[0].upper() + s[1:])

    def person(self):
        return "%s %s %s" % (self.r.choice(FAMILY), self.r.choice(MIDDLE), self.r.choice(GIVEN))

    def place(self):
        return "%s %s" % (self.r.choice(PLACE_SYLLABLES), self.r.choice(PLACE_SYLLABLES))


def body(g, nparas):
    """The body: an opening paragraph, then sections I.. with subsections 1.. and a)..,
    holding nparas paragraphs and bullets in all. Returns (xml lines, section ids)."""
    lines = ["  <body>", "    <p>%s</p>" % g.running(70)]
    ids = []
    left = max(nparas - 1, 1)
    top = 0
    while left > 0:
        top += 1
        sid = "s%d" % top
        ids.append(sid)
        lines.append('    <section id="%s">' % sid)
        lines.append("      <title>%s</title>" % g.title())
        for sub in range(1, g.r.randint(2, 5) + 1):
            if left <= 0:
                break
            subid = "%s-%d" % (sid, sub)
            ids.append(subid)
            runin = g.r.random() < 0.15
            lines.append('      <section id="%s"%s>' % (subid, ' runin="yes"' if runin else ""))
            lines.append("        <title>%s</title>" % g.title())
            if runin:
                lines.append("        <p>%s</p>" % g.running(g.r.randint(25, 90)))
                left -= 1
            nsubsub = g.r.randint(0, 3) if not runin else 0
            for k in range(1, nsubsub + 1):
                if left <= 0:
                    break
                ssid = "%s-%d" % (subid, k)
                ids.append(ssid)
                lines.append('        <section id="%s">' % ssid)
                lines.append("          <title>%s</title>" % g.title())
                for _ in range(g.r.randint(1, 4)):
                    tag = "item" if g.r.random() < 0.6 else "p"
                    lines.append("          <%s>%s</%s>" % (tag, g.running(g.r.randint(25, 90)), tag))
                    left -= 1
                lines.append("        </section>")
            for _ in range(g.r.randint(1, 5) if nsubsub == 0 and not runin else 0):
                tag = "item" if g.r.random() < 0.6 else "p"
                lines.append("        <%s>%s</%s>" % (tag, g.running(g.r.randint(25, 90)), tag))
                left -= 1
            lines.append("      </section>")
        lines.append("    </section>")
    lines.append("    <p>%s</p>" % g.running(30))
    lines.append("  </body>")
    return lines, ids


def agencies(g, n):
    """Groups and n agencies. Returns (xml lines, [(id, group)])."""
    lines = ["  <agencies>"]
    for gid, name, parent, _, _ in GROUPS:
        lines.append('    <group id="%s">' % gid)
        lines.append("      <name>%s</name>" % name)
        if parent:
            lines.append("      <parent>%s</parent>" % parent)
        lines.append("    </group>")
    counts = [max(1, int(round(n * share))) for _, _, _, share, _ in GROUPS]
    counts[1] = max(1, n - counts[0] - counts[2])  # the communes take the rest
    out = []
    for (gid, _, _, _, head), count in zip(GROUPS, counts):
        for i in range(1, count + 1):
            aid = "%s-%04d" % (gid, i)
            if gid == "phong":
                base = DEPARTMENTS[(i - 1) % len(DEPARTMENTS)]
                name = base if i <= len(DEPARTMENTS) else "%s (đơn vị %d)" % (base, i)
            elif gid == "xa":
                name = "UBND xã %s" % g.place()
            else:
                name = "%s %s" % (CENTRAL[(i - 1) % len(CENTRAL)], g.place())
            lines.append('    <agency id="%s" group="%s">' % (aid, gid))
            lines.append("      <name>%s</name>" % name)
            if g.r.random() < 0.3:
                lines.append("      <short>%s</short>" % name.replace("UBND xã", "Xã"))
            lines.append("      <head>")
            lines.append("        <title>%s</title>" % (head if gid != "xa" else "Chủ tịch " + name))
            if g.r.random() < 0.9:
                lines.append("        <name>%s</name>" % g.person())
            lines.append("      </head>")
            lines.append("    </agency>")
            out.append((aid, gid))
    lines.append("  </agencies>")
    return lines, out


def deadline(g):
    k = g.r.random()
    if k < 0.4:
        return "<deadline>%s</deadline>" % g.r.choice(DEADLINE_WORDS)
    if k < 0.7:
        return '<deadline date="2024-%02d-%02d"/>' % (g.r.randint(1, 12), g.r.randint(1, 28))
    if k < 0.9:
        return '<deadline quarter="%d" year="2024"/>' % g.r.randint(1, 4)
    return '<deadline year="%d"/>' % g.r.randint(2024, 2025)


def appendix(g, ntasks, cell_lines, section_ids, agency_list, per_agency, busy=None):
    """One appendix of ntasks rows. With per_agency, leads go round the agencies in turn
    (every agency leads the same number of tasks) and the supporters are drawn so that each
    agency supports about twice as many; otherwise leads and supporters are random, with a
    few tasks led by a whole group."""
    lines = ['  <appendix id="phu-luc-nhiem-vu">',
             "    <title>Phân công nhiệm vụ thực hiện kế hoạch cải thiện, nâng cao các chỉ số</title>"]
    lo, hi = cell_lines
    ids = [a for a, _ in agency_list][:busy or None]
    groups = [gid for gid, _, _, _, _ in GROUPS]
    for t in range(1, ntasks + 1):
        if per_agency:
            lead = ids[(t - 1) % len(ids)]
        elif g.r.random() < 0.05:
            lead = g.r.choice(groups)
        else:
            lead = g.r.choice(ids)
        nsup = g.r.randint(0, 3) if not per_agency else 2
        sup = []
        while len(sup) < min(nsup, len(ids) - 1):
            s = g.r.choice(ids)
            if s != lead and s not in sup:
                sup.append(s)
        if not per_agency and g.r.random() < 0.05:
            gsup = g.r.choice(groups)
            if gsup != lead:
                sup.append(gsup)
        # about lo..hi lines of the task column
        nchars = g.r.randint(lo, hi) * CELL_CHARS_PER_LINE - 5
        attrs = 'id="t%05d" section="%s" lead="%s"' % (t, g.r.choice(section_ids), lead)
        if sup:
            attrs += ' support="%s"' % " ".join(sup)
        lines.append("    <task %s>" % attrs)
        lines.append("      <text>%s</text>" % g.running(0, nchars))
        lines.append("      " + deadline(g))
        if g.r.random() < 0.7:
            lines.append("      <product>%s</product>" % g.r.choice(PRODUCTS))
        if g.r.random() < 0.15:
            lines.append("      <note>%s</note>" % g.r.choice(NOTES))
        lines.append("    </task>")
    lines.append("  </appendix>")
    return lines


def commitments(g, agency_list):
    lines = ["  <commitments>", "    <date>2024-01-15</date>",
             "    <summary>Thực hiện nhiệm vụ cải thiện, nâng cao các Chỉ số PAR INDEX, SIPAS, PAPI năm 2024</summary>",
             "    <receiver>", "      <title>Chủ tịch UBND huyện Cam Lộ</title>",
             "      <name>%s</name>" % g.person(), "    </receiver>", "    <common>"]
    for _ in range(6):
        lines.append("      <item>%s</item>" % g.running(g.r.randint(20, 45)))
    lines.append("    </common>")
    for gid, _, _, _, _ in GROUPS:
        lines.append('    <targets for="%s">' % gid)
        for _ in range(4):
            lines.append("      <item>Tỷ lệ %s: %d%%</item>" % (g.words(g.r.randint(4, 9)).rstrip(",;"),
                                                              g.r.choice([50, 80, 90, 100])))
        lines.append("    </targets>")
    for aid, _ in agency_list:
        if g.r.random() < 0.2:
            lines.append('    <targets for="%s">' % aid)
            lines.append("      <item>Tỷ lệ %s: 100%%</item>" % g.words(g.r.randint(4, 9)).rstrip(",;"))
            lines.append("    </targets>")
    lines.append("  </commitments>")
    return lines


def plan(args):
    g = Gen(args.seed)
    nparas = args.paras if args.paras is not None else max(1, int(round(args.pages * PARAS_PER_PAGE)))
    per_agency = args.tasks_per_agency is not None
    busy = min(args.busy, args.agencies) if args.busy else None
    ntasks = max(1, int(math.ceil((busy or args.agencies) * args.tasks_per_agency / 3.0))) \
        if per_agency else args.tasks
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<!-- synthetic plan made by tools/synth.py (seed %d, %d body paragraphs, %d tasks, "
           "%d agencies); not a real plan -->" % (args.seed, nparas, ntasks, args.agencies),
           '<plan version="1">', "  <document>", "    <issuer>",
           "      <name>Ủy ban nhân dân huyện Cam Lộ</name>", "      <short>UBND huyện Cam Lộ</short>",
           "      <header>", "        <line>Ủy ban nhân dân</line>", "        <line>huyện Cam Lộ</line>",
           "      </header>", "    </issuer>", "    <place>Cam Lộ</place>", "    <number>%d</number>" %
           g.r.randint(1, 999), "    <symbol>KH-UBND</symbol>", "    <date>2024-01-08</date>",
           "    <kind>Kế hoạch</kind>", "    <summary>%s</summary>" % g.title(), "    <bases>"]
    for _ in range(3):
        out.append("      <basis>Căn cứ %s;</basis>" % g.words(g.r.randint(12, 25)).rstrip(",;"))
    out += ["    </bases>", "  </document>"]
    b, sections = body(g, nparas)
    out += b
    a, alist = agencies(g, args.agencies)
    out += a
    if ntasks > 0:
        out += appendix(g, ntasks, args.cell_lines, sections, alist, per_agency, busy)
    out += commitments(g, alist)
    out += ["  <signature>", "    <authority>TM. Ủy ban nhân dân</authority>",
            "    <title>Chủ tịch</title>", "    <name>%s</name>" % g.person(), "  </signature>",
            "  <recipients>", '    <to note="b/c">Sở Nội vụ</to>', '    <to note="b/c">TT Huyện ủy</to>',
            "    <to>Các cơ quan, đơn vị thuộc UBND huyện</to>", "    <to>UBND các xã, thị trấn</to>",
            "    <archive>VT</archive>", "  </recipients>", "</plan>", ""]
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out))


def styles(out_path, templates):
    """Writes "name size bold italic" for every style of the templates (first wins)."""
    table = {}
    order = []
    for path in templates:
        raw = {}
        for el in ET.parse(path).getroot().iter("style"):
            raw.setdefault(el.get("name"), el.attrib)

        def resolve(name, key, depth=0):
            st = raw.get(name)
            if st is None or depth > 16:
                return None
            if key in st:
                return st[key]
            return resolve(st.get("parent"), key, depth + 1) if st.get("parent") else None

        for name in raw:
            if name in table:
                continue
            size = resolve(name, "size") or "14"
            table[name] = (size, resolve(name, "bold") == "yes", resolve(name, "italic") == "yes")
            order.append(name)
    with open(out_path, "w", encoding="utf-8") as f:
        for name in order:
            size, bold, italic = table[name]
            f.write("%s %s %d %d\n" % (name, size, bold, italic))


def cell_range(s):
    try:
        lo, hi = (int(x) for x in s.split("-")) if "-" in s else (int(s), int(s))
    except ValueError:
        raise argparse.ArgumentTypeError("write A-B, for example 1-30")
    if lo < 1 or hi < lo:
        raise argparse.ArgumentTypeError("need 1 <= A <= B")
    return lo, hi


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--styles":
        if len(sys.argv) < 4:
            sys.exit("usage: synth.py --styles OUT.txt TEMPLATE.xml...")
        styles(sys.argv[2], sys.argv[3:])
        return
    ap = argparse.ArgumentParser(description="Writes a deterministic synthetic vbgen plan.")
    ap.add_argument("out", help="where to write the plan (XML)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pages", type=float, default=5, help="about this many pages of body text")
    ap.add_argument("--paras", type=int, help="body paragraphs (instead of --pages)")
    ap.add_argument("--tasks", type=int, default=40, help="appendix rows")
    ap.add_argument("--cell-lines", type=cell_range, default=(1, 3), help="A-B lines per task text")
    ap.add_argument("--agencies", type=int, default=30)
    ap.add_argument("--tasks-per-agency", type=int, help="K: rows = agencies x K / 3 (letters)")
    ap.add_argument("--busy", type=int, help="with --tasks-per-agency: only the first M agencies have tasks")
    args = ap.parse_args()
    if args.agencies < 3:
        ap.error("--agencies needs at least 3 (one per group)")
    if args.tasks < 1 or (args.tasks_per_agency is not None and args.tasks_per_agency < 1):
        ap.error("a plan needs at least one task")
    plan(args)


if __name__ == "__main__":
    main()
