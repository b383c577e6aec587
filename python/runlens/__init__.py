"""runlens — what a pipeline step written in Python can know and record.

Standard library only.  Inside a step run by ``runlens run``::

    import runlens

    ctx = runlens.get_step_context()      # None outside a runlens step
    ctx.run.name, ctx.step.attempt, ctx.run.params["lr"]
    data = ctx.step.inputs["data"].path
    runlens.log_metadata(rows=1200, source="s3")
    runlens.log_metadata(output="model", format="onnx")
    runlens.log_metric("loss", 0.25, index=3)
    best = runlens.state.get("best_epoch", 0)
    runlens.state.set("best_epoch", 3)     # applied when the step succeeds
    old = runlens.baseline_path("train.model")   # None without a baseline

Like the ``runlens`` commands, these never open the database: they read the
step's ``context.json`` and append records to a file the runner ingests.
"""

import json
import math
import os

__all__ = [
    "get_step_context", "log_metadata", "log_metric", "state",
    "baseline_path", "secret", "RunlensError", "NotInStepError",
]


class RunlensError(Exception):
    """A call that could not be recorded (bad input, no such output)."""


class NotInStepError(RunlensError):
    """Raised by recording calls made outside a runlens step."""


class _Node(dict):
    """A JSON object with attribute access: ctx.step.inputs["data"].path."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("the step context is read-only")


def _wrap(value):
    if isinstance(value, dict):
        return _Node((k, _wrap(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


_cache = {"path": None, "ctx": None}


def get_step_context():
    """The context of the running step, or None outside a runlens step."""
    path = os.environ.get("RUNLENS_CONTEXT")
    if not path:
        return None
    if _cache["path"] != path:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            return None
        _cache["path"], _cache["ctx"] = path, _wrap(doc)
    return _cache["ctx"]


def _require():
    ctx = get_step_context()
    if ctx is None:
        raise NotInStepError("not inside a runlens step")
    return ctx


def _append(record):
    ctx = _require()
    path = ctx.step.get("records")
    if not path:
        raise RunlensError("this context has no records file")
    line = (json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)   # one write: the runner never sees half a call
    finally:
        os.close(fd)


def log_metadata(values=None, output=None, **kwargs):
    """Record metadata on the step run, or on a declared output.

    log_metadata(rows=100) or log_metadata({"rows": 100}, output="data").
    All keys are recorded together, or none.
    """
    meta = dict(values or {})
    meta.update(kwargs)
    if not meta:
        raise RunlensError("log_metadata needs at least one key")
    ctx = _require()
    if output is not None and output not in ctx.step.outputs:
        raise RunlensError("'%s' is not a declared output of step '%s'"
                           % (output, ctx.step.name))
    try:
        json.dumps(meta, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise RunlensError("metadata must be JSON values: %s" % e) from None
    _append({"meta": meta, "output": output})


def log_metric(key, value, index=None):
    """Record a numeric metric; with index, one point of a series."""
    if not key:
        raise RunlensError("a metric needs a key")
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise RunlensError("metric '%s': %r is not a finite number" % (key, value))
    record = {"metric": key, "value": value}
    if index is not None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise RunlensError("metric '%s': the index must be an integer" % key)
        record["index"] = index
    _append(record)


class _State:
    """The run's shared state: reads see it as of the step's start; writes
    apply when the step completes successfully."""

    def get(self, key, default=None):
        ctx = _require()
        return ctx.run.get("state", {}).get(key, default)

    def set(self, key, value):
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise RunlensError("state '%s' must be a JSON value: %s" % (key, e)) from None
        _append({"state": {key: value}})

    def __getitem__(self, key):
        ctx = _require()
        return ctx.run.get("state", {})[key]


state = _State()


def baseline_path(step_output):
    """The path of STEP.OUTPUT in the baseline run, or None."""
    ctx = _require()
    baseline = ctx.get("baseline")
    if not baseline:
        return None
    return baseline.get("outputs", {}).get(step_output)


def secret(name, key):
    """A value of a secret the step declares (never stored by runlens)."""
    ctx = _require()
    if name not in ctx.step.get("secrets", []):
        raise RunlensError("step '%s' does not declare the secret '%s'"
                           % (ctx.step.name, name))
    def env(s):
        return "".join(c.upper() if c.isalnum() else "_" for c in s)
    value = os.environ.get("RUNLENS_SECRET_%s_%s" % (env(name), env(key)))
    if value is None:
        raise RunlensError("secret '%s' has no key '%s'" % (name, key))
    return value
