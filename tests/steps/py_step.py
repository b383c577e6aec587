"""A pipeline step written in Python with the runlens module
(tests/e2e/clients.sh runs it)."""
import sys

import runlens

ctx = runlens.get_step_context()
if ctx is None:
    print("outside")
    sys.exit(0)

print("step", ctx.step.name, "attempt", ctx.step.attempt)
print("lr", ctx.step.params["lr"], ctx.run.params.lr)
data = ctx.step.inputs["data"].path
print("input", open(data).read().strip())
print("producer", ctx.step.inputs["data"].producer.step)
with open(ctx.step.outputs["report"].path, "w") as f:
    f.write("from python\n")
for epoch in (1, 2, 3):
    runlens.log_metric("loss", 1.0 / epoch, index=epoch)
runlens.log_metric("accuracy", 0.8)
runlens.log_metadata(language="python", rows=3)
runlens.log_metadata({"lines": 1}, output="report")
try:
    runlens.log_metadata(output="nope", x=1)
except runlens.RunlensError as e:
    print("refused:", e)
try:
    runlens.log_metric("bad", float("nan"))
except runlens.RunlensError as e:
    print("refused:", e)
print("state from_c =", runlens.state.get("from_c"))
runlens.state.set("from_python", {"ok": True})
print("baseline", runlens.baseline_path("py.report"))
try:
    ctx.run.name = "x"
except AttributeError as e:
    print("read-only:", e)
