#!/usr/bin/env python3
"""bench/tui_log.py — G on a long log (issue 17): the time it takes and
the browser's memory, whatever the log's size.

    tui_log.py RUNLENS_BIN WORK_DIR [LINES]

Makes a store in WORK_DIR/log-store (kept while LINES is the same) with one
run whose step printed LINES lines (`seq 1 LINES`, 40,000,000 by default:
349 MB), opens its log in the real `runlens tui` on a 100x30 pseudo-terminal
with RUNLENS_TUI_TRACE, presses G (the end: every line indexed) and reads
the key's time and the peak RSS from the trace.  Prints:

    log_lines          LINES
    log_end_ms         the G key, median of 3 browser starts
    log_peak_rss_mb    the largest of them
"""
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time

TIMEOUT = 60.0


def fail(msg):
    sys.stderr.write("runlens: tui log bench: %s\n" % msg)
    sys.exit(1)


def trace_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def wait_for(fd, path, prefix, want):
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.005)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        lines = trace_lines(path)
        if sum(1 for l in lines if l.startswith(prefix)) >= want:
            return lines
    fail("the browser did not answer within %ds" % TIMEOUT)


def one_round(binary, store, trace):
    if os.path.exists(trace):
        os.unlink(trace)
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        os.execve(binary, [binary, "--store", store, "tui"],
                  dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8",
                       RUNLENS_TUI_TRACE=trace))
    wait_for(fd, trace, "first_frame_us", 1)
    os.write(fd, b"l")  # the logs of the run's step
    wait_for(fd, trace, "key ", 1)
    os.write(fd, b"G")
    wait_for(fd, trace, "key ", 2)
    os.write(fd, b"Q")
    lines = wait_for(fd, trace, "peak_rss_kb", 1)
    os.waitpid(pid, 0)
    os.close(fd)
    keys = [int(l.split()[3]) for l in lines if l.startswith("key ")]
    rss = [int(l.split()[1]) for l in lines if l.startswith("peak_rss_kb")]
    return keys[1] / 1000.0, rss[0] / 1024.0


def main():
    if len(sys.argv) < 3:
        fail("usage: tui_log.py RUNLENS_BIN WORK_DIR [LINES]")
    binary, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 40000000
    store = os.path.join(work, "log-store")
    stamp = os.path.join(work, "log-stamp")
    os.makedirs(work, exist_ok=True)
    old = open(stamp).read() if os.path.exists(stamp) else ""
    if old != str(n):
        subprocess.run(["rm", "-rf", store], check=True)
        spec = os.path.join(work, "log.json")
        with open(spec, "w") as f:
            f.write('{"name": "biglog", "steps": [{"name": "print", '
                    '"run": ["seq", "1", "%d"]}]}\n' % n)
        subprocess.run([binary, "--store", store, "run", spec], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
        with open(stamp, "w") as f:
            f.write(str(n))
    times, rss = [], []
    for r in range(3):
        t, m = one_round(binary, store, os.path.join(work, "log-trace"))
        times.append(t)
        rss.append(m)
    print("log_lines %d" % n)
    print("log_end_ms %.3f" % sorted(times)[1])
    print("log_peak_rss_mb %.1f" % max(rss))


if __name__ == "__main__":
    main()
