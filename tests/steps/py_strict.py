"""A pipeline step that holds the Python module to its word
(tests/e2e/py_module.sh runs it): numbers of every numbers.Real kind are
recorded, a bool or a non-finite value is refused with the right message,
and the context cannot be changed in place but reads as before.

Each call is tried on its own and its outcome printed, so the test can
tell which one went wrong."""
import collections.abc
import copy
import fractions
import json
import numbers
import os

import runlens


class FakeReal:
    """A number type runlens has never heard of, registered as numbers.Real."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return float(self.v)

    def __repr__(self):
        return "FakeReal(%r)" % self.v


class FakeIntegral(FakeReal):
    """...and one registered as numbers.Integral."""

    def __int__(self):
        return int(self.v)

    __index__ = __int__

    def __repr__(self):
        return "FakeIntegral(%r)" % self.v


numbers.Real.register(FakeReal)
numbers.Integral.register(FakeIntegral)


def attempt(what, call):
    try:
        call()
        print("recorded:", what)
    except runlens.RunlensError as e:
        print("refused:", what, "--", e)
    except Exception as e:  # not the module's own error: a bug
        print("crashed:", what, "--", type(e).__name__, e)


ctx = runlens.get_step_context()

# --- numbers
attempt("fake real", lambda: runlens.log_metric("fake_real", FakeReal(0.5)))
attempt("fake integral", lambda: runlens.log_metric("fake_int", FakeIntegral(7)))
attempt("fraction", lambda: runlens.log_metric("fraction", fractions.Fraction(1, 4)))
attempt("fake index", lambda: [runlens.log_metric("curve", 1.0 / i, index=FakeIntegral(i))
                               for i in (1, 2, 3)])
attempt("fake metadata", lambda: runlens.log_metadata(
    score=FakeReal(0.75), count=FakeIntegral(12), ratio=fractions.Fraction(3, 8),
    nested={"xs": (FakeIntegral(1), FakeReal(2.5))}))
attempt("fake state", lambda: runlens.state.set("best", FakeReal(0.125)))
attempt("bool metric", lambda: runlens.log_metric("flag", True))
attempt("bool index", lambda: runlens.log_metric("flagged", 1.0, index=True))
attempt("inf metric", lambda: runlens.log_metric("inf", float("inf")))
attempt("fake nan", lambda: runlens.log_metric("fake_nan", FakeReal(float("nan"))))
attempt("string metric", lambda: runlens.log_metric("text", "0.5"))
attempt("complex metric", lambda: runlens.log_metric("complex", 1 + 0j))
attempt("fake index for a real", lambda: runlens.log_metric("badindex", 1.0, index=FakeReal(2)))
attempt("huge metric", lambda: runlens.log_metric("huge", 10 ** 400))
attempt("nan metadata", lambda: runlens.log_metadata(broken=FakeReal(float("nan"))))

if os.environ.get("WITH_NUMPY") == "1":
    import numpy as np
    attempt("numpy float32", lambda: runlens.log_metric("np_f32", np.float32(0.5)))
    attempt("numpy float64", lambda: runlens.log_metric("np_f64", np.float64(0.8065028599349271)))
    attempt("numpy int64", lambda: runlens.log_metric("np_i64", np.int64(42)))
    attempt("numpy index", lambda: [runlens.log_metric("np_curve", np.float32(v), index=np.int64(i))
                                    for i, v in ((1, 0.5), (2, 0.25))])
    attempt("numpy metadata", lambda: runlens.log_metadata(
        np_mean=np.float32(0.5), np_n=np.int32(3), np_ok=np.bool_(True),
        np_w=np.array([0.5, 0.25])))
    attempt("numpy nan", lambda: runlens.log_metric("np_nan", np.float32("nan")))
    attempt("numpy bool", lambda: runlens.log_metric("np_bool", np.bool_(True)))

# --- the context cannot be changed in place
MUTATIONS = [
    ("params[lr] = 99", lambda: ctx.run.params.__setitem__("lr", 99)),
    ("del params[lr]", lambda: ctx.run.params.__delitem__("lr")),
    ("params.update", lambda: ctx.run.params.update(lr=99)),
    ("params.pop", lambda: ctx.run.params.pop("lr")),
    ("params.popitem", lambda: ctx.run.params.popitem()),
    ("params.setdefault", lambda: ctx.run.params.setdefault("new", 1)),
    ("params.clear", lambda: ctx.run.params.clear()),
    ("inputs[data][path] = x", lambda: ctx.step.inputs["data"].__setitem__("path", "/elsewhere")),
    ("custom.flags[deep] = False", lambda: ctx.custom.flags.__setitem__("deep", False)),
    ("tags.append", lambda: ctx.run.tags.append("sneaky")),
    ("tags.extend", lambda: ctx.run.tags.extend(["sneaky"])),
    ("tags[0] = x", lambda: ctx.run.tags.__setitem__(0, "sneaky")),
    ("del tags[0]", lambda: ctx.run.tags.__delitem__(0)),
    ("custom.levels.append", lambda: ctx.custom.levels.append(4)),
    ("run.name = x", lambda: setattr(ctx.run, "name", "x")),
    ("del ctx.run", lambda: delattr(ctx, "run")),
]
refused, mutated = [], []
for what, call in MUTATIONS:
    try:
        call()
        mutated.append(what)
    except (TypeError, AttributeError) as e:
        refused.append(what)
        print("read-only:", what, "--", e)
    except Exception as e:  # a KeyError from a mutation that got through
        mutated.append("%s (%s)" % (what, type(e).__name__))

# --- ...and reads as before
with open(os.environ["RUNLENS_CONTEXT"]) as f:
    on_disk = json.load(f)
READS = [
    ("by attribute", lambda: ctx.run.params.lr == 0.01 and ctx.custom.flags.deep is True),
    ("by key", lambda: ctx.run.params["lr"] == 0.01 and ctx.step.inputs["data"]["path"] == ctx.step.inputs.data.path),
    ("get", lambda: ctx.run.params.get("lr") == 0.01 and ctx.run.params.get("nope", 5) == 5),
    ("in and len", lambda: "lr" in ctx.run.params and len(ctx.run.params) == 1),
    ("iterate", lambda: list(ctx.run.params) == ["lr"] and dict(ctx.run.params.items()) == {"lr": 0.01}),
    ("a list reads", lambda: list(ctx.run.tags) == ["t1", "t2"] and ctx.run.tags[0] == "t1"
                             and ctx.run.tags == ["t1", "t2"] and len(ctx.run.tags) == 2),
    ("abc types", lambda: isinstance(ctx.run.params, collections.abc.Mapping)
                          and isinstance(ctx.run.tags, collections.abc.Sequence)),
    ("equal to the file", lambda: ctx == on_disk and ctx.to_dict() == on_disk),
    ("to_dict dumps", lambda: json.loads(json.dumps(ctx.to_dict())) == on_disk),
    ("to_dict is mutable", lambda: _mutable_copy()),
    ("deepcopy", lambda: copy.deepcopy(ctx) == on_disk),
    ("unchanged", lambda: runlens.get_step_context().run.params["lr"] == 0.01
                          and list(runlens.get_step_context().run.tags) == ["t1", "t2"]),
    ("records a context mapping", lambda: runlens.log_metadata(params=ctx.run.params,
                                                               tags=ctx.run.tags) is None),
]


def _mutable_copy():
    d = ctx.to_dict()
    d["run"]["params"]["lr"] = 99
    d["run"]["tags"].append("mine")
    d["custom"]["levels"].pop()
    tags = ctx.run.tags.to_list()
    tags.append("x")
    return (type(d) is dict and d["run"]["params"]["lr"] == 99 and tags == ["t1", "t2", "x"]
            and ctx.run.params["lr"] == 0.01 and ctx.run.tags == ["t1", "t2"]
            and list(ctx.custom.levels) == [1, 2, 3])


reads_ok = []
for what, call in READS:
    try:
        if call():
            reads_ok.append(what)
        else:
            print("read wrong:", what)
    except Exception as e:
        print("read failed:", what, "--", type(e).__name__, e)

runlens.log_metadata(refused=refused, mutated=mutated, reads_ok=reads_ok)
with open(ctx.step.outputs["report"].path, "w") as f:
    f.write("done\n")
