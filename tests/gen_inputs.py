#!/usr/bin/env python3
"""gen_inputs.py - writes the regression inputs too big to keep in the repository.

    python3 tests/gen_inputs.py DIR

The check suites of tests/driver.py run `vbgen check DIR/NAME.xml` on each and compare
the output with tests/check-generated/NAME.out, like the cases in tests/check/. Every file is written the
same way on every run (no randomness, no dates), in well under a second:

  huge-text.xml       a valid-looking plan whose one <p> holds a 75 MB text node: refused
                      for its size (XMLREAD_MAX_BYTES) before anything is read or parsed.
  deep-nesting.xml    a plan whose body nests 200,000 <section>s, one per line: refused at
                      the first element nested deeper than XMLREAD_MAX_DEPTH, with its line,
                      without recursing through the rest.
  long-text.xml       a small plan with a 2 MB paragraph (one line): refused for the text
                      length (XMLREAD_MAX_TEXT), with the line of the paragraph.
  long-attribute.xml  a small plan with a 2 MB id= value: within every reading limit; the
                      id is reported as invalid, quoted only in part (a message is one line).
  many-tasks.xml      a 5 MB valid plan of 10,000 tasks (the size the format is designed
                      for, docs/plan-format.md): valid, and checked in a fraction of a second.
"""
import os
import sys

HEAD = """<!-- {comment} -->
<plan version="1">
  <document>
    <issuer>
      <name>Ủy ban nhân dân huyện Cam Lộ</name>
      <short>UBND huyện Cam Lộ</short>
    </issuer>
    <place>Cam Lộ</place>
    <number/>
    <symbol>KH-UBND</symbol>
    <date>2023-08-28</date>
    <kind>Kế hoạch</kind>
    <summary>Cải thiện Chỉ số cải cách hành chính năm 2023</summary>
  </document>
  <body>
"""

SECTION = """    <section id="{sid}">
      <title>Nhiệm vụ và giải pháp</title>
      <item>Giải quyết hồ sơ đúng hạn.</item>
    </section>
"""

AGENCIES = """  </body>
  <agencies>
    <group id="phong">
      <name>Các phòng, ban thuộc UBND huyện</name>
    </group>
    <group id="xa">
      <name>UBND các xã, thị trấn</name>
    </group>
    <agency id="phong-noi-vu" group="phong">
      <name>Phòng Nội vụ</name>
    </agency>
    <agency id="xa-cam-thanh" group="xa">
      <name>UBND xã Cam Thành</name>
    </agency>
  </agencies>
"""

TASK = """    <task id="t{n:05d}" section="nhiem-vu" lead="phong-noi-vu" support="xa">
      <text>Rà soát, công khai thủ tục hành chính số {n} tại bộ phận một cửa</text>
      <deadline quarter="{q}" year="2023"/>
      <product>Báo cáo kết quả thực hiện</product>
    </task>
"""

TAIL = """  <signature>
    <title>Chủ tịch</title>
    <name>Lê Đức Thịnh</name>
  </signature>
  <recipients>
    <to>Sở Nội vụ</to>
    <archive>VT</archive>
  </recipients>
</plan>
"""

# One sentence of a real plan; repeated to make long text (multi-byte UTF-8 on purpose).
SENTENCE = ("Tiếp tục đẩy mạnh công tác cải cách hành chính đồng bộ trên tất cả các lĩnh vực, "
            "nâng cao hiệu lực, hiệu quả hoạt động của cơ quan hành chính nhà nước. ")

MB = 1024 * 1024


def appendix(tasks):
    out = ['  <appendix id="phu-luc">\n    <title>Phân công nhiệm vụ</title>\n']
    out += [TASK.format(n=n, q=n % 4 + 1) for n in range(1, tasks + 1)]
    out.append('  </appendix>\n')
    return ''.join(out)


def plan(comment, body, tasks=1):
    return (HEAD.format(comment=comment) + body + AGENCIES + appendix(tasks) + TAIL).encode()


def repeat_to(nbytes):
    """SENTENCE repeated to at least nbytes bytes of UTF-8."""
    one = SENTENCE.encode()
    return one * (nbytes // len(one) + 1)


def huge_text(path):
    head, tail = plan('A valid-looking plan whose one paragraph holds a 75 MB text node: '
                      'refused for its size before it is read.',
                      SECTION.format(sid='nhiem-vu') + '    <p>@</p>\n').split(b'@')
    chunk = repeat_to(MB)[:MB]
    # cut at a character boundary
    while chunk[-1] & 0xC0 == 0x80 or chunk[-1] >= 0xC0:
        chunk = chunk[:-1]
    with open(path, 'wb') as f:
        f.write(head)
        for _ in range(75):
            f.write(chunk)
        f.write(tail)


def deep_nesting(path):
    depth = 200000
    body = (SECTION.format(sid='nhiem-vu') +
            '<section>\n' * depth + '<title>Sâu</title>\n' + '</section>\n' * depth)
    with open(path, 'wb') as f:
        f.write(plan('200,000 nested sections: refused at the first element nested deeper '
                     'than the limit, with its line.', body))


def long_text(path):
    text = repeat_to(2 * MB).decode()
    body = SECTION.format(sid='nhiem-vu') + '    <p>' + text + '</p>\n'
    with open(path, 'wb') as f:
        f.write(plan('A small plan with one paragraph of 2 MB on one line: refused for the '
                     'length of the text, with the line of the paragraph.', body))


def long_attribute(path):
    value = 'phong-' * (2 * MB // 6)
    body = SECTION.format(sid='nhiem-vu') + SECTION.format(sid=value)
    with open(path, 'wb') as f:
        f.write(plan('A small plan with an id= value of 2 MB: reported as an invalid id, '
                     'quoted only in part.', body))


def many_tasks(path):
    with open(path, 'wb') as f:
        f.write(plan('A valid plan of 10,000 tasks, the size the format is designed for: '
                     'valid, checked quickly.',
                     SECTION.format(sid='nhiem-vu') + SECTION.format(sid='giai-phap'),
                     tasks=10000))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: python3 tests/gen_inputs.py DIR\n')
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # each file is written aside and renamed, so that none is ever half-written
    for name, make in (('deep-nesting', deep_nesting), ('long-text', long_text),
                       ('long-attribute', long_attribute), ('many-tasks', many_tasks),
                       ('huge-text', huge_text)):
        tmp = os.path.join(out, name + '.xml.tmp')
        make(tmp)
        os.replace(tmp, os.path.join(out, name + '.xml'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
