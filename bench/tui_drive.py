#!/usr/bin/env python3
"""bench/tui_drive.py — replay a fixed key script against the real
`runlens tui` through a pseudo-terminal and read its trace.

    tui_drive.py RUNLENS_BIN STORE_DIR [ROUNDS]

The browser is started ROUNDS times (default 3) on a 120x40 terminal with
RUNLENS_TUI_TRACE set; each key is sent once the browser has traced the
one before, so every key is timed on its own.  Prints:

    tui_first_frame_ms  median over the rounds
    tui_key_p50_ms, tui_key_p99_ms  over every key of every round
    tui_peak_rss_mb     the largest of the rounds
    tui_keys            how many keys were timed
"""
import fcntl
import os
import pty
import select
import struct
import sys
import tempfile
import termios
import time

# navigation down the 1M list (each page further down fetches from the
# store), the 20 param and metric columns of the newest runs scrolled
# sideways (Tab right, h left) up there and deep down, back up, open a
# run, back, the pipelines view, back, quit
SCRIPT = (["j"] * 10 + ["\t"] * 8 + ["h"] * 8 + ["\x06"] * 15 + ["\t"] * 8 + ["h"] * 8
          + ["k"] * 5 + ["\x02"] * 5 + ["g"]
          + ["\r", "j", "j", "q"] + ["p", "j", "q"] + ["j"] * 5)
QUIT = "Q"
TIMEOUT = 30.0


def fail(msg):
    sys.stderr.write("runlens: tui bench: %s\n" % msg)
    sys.exit(1)


def read_trace(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def drain(fd, until, trace, want):
    """Read the terminal's output until the trace has WANT lines that
    satisfy UNTIL, or the time-out."""
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.005)
        if r:
            try:
                if not os.read(fd, 65536):
                    return read_trace(trace)
            except OSError:
                return read_trace(trace)
        lines = read_trace(trace)
        if sum(1 for l in lines if until(l)) >= want:
            return lines
    fail("the browser did not answer within %ds" % TIMEOUT)


def one_round(binary, store, trace):
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LC_ALL="C.UTF-8",
                   TZ="UTC", RUNLENS_TUI_TRACE=trace)
        os.execve(binary, [binary, "--store", store, "tui"], env)
    drain(fd, lambda l: l.startswith("first_frame_us"), trace, 1)
    for i, key in enumerate(SCRIPT):
        os.write(fd, key.encode())
        drain(fd, lambda l: l.startswith("key "), trace, i + 1)
    os.write(fd, QUIT.encode())
    lines = drain(fd, lambda l: l.startswith("peak_rss_kb"), trace, 1)
    os.waitpid(pid, 0)
    os.close(fd)
    return lines


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def main():
    if len(sys.argv) < 3:
        fail("usage: tui_drive.py RUNLENS_BIN STORE_DIR [ROUNDS]")
    binary, store = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    first, keys, rss = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            trace = os.path.join(tmp, "trace-%d" % r)
            for line in one_round(binary, store, trace):
                f = line.split()
                if f[0] == "first_frame_us":
                    first.append(int(f[1]) / 1000.0)
                elif f[0] == "key":
                    keys.append(int(f[3]) / 1000.0)
                elif f[0] == "peak_rss_kb":
                    rss.append(int(f[1]) / 1024.0)
    if not first or not keys or not rss:
        fail("the trace lacks first_frame_us, key or peak_rss_kb lines")
    print("tui_first_frame_ms %.3f" % pct(first, 50))
    print("tui_key_p50_ms %.3f" % pct(keys, 50))
    print("tui_key_p99_ms %.3f" % pct(keys, 99))
    print("tui_peak_rss_mb %.1f" % max(rss))
    print("tui_keys %d" % len(keys))


if __name__ == "__main__":
    main()
