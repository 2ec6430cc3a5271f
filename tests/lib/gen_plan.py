#!/usr/bin/env python3
"""gen_plan.py - synthetic plans for the appendix table tests (big inputs are generated,
never committed).

    python3 tests/lib/gen_plan.py [--tasks N] [--lines A-B] [--tall K] [--seed S] OUT.xml

Takes samples/par-index-2023.xml (its sections, agencies and groups, so the plan is valid)
and replaces its appendix with N tasks drawn with a fixed seed, the same bytes every run:

  - task text about A..B lines long in the "Nội dung nhiệm vụ" column (CHARS_PER_LINE
    characters a line; the layout dump tells the real count), some with <b>/<i>;
  - words longer than any column (URLs, record codes) in about one task in eight, which
    must break between characters and stay inside their cell;
  - leads and 0..8 cooperating agencies or whole groups, so those cells run to many lines;
  - every deadline form (date, quarter, year, words), products and notes;
  - sections drawn at random, in no order: the template groups them by section;
  - --tall K: K more tasks of 60..110 lines, each taller than a landscape page, which
    the table must split between lines;
  - --appendices K: the tasks dealt out over K appendices (Phụ lục I, II, ...).

Only the Python standard library is used.
"""
import argparse
import os
import random
import sys
import xml.etree.ElementTree as ET

# Characters a line in the task column of templates/appendix.xml (12 pt, about 210 pt
# wide): measured on the sample, about 38.
CHARS_PER_LINE = 38
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "samples", "par-index-2023.xml")

WORDS = ("cải cách hành chính nâng cao chất lượng hiệu quả công tác nhiệm vụ giải pháp thực hiện "
         "triển khai tăng cường rà soát kiểm tra giám sát đánh giá tổng hợp báo cáo kế hoạch chỉ đạo "
         "điều hành phối hợp trách nhiệm cơ quan đơn vị địa phương cán bộ công chức viên chức người "
         "dân doanh nghiệp thủ tục hồ sơ giải quyết đúng hạn công khai minh bạch tiếp nhận trả kết quả "
         "một cửa liên thông trực tuyến dịch vụ công chuyển đổi số dữ liệu số hóa ký số văn bản quy "
         "phạm pháp luật thẩm định ban hành sửa đổi bổ sung tinh giản biên chế vị trí việc làm đào tạo "
         "bồi dưỡng kỷ luật kỷ cương thi đua khen thưởng ngân sách tiết kiệm chống lãng phí tiếp công "
         "dân đối thoại hài lòng phục vụ đồng bộ kịp thời thường xuyên định kỳ chỉ số tiêu chí mục "
         "tiêu tiến độ tuyên truyền phổ biến đất đai xây dựng đầu tư môi trường y tế giáo dục").split()
LONG_WORDS = [
    "https://dichvucong.quangtri.gov.vn/dvc/thu-tuc-hanh-chinh/chi-tiet?ma-thu-tuc=1.004227.000.00.00.H50&cap=huyen",
    "000.00.15.H50-230901-0001/000.00.15.H50-230901-0002/000.00.15.H50-230901-0003",
    "CSDL_QuocGia_DanCu_KetNoi_XacThuc_DinhDanh_DienTu_MucDo2_TichHop_CongDichVuCong",
]
DEADLINE_WORDS = ["Thường xuyên", "Hằng năm", "Hằng quý", "Định kỳ 6 tháng, năm",
                  "Trước ngày 15/12 hằng năm"]


def text(rng, lines, markup=False):
    """About `lines` lines of prose; sometimes a long word, and with markup some <b>."""
    out, n = [], 0
    goal = max(8, lines * CHARS_PER_LINE - 10)
    while n < goal:
        w = rng.choice(WORDS)
        out.append(w)
        n += len(w) + 1
    if rng.random() < 0.125:
        out.insert(rng.randrange(len(out)), rng.choice(LONG_WORDS))
    s = " ".join(out)
    s = s[0].upper() + s[1:]
    s = s.replace("&", "&amp;").replace("<", "&lt;")
    if markup and rng.random() < 0.2 and len(out) > 6:
        words = s.split(" ")
        i = rng.randrange(len(words) - 3)
        words[i] = "<b>" + words[i]
        words[i + 2] = words[i + 2] + "</b>"
        s = " ".join(words)
    return s


def task(rng, k, sections, ids, lines):
    lead = rng.choice(ids)
    support = [a for a in rng.sample(ids, rng.randint(0, 8)) if a != lead]
    attrs = f'id="g{k:05d}" section="{rng.choice(sections)}" lead="{lead}"'
    if support:
        attrs += f' support="{" ".join(support)}"'
    r = rng.random()
    if r < 0.25:
        dl = f'<deadline date="{rng.randint(2023, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"/>'
    elif r < 0.5:
        dl = f'<deadline quarter="{rng.randint(1, 4)}" year="{rng.randint(2023, 2025)}"/>'
    elif r < 0.7:
        dl = f'<deadline year="{rng.randint(2023, 2026)}"/>'
    else:
        dl = f"<deadline>{rng.choice(DEADLINE_WORDS)}</deadline>"
    body = f"<text>{text(rng, lines, True)}</text>{dl}"
    if rng.random() < 0.8:
        body += f"<product>{text(rng, rng.randint(1, 4))}</product>"
    if rng.random() < 0.15:
        body += f"<note>{text(rng, rng.randint(1, 2))}</note>"
    return f"    <task {attrs}>{body}</task>\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--lines", default="1-30")
    ap.add_argument("--tall", type=int, default=0)
    ap.add_argument("--appendices", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("out")
    a = ap.parse_args()
    lo, hi = (int(v) for v in a.lines.split("-"))
    rng = random.Random(a.seed)

    src = open(SAMPLE, encoding="utf-8").read()
    root = ET.fromstring(src.encode("utf-8"))
    sections = [s.get("id") for s in root.iter("section") if s.get("id")]
    ids = [g.get("id") for g in root.find("agencies")]
    title = root.find("appendix").find("title").text

    tasks = [task(rng, k + 1, sections, ids, rng.randint(lo, hi)) for k in range(a.tasks)]
    for k in range(a.tall):
        tasks.insert(rng.randrange(len(tasks) + 1),
                     task(rng, a.tasks + k + 1, sections, ids, rng.randint(60, 110)))
    appendix = ""
    for k in range(a.appendices):
        ident = "phu-luc" if k == 0 else f"phu-luc-{k + 1}"
        head = title if k == 0 else f"{title} (phần {k + 1})"
        appendix += (f'  <appendix id="{ident}">\n    <title>{head}</title>\n' +
                     "".join(tasks[k::a.appendices]) + "  </appendix>\n")
    # Splice into the sample's text, so everything else stays byte for byte the sample.
    start = src.index('  <appendix id="phu-luc">')
    end = src.index("</appendix>", start) + len("</appendix>\n")
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(src[:start] + appendix + src[end:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
