#!/usr/bin/env python3
"""tests/e2e/monkey.py — random keys and resizes to `runlens tui` on a pty.

    monkey.py RUNLENS_BIN KEYS SEED

Starts the browser on a pseudo-terminal (80x24), then sends KEYS random
keys — letters, digits, punctuation, arrows, function and editing keys,
Enter, Tab, Backspace, Ctrl keys — in small bursts, and every so often
resizes the terminal (down to 1x1 and up to 250x80, each a SIGWINCH).
Keys that leave the browser (q, Q, a lone Esc) are left out; if it leaves
anyway it is started again.  Output is read all along so it never blocks.
Exits 1 when the browser crashed: killed by a signal, a sanitizer report,
or an exit status other than 0; prints a summary line either way.
"""
import fcntl
import os
import pty
import random
import select
import signal
import struct
import sys
import termios
import time

KEYS = [chr(c) for c in range(0x20, 0x7f) if chr(c) not in "qQ"] + [
    "\r", "\t", "\x7f", "\x08", "\x02", "\x06", "\x0c", "\x15", "\x17", "\x01", "\x05",
    "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F", "\x1b[5~", "\x1b[6~",
    "\x1b[2~", "\x1b[3~", "\x1bOP", "\x1bOQ", "\x1b[15~", "\x1b[17~", "\x1b[Z",
    # mouse: SGR press/release at random places are added below
]
WEIGHTS_EXTRA = ["j", "k", "\r", "\t", "\x1b[B", "\x1b[A", "l", "h", "G", "g", "/", "f"]


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def drain(fd, out, wait):
    """Read what the browser drew; False when its side closed."""
    end = time.monotonic() + wait
    while True:
        left = max(0.0, end - time.monotonic())
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out.append(data[-4096:])
        if len(out) > 64:
            del out[:32]


def start(binary):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["PAGER"] = "true"
        os.environ["EDITOR"] = "true"
        os.environ["VISUAL"] = "true"
        try:
            os.execv(binary, [binary, "tui"])
        except OSError as e:
            os.write(2, ("monkey: cannot start %s: %s\n" % (binary, e)).encode())
        finally:
            os._exit(127)
    set_size(fd, 24, 80)
    return pid, fd


def main():
    binary, nkeys, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    pid, fd = start(binary)
    out = []
    drain(fd, out, 1.0)
    sent = resizes = restarts = 0
    crashed = None
    while sent < nkeys and crashed is None:
        burst = []
        for _ in range(rng.randint(1, 12)):
            r = rng.random()
            if r < 0.3:
                k = rng.choice(WEIGHTS_EXTRA)
            elif r < 0.33:
                b = rng.choice([0, 1, 2, 64, 65])
                x, y = rng.randint(1, 120), rng.randint(1, 40)
                k = "\x1b[<%d;%d;%d%s" % (b, x, y, rng.choice("Mm"))
            else:
                k = rng.choice(KEYS)
            burst.append(k)
        alive = True
        try:
            os.write(fd, "".join(burst).encode())
        except OSError:
            alive = False
        sent += len(burst)
        if rng.random() < 0.02:
            rows = rng.choice([1, 2, 3, 5, 10, 24, 40, 80, rng.randint(1, 80)])
            cols = rng.choice([1, 2, 10, 20, 40, 80, 132, 250, rng.randint(1, 250)])
            set_size(fd, rows, cols)
            resizes += 1
        if alive:
            alive = drain(fd, out, 0.002 if sent % 200 else 0.05)
        wpid, status = os.waitpid(pid, os.WNOHANG)
        if wpid == 0 and alive:
            continue
        if wpid == 0:
            _, status = os.waitpid(pid, 0)
        tail = b"".join(out)[-3000:]
        if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0 or \
                b"Sanitizer" in tail or b"runtime error" in tail:
            crashed = "status %d (signal %d) after %d keys; last output:\n%s" % (
                os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1,
                os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0,
                sent, tail.decode("utf-8", "replace")[-1500:])
            break
        os.close(fd)
        restarts += 1
        pid, fd = start(binary)
        out = []
        drain(fd, out, 0.5)
    if crashed is None:
        # still alive: it must quit cleanly when asked
        set_size(fd, 24, 80)
        drain(fd, out, 0.3)
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                os.write(fd, b"\x1b\x1b\x07QQ")
            except OSError:
                pass
            drain(fd, out, 0.5)
            wpid, st = os.waitpid(pid, os.WNOHANG)
            if wpid:
                status = st
                break
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            crashed = "did not quit on Q after the keys"
        elif os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
            crashed = "exit status %r on Q" % status
    print("monkey: %d keys, %d resizes, %d restarts, seed %d: %s"
          % (sent, resizes, restarts, seed, "CRASH " + crashed if crashed else "ok"))
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
