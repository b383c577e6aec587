"""Train a logistic regression by gradient descent, one epoch at a time,
saving a checkpoint after each so a retry resumes where the last attempt
stopped.  With FLAKY=true the first attempt crashes half-way, to show it."""
import csv
import json
import math
import os
import sys

import runlens

ctx = runlens.get_step_context()
# the step's own params, "${params.lr}" and "${params.epochs}" in the
# pipeline file: -p lr=0.05 reaches them
lr, epochs = float(ctx.step.params["lr"]), int(ctx.step.params["epochs"])
with open(ctx.step.inputs["data"].path) as f:
    rows = [(float(r["tenure"]), float(r["spend"]), int(r["churned"]))
            for r in csv.DictReader(f)]

ckpt = os.path.join(ctx.checkpoint.path, "state.json")
w, start = [0.0, 0.0, 0.0], 0
if os.path.exists(ckpt):
    with open(ckpt) as f:
        saved = json.load(f)
    w, start = saved["w"], saved["epoch"]
    print("attempt %d: resuming after epoch %d" % (ctx.step.attempt, start))

def loss_of(w):
    total = 0.0
    for x1, x2, y in rows:
        p = 1 / (1 + math.exp(-(w[0] + w[1] * x1 + w[2] * x2)))
        p = min(max(p, 1e-9), 1 - 1e-9)
        total -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return total / len(rows)

for epoch in range(start + 1, epochs + 1):
    g = [0.0, 0.0, 0.0]
    for x1, x2, y in rows:
        p = 1 / (1 + math.exp(-(w[0] + w[1] * x1 + w[2] * x2)))
        for i, x in enumerate((1.0, x1, x2)):
            g[i] += (p - y) * x / len(rows)
    w = [wi - lr * 8 * gi for wi, gi in zip(w, g)]
    loss = loss_of(w)
    runlens.log_metric("loss", round(loss, 6), index=epoch)
    print("epoch %d loss %.4f" % (epoch, loss))
    with open(ckpt, "w") as f:
        json.dump({"w": w, "epoch": epoch}, f)
    if os.environ.get("FLAKY") == "true" and ctx.step.attempt == 1 and epoch == epochs // 2:
        print("simulated crash (the retry resumes from the checkpoint)", file=sys.stderr)
        sys.exit(3)

with open(ctx.step.outputs["model"].path, "w") as f:
    json.dump({"weights": w, "epochs": epochs}, f)
runlens.log_metadata(output="model", format="json", epochs=epochs)
runlens.state.set("trained_epochs", epochs)
