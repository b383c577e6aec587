"""bench/slurm_bare.py N JOBS — the floor of the Slurm row (bench/slurm.sh):
the DAG of N steps in 10 chains (step i needs step i-10) with nothing but
`sbatch --parsable --wrap true` for each ready step (at most JOBS in
flight) and one `squeue -t all -j ID,...` for all of them every 100 ms.
Exits 1 when a job does not complete."""
import subprocess
import sys
import time

n, jobs = int(sys.argv[1]), int(sys.argv[2])
POLL = 0.1
OVER = {"FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL",
        "PREEMPTED", "BOOT_FAIL", "DEADLINE"}
done, submitted, inflight = set(), set(), {}
while len(done) < n:
    for i in range(n):
        if len(inflight) >= jobs:
            break
        if i in submitted or (i >= 10 and i - 10 not in done):
            continue
        out = subprocess.run(
            ["sbatch", "--parsable", "--no-requeue", "-J", "bare-%d" % i,
             "-o", "/dev/null", "-e", "/dev/null", "--wrap", "true"],
            capture_output=True, text=True, check=True).stdout.strip()
        inflight[out.split(";")[0]] = i
        submitted.add(i)
    time.sleep(POLL)
    out = subprocess.run(["squeue", "-h", "-t", "all", "-j", ",".join(inflight),
                          "-o", "%i|%T"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        jid, _, st = line.partition("|")
        if jid in inflight and st == "COMPLETED":
            done.add(inflight.pop(jid))
        elif jid in inflight and st in OVER:
            sys.exit("bare loop: job %s of step %d ended %s" % (jid, inflight[jid], st))
