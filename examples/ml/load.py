"""Make a synthetic churn data set: tenure, spend -> churned."""
import csv
import random
import sys

import runlens

rows, seed = int(sys.argv[1]), int(sys.argv[2])
ctx = runlens.get_step_context()
rng = random.Random(seed)
out = ctx.step.outputs["data"].path if ctx else "data.csv"
churned = 0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["tenure", "spend", "churned"])
    for _ in range(rows):
        tenure, spend = rng.uniform(0, 1), rng.uniform(0, 1)
        y = 1 if tenure * 1.5 - spend + rng.gauss(0, 0.3) < 0.2 else 0
        churned += y
        w.writerow([round(tenure, 4), round(spend, 4), y])
if ctx:
    runlens.log_metadata(output="data", rows=rows, churn_rate=round(churned / rows, 4))
print("wrote %d rows to %s" % (rows, out))
