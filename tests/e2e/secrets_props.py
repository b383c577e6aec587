#!/usr/bin/env python3
"""tests/e2e/secrets_props.py — property test: a registered secret value
never shows.  Driven by tests/e2e/secrets_props.sh.

    secrets_props.py RUNLENS_BIN TRIALS SEED

Each trial registers a random value (letters, digits, punctuation, quotes,
backslashes, spaces, UTF-8) and runs a step that leaks it every way it
can: whole lines, repeated and back to back on one line, split across
writes at random places (with pauses, so the runner sees the halves apart),
one byte at a time, on stdout and stderr, in metadata (step and output,
nested in objects and arrays), in run state, in an exception.  Then the
value — raw or JSON-escaped — must be in none of: the logs (`runlens logs`,
also --json), metadata, context.json, any file of the store folder but the
step's own artifacts (the database, its WAL, records files, logs), the
--json output of ls, show, step, logs, pipelines, compare.
"""
import json
import os
import random
import string
import subprocess
import sys

STEP = r'''
import os, sys, time, json, random
import runlens
v = runlens.secret("vault", "key")
rng = random.Random(int(os.environ["SEED"]))
def leak(stream):
    w = stream.buffer
    b = v.encode()
    w.write(b"whole %s\n" % b); w.flush()
    w.write(b"%s %s%s|%s\n" % (b, b, b, b)); w.flush()
    for _ in range(3):
        cut = rng.randint(1, max(1, len(b) - 1))
        w.write(b"split " + b[:cut]); w.flush(); time.sleep(0.15)
        w.write(b[cut:] + b" tail\n"); w.flush()
    for ch in b:
        w.write(bytes([ch])); w.flush()
    w.write(b"\n" + b + b)  # at the very end, no newline
    w.flush()
leak(sys.stdout)
leak(sys.stderr)
runlens.log_metadata(plain=v, nested={"a": [1, "x" + v + "y", {"deep": v}]})
runlens.log_metadata(output="o", about="is " + v)
runlens.state.set("token", v)
ctx = runlens.get_step_context()
with open(ctx.step.outputs["o"].path, "w") as f:
    f.write("no secret here\n")
with open("ctx-copy.json", "w") as f:
    f.write(open(os.environ["RUNLENS_CONTEXT"]).read())
if os.environ.get("BOOM"):
    raise RuntimeError("failed with " + v)
'''

ALPHABET = string.ascii_letters + string.digits + "!@#%^&()[]{}'\"\\$;|<>?~=+-_.,: /" + "éß€"


def value(rng):
    while True:
        n = rng.randint(6, 40)
        v = "".join(rng.choice(ALPHABET) for _ in range(n)).strip()
        if len(v) >= 6 and v[0] != "-":
            return v


def forms(v):
    """The value as it could appear: raw, JSON-escaped, \\u-escaped."""
    out = {v, json.dumps(v)[1:-1], json.dumps(v, ensure_ascii=False)[1:-1]}
    return [f.encode() for f in out]


def main():
    rl, trials, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    work = os.getcwd()
    store = os.environ["RUNLENS_STORE"]
    with open("step.py", "w") as f:
        f.write(STEP)
    bad = []
    for t in range(trials):
        v = value(rng)
        r = subprocess.run([rl, "secret", "set", "vault", "key=-"], input=(v + "\n").encode(),
                           capture_output=True)
        if r.returncode != 0:
            bad.append("trial %d: secret set failed: %s" % (t, r.stderr.decode()))
            continue
        boom = "1" if t % 3 == 2 else ""
        spec = {"name": "leaky", "steps": [
            {"name": "s", "secrets": ["vault"], "outputs": {"o": "o.txt"},
             "env": {"SEED": str(rng.randint(0, 10**6)), "BOOM": boom},
             "run": [sys.executable, os.path.join(work, "step.py")]}]}
        with open("p.json", "w") as f:
            json.dump(spec, f)
        r = subprocess.run([rl, "run", "p.json"], capture_output=True)
        want = 1 if boom else 0
        if r.returncode != want:
            bad.append("trial %d: run exit %d (want %d): %s" % (t, r.returncode, want, r.stderr.decode()[-300:]))
        seen = {"run stdout": r.stdout + r.stderr}
        for cmd in (["logs", "last", "s"], ["logs", "last", "s", "--json"], ["ls", "--json"],
                    ["show", "last", "--json"], ["step", "last", "s", "--json"],
                    ["pipelines", "--json"], ["compare", "last", "--json"],
                    ["ctx"] if False else ["show", "last"]):
            c = subprocess.run([rl] + cmd, capture_output=True)
            seen[" ".join(cmd)] = c.stdout + c.stderr
        for name in ("ctx-copy.json",):
            seen[name] = open(name, "rb").read() if os.path.exists(name) else b""
        # every file of the store folder but the artifacts (the step's data)
        for root, dirs, files in os.walk(store):
            if os.path.relpath(root, store).split(os.sep)[0] == "artifacts":
                continue
            for fn in files:
                p = os.path.join(root, fn)
                try:
                    seen[p] = open(p, "rb").read()
                except OSError:
                    pass
        # the logs really hold the masked leaks (the test sees them)
        logs = seen["logs last s"]
        if logs.count(b"***") < 8:
            bad.append("trial %d: the log does not show the masked value: %r" % (t, logs[:200]))
        for where, data in seen.items():
            for f in forms(v):
                if f in data:
                    i = data.index(f)
                    bad.append("trial %d: value %r found in %s: ...%r..." % (t, v, where, data[max(0, i - 40):i + len(f) + 40]))
                    break
    for b in bad:
        print(b)
    print("secrets: %d trials, seed %d, %d problems" % (trials, seed, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
