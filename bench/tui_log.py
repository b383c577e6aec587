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
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import ptydrive  # noqa: E402

TIMEOUT = 60.0


def fail(msg):
    ptydrive.fail("tui log bench", msg)


def one_round(binary, store, trace):
    tui = ptydrive.Tui(binary, store, trace, 30, 100, what="tui log bench", timeout=TIMEOUT)
    tui.wait_for("first_frame_us", 1)
    tui.send("L")  # the logs of the run's step
    tui.wait_for("key ", 1)
    if not tui.painted("Logs"):
        fail("L did not open the step's log")
    tui.send("G")
    tui.wait_for("key ", 2)
    lines = tui.quit("Q")
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
