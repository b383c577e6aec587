#!/usr/bin/env python3
"""tests/e2e/output_doc.py — docs/output.md against the real --json/--csv.

Reads the key tables and "CSV columns:" lines of docs/output.md, runs each
section's command(s) in the store the calling test made, and fails on a key
printed but not documented, a documented key never printed, a CSV header
other than the documented one, or a command whose usage offers --json or
--csv but has no section here.  Usage: output_doc.py DOC RUNLENS_BIN"""
import json
import re
import subprocess
import sys

DOC, BIN = sys.argv[1], sys.argv[2]

# the commands of each section, as the heading names it: their outputs'
# keys are unioned (one run has a baseline, another none, ...)
SAMPLES = {
    "runlens pipelines": [["pipelines"]],
    "runlens ls": [["ls"], ["ls", "--limit", "0"]],
    "runlens sweeps": [["sweeps"]],
    "runlens sweeps SWEEP": [["sweeps", "last"]],
    "runlens show RUN": [["show", "2"], ["show", "1"], ["show", "last"]],
    "runlens step RUN STEP": [["step", "2", "train"], ["step", "1", "prep"]],
    "runlens logs RUN STEP": [["logs", "2", "train"]],
    "runlens run FILE": [["run", "p.json", "-p", "lr=0.7"]],
    "runlens rerun RUN": [["rerun", "2"]],
    "runlens run FILE --dry-run": [["run", "p.json", "--dry-run"],
                                   ["run", "p.json", "-p", "lr=0.1,0.3", "--dry-run"]],
    "runlens rerun RUN --dry-run": [["rerun", "2", "--dry-run", "--from", "train"]],
    "runlens why RUN STEP": [["why", "2", "train"]],
    "runlens compare RUN [OTHER…]": [["compare", "2", "--all"], ["compare", "1", "2", "3"]],
    "runlens metrics RUN": [["metrics", "2"]],
    "runlens stack ls": [["stack", "ls"]],
    "runlens secret ls": [["secret", "ls"]],
}

fails = []


def rl(args):
    p = subprocess.run([BIN] + args, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        fails.append("runlens %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


# --- the page: sections, their keys and CSV headers
sections = {}
cur = None
for line in open(DOC, encoding="utf-8"):
    m = re.match(r"^## `(runlens [^`]*)`", line)
    if m:
        cur = sections.setdefault(m.group(1), {"keys": [], "csv": None})
        continue
    if cur is None:
        continue
    m = re.match(r"^\| `([^`]+)` \|", line)
    if m:
        cur["keys"].append(m.group(1))
    m = re.match(r"^CSV columns: `([^`]*)`", line)
    if m:
        cur["csv"] = m.group(1)


def flatten(v, path, maps, out):
    """Key paths of V; under a documented open map (maps) the data keys
    become "{}", and an open map with no rows below it is not entered."""
    if isinstance(v, dict):
        for k, x in v.items():
            q = (path + "." if path else "") + k
            if q + "{}" in maps:
                out.add(q + "{}")
                if maps[q + "{}"]:
                    vals = x.values() if isinstance(x, dict) else []
                    for y in vals:
                        flatten(y, q + "{}", maps, out)
                continue
            out.add(q)
            flatten(x, q, maps, out)
    elif isinstance(v, list):
        for x in v:
            flatten(x, path + "[]", maps, out)


for head in sections:
    if head not in SAMPLES:
        fails.append("docs/output.md: section '%s' has no sample command in output_doc.py" % head)
for head, cmds in SAMPLES.items():
    sec = sections.get(head)
    if not sec:
        fails.append("docs/output.md: no section '## `%s`'" % head)
        continue
    doc = set()
    for k in sec["keys"]:
        doc.add(k)
        # a documented a.b.c implies its parents a and a.b (a{}: a)
        parts = re.split(r"(?=\.)|(?=\[\])|(?=\{\})", k)
        for i in range(1, len(parts)):
            p = "".join(parts[:i])
            if not p.endswith("{}") and not p.endswith("[]"):
                doc.add(p)
    # a[] documents a (the array), a{} documents a (the open map)
    doc = {k[:-2] if k.endswith("[]") else k for k in doc}
    maps = {k: any(o != k and o.startswith(k) for o in doc) for k in doc if k.endswith("{}")}
    doc = {k for k in doc if k + "{}" not in doc}
    real = set()
    for args in cmds:
        text = rl(args + ["--json"])
        try:
            flatten(json.loads(text), "", maps, real)
        except ValueError:
            fails.append("runlens %s --json: not JSON: %r" % (" ".join(args), text[:200]))
    for k in sorted(real - doc):
        fails.append("%s --json prints '%s', which docs/output.md does not list" % (head, k))
    for k in sorted(doc - real):
        fails.append("docs/output.md lists '%s' for %s, which the sample output lacks" % (k, head))
    if sec["csv"] is not None:
        got = rl(cmds[0] + ["--csv"]).split("\n", 1)[0]
        want = sec["csv"]
        if want.endswith(",…"):
            ok = got.startswith(want[:-1])
        else:
            ok = got == want
        if not ok:
            fails.append("%s --csv header is '%s', docs/output.md says '%s'" % (head, got, want))

# --- every command whose usage offers --json / --csv has its section(s)
top = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
names = re.findall(r"^  ([a-z][a-z-]*)  ", top.split("Commands:", 1)[1].split("Options:", 1)[0], re.M)
for name in names:
    h = subprocess.run([BIN, "help", name], capture_output=True, text=True).stdout
    usage = h.split("\n\n", 1)[0].replace("usage:", " ")
    for entry in re.split(r"\n\s+(?=runlens )", "\n" + usage.strip()):
        entry = " ".join(entry.split())
        if not entry.startswith("runlens "):
            continue
        words = []
        for w in entry.split()[1:]:
            if not re.fullmatch(r"[a-z][a-z-]*", w):
                break
            words.append(w)
        cmd = "runlens " + " ".join(words)
        mine = [s for h2, s in sections.items() if h2 == cmd or h2.startswith(cmd + " ")]
        if "--json" in entry and not mine:
            fails.append("'%s' takes --json but docs/output.md has no section for it" % cmd)
        if "--csv" in entry and not any(s["csv"] for s in mine):
            fails.append("'%s' takes --csv but docs/output.md gives it no CSV columns" % cmd)

for f in fails:
    print("FAIL: " + f, file=sys.stderr)
print("%d sections checked, %d failures" % (len(SAMPLES), len(fails)))
sys.exit(1 if fails else 0)
