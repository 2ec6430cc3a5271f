"""nd30.py - the records office's checker (nd30check) run on many files from one Python.

nd30check is a Python program: started once per file, it costs a Python start, its
imports and the compiling of its patterns every time, a fifth of what it costs in all on
a letter, and the tests check some three hundred files. Loaded once here, its main() is
called for each file, with what it prints (standard output and error, in one text, as
`nd30check ... 2>&1` gives) and its exit status, as a run of the program would give them:
it keeps no state between files (its functions read only their arguments). A checker
that is not Python (ND30CHECK may name any program) is run as a program.

    checker = Checker(path)
    status, text = checker.run(["--kind", "letter", "x.pdf"])

pool(path, jobs) gives a multiprocessing pool whose workers each load the checker once;
pool.apply(check, (argv,)) returns (status, text, cpu), cpu the CPU seconds the worker
spent on it (its own and its commands', mutool and pdffonts), for the tests' .times.
"""
import contextlib
import importlib.machinery
import importlib.util
import io
import multiprocessing
import os
import resource
import subprocess
import sys
import traceback


def is_python(path):
    try:
        with open(path, "rb") as f:
            first = f.readline()
    except OSError:
        return False
    return path.endswith(".py") or (first.startswith(b"#!") and b"python" in first)


class Checker:
    def __init__(self, path):
        self.path = path
        self.module = None
        if is_python(path):
            loader = importlib.machinery.SourceFileLoader("nd30check", path)
            spec = importlib.util.spec_from_loader("nd30check", loader)
            module = importlib.util.module_from_spec(spec)
            loader.exec_module(module)
            if callable(getattr(module, "main", None)):
                self.module = module

    def run(self, argv):
        """(exit status, what it printed) of the checker on argv."""
        if self.module is None:
            cmd = [self.path] if os.access(self.path, os.X_OK) else [sys.executable, self.path]
            r = subprocess.run(cmd + list(argv), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            return r.returncode, r.stdout.decode("utf-8", "replace")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                status = self.module.main(list(argv))
            except SystemExit as e:  # as the program's sys.exit would end
                status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
                if e.code is not None and not isinstance(e.code, int):
                    print(e.code, file=sys.stderr)
            except Exception:  # what Python prints for an uncaught exception, exit 1
                traceback.print_exc(file=sys.stderr)
                status = 1
        return (0 if status is None else status), out.getvalue()

    # the checker's own functions (read_pdf, Report, body_rules), for a check that runs
    # one of its rules on pages it has changed (tests/docx/check.py justified)
    def __getattr__(self, name):
        if self.__dict__.get("module") is None:
            raise AttributeError(name)
        return getattr(self.module, name)


_worker = None


def _load(path, env):
    global _worker
    if env is not None:  # the tests' environment (locale, PATH), as a command gets it
        os.environ.clear()
        os.environ.update(env)
    _worker = Checker(path)


def cpu_seconds():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def check(argv):
    """In a pool's worker: (status, text, CPU seconds) of the checker on argv."""
    t0 = cpu_seconds()
    status, text = _worker.run(argv)
    return status, text, cpu_seconds() - t0


def pool(path, jobs, env=None):
    """A pool of jobs workers with the checker loaded, in the environment env. Forked:
    create it before the process starts any thread."""
    return multiprocessing.get_context("fork").Pool(jobs, initializer=_load,
                                                    initargs=(path, env))
