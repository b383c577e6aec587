#!/bin/sh
# evaluate.sh DATA MODEL METRICS: score MODEL ("w b") on DATA; write
# {"accuracy": …, "loss": …} to METRICS, which the pipeline's
# "metrics_file" turns into the metrics evaluate.accuracy and evaluate.loss.
set -eu
data=$1 model=$2 out=$3
read -r w b < "$model"
awk -F, -v w="$w" -v b="$b" '
	{
		p = 1 / (1 + exp(-(w * $1 + b)))
		ok += ((p >= 0.5) == ($2 == 1))
		loss -= $2 == 1 ? log(p) : log(1 - p)
	}
	END { printf "{\"accuracy\": %.4f, \"loss\": %.6f}\n", ok / NR, loss / NR }' "$data" > "$out"
cat "$out"
