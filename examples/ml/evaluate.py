"""Score the model; compare with the baseline run's metrics."""
import csv
import json
import math

import runlens

ctx = runlens.get_step_context()
with open(ctx.step.inputs["model"].path) as f:
    w = json.load(f)["weights"]
with open(ctx.step.inputs["data"].path) as f:
    rows = [(float(r["tenure"]), float(r["spend"]), int(r["churned"]))
            for r in csv.DictReader(f)]
correct, loss = 0, 0.0
for x1, x2, y in rows:
    p = 1 / (1 + math.exp(-(w[0] + w[1] * x1 + w[2] * x2)))
    correct += int((p >= 0.5) == (y == 1))
    p = min(max(p, 1e-9), 1 - 1e-9)
    loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
metrics = {"accuracy": round(correct / len(rows), 4), "loss": round(loss / len(rows), 6)}

old_path = runlens.baseline_path("evaluate.metrics")
if old_path:
    with open(old_path) as f:
        old = json.load(f)
    delta = round(metrics["accuracy"] - old["accuracy"], 4)
    runlens.log_metadata(baseline_run=ctx.baseline.run_name, accuracy_delta=delta)
    print("accuracy %.4f (baseline %s: %.4f, delta %+.4f)"
          % (metrics["accuracy"], ctx.baseline.run_name, old["accuracy"], delta))
else:
    print("accuracy %.4f (no baseline yet)" % metrics["accuracy"])
# what train left in the run state
epochs = runlens.state.get("trained_epochs")
runlens.log_metadata(trained_epochs=epochs)
print("the model was trained for %s epochs" % epochs)
with open(ctx.step.outputs["metrics"].path, "w") as f:
    json.dump(metrics, f)
