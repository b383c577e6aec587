#!/bin/sh
# train.sh DATA LR EPOCHS MODEL: fit p = 1 / (1 + exp(-(w*x + b))) to the
# rows "x,label" of DATA by gradient descent, EPOCHS passes at rate LR; write
# "w b" to MODEL.  Each epoch's loss is recorded as one point of a series
# (`runlens metric loss L --index EPOCH`), the settings as the model's metadata.
set -eu
data=$1 lr=$2 epochs=$3 model=$4
losses=$(awk -F, -v lr="$lr" -v epochs="$epochs" -v model="$model" '
	{ x[NR] = $1; y[NR] = $2 }
	END {
		w = 0; b = 0
		for (e = 1; e <= epochs; e++) {
			gw = 0; gb = 0
			for (i = 1; i <= NR; i++) {
				p = 1 / (1 + exp(-(w * x[i] + b)))
				gw += (p - y[i]) * x[i]; gb += p - y[i]
			}
			w -= 4 * lr * gw / NR; b -= 4 * lr * gb / NR
			loss = 0
			for (i = 1; i <= NR; i++) {
				p = 1 / (1 + exp(-(w * x[i] + b)))
				loss -= y[i] ? log(p) : log(1 - p)
			}
			printf "%d %.6f\n", e, loss / NR
		}
		printf "%.6f %.6f\n", w, b > model
	}' "$data")
printf '%s\n' "$losses" | while read -r epoch loss; do
	echo "epoch $epoch loss $loss"
	runlens metric loss "$loss" --index "$epoch"
done
runlens meta --output model lr="$lr" epochs="$epochs"
