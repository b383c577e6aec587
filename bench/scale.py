#!/usr/bin/env python3
"""bench/scale.py — the dispatch DAG at 10,000 steps, and syscalls per step.

    python3 bench/scale.py RUNLENS_BIN RLBENCH_BIN [STEPS] [JOBS] [ROUNDS] [SYSCALL_STEPS]

The DAG of bench/dispatch.sh (STEPS steps in 10 chains, step i needs step
i-10, each `true`), run by `runlens run --no-cache -j JOBS` and by the
floor (`rlbench spawn STEPS JOBS`: posix_spawn and waitpid only), each
once a round, in turn.  Of each runlens run it takes the wall time, the
time until the first step is started (the pipeline loaded, checked and
recorded: the first "running" line of its output) and the runner's peak
RSS (getrusage of the child).  Then, when strace is installed, it counts
the runner's own system calls (strace -c, without the children) of a
SYSCALL_STEPS-step run and of the floor's, per step; and what a new
folder and a new file cost where the store is (and in /dev/shm).

Prints `KEY VALUE` lines for bench/run.sh (medians of the rounds) and a
line for people on stderr for each round.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


# RLBENCH_NO_CLEANUP=1 (bench/run.sh): what this made stays, for run.sh
# to remove after the last timed figure (bench/dispatch.sh says why)
KEEP = os.environ.get("RLBENCH_NO_CLEANUP") == "1"


def dag(path, n):
    steps = []
    for i in range(n):
        st = {"name": "s%d" % i, "run": ["true"]}
        if i >= 10:
            st["needs"] = ["s%d" % (i - 10)]
        steps.append(st)
    with open(path, "w") as f:
        json.dump({"name": "dispatch-%d" % n, "steps": steps}, f)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def run_runlens(binary, store, pipeline, jobs):
    """wall seconds, seconds to the first started step, peak RSS in KB"""
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "--store", store, "run", pipeline, "-j", str(jobs),
                          "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    first = None
    for line in p.stdout:
        if first is None and line.rstrip().endswith(b" running"):
            first = time.perf_counter() - t0
    p.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("runlens: scale: runlens run failed (exit %d)"
                 % os.waitstatus_to_exitcode(status))
    return wall, first if first is not None else wall, ru.ru_maxrss


def run_floor(rlbench, n, jobs):
    t0 = time.perf_counter()
    subprocess.run([rlbench, "spawn", str(n), str(jobs)], check=True)
    return time.perf_counter() - t0


def syscalls(cmd, tmp):
    """the calls of CMD's own process (not its children), or None"""
    out = os.path.join(tmp, "strace.txt")
    # a sanitizer build's LeakSanitizer refuses to run under ptrace
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    r = subprocess.run(["strace", "-c", "-o", out] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)
    if r.returncode != 0:
        return None
    with open(out) as f:
        for line in f:
            w = line.split()
            if w and w[-1] == "total":
                return int(w[3])
    return None


def inode_us(folder, n=300):
    """microseconds a new folder and a new file take in FOLDER: what
    every step pays for each one it makes (its folders, logs, context)"""
    d = tempfile.mkdtemp(dir=folder)
    try:
        t0 = time.perf_counter()
        for i in range(n):
            os.mkdir(os.path.join(d, "d%d" % i))
        t1 = time.perf_counter()
        for i in range(n):
            os.close(os.open(os.path.join(d, "f%d" % i), os.O_CREAT | os.O_WRONLY, 0o644))
        t2 = time.perf_counter()
    finally:
        if not KEEP:
            shutil.rmtree(d, ignore_errors=True)
    return (t1 - t0) * 1e6 / n, (t2 - t1) * 1e6 / n


def main():
    a = sys.argv[1:]
    if len(a) < 2:
        sys.exit(__doc__)
    binary, rlbench = os.path.abspath(a[0]), os.path.abspath(a[1])
    n = int(a[2]) if len(a) > 2 else 10000
    jobs = int(a[3]) if len(a) > 3 else 2
    rounds = int(a[4]) if len(a) > 4 else 1
    sn = int(a[5]) if len(a) > 5 else 300
    tmp = tempfile.mkdtemp()
    try:
        pl, small, one = (os.path.join(tmp, x) for x in ("p.json", "small.json", "one.json"))
        dag(pl, n)
        dag(small, max(sn, 1))
        dag(one, 1)
        store = os.path.join(tmp, "store")
        # the store made first: the figure is the pipeline's check, not
        # the creation of a store
        run_runlens(binary, store, one, jobs)
        walls, firsts, rss, floors = [], [], [], []
        for k in range(rounds):
            floors.append(run_floor(rlbench, n, jobs))
            w, f, m = run_runlens(binary, store, pl, jobs)
            walls.append(w)
            firsts.append(f)
            rss.append(m)
            print("scale round %d: %d steps: floor %.2fs, runlens %.2fs (first step at %.3fs, "
                  "peak RSS %.1f MB)" % (k + 1, n, floors[-1], w, f, m / 1024.0),
                  file=sys.stderr)
        print("scale_steps %d" % n)
        print("scale_floor_s %.4f" % median(floors))
        print("scale_runlens_s %.4f" % median(walls))
        print("scale_first_step_s %.4f" % median(firsts))
        print("scale_rss_kb %d" % max(rss))
        mk, cr = inode_us(tmp)
        print("fs_mkdir_us %.1f\nfs_create_us %.1f" % (mk, cr))
        if os.access("/dev/shm", os.W_OK):
            mk, cr = inode_us("/dev/shm")
            print("fs_tmpfs_mkdir_us %.1f\nfs_tmpfs_create_us %.1f" % (mk, cr))
        if sn <= 0:
            pass
        elif shutil.which("strace"):
            rl = syscalls([binary, "--store", store, "run", small, "-j", str(jobs),
                           "--no-cache"], tmp)
            fl = syscalls([rlbench, "spawn", str(sn), str(jobs)], tmp)
            if rl is not None and fl is not None:
                print("syscalls_steps %d" % sn)
                print("syscalls_runlens_per_step %.1f" % (rl / sn))
                print("syscalls_floor_per_step %.1f" % (fl / sn))
        else:
            print("runlens: scale: strace is not installed: no syscall row", file=sys.stderr)
    finally:
        if not KEEP:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
