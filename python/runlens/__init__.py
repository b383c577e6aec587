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

Outside a step too (a notebook), the experiment table of a pipeline's
runs, built on ``runlens ls --json``::

    rows = runlens.history("train", where="status=completed",
                           columns="name,params.*,evaluate.*")
    # a pandas DataFrame when pandas is importable, else a list of dicts

The context is read-only all the way down: its objects are mappings that
also answer by attribute (``ctx.step.inputs["data"].path``), its lists are
tuples, and every change (``ctx.run.params["lr"] = 1``, ``.update()``,
``.pop()``, ``ctx.run.tags.append(…)``, ``del …``) raises a TypeError or
AttributeError saying so.  ``ctx.to_dict()`` (on any object of it, and
``to_list()`` on its lists) gives a plain, mutable deep copy, for
``json.dumps`` or for changing.

Numbers may be any ``numbers.Real`` (``numbers.Integral`` for an index):
int, float, ``fractions.Fraction``, numpy scalars.  A bool is not a number
here, and NaN and infinities are refused.  What the runner would not keep
as given is refused too, as the ``runlens`` commands refuse it: an integer
a double does not hold exactly (beyond 2**53), a number a double makes 0,
a string holding "\x00", values nested deeper than 992 levels.

Like the ``runlens`` commands, these never open the database: they read the
step's ``context.json`` and append records to a file the runner ingests.
"""

import json
import math
import numbers
import os
import re
import sys
from collections.abc import Mapping

__all__ = [
    "get_step_context", "log_metadata", "log_metric", "state",
    "baseline_path", "secret", "history", "RunlensError", "NotInStepError",
]


class RunlensError(Exception):
    """A call that could not be recorded (bad input, no such output)."""


class NotInStepError(RunlensError):
    """Raised by recording calls made outside a runlens step."""


_READ_ONLY = "the step context is read-only"
_HINT = " (to_dict() gives a mutable copy)"


class _Node(Mapping):
    """A JSON object of the context: a read-only mapping that also answers
    by attribute (ctx.step.inputs["data"].path)."""

    __slots__ = ("_items",)
    _MUTATORS = frozenset(("update", "pop", "popitem", "setdefault", "clear"))

    def __init__(self, items=()):
        object.__setattr__(self, "_items",
                           {k: _wrap(v) for k, v in dict(items).items()})

    def __getitem__(self, key):
        return self._items[key]

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __getattr__(self, name):
        # only called when ordinary lookup fails: keys first, then a
        # clear word for the methods a dict would have had
        if name.startswith("__") or name == "_items":
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            pass
        if name in _Node._MUTATORS:
            raise AttributeError("%s: it has no %s()%s" % (_READ_ONLY, name, _HINT))
        raise AttributeError(name)

    def __setattr__(self, name, value):
        raise AttributeError(_READ_ONLY)

    def __delattr__(self, name):
        raise AttributeError(_READ_ONLY)

    def __setitem__(self, key, value):
        raise TypeError(_READ_ONLY + _HINT)

    def __delitem__(self, key):
        raise TypeError(_READ_ONLY + _HINT)

    def __ior__(self, other):
        raise TypeError(_READ_ONLY + _HINT)

    def __repr__(self):
        return repr(self._items)

    def __reduce__(self):            # copy, deepcopy and pickle
        return (_Node, (self.to_dict(),))

    def to_dict(self):
        """A plain, mutable deep copy (dicts and lists)."""
        return _plain(self)


class _Seq(tuple):
    """A JSON array of the context: a tuple, equal to a list of the same
    items, that says why it cannot be changed."""

    __slots__ = ()
    _MUTATORS = frozenset(("append", "extend", "insert", "remove", "pop",
                           "clear", "sort", "reverse"))

    def __new__(cls, items=()):
        return super().__new__(cls, (_wrap(v) for v in items))

    def __getattr__(self, name):
        if name in _Seq._MUTATORS:
            raise AttributeError("%s: it has no %s()%s"
                                 % (_READ_ONLY, name, " (to_list() gives a mutable copy)"))
        raise AttributeError(name)

    def __setattr__(self, name, value):
        raise AttributeError(_READ_ONLY)

    def __setitem__(self, index, value):
        raise TypeError(_READ_ONLY + " (to_list() gives a mutable copy)")

    def __delitem__(self, index):
        raise TypeError(_READ_ONLY + " (to_list() gives a mutable copy)")

    def __iadd__(self, other):
        raise TypeError(_READ_ONLY + " (to_list() gives a mutable copy)")

    def __imul__(self, other):
        raise TypeError(_READ_ONLY + " (to_list() gives a mutable copy)")

    def __eq__(self, other):
        if isinstance(other, list):
            return list(self) == other
        return tuple.__eq__(self, other)

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    __hash__ = tuple.__hash__

    def __reduce__(self):
        return (_Seq, (self.to_list(),))

    def to_list(self):
        """A plain, mutable deep copy (lists and dicts)."""
        return _plain(self)


def _wrap(value):
    if isinstance(value, (_Node, _Seq)):
        return value
    if isinstance(value, Mapping):
        return _Node(value)
    if isinstance(value, (list, tuple)):
        return _Seq(value)
    return value


def _plain(value):
    """VALUE with every mapping a dict and every list or tuple a list."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


# What the runner keeps exactly (client/records.h, which the runner and
# librunlens share), mirrored here: refused at once, never dropped later.
_DEPTH_MAX = 1000 - 8    # RECORDS_VALUE_DEPTH_MAX: cJSON reads 1000 levels


def _number(value, what):
    """VALUE as an int or float for JSON, or RunlensError saying why not.
    Any numbers.Real is a number (numpy scalars, Fraction); bool is not."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise RunlensError("%s: %s is not a number (it is %s)"
                           % (what, _show(value), _kind(value)))
    try:
        f = float(value)
    except OverflowError:
        raise RunlensError("%s: %s is too large for a number"
                           % (what, _show(value))) from None
    if not math.isfinite(f):
        raise RunlensError("%s: %s is not a finite number" % (what, f))
    if f == 0 and value != 0:
        raise RunlensError("%s: %s is too small for a number (it would become 0)"
                           % (what, _show(value)))
    if isinstance(value, numbers.Integral):
        if f != int(value):
            raise RunlensError("%s: %s is not exactly representable as a number "
                               "(a double holds integers exactly only up to 2^53)"
                               % (what, _show(value)))
        return int(value)
    return f


def _text(value, what):
    """VALUE (a str), or RunlensError when the runner could not keep it."""
    if "\x00" in value:
        raise RunlensError("%s: a string holds \\u0000, which runlens cannot keep "
                           "(text ends at a NUL)" % what)
    return value


def _kind(value):
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a bool"
    t = type(value)
    return "a %s" % (t.__name__ if t.__module__ == "builtins"
                     else "%s.%s" % (t.__module__, t.__qualname__))


def _show(value):
    """repr(VALUE), cut short: a message names the value, it does not
    print a 400-digit integer."""
    r = repr(value)
    return r if len(r) <= 60 else r[:57] + "..."


def _json_value(value, what):
    """VALUE as plain JSON data: mappings become dicts, lists and tuples
    lists, numbers.Real int or float; anything else is RunlensError.
    A loop, not recursion: a value may nest deeper than Python recurses."""
    box = [None]
    todo = [(value, what, box, 0, 0)]   # (value, what, into, slot, depth)
    while todo:
        v, w, into, slot, depth = todo.pop()
        if isinstance(v, str):
            into[slot] = _text(v, w)
        elif v is None or isinstance(v, bool):
            into[slot] = v
        elif isinstance(v, numbers.Number) and not isinstance(v, numbers.Real):
            raise RunlensError("%s: %s is not a JSON value (it is %s)"
                               % (w, _show(v), _kind(v)))
        elif isinstance(v, numbers.Real):
            into[slot] = _number(v, w)
        elif isinstance(v, (Mapping, list, tuple)) and depth >= _DEPTH_MAX:
            raise RunlensError("%s: nested deeper than %d levels"
                               % (what if len(w) > 80 else w, _DEPTH_MAX))
        elif isinstance(v, Mapping):
            out = into[slot] = {}
            items = []
            for k, x in v.items():
                if not isinstance(k, str):
                    raise RunlensError("%s: the key %r is not a string" % (w, k))
                out[_text(k, w)] = None
                items.append((x, "%s.%s" % (w, k), out, k, depth + 1))
            todo.extend(reversed(items))
        elif isinstance(v, (list, tuple)):
            out = into[slot] = [None] * len(v)
            todo.extend(reversed([(x, "%s[%d]" % (w, i), out, i, depth + 1)
                                  for i, x in enumerate(v)]))
        elif type(v).__module__ == "numpy" and callable(getattr(v, "tolist", None)):
            todo.append((v.tolist(), w, into, slot, depth))   # numpy.bool_, arrays
        else:
            raise RunlensError("%s: %s is not a JSON value (it is %s)"
                               % (w, _show(v), _kind(v)))
    return box[0]


_cache = {"path": None, "ctx": None}


def get_step_context():
    """The context of the running step (read-only), or None outside a
    runlens step."""
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


# Masking the step's secrets (RUNLENS_SECRET_<NAME>_<KEY>) in a record
# before it is written, by the rule of the runner's util/mask.h: each value
# whole and each of its lines without the blanks around it, those of at
# least 4 characters, the longest first where several match, "***" for
# each.  So the records file never holds a secret, not even while the step
# runs or after the runner was killed.
_MASK = "***"
_MASK_MIN_CHARS = 4


def _masker():
    values = set()
    for name, value in os.environ.items():
        if not name.startswith("RUNLENS_SECRET_"):
            continue
        values.add(value)
        values.update(line.strip(" \t\r") for line in value.split("\n"))
    values = sorted((v for v in values if len(v) >= _MASK_MIN_CHARS),
                    key=len, reverse=True)
    if not values:
        return None
    return re.compile("|".join(re.escape(v) for v in values))


def _deep(fn):
    """fn() for a value that nests as deep as the runner reads
    (_DEPTH_MAX), deeper than Python's default limit lets json and the
    masking below recurse."""
    try:
        return fn()
    except RecursionError:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + 2 * _DEPTH_MAX)
        try:
            return fn()
        finally:
            sys.setrecursionlimit(limit)


def _dumps(value):
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _mask_text(masker, text):
    text = masker.sub(_MASK, text)
    written = _dumps(text)               # as written: "\u00e9", "\""
    again = masker.sub(_MASK, written)
    if again == written:
        return text
    try:
        back = json.loads(again)
    except ValueError:
        back = None
    return back if isinstance(back, str) else _MASK


def _mask_value(masker, value):
    if isinstance(value, str):
        return _mask_text(masker, value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dict):
        return {_mask_text(masker, k): _mask_value(masker, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask_value(masker, v) for v in value]
    written = _dumps(value)              # a number whose digits hold one
    return _MASK if masker.sub(_MASK, written) != written else value


def _mask_record(record):
    masker = _masker()
    if masker is None:
        return record
    # the protocol's own keys ("meta", "metric", "value") stay
    return {key: _mask_value(masker, value) for key, value in record.items()}


def _append(record):
    ctx = _require()
    path = ctx.step.get("records")
    if not path:
        raise RunlensError("this context has no records file")
    line = (_deep(lambda: _dumps(_mask_record(record))) + "\n").encode()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        # a file that ends inside a line (a step's own partial write)
        # gets a newline first, as librunlens does: else the two made one
        # line the runner could not read
        size = os.fstat(fd).st_size
        if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        os.write(fd, line)   # one write: the runner never sees half a call
    finally:
        os.close(fd)


def log_metadata(values=None, output=None, **kwargs):
    """Record metadata on the step run, or on a declared output.

    log_metadata(rows=100) or log_metadata({"rows": 100}, output="data").
    Values are JSON data: str, bool, None, any numbers.Real, mappings
    (the context's too) and lists or tuples of them.  All keys are
    recorded together, or none.
    """
    meta = dict(values or {})
    meta.update(kwargs)
    if not meta:
        raise RunlensError("log_metadata needs at least one key")
    ctx = _require()
    if output is not None and output not in ctx.step.outputs:
        raise RunlensError("'%s' is not a declared output of step '%s'"
                           % (output, ctx.step.name))
    record = {}
    for k, v in meta.items():
        if not isinstance(k, str) or not k:
            raise RunlensError("metadata keys must be non-empty strings: %r" % (k,))
        record[_text(k, "metadata key %r" % k)] = _json_value(v, "metadata '%s'" % k)
    _append({"meta": record, "output": output})


# the runner keeps an index as a double: beyond this it is no longer exact
_INDEX_MAX = 9 * 10 ** 15


def log_metric(key, value, index=None):
    """Record a numeric metric (any numbers.Real but bool, finite); with
    index (any numbers.Integral), one point of a series."""
    if not key or not isinstance(key, str):
        raise RunlensError("a metric needs a key (a non-empty string)")
    record = {"metric": _text(key, "metric %r" % key), "value": _number(value, "metric '%s'" % key)}
    if index is not None:
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise RunlensError("metric '%s': the index must be an integer, not %s (%s)"
                               % (key, _show(index), _kind(index)))
        if abs(int(index)) > _INDEX_MAX:
            raise RunlensError("metric '%s': the index %d is out of range (at most %d)"
                               % (key, int(index), _INDEX_MAX))
        record["index"] = int(index)
    _append(record)


class _State:
    """The run's shared state: reads see it as of the step's start (as
    plain, mutable copies); writes apply when the step completes
    successfully."""

    def get(self, key, default=None):
        ctx = _require()
        values = ctx.run.get("state") or {}
        return _plain(values[key]) if key in values else default

    def set(self, key, value):
        if not isinstance(key, str) or not key:
            raise RunlensError("a state key must be a non-empty string: %r" % (key,))
        _append({"state": {_text(key, "state key %r" % key):
                           _json_value(value, "state '%s'" % key)}})

    def __getitem__(self, key):
        ctx = _require()
        return _plain((ctx.run.get("state") or {})[key])


state = _State()


def baseline_path(step_output):
    """The path of STEP.OUTPUT in the baseline run, or None."""
    ctx = _require()
    baseline = ctx.get("baseline")
    if not baseline:
        return None
    return (baseline.get("outputs") or {}).get(step_output)


def secret(name, key):
    """A value of a secret the step declares (never stored by runlens)."""
    ctx = _require()
    if name not in (ctx.step.get("secrets") or ()):
        raise RunlensError("step '%s' does not declare the secret '%s'"
                           % (ctx.step.name, name))
    def env(s):
        return "".join(c.upper() if c.isalnum() else "_" for c in s)
    value = os.environ.get("RUNLENS_SECRET_%s_%s" % (env(name), env(key)))
    if value is None:
        raise RunlensError("secret '%s' has no key '%s'" % (name, key))
    return value


def _cell(run, column):
    """The value of COLUMN (as ``runlens ls --columns`` names it) of one
    run of ``ls --json``."""
    fixed = {"started": "started_at"}
    if column == "sweep":
        return (run.get("sweep") or {}).get("name")
    if column.startswith("params."):
        return (run.get("params") or {}).get(column[7:])
    if column in ("id", "name", "pipeline", "status", "started", "duration", "tags"):
        return run.get(fixed.get(column, column))
    return (run.get("metrics") or {}).get(column)


def history(pipeline=None, where=None, columns=None, sort=None, limit=0,
            sweep=None, store=None, binary=None, dataframe=True):
    """The runs of PIPELINE (None: of every pipeline), newest first, as
    the experiment table of ``runlens ls``: one row per run, a column per
    fixed field (id, name, pipeline, status, started, duration, tags,
    sweep), param ("params.lr") and metric ("evaluate.accuracy").

    WHERE is the ``ls --where`` language, COLUMNS what ``ls --columns``
    takes (a string "name,params.*" or a list), SORT a sort key
    ("-evaluate.accuracy"), LIMIT at most that many runs (0: all), SWEEP
    the runs of one sweep.  STORE is the store folder (default: as
    runlens finds it), BINARY the runlens program (default: $RUNLENS_BIN,
    else ``runlens`` on PATH).  Numbers are exact, "started" is an ISO
    8601 UTC time and "duration" seconds.

    Returns a pandas DataFrame when pandas can be imported (and DATAFRAME
    is true; "started" then a datetime), else a list of dicts.  A runlens
    error raises RunlensError with its message."""
    import subprocess
    argv = [binary or os.environ.get("RUNLENS_BIN") or "runlens"]
    if store:
        argv += ["--store", str(store)]
    argv += ["ls"] + ([pipeline] if pipeline else [])
    argv += ["--json", "--limit", str(int(limit or 0))]
    if where:
        argv += ["--where", where]
    if columns:
        argv += ["--columns", columns if isinstance(columns, str) else ",".join(columns)]
    if sort:
        argv += ["--sort", sort]
    if sweep is not None:
        argv += ["--sweep", str(sweep)]
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, check=False)
    except OSError as e:
        raise RunlensError("cannot run %s: %s" % (argv[0], e)) from None
    if done.returncode != 0:
        msg = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = msg[-1] if msg else "%s exited %d" % (argv[0], done.returncode)
        raise RunlensError(last[len("runlens: "):] if last.startswith("runlens: ") else last)
    doc = json.loads(done.stdout.decode("utf-8"))
    cols = doc.get("columns") or []
    rows = [{c: _cell(run, c) for c in cols} for run in doc.get("runs", [])]
    if not dataframe:
        return rows
    try:
        import pandas
    except ImportError:
        return rows
    frame = pandas.DataFrame(rows, columns=cols)
    if "started" in frame.columns:
        frame["started"] = pandas.to_datetime(frame["started"], utc=True)
    return frame


def _report_environment():
    """Tell the runner which Python runs this step (kept with the step
    run, shown by `runlens show` and `runlens step`).  Quietly nothing
    outside a step or when the records file cannot be written."""
    if get_step_context() is None:
        return
    import platform
    try:
        _append({"environment": {"python": platform.python_version(),
                                 "python_implementation": platform.python_implementation()}})
    except (OSError, RunlensError):
        pass


_report_environment()
