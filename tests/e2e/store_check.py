#!/usr/bin/env python3
"""tests/e2e/store_check.py — invariants of a runlens store after a fault.

    store_check.py DB [--run ID] [--series N] [--any-content]

Prints one line per violation and exits 1 when there is any:
  - PRAGMA integrity_check and foreign_key_check are clean;
  - no run, step run or attempt is still "running" (the caller opened the
    store with a runlens command first, which must have marked it);
  - a completed step run has every declared output recorded, each artifact
    exists where recorded with the recorded SHA-256, a file output ends with
    the line "END" (the step wrote it last; not with --any-content), and its
    "loss" series (when the step logs one) has N points;
  - a step run that did not complete has no output recorded;
  - a completed run has only completed (or cached) step runs.
A step run "cached" from an earlier one counts as completed.
"""
import hashlib
import json
import os
import sqlite3
import sys


def sha_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()


def sha_dir(path):
    """The folder hash of core/hash.h: NUL-ended records "d PATH",
    "f SHA PATH", "l SHA-OF-TARGET PATH", sorted as bytes."""
    top = os.fsencode(path)
    recs = []
    for root, dirs, files in os.walk(top):
        rel_root = os.path.relpath(root, top)
        rel_root = b"" if rel_root == b"." else rel_root
        recs.append(b"d " + rel_root)
        for name in dirs + files:
            full = os.path.join(root, name)
            rel = os.path.join(rel_root, name) if rel_root else name
            if os.path.islink(full):
                target = hashlib.sha256(os.readlink(full)).hexdigest().encode()
                recs.append(b"l " + target + b" " + rel)
            elif name in files:
                recs.append(b"f " + sha_file(full).encode() + b" " + rel)
    return hashlib.sha256(b"".join(r + b"\0" for r in sorted(recs))).hexdigest()


def main():
    args = sys.argv[1:]
    db = args.pop(0)
    run = None
    series = None
    any_content = False
    while args:
        a = args.pop(0)
        if a == "--run":
            run = int(args.pop(0))
        elif a == "--series":
            series = int(args.pop(0))
        elif a == "--any-content":
            any_content = True
    bad = []
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    ic = [r[0] for r in con.execute("PRAGMA integrity_check")]
    if ic != ["ok"]:
        bad.append("integrity_check: %s" % "; ".join(ic[:5]))
    fk = list(con.execute("PRAGMA foreign_key_check"))
    if fk:
        bad.append("foreign_key_check: %r" % fk[:5])
    where = "" if run is None else " WHERE r.id = %d" % run
    # the run's pipeline file: kept once per text in specs (schema 3)
    runs = list(con.execute(
        "SELECT r.id, r.status, coalesce(r.spec_json, "
        "(SELECT text FROM specs s WHERE s.id = r.spec_id)) FROM runs r" + where))
    for rid, rstatus, spec_json in runs:
        if rstatus == "running":
            bad.append("run %d still running" % rid)
        try:
            spec = json.loads(spec_json)
            declared = {s["name"]: s.get("outputs", {}) for s in spec["steps"]}
        except Exception as e:  # noqa: BLE001
            bad.append("run %d: spec_json unreadable: %s" % (rid, e))
            continue
        for sid, name, sstatus in con.execute(
                "SELECT id, name, status FROM step_runs WHERE run_id=?", (rid,)):
            if sstatus in ("running", "retrying", "pending") and rstatus != "running":
                bad.append("run %d (%s): step %s is %s" % (rid, rstatus, name, sstatus))
            outs = list(con.execute(
                "SELECT o.name, a.sha256, a.type, a.path FROM step_outputs o "
                "JOIN artifacts a ON a.id = o.artifact_id WHERE o.step_run_id=?", (sid,)))
            att = list(con.execute(
                "SELECT number, status FROM attempts WHERE step_run_id=?", (sid,)))
            for num, ast in att:
                if ast == "running" and rstatus != "running":
                    bad.append("run %d: step %s attempt %d still running" % (rid, name, num))
            if sstatus not in ("completed", "cached"):
                if outs:
                    bad.append("run %d: step %s is %s but has outputs %s recorded"
                               % (rid, name, sstatus, [o[0] for o in outs]))
                if rstatus == "completed":
                    bad.append("run %d completed but step %s is %s" % (rid, name, sstatus))
                continue
            want = sorted(declared.get(name, {}).keys())
            if sorted(o[0] for o in outs) != want:
                bad.append("run %d: completed step %s records outputs %s, declares %s"
                           % (rid, name, sorted(o[0] for o in outs), want))
            for oname, sha, typ, path in outs:
                # kept relative to the store's folder (schema 12)
                path = os.path.join(os.path.dirname(os.path.abspath(db)), path)
                if not os.path.exists(path):
                    bad.append("run %d: %s.%s: %s is missing" % (rid, name, oname, path))
                    continue
                got = sha_dir(path) if typ == "dir" else sha_file(path)
                if got != sha:
                    bad.append("run %d: %s.%s: hash %s, recorded %s" % (rid, name, oname, got, sha))
                if typ == "file" and not any_content:
                    with open(path, "rb") as f:
                        data = f.read()
                    if not data.endswith(b"END\n"):
                        bad.append("run %d: %s.%s recorded complete but is not: %r"
                                   % (rid, name, oname, data[-40:]))
            if series is not None:
                keys = [r[0] for r in con.execute(
                    "SELECT DISTINCT key FROM metrics WHERE step_run_id=?", (sid,))]
                for key in keys:
                    if key != "loss":
                        continue
                    n = con.execute("SELECT count(*) FROM metrics WHERE step_run_id=? "
                                    "AND key='loss'", (sid,)).fetchone()[0]
                    if n != series:
                        bad.append("run %d: completed step %s has %d loss points, not %d"
                                   % (rid, name, n, series))
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
