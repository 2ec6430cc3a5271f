#!/usr/bin/env python3
"""driver.py - the one test driver of vbgen: runs one suite of `make check`, or adds up
the suites' results.

    python3 tests/driver.py SUITE     (from anywhere; SUITE as below)
    python3 tests/driver.py cases|cases-san|nd30 NAME...   (only those cases)
    python3 tests/driver.py summary
    python3 tests/driver.py time NAME CMD...   (CMD's cost into build/tests/NAME.times)

Suites, each its own process (make check runs two at a time, see the Makefile), each
running JOBS commands at a time:

  unit, unit-san    build/unit and build/unit-san: one case per group of tests/unit*.c
                    ("group NAME: N passed, M failed" lines).
  check, check-san  `vbgen check` on each tests/check/NAME.xml (and on the big inputs
                    tests/gen_inputs.py writes into build/testgen, expected outputs in
                    tests/check-generated): stdout, stderr and "exit: N" against NAME.out.
  cases             every folder tests/cases/NAME with the optimised build, ./vbgen.
  cases-san         the same commands with build/vbgen-san; each case's status, stdout,
                    stderr and every file it wrote must be byte for byte those of the
                    optimised run, and no sanitizer may report. The PDF tools (poppler,
                    mutool, qpdf, nd30check) run on the optimised outputs only.
  nd30              the cases with an nd30 file: the records office's checker on the
                    optimised outputs, beside cases-san (both after cases).

A case folder is data (tests/cases/README says more):
  cmd        a POSIX sh script run in the case's own empty output folder
             (build/tests/opt/NAME, or build/tests/san/NAME) with VBGEN (the binary),
             ROOT (the source tree), SAMPLE (the sample plan), CASE (this folder), all
             relative paths, the same for both builds, so that messages compare equal.
  status     the exit status cmd must end with: a number, or "nonzero" (default 0).
  stdout, stderr   expected exactly, when present.
  expected/  files cmd must write, expected exactly (the layout dumps).
  check, check.py  a script run in the output folder after cmd (optimised build only):
             exit 0 passes, anything else fails; its last line is the detail shown.
  needs      tools the check needs; a missing one makes the case a skip.
  uses       the name of another case: this case writes nothing and checks that case's
             optimised outputs (with check/check.py, or nd30).
  nd30       lines "KIND GLOB": the records office's checker, nd30check --kind KIND, on
             each file the glob matches, in parallel. A skip when the checker is not
             present.
  opt-only   the reason why the case does not run under the sanitizer build.
Every PDF a case writes also goes through `qpdf --check`. A tool reads each distinct
file once: the same bytes written by several cases are checked once.

Each case counts once: passed, failed or skipped. Every suite prints one line per case
and writes build/tests/SUITE.result; `summary` prints the total as
"N passed, N failed, N skipped" and fails when anything failed or a suite did not
finish.

What it costs: every suite writes build/tests/SUITE.times, its CPU seconds (user +
system, its own and its children's) and wall seconds, then each case's (the commands it
ran, from wait4), slowest first; `time NAME CMD...` writes NAME.times for a command (make
check times the build and the suites' run so), and `summary` prints them all with the
ten slowest cases. The cases start longest first by the previous run's .times. The nd30
suite loads nd30check once in each of JOBS worker processes (tests/lib/nd30.py).

Environment: REGEN=1 rewrites the expected files (NAME.out, expected/, stdout, stderr)
from the optimised build; JOBS=N cases at a time (default: the number of CPUs);
STRICT_SKIPS=1 (set by .ci/run) makes a skip for a missing tool that tools/deps.sh
installs a failure, while the absence of ../shared/checks/nd30check (a user's clone)
stays a reported skip; ND30CHECK=PATH runs that checker instead of
../shared/checks/nd30check.
"""
import concurrent.futures
import difflib
import fnmatch
import glob
import hashlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import nd30  # noqa: E402  (tests/lib/nd30.py: nd30check loaded once, in worker processes)
BUILD = os.path.join(ROOT, "build", "tests")
CASES = os.path.join(ROOT, "tests", "cases")
SUITES = ("unit", "unit-san", "check", "check-san", "cases", "cases-san", "nd30")
BINARIES = {"unit": "build/unit", "unit-san": "build/unit-san", "check": "vbgen",
            "check-san": "build/vbgen-san", "cases": "vbgen", "cases-san": "build/vbgen-san",
            "nd30": "vbgen"}
SANITIZER = re.compile(r"runtime error|ERROR: AddressSanitizer|ERROR: LeakSanitizer|"
                       r"LeakSanitizer has encountered|UndefinedBehaviorSanitizer")
# The tools cases may need, with the Debian package that has each: a missing tool is a
# skip, and under STRICT_SKIPS=1 a failure when tools/deps.sh installs its package.
TOOLS = {"pdftotext": "poppler-utils", "pdfinfo": "poppler-utils",
         "pdffonts": "poppler-utils", "mutool": "mupdf-tools", "qpdf": "qpdf",
         "unzip": "unzip", "xmllint": "libxml2-utils", "soffice": "libreoffice-writer-nogui",
         "msgfmt": "gettext", "msgmerge": "gettext", "xgettext": "gettext", "mandoc": "mandoc"}
ND30CHECK = os.environ.get("ND30CHECK") or os.path.join(ROOT, "..", "shared", "checks",
                                                         "nd30check")
# s for one command, to stop one that hangs: the slowest (docx-samples' check, some 30 s of
# CPU) takes a minute on an idle machine, and five or more on this one when other work
# leaves it a seventh of a core (load 14 on 2 cores seen)
TIMEOUT = 900
REGEN = bool(os.environ.get("REGEN"))
STRICT = os.environ.get("STRICT_SKIPS", "") not in ("", "0")
JOBS = max(1, int(os.environ.get("JOBS") or os.cpu_count() or 2))

print_lock = threading.Lock()


def say(line):
    with print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def indent(text, limit=12):
    lines = [l for l in text.splitlines() if l.strip()]
    more = len(lines) - limit
    out = "".join(f"\n      {l[:300]}" for l in lines[:limit])
    return out + (f"\n      ... {more} more lines" if more > 0 else "")


def deps_packages():
    """The Debian packages tools/deps.sh installs (its ALL_PKGS= line)."""
    try:
        text = open(os.path.join(ROOT, "tools", "deps.sh"), encoding="utf-8").read()
    except OSError:
        return set()
    m = re.search(r'^ALL_PKGS="([^"]*)"', text, re.M)
    return set(m.group(1).split()) if m else set()


def python_first(env):
    """Puts the Python that runs this driver first on PATH, as `python3` (the check
    scripts and nd30check start with `python3`; one found through a version manager's
    shim costs a shell and 0.2 s a start)."""
    bindir = os.path.join(BUILD, "bin")
    link = os.path.join(bindir, "python3")
    os.makedirs(bindir, exist_ok=True)
    if not os.path.islink(link) or os.readlink(link) != sys.executable:
        tmp = f"{link}.{os.getpid()}"
        os.symlink(sys.executable, tmp)
        os.replace(tmp, link)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")


def environment(binary=None):
    """What every command of the tests runs with: fixed locale and date, sanitizer
    options, this driver's Python."""
    env = dict(os.environ)
    env["LC_ALL"] = "C.UTF-8"
    # English, whatever the developer's own language: LANGUAGE would win over C.UTF-8
    # (gen/i18n.h); a case that wants Vietnamese says --lang vi or sets LANG itself.
    env.pop("LANGUAGE", None)
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    python_first(env)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    # Leaks are errors too (one owner frees everything), except inside system libraries
    # (tests/lsan.supp); the count of suppressed leaks LeakSanitizer prints on exit is not
    # a report, and would make stderr differ from the optimised build's.
    env.setdefault("LSAN_OPTIONS", "suppressions=" + os.path.join(ROOT, "tests", "lsan.supp")
                   + ":print_suppressions=0")
    # Stacks are not symbolized: matching the suppressions against a symbolized stack
    # costs a third of a sanitizer run (an external symbolizer for every process that
    # touched fontconfig), and a report is detected all the same. A run that reports is
    # run again with symbolize=1 for a readable report (symbolized()).
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:symbolize=0")
    if "ASAN_OPTIONS" not in os.environ:
        env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:symbolize=0"
        # LeakSanitizer cannot run under ptrace (some sandboxes): there the sanitizer
        # builds still run, without the leak check, and say so.
        probe = os.path.join(ROOT, "build", "vbgen-san")
        if binary is not None and binary.endswith("-san") and os.access(probe, os.X_OK):
            r = run([probe, "--version"], env=env, cwd=ROOT)
            if "LeakSanitizer has encountered a fatal error" in r.out + r.err:
                env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0:symbolize=0"
                say("note: LeakSanitizer cannot run here (ptrace?); leak checks are off")
    return env


class Ran:
    def __init__(self, status, out, err, timed_out=False, cpu=0.0):
        self.status, self.out, self.err, self.timed_out = status, out, err, timed_out
        self.cpu = cpu  # user + system seconds of the command and the children it waited for


class TimedPopen(subprocess.Popen):
    """A Popen that keeps its child's resource use: wait4 instead of waitpid. The CPU
    time of each command is what the .times files add up per case (wall time is noisy
    on a machine that others load; CPU seconds are the figure to cut)."""

    cpu = 0.0

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return self.pid, 0
        if pid == self.pid:
            self.cpu = ru.ru_utime + ru.ru_stime
        return pid, sts


# The CPU seconds of the commands run() ran on this thread since the job began: Pool
# gives them to the job's case.
job_cpu = threading.local()


def run(argv, env, cwd, stdout=None, stderr=None, merge=False):
    """Runs argv in its own process group (a timeout kills the whole group). Output goes
    to the given files, or is returned as text."""
    out_f = open(stdout, "wb") if stdout else subprocess.PIPE
    err_f = subprocess.STDOUT if merge else (open(stderr, "wb") if stderr else subprocess.PIPE)
    try:
        p = TimedPopen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out_f,
                       stderr=err_f, start_new_session=True)
    except OSError as e:
        return Ran(127, "", f"cannot run {argv[0]}: {e}")
    try:
        out, err = p.communicate(timeout=TIMEOUT)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        timed_out = True
    finally:
        for f in (out_f, err_f):
            if hasattr(f, "close"):
                f.close()
    dec = lambda b: b.decode("utf-8", "replace") if isinstance(b, bytes) else ""
    if stdout:
        out = open(stdout, "rb").read()
    if stderr and not merge:
        err = open(stderr, "rb").read()
    job_cpu.seconds = getattr(job_cpu, "seconds", 0.0) + p.cpu
    return Ran(p.returncode, dec(out), dec(err), timed_out, p.cpu)


def symbolized(env):
    """env for running a reporting command again, to show its report with symbols."""
    e = dict(env)
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        e[k] = e.get(k, "").replace("symbolize=0", "symbolize=1")
    return e


def have(tool):
    return shutil.which(tool) is not None


class Results:
    """One suite's tally, printed as it goes and written to build/tests/SUITE.result."""

    def __init__(self, suite):
        self.suite = suite
        self.before = {n: c for c, _, n in read_times(times_path(suite))[1]}
        self.passed, self.failed, self.skips, self.fails = 0, 0, [], []
        self.times = {}  # case -> (CPU s, wall s), for build/tests/SUITE.times
        self.lock = threading.Lock()
        self.path = os.path.join(BUILD, suite + ".result")
        os.makedirs(BUILD, exist_ok=True)
        for p in (self.path, times_path(suite)):
            if os.path.exists(p):
                os.remove(p)

    def time(self, name, cpu, wall):
        with self.lock:
            self.times[name] = (cpu, wall)

    def ok(self, name, detail=""):
        with self.lock:
            self.passed += 1
        say(f"ok    {self.suite}/{name}{': ' + detail if detail else ''}")

    def fail(self, name, detail, more=""):
        with self.lock:
            self.failed += 1
            self.fails.append(name)
        say(f"FAIL  {self.suite}/{name}: {detail}{indent(more) if more else ''}")

    def skip(self, name, reason, tool=None):
        """A skip; tool names the missing program, which STRICT_SKIPS=1 makes a failure
        when tools/deps.sh installs it."""
        if tool is not None and STRICT:
            pkg = TOOLS.get(tool)
            self.fail(name, f"{reason}, and STRICT_SKIPS=1 allows no skip for a tool that "
                            f"tools/deps.sh installs (Debian package {pkg})")
            return
        with self.lock:
            self.skips.append([f"{self.suite}/{name}", reason])
        say(f"skip  {self.suite}/{name}: {reason}")

    def finish(self, wall=0.0):
        """Writes SUITE.result and SUITE.times. The suite's CPU time is this process's
        and every child's (user + system), measured by the kernel; a case's is that of
        the commands it ran (a file checked once for several cases counts for the first)."""
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
        write_times(times_path(self.suite), self.suite, cpu, wall, self.times)
        with open(self.path + ".tmp", "w", encoding="utf-8") as f:
            json.dump({"passed": self.passed, "failed": self.failed, "skips": self.skips,
                       "fails": self.fails}, f)
        os.replace(self.path + ".tmp", self.path)
        say(f"{self.suite}: {self.passed} passed, {self.failed} failed, "
            f"{len(self.skips)} skipped")
        return 1 if self.failed else 0


def previous_times(suite):
    """case -> CPU seconds in the suite's previous run (empty when there was none)."""
    return RESULTS[suite].before if suite in RESULTS else {}


RESULTS = {}  # suite -> its Results, in this process


def times_path(name):
    return os.path.join(BUILD, name + ".times")


def write_times(path, name, cpu, wall, parts=None):
    """NAME.times: a first line "total CPU WALL NAME", then one line "case CPU WALL NAME"
    per case, slowest (in CPU) first; seconds. `summary` reads them."""
    lines = [f"total {cpu:.2f} {wall:.2f} {name}\n"]
    for n, (c, w) in sorted((parts or {}).items(), key=lambda kv: -kv[1][0]):
        lines.append(f"case {c:.2f} {w:.2f} {n}\n")
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.replace(path + ".tmp", path)


def read_times(path):
    """(CPU, wall, name) of the total and the list of (CPU, wall, case) of a .times file."""
    total, parts = None, []
    for line in (read(path) or "").splitlines():
        kind, cpu, wall, name = line.split(" ", 3)
        if kind == "total":
            total = (float(cpu), float(wall), name)
        else:
            parts.append((float(cpu), float(wall), name))
    return total, parts


def missing_tool(tools):
    """The first tool of tools that is not installed, or None."""
    return next((t for t in tools if not have(t)), None)


def check_tools(tools, who):
    """A tool the tests need must be one tools/deps.sh installs: else CI could never
    run the case, and a skip would hide it. A mistake of the test suite, found before
    anything runs."""
    pkgs = deps_packages()
    for t in tools:
        if t not in TOOLS or TOOLS[t] not in pkgs:
            raise SystemExit(f"driver: {who} needs {t}, which tools/deps.sh does not "
                             "install: add its Debian package there and to TOOLS")


# ---------------------------------------------------------------- unit tests


def suite_unit(res, binary):
    env = environment(binary)
    t0 = time.monotonic()
    r = run([os.path.join(ROOT, binary)], env=env, cwd=ROOT, merge=True)
    res.time("program", r.cpu, time.monotonic() - t0)
    lines = r.out.splitlines()
    pending, groups = [], 0
    for line in lines:
        m = re.match(r"^group (\S+): (\d+) passed, (\d+) failed$", line)
        if not m:
            pending.append(line)
            continue
        groups += 1
        name, p, f = m.group(1), int(m.group(2)), int(m.group(3))
        fails = [l for l in pending if l.startswith("FAIL") or SANITIZER.search(l)]
        if f or fails:
            res.fail(name, f"{f} of {p + f} checks failed", "\n".join(fails))
        elif p == 0:
            res.fail(name, "the group ran no check")
        else:
            res.ok(name, f"{p} checks")
        pending = []
    last = lines[-1] if lines else ""
    report = ""
    if SANITIZER.search(r.out):
        again = run([os.path.join(ROOT, binary)], env=symbolized(env), cwd=ROOT, merge=True)
        report = "\n".join(l for l in again.out.splitlines() if not l.startswith("ok "))
    if r.timed_out or not re.match(r"^unit: \d+ passed, \d+ failed$", last) or groups == 0:
        res.fail("program", f"{binary} crashed or printed no summary (exit {r.status})",
                 report[-3000:] or "\n".join(lines[-20:]))
    elif report:
        res.fail("program", "sanitizer report", report[-3000:])
    elif r.status != 0 and not res.failed:
        res.fail("program", f"{binary} exited {r.status} with every check passed")


# ---------------------------------------------------------------- regression inputs


def suite_check(res, binary):
    env = environment(binary)
    regen = REGEN and not binary.endswith("-san")
    out = os.path.join(BUILD, "check" + ("-san" if binary.endswith("-san") else ""))
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    stem = lambda p: os.path.basename(p).rsplit(".", 1)[0]
    inputs = [(f, f[:-4] + ".out") for f in
              sorted(glob.glob(os.path.join(ROOT, "tests/check/*.xml")))]
    # the big inputs tests/gen_inputs.py writes (make does, before the suites; run alone,
    # the suite writes them as make would), each with its expected output in
    # tests/check-generated: one without the other is a failure
    gen, stamp = os.path.join(ROOT, "tests/gen_inputs.py"), os.path.join(ROOT, "build/testgen/.stamp")
    if not os.path.exists(stamp) or os.path.getmtime(stamp) < os.path.getmtime(gen):
        os.makedirs(os.path.dirname(stamp), exist_ok=True)
        if subprocess.run([sys.executable, gen, os.path.dirname(stamp)]).returncode == 0:
            open(stamp, "w").close()
    made = {stem(p) for p in glob.glob(os.path.join(ROOT, "build/testgen/*.xml"))}
    kept = {stem(p) for p in glob.glob(os.path.join(ROOT, "tests/check-generated/*.out"))}
    for name in sorted(kept - made):
        res.fail(name, f"build/testgen/{name}.xml was not written (tests/gen_inputs.py, "
                       "which make runs before the suites)")
    inputs += [(os.path.join(ROOT, "build/testgen", n + ".xml"),
                os.path.join(ROOT, "tests/check-generated", n + ".out")) for n in sorted(made)]

    def one(item):
        job_cpu.seconds, t0 = 0.0, time.monotonic()
        try:
            one_input(item)
        finally:
            res.time(os.path.basename(item[0])[:-4], job_cpu.seconds, time.monotonic() - t0)

    def one_input(item):
        xml, expected = item
        name = os.path.basename(xml)[:-4]
        rel = os.path.relpath(xml, ROOT)
        r = run([os.path.join(ROOT, binary), "check", rel], env=env, cwd=ROOT, merge=True)
        actual = r.out + f"exit: {r.status}\n"
        if regen and not r.timed_out:
            open(expected, "w", encoding="utf-8").write(actual)
        keep = os.path.join(out, name + ".actual")
        if r.timed_out:
            res.fail(name, f"vbgen check {rel} did not end in {TIMEOUT} s")
        elif SANITIZER.search(r.out):
            again = run([os.path.join(ROOT, binary), "check", rel], env=symbolized(env),
                        cwd=ROOT, merge=True)
            open(keep, "w", encoding="utf-8").write(again.out)
            res.fail(name, f"sanitizer report, see {os.path.relpath(keep, ROOT)}",
                     again.out[-2000:])
        elif not os.path.exists(expected):
            res.fail(name, f"no expected output {os.path.relpath(expected, ROOT)} "
                           "(write it with REGEN=1, then read it)")
        else:
            want = open(expected, encoding="utf-8").read()
            if want == actual:
                res.ok(name)
            else:
                open(keep, "w", encoding="utf-8").write(actual)
                diff = difflib.unified_diff(want.splitlines(), actual.splitlines(),
                                            "expected", "actual", lineterm="", n=0)
                res.fail(name, f"output differs from {os.path.relpath(expected, ROOT)}",
                         "\n".join(list(diff)[2:12]))

    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        list(pool.map(one, inputs))


# ---------------------------------------------------------------- cases


def read(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return default


def digest(top):
    """Every file and folder under top: relative path -> sha256 of the bytes ("dir" for a
    folder), which the sanitizer run must reproduce exactly."""
    out = {}
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for n in dirs:
            out[os.path.relpath(os.path.join(d, n), top)] = "dir"
        for n in sorted(files):
            p = os.path.join(d, n)
            if os.path.islink(p):
                out[os.path.relpath(p, top)] = "link " + os.readlink(p)
                continue
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            out[os.path.relpath(p, top)] = h.hexdigest()
    return out


def text_diff(a_path, b_path, a_name, b_name):
    try:
        a = open(a_path, encoding="utf-8").read().splitlines()
        b = open(b_path, encoding="utf-8").read().splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return "\n".join(list(difflib.unified_diff(a, b, a_name, b_name, lineterm="", n=0))[2:12])


class Case:
    def __init__(self, name):
        self.name = name
        self.dir = os.path.join(CASES, name)
        f = lambda n: os.path.join(self.dir, n)
        self.cmd = os.path.exists(f("cmd"))
        self.uses = (read(f("uses")) or "").strip() or None
        self.status = (read(f("status")) or "0").strip()
        self.needs = (read(f("needs")) or "").split()
        self.opt_only = " ".join((read(f("opt-only")) or "").split())
        self.check = next((f(n) for n in ("check", "check.py") if os.path.exists(f(n))), None)
        self.nd30 = [tuple(line.split()) for line in (read(f("nd30")) or "").splitlines()
                     if line.strip() and not line.startswith("#")]
        # nd30-allow: lines "GLOB RULE": a rule of the checker that may fail for those
        # files, by design (a letter under an organisation's own title has no national
        # name); every other rule must still hold
        self.nd30_allow = [tuple(line.split(None, 1)) for line in
                           (read(f("nd30-allow")) or "").splitlines()
                           if line.strip() and not line.startswith("#")]
        self.expected = sorted(os.path.relpath(os.path.join(d, n), f("expected"))
                               for d, _, ns in os.walk(f("expected")) for n in ns)
        self.problems, self.skipped, self.details = [], None, []
        self.pending = 0
        self.seconds = 0.0  # wall time spent in its jobs, for the .times file
        self.cpu = 0.0  # CPU time of the commands of its jobs
        self.lock = threading.Lock()
        self.dependents = []

    def problem(self, detail, more=""):
        with self.lock:
            self.problems.append((detail, more))

    def skip(self, reason, tool=None):
        with self.lock:
            if self.skipped is None:
                self.skipped = (reason, tool)


def load_cases():
    names = sorted(n for n in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, n)))
    cases = {n: Case(n) for n in names}
    check_tools(["qpdf"], "every case that writes a PDF")
    for c in cases.values():
        check_tools(c.needs, f"tests/cases/{c.name}")
        if c.cmd == bool(c.uses):
            raise SystemExit(f"driver: tests/cases/{c.name} needs a cmd or a uses, not both")
        if c.nd30 and (not c.uses or any(len(t) != 2 for t in c.nd30)):
            raise SystemExit(f"driver: tests/cases/{c.name}/nd30 needs a uses and lines "
                             "'KIND GLOB'")
        if c.uses:
            if c.uses not in cases or not cases[c.uses].cmd:
                raise SystemExit(f"driver: tests/cases/{c.name} uses '{c.uses}', "
                                 "which is not a case with a cmd")
            cases[c.uses].dependents.append(c)
    return cases


def case_env(env, binary, work_rel_root):
    e = dict(env)
    e["VBGEN"] = os.path.join(work_rel_root, binary)
    e["ROOT"] = work_rel_root
    e["SAMPLE"] = os.path.join(work_rel_root, "samples", "par-index-2023.xml")
    return e


# The inputs no test may change: a checksum over them before and after the suite.
def inputs_sum():
    h = hashlib.sha256()
    pats = ["samples/*", "templates/*", "schema/*", "fonts/*", "tests/check/*.xml",
            "tests/variants/*", "tests/lib/*", "tests/cases/*/*"]
    for pat in pats:
        for p in sorted(glob.glob(os.path.join(ROOT, pat))):
            base = os.path.basename(p)
            if os.path.isfile(p) and base not in ("stdout", "stderr"):
                h.update(p.encode() + b"\0" + open(p, "rb").read())
    return h.hexdigest()


class Pool:
    """Jobs of the cases suite on JOBS threads; a case is finished when its last job is."""

    def __init__(self, finish):
        self.finish = finish
        self.ex = concurrent.futures.ThreadPoolExecutor(JOBS)
        self.lock = threading.Lock()
        self.outstanding = 0
        self.idle = threading.Condition(self.lock)

    def spawn(self, case, fn, *args):
        with case.lock:
            case.pending += 1
        with self.lock:
            self.outstanding += 1
        self.ex.submit(self._run, case, fn, args)

    def _run(self, case, fn, args):
        t0 = time.monotonic()
        job_cpu.seconds = 0.0
        try:
            fn(*args)
        except BaseException as e:  # a bug of the driver fails the case, never passes it
            case.problem(f"driver error: {type(e).__name__}: {e}")
        finally:
            with case.lock:
                case.seconds += time.monotonic() - t0
                case.cpu += job_cpu.seconds
                case.pending -= 1
                last = case.pending == 0
            try:
                if last:
                    self.finish(case)
            finally:
                with self.lock:
                    self.outstanding -= 1
                    if self.outstanding == 0:
                        self.idle.notify_all()

    def wait(self):
        with self.lock:
            while self.outstanding:
                self.idle.wait()
        self.ex.shutdown()


def suite_cases(res, binary, nd30_only=False, only=()):
    """The cases suite, its sanitizer twin, or (nd30_only) the cases that run nd30check
    on the optimised outputs, which are the slowest part and run beside cases-san.
    only: the names of the cases to run (and those whose outputs they check), for a
    developer's quick run; every case when empty."""
    san = binary.endswith("-san")
    env = environment(binary)
    cases = load_cases()
    top = os.path.join(BUILD, "nd30" if nd30_only else "san" if san else "opt")
    opt_top = os.path.join(BUILD, "opt")
    if only:
        unknown = [n for n in only if n not in cases]
        if unknown:
            raise SystemExit(f"driver: no case {', '.join(unknown)} in tests/cases")
        chosen = set(only) | {cases[n].uses for n in only if cases[n].uses}
        if nd30_only:
            chosen = set(only)
        cases = {n: c for n, c in cases.items() if n in chosen}
        for c in cases.values():
            c.dependents = [d for d in c.dependents if d.name in chosen]
        for n in cases:  # the other cases' outputs stay, for a later run that checks them
            for p in (os.path.join(top, n), os.path.join(top, ".scratch", n)):
                shutil.rmtree(p, ignore_errors=True)
            for ext in (".json", ".stdout", ".stderr"):
                if os.path.exists(os.path.join(top, n + ext)):
                    os.remove(os.path.join(top, n + ext))
        os.makedirs(top, exist_ok=True)
    else:
        shutil.rmtree(top, ignore_errors=True)
        os.makedirs(top)
    qpdf_missing = None if san or nd30_only else missing_tool(["qpdf"])
    before = inputs_sum()
    # nd30check, a Python program, loaded once in each of JOBS worker processes instead
    # of started for each of some 150 files (tests/lib/nd30.py); forked before any thread
    nd30_pool = None
    if nd30_only and os.path.exists(ND30CHECK) and nd30.is_python(ND30CHECK):
        nd30_pool = nd30.pool(ND30CHECK, JOBS, env)

    def finish(c):
        res.time(c.name, c.cpu, c.seconds)
        detail = "; ".join(d for d in c.details if d)
        if c.problems:
            first, more = c.problems[0]
            extra = "\n".join(f"{d}{indent(m) if m else ''}" for d, m in c.problems[1:])
            res.fail(c.name, first, (more + ("\n" if more and extra else "") + extra).strip())
        elif c.skipped is not None:
            res.skip(c.name, c.skipped[0], c.skipped[1])
        else:
            res.ok(c.name, detail)

    pool = Pool(finish)

    def start_check(c, work, streams):
        """The check script, in the output folder of the case (or of the case it uses)."""
        if c.check is None:
            return
        missing = missing_tool(c.needs)
        if missing:
            c.skip(f"{missing} is not installed", missing)
            return
        e = dict(env)
        e.update(streams)
        scratch = os.path.join(top, ".scratch", c.name)
        os.makedirs(scratch, exist_ok=True)
        rel = os.path.relpath(ROOT, work)
        e = case_env(e, binary, rel)
        e["CASE"] = os.path.relpath(c.dir, work)
        e["SCRATCH"] = os.path.relpath(scratch, work)
        argv = [sys.executable, c.check] if c.check.endswith(".py") else ["sh", c.check]
        r = run(argv, env=e, cwd=work, merge=True)
        lines = [l for l in r.out.splitlines() if l.strip()]
        if r.timed_out:
            c.problem(f"the check did not end in {TIMEOUT} s")
        elif r.status != 0:
            c.problem(lines[-1] if lines else f"the check exited {r.status}",
                      "\n".join(lines[:-1]))
        elif lines:
            c.details.append(lines[-1])

    # Each distinct file goes through each tool once: the letters of several cases are
    # the same bytes, and so are the sample's plan and appendix. A job whose file was
    # checked before waits for that result; the executor starts jobs in the order they
    # were submitted, so the first check is already running by then and the wait cannot
    # block every worker.
    memo, memo_lock = {}, threading.Lock()

    def spawn_once(c, key, argv, cwd, judge, runner=None):
        with memo_lock:
            first = key not in memo
            if first:
                memo[key] = (threading.Event(), [])
        pool.spawn(c, run_once, c, key, argv, cwd, judge, first, runner)

    def run_once(c, key, argv, cwd, judge, first, runner):
        done, result = memo[key]
        if first:
            try:
                result.append(runner() if runner else run(argv, env=env, cwd=cwd, merge=True))
            finally:
                done.set()
        done.wait()
        if not result:
            c.problem(f"{argv[0]} could not be run on {argv[-1]}")
        else:
            judge(c, result[0])

    def spawn_qpdf(c, pdf, work, sha):
        def judge(c, r):
            if r.status != 0:
                c.problem(f"qpdf --check {pdf}: exit {r.status}",
                          "\n".join(l for l in r.out.splitlines() if "checking" not in l))
        spawn_once(c, ("qpdf", sha), ["qpdf", "--check", pdf], work, judge)

    def spawn_nd30(c, kind, pdf, work, sha):
        allowed = [rule for pat, rule in c.nd30_allow if fnmatch.fnmatch(pdf, pat)]

        def judge(c, r):
            fails = [l for l in r.out.splitlines() if l.startswith("FAIL")
                     and not any(l[len("FAIL  "):].startswith(rule) for rule in allowed)]
            if allowed and r.status == 1 and not fails:
                return  # only the rules allowed for this file failed
            summary = (r.out.strip().splitlines() or [""])[-1]
            if r.status > 1 or r.timed_out:
                c.problem(f"nd30check could not read {pdf} (exit {r.status}): {summary}")
            elif fails:
                c.problem(f"nd30check --kind {kind} {pdf}: {fails[0]}", "\n".join(fails[1:]))
            elif r.status != 0:
                c.problem(f"nd30check --kind {kind} {pdf}: exit {r.status} without a FAIL line")
        argv = [ND30CHECK] if os.access(ND30CHECK, os.X_OK) else [sys.executable, ND30CHECK]
        runner = None
        if nd30_pool is not None:
            def runner():
                job = nd30_pool.apply_async(nd30.check,
                                            (["--kind", kind, os.path.join(work, pdf)],))
                try:  # a worker that hangs or dies gives no result: a failure, not a wait
                    status, text, cpu = job.get(TIMEOUT)
                except multiprocessing.TimeoutError:
                    return Ran(-9, f"no result in {TIMEOUT} s", "", timed_out=True)
                job_cpu.seconds = getattr(job_cpu, "seconds", 0.0) + cpu
                return Ran(status, text, "", cpu=cpu)
        spawn_once(c, ("nd30", kind, sha), argv + ["--kind", kind, pdf], work, judge, runner)

    def start_dependent(c, used_work, streams):
        """A case that checks another case's outputs: its check, or nd30check per file."""
        if c.nd30:
            if not os.path.exists(ND30CHECK):
                c.skip(f"the records office's checker {os.path.relpath(ND30CHECK, ROOT)} "
                       "is not in this clone")
                return
            missing = missing_tool(c.needs)
            if missing:
                c.skip(f"{missing} is not installed", missing)
                return
            files = []
            for kind, pat in c.nd30:
                got = sorted(os.path.relpath(p, used_work)
                             for p in glob.glob(os.path.join(used_work, pat)))
                if not got:
                    c.problem(f"no file matches {pat} in the outputs of {c.uses}")
                files += [(kind, p) for p in got]
            kinds = ", ".join(sorted({k for k, _ in files}))
            c.details.append(f"nd30check passes on {len(files)} file"
                             f"{'s' if len(files) != 1 else ''} ({kinds})")
            digests = json.loads(read(used_work + ".json"))["files"]
            for kind, p in files:
                spawn_nd30(c, kind, p, used_work, digests[p])
        if c.check is not None:
            pool.spawn(c, start_check, c, used_work, streams)

    def run_case(c):
        work = os.path.join(top, c.name)
        os.makedirs(work)
        base = os.path.join(top, c.name)
        streams = {"STDOUT": os.path.relpath(base + ".stdout", work),
                   "STDERR": os.path.relpath(base + ".stderr", work)}
        rel = os.path.relpath(ROOT, work)
        e = case_env(env, binary, rel)
        e["CASE"] = os.path.relpath(c.dir, work)
        r = run(["sh", os.path.join(c.dir, "cmd")], env=e, cwd=work,
                stdout=base + ".stdout", stderr=base + ".stderr")
        streams["STATUS"] = str(r.status)
        files = digest(work)
        record = {"status": r.status, "files": files}
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(record, f)
        err_note = lambda: "\n".join(r.err.splitlines()[-8:])
        if r.timed_out:
            c.problem(f"cmd did not end in {TIMEOUT} s")
            return
        if SANITIZER.search(r.err):
            again = symbolized_run(c, e)
            c.problem(f"sanitizer report, see {os.path.relpath(again, ROOT)}.stderr",
                      read(again + ".stderr", "")[-3000:])
            return
        want = c.status
        if r.status == 99:  # the convention of cmd scripts: the input could not be made
            c.problem("cmd could not prepare its input (exit 99): the case tests nothing",
                      err_note())
            return
        if (want == "nonzero" and r.status == 0) or (want != "nonzero" and str(r.status) != want):
            c.problem(f"cmd exited {r.status}, expected {want}", err_note())
        if san:
            compare_with_opt(c, base, work, r, files)
            return
        for stream, text in (("stdout", r.out), ("stderr", r.err)):
            exp = os.path.join(c.dir, stream)
            if not os.path.exists(exp):
                continue
            if REGEN:
                open(exp, "w", encoding="utf-8").write(text)
            elif read(exp) != text:
                c.problem(f"{stream} differs from tests/cases/{c.name}/{stream}",
                          text_diff(exp, base + "." + stream, "expected", "actual"))
        for rel_file in c.expected:
            exp = os.path.join(c.dir, "expected", rel_file)
            act = os.path.join(work, rel_file)
            if not os.path.exists(act):
                c.problem(f"cmd wrote no {rel_file}", err_note())
            elif REGEN:
                shutil.copyfile(act, exp)
            elif open(exp, "rb").read() != open(act, "rb").read():
                c.problem(f"{rel_file} differs from tests/cases/{c.name}/expected/{rel_file}",
                          text_diff(exp, act, "expected", "actual"))
        pdfs = sorted(p for p, h in files.items() if p.endswith(".pdf") and h != "dir")
        if pdfs:
            if qpdf_missing:
                c.skip("qpdf is not installed", "qpdf")
            else:
                c.details.append(f"qpdf --check passes on {len(pdfs)} PDF"
                                 f"{'s' if len(pdfs) != 1 else ''}")
                for p in pdfs:
                    spawn_qpdf(c, p, work, files[p])
        if c.check is not None:
            pool.spawn(c, start_check, c, work, streams)
        for d in c.dependents:
            if not d.nd30:  # those are the nd30 suite's
                pool.spawn(d, start_dependent, d, work, streams)

    def symbolized_run(c, e):
        """cmd again, in NAME.symbolized, for a report with symbols; returns the folder."""
        again = os.path.join(top, c.name + ".symbolized")
        shutil.rmtree(again, ignore_errors=True)
        os.makedirs(again)
        e = symbolized(e)
        e["CASE"] = os.path.relpath(c.dir, again)
        run(["sh", os.path.join(c.dir, "cmd")], env=e, cwd=again, stdout=again + ".stdout",
            stderr=again + ".stderr")
        return again

    def compare_with_opt(c, base, work, r, files):
        opt_base = os.path.join(opt_top, c.name)
        rec = read(opt_base + ".json")
        if rec is None:
            c.problem("no optimised run to compare with: run the cases suite first")
            return
        rec = json.loads(rec)
        if rec["status"] != r.status:
            c.problem(f"exit {r.status}, the optimised build {rec['status']}")
        for stream in ("stdout", "stderr"):
            if read(opt_base + "." + stream) != read(base + "." + stream):
                c.problem(f"{stream} differs from the optimised build's",
                          text_diff(opt_base + "." + stream, base + "." + stream,
                                    "optimised", "sanitizer"))
        want = rec["files"]
        gone = sorted(set(want) - set(files))
        extra = sorted(set(files) - set(want))
        differ = sorted(p for p in set(want) & set(files) if want[p] != files[p])
        if gone or extra:
            c.problem("not the files of the optimised build: "
                      + "; ".join(x for x in (gone and "missing " + " ".join(gone[:5]),
                                              extra and "extra " + " ".join(extra[:5])) if x))
        for p in differ:  # a report the command sent into a file of its own
            try:
                text = open(os.path.join(work, p), encoding="utf-8", errors="replace").read()
            except OSError:
                continue
            if SANITIZER.search(text):
                again = symbolized_run(c, case_env(env, binary, os.path.relpath(ROOT, work)))
                c.problem(f"sanitizer report in {p}, see {os.path.relpath(again, ROOT)}/{p}",
                          read(os.path.join(again, p), "")[-3000:])
                return
        for p in differ[:3]:
            c.problem(f"{p} differs from the optimised build's",
                      text_diff(os.path.join(opt_top, c.name, p), os.path.join(work, p),
                                "optimised", "sanitizer"))
        if len(differ) > 3:
            c.problem(f"{len(differ) - 3} more files differ")
        if not c.problems:
            c.details.append(f"the same status, output and {len(files)} files as the "
                             "optimised build")

    if nd30_only:
        before_cpu = previous_times(res.suite)  # longest first, as below
        for c in sorted((c for c in cases.values() if c.nd30),
                        key=lambda c: (-before_cpu.get(c.name, 0.0), c.name)):
            base = os.path.join(opt_top, c.uses)
            if not os.path.exists(base + ".json"):
                res.fail(c.name, f"no optimised run of {c.uses} to check: run the cases "
                                 "suite first")
                continue
            streams = {"STDOUT": os.path.relpath(base + ".stdout", base),
                       "STDERR": os.path.relpath(base + ".stderr", base),
                       "STATUS": str(json.loads(read(base + ".json"))["status"])}
            pool.spawn(c, start_dependent, c, base, streams)
        pool.wait()
        if nd30_pool is not None:  # reaped, so that the suite's CPU time counts them
            nd30_pool.close()
            nd30_pool.join()
        return
    todo = [c for c in cases.values() if c.cmd and not (san and c.opt_only)]
    for c in cases.values():
        if san and c.cmd and c.opt_only:
            say(f"note  {res.suite}/{c.name}: runs with the optimised build only: {c.opt_only}")
    # Longest first, so that the last to end is a short one: by what the case and those
    # that check its outputs cost in the previous run (build/tests/SUITE.times); without
    # one, the cases whose outputs other cases check first (their dependents, nd30check on
    # 30 letters, are the longest part of the suite).
    before_cpu = previous_times(res.suite)
    cost = lambda c: before_cpu.get(c.name, 0.0) + sum(before_cpu.get(d.name, 0.0)
                                                       for d in c.dependents)
    todo.sort(key=lambda c: (-cost(c), not c.dependents, c.name))
    for c in todo:
        pool.spawn(c, run_case, c)
    pool.wait()
    slow = sorted(cases.values(), key=lambda c: -c.cpu)[:5]
    say(f"{res.suite}: slowest " + ", ".join(f"{c.name} {c.cpu:.1f} CPU-s" for c in slow))
    if inputs_sum() == before:
        res.ok("inputs-unchanged", "no case changed samples/, templates/ or a test input")
    else:
        res.fail("inputs-unchanged", "an input file changed while the cases ran "
                                     "(samples/, templates/, schema/, tests/...)")


# ---------------------------------------------------------------- summary


def summary():
    total = {"passed": 0, "failed": 0}
    skips, missing, fails = [], [], []
    for s in SUITES:
        text = read(os.path.join(BUILD, s + ".result"))
        if text is None:
            missing.append(s)
            continue
        r = json.loads(text)
        total["passed"] += r["passed"]
        total["failed"] += r["failed"]
        skips += r["skips"]
        fails += [f"{s}/{n}" for n in r["fails"]]
    for name, reason in skips:
        print(f"skipped: {name}: {reason}")
    for name in fails:
        print(f"failed:  {name}")
    for s in missing:
        print(f"failed:  suite {s} did not finish (see its output above)")
    print_times()
    failed = total["failed"] + len(missing)
    print(f"{total['passed']} passed, {failed} failed, {len(skips)} skipped")
    return 1 if failed else 0


SLOWEST = 10  # cases named in the summary's list of the slowest


def print_times():
    """What the run cost: each suite's CPU and wall seconds (from SUITE.times), the build
    and the whole run when make check timed them (build.times, suites.times), and the
    slowest cases of all suites in CPU seconds."""
    rows, cases = [], []
    for s in ("build",) + SUITES + ("suites",):
        total, parts = read_times(times_path(s))
        if total is None:
            continue
        rows.append(total)
        cases += [(c, w, f"{s}/{n}") for c, w, n in parts]
    if not rows:
        return
    print("time: " + ", ".join(f"{n} {c:.1f} CPU-s {w:.1f} s" for c, w, n in rows))
    whole = [r for r in rows if r[2] == "suites"]
    if whole:  # what ran beside the suites: the sanitizer build, make itself
        rest = whole[0][0] - sum(c for c, _, n in rows if n in SUITES)
        print(f"time: of the suites' run, {rest:.1f} CPU-s outside the suites (the "
              "sanitizer build, make)")
    slow = sorted(cases, reverse=True)[:SLOWEST]
    print(f"slowest: " + ", ".join(f"{n} {c:.1f} CPU-s ({w:.1f} s)" for c, w, n in slow))


def timed(name, argv):
    """`driver.py time NAME CMD...`: runs CMD and writes build/tests/NAME.times (its CPU
    seconds, with every child's, and its wall time); make check times the build and the
    suites so."""
    t0 = time.monotonic()
    try:
        status = subprocess.call(argv)
    except OSError as e:
        print(f"driver: cannot run {argv[0]}: {e}", file=sys.stderr)
        status = 127
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.makedirs(BUILD, exist_ok=True)
    write_times(times_path(name), name, kids.ru_utime + kids.ru_stime, time.monotonic() - t0)
    return status


def main(argv):
    if len(argv) > 3 and argv[1] == "time":
        return timed(argv[2], argv[3:])
    if len(argv) < 2 or argv[1] not in SUITES + ("summary",) or (
            len(argv) > 2 and argv[1] not in ("cases", "cases-san", "nd30")):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    suite, only = argv[1], argv[2:]
    if suite == "summary":
        return summary()
    res = RESULTS[suite] = Results(suite)
    binary = BINARIES[suite]
    if not os.access(os.path.join(ROOT, binary), os.X_OK):
        res.fail("build", f"{binary} is not built")
        return res.finish()
    started = time.monotonic()
    run_suite = {"unit": suite_unit, "check": suite_check,
                 "cases": lambda r, b: suite_cases(r, b, only=only),
                 "nd30": lambda r, b: suite_cases(r, b, nd30_only=True, only=only)}
    run_suite[suite.replace("-san", "")](res, binary)
    wall = time.monotonic() - started
    code = res.finish(wall)
    cpu = read_times(times_path(suite))[0][0]
    say(f"{suite}: {wall:.1f} s, {cpu:.1f} CPU-s")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
