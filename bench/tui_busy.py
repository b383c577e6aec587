#!/usr/bin/env python3
"""bench/tui_busy.py — the browser while a runner writes to its store
(issue 17): how long a key waits, and what the idle browser costs.

    tui_busy.py RUNLENS_BIN STORE_DIR WORK_DIR [SECONDS]

Starts `runlens run` of a one-step pipeline whose step records a metric
as fast as `runlens metric` goes (the runner ingests it every 250 ms and
beats its heart: the store changes all the time), then the real
`runlens tui` on a 120x40 pseudo-terminal.  The browser sorts its runs
by status (s, then the third entry) and pages down and up; each key is
timed from the moment it is written to the moment the browser has traced
it (RUNLENS_TUI_TRACE), so the time a key waits behind a refresh counts.
Then the browser is left alone for SECONDS (10) and its CPU time read
from /proc/PID/stat.  The runner is stopped and its run deleted, so the
store stays as generated.  Prints:

    busy_key_max_ms, busy_key_p99_ms   over every key
    busy_idle_cpu_pct                  of one core, while idle
    busy_keys                          how many keys were timed
"""
import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import ptydrive  # noqa: E402

PIPELINE = """{"name": "bench-writer", "steps": [{"name": "w", "run": ["sh", "-c",
 "i=0; while [ $i -lt 100000000 ]; do i=$((i+1)); runlens metric loss $i; done"]}]}
"""
# sort by status, then page down and up, move, a refresh
SORT = ["s", "j", "j", "\r"]
SCRIPT = ["\x06"] * 15 + ["j"] * 10 + ["\x02"] * 15 + ["k"] * 5 + ["\x0c"] * 3 + ["\x06"] * 10
TIMEOUT = 30.0


def fail(msg):
    ptydrive.fail("tui busy bench", msg)


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def main():
    if len(sys.argv) < 4:
        fail("usage: tui_busy.py RUNLENS_BIN STORE_DIR WORK_DIR [SECONDS]")
    binary, store, work = (os.path.abspath(a) for a in sys.argv[1:4])
    idle_s = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    os.makedirs(work, exist_ok=True)
    spec = os.path.join(work, "writer.json")
    with open(spec, "w") as f:
        f.write(PIPELINE)
    env = dict(os.environ, PATH=os.path.dirname(binary) + os.pathsep + os.environ["PATH"])
    runner = subprocess.Popen([binary, "--store", store, "run", spec], cwd=work, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    trace = os.path.join(work, "busy-trace")
    keys = []
    try:
        # the runner has recorded its run and writes
        end = time.monotonic() + TIMEOUT
        while time.monotonic() < end:
            out = subprocess.run([binary, "--store", store, "ls", "--limit", "1"],
                                 capture_output=True, text=True).stdout
            if "bench-writer" in out:
                break
            time.sleep(0.05)
        else:
            fail("the writer did not start")
        tui = ptydrive.Tui(binary, store, trace, 40, 120, env=dict(env, TZ="UTC"),
                           what="tui busy bench", timeout=TIMEOUT, poll=0.001)
        tui.wait_for("first_frame_us", 1)
        for k in SORT:  # the dialog's keys are traced with the s
            tui.send(k)
            time.sleep(0.2)
        tui.wait_for("key ", 1)
        for i, k in enumerate(SCRIPT):
            t0 = time.monotonic()
            tui.send(k)
            tui.wait_for("key ", i + 2)
            keys.append((time.monotonic() - t0) * 1000.0)
            time.sleep(0.05)  # keys among the refreshes
        a, t0 = cpu_ticks(tui.pid), time.monotonic()
        end = t0 + idle_s
        while time.monotonic() < end:  # keep the terminal drained
            tui.drain(0.1)
        b, t1 = cpu_ticks(tui.pid), time.monotonic()
        tui.quit("Q")
    finally:
        os.killpg(runner.pid, signal.SIGINT)
        runner.wait()
        subprocess.run([binary, "--store", store, "rm", "--yes", "bench-writer@last"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hz = os.sysconf("SC_CLK_TCK")
    print("busy_key_max_ms %.3f" % max(keys))
    print("busy_key_p99_ms %.3f" % ptydrive.pct(keys, 99))
    print("busy_idle_cpu_pct %.2f" % (100.0 * (b - a) / hz / (t1 - t0)))
    print("busy_keys %d" % len(keys))


if __name__ == "__main__":
    main()
