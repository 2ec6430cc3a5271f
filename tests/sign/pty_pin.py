#!/usr/bin/env python3
"""pty_pin.py - runs a command on a pseudo-terminal and types a PIN at each prompt, as a
person at the terminal would; says how many times it was asked.

    python3 tests/sign/pty_pin.py PIN LOG -- COMMAND ARGS...

The command's terminal output goes to LOG. Prints "prompts N" and exits with the
command's exit status (124 when it did not finish within a minute).
"""
import os
import pty
import select
import signal
import sys
import time

PROMPT = b"(not shown as you type): "


def main():
    pin, log = sys.argv[1].encode(), sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out, seen, prompts = b"", 0, 0
    deadline = time.time() + 60
    while True:
        left = deadline - time.time()
        r, _, _ = select.select([fd], [], [], max(left, 0))
        if not r:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            open(log, "wb").write(out)
            print("prompts %d" % prompts)
            sys.exit(124)
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
        while out.find(PROMPT, seen) >= 0:
            seen = out.find(PROMPT, seen) + len(PROMPT)
            prompts += 1
            os.write(fd, pin + b"\n")
    _, status = os.waitpid(pid, 0)
    open(log, "wb").write(out)
    print("prompts %d" % prompts)
    sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode")
             else status >> 8)


if __name__ == "__main__":
    main()
