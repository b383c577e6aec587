"""bench/ptydrive.py — what the browser's benchmarks (tui_drive.py,
tui_busy.py, tui_log.py) share: the real `runlens tui` started on a
pseudo-terminal of a given size with RUNLENS_TUI_TRACE set, keys written
to it, and waiting until its trace says it has answered (the terminal is
kept drained meanwhile, so the browser never blocks on its output).

    tui = Tui(binary, store, trace, rows, cols, what="tui bench")
    tui.send("G")
    lines = tui.wait_for("key ", 2)   # two keys traced: the trace's lines
    tui.painted("Logs")               # in what it painted since the G
    tui.quit("Q")                     # until peak_rss_kb, then reaped

A benchmark that cannot go on prints `runlens: WHAT: MESSAGE` on stderr
and exits 1.
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

TIMEOUT = 30.0


def fail(what, msg):
    sys.stderr.write("runlens: %s: %s\n" % (what, msg))
    sys.exit(1)


def trace_lines(path):
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def pct(v, p):
    """The P-th percentile of the values V (the nearest rank)."""
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


class Tui:
    """`runlens --store STORE tui` on a ROWS x COLS pseudo-terminal, in
    ENV (default: this process's) with TERM=xterm-256color, LC_ALL=C.UTF-8
    and its trace in TRACE (emptied first)."""

    def __init__(self, binary, store, trace, rows, cols, env=None, what="tui bench",
                 timeout=TIMEOUT, poll=0.005):
        self.trace, self.what, self.timeout, self.poll = trace, what, timeout, poll
        self.closed = False
        self.out = b""  # what the browser painted since the last send()
        if os.path.exists(trace):
            os.unlink(trace)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(binary, [binary, "--store", store, "tui"],
                      dict(os.environ if env is None else env, TERM="xterm-256color",
                           LC_ALL="C.UTF-8", RUNLENS_TUI_TRACE=trace))

    def send(self, keys):
        self.out = b""
        os.write(self.fd, keys.encode())

    def painted(self, text):
        """Whether the browser has painted TEXT since the last send()."""
        return text.encode() in self.out

    def drain(self, wait):
        """Read what the browser painted, waiting up to WAIT seconds."""
        if self.closed:
            time.sleep(wait)
            return
        r, _, _ = select.select([self.fd], [], [], wait)
        if r:
            try:
                got = os.read(self.fd, 65536)
                self.out = (self.out + got)[-(1 << 20):]
                self.closed = not got
            except OSError:  # the browser has ended
                self.closed = True

    def wait_until(self, pred, want):
        """Until the trace has WANT lines that satisfy PRED: its lines."""
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            self.drain(self.poll)
            lines = trace_lines(self.trace)
            if sum(1 for l in lines if pred(l)) >= want:
                return lines
        fail(self.what, "the browser did not answer within %ds" % self.timeout)

    def wait_for(self, prefix, want):
        """Until the trace has WANT lines that start with PREFIX."""
        return self.wait_until(lambda l: l.startswith(prefix), want)

    def quit(self, key="Q"):
        """KEY, then until the browser has traced its peak RSS and ended:
        the trace's lines."""
        self.send(key)
        lines = self.wait_for("peak_rss_kb", 1)
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        return lines
