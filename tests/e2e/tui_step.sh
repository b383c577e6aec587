#!/bin/sh
# The step view of the terminal browser, driven in tmux: every tab on a
# step that has an input from an upstream step, an output with metadata, a
# metric series and two attempts; Enter on an input jumps to its producer,
# `o` runs $PAGER and the screen comes back, the plot in UTF-8 blocks and in
# ASCII, a click on a tab, R shows the rerun plan.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
BASE="runlens-tui-step-$$"
S="$BASE-0"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT

cat > p.json <<'J'
{"name": "steptab", "params": {"lr": 0.1}, "context": {"team": "vision"}, "steps": [
 {"name": "prepare", "run": "seq 1 100 > ${outputs.data}; runlens meta rows=100",
  "outputs": {"data": "data.csv"}},
 {"name": "train", "retries": 2, "inputs": {"data": "prepare.data"},
  "outputs": {"model": "model.txt"},
  "run": "if [ \"$RUNLENS_ATTEMPT\" = 1 ]; then echo 'crash on attempt 1' >&2; exit 3; fi; i=0; while [ $i -lt 30 ]; do runlens metric loss $(awk -v i=$i 'BEGIN{print 1/(1+i*0.3)}') --index $i; i=$((i+1)); done; runlens metric accuracy 0.93; echo trained > ${outputs.model}; runlens meta --output model format=text 'layers=[1,2,3]'; runlens meta epochs=30; d=$RUNLENS_STEP_DIR/attempts/$RUNLENS_ATTEMPT; echo training done; printf half-; until grep -q half $d/stdout.log; do sleep 0.01; done; echo 'warn: slow disk' >&2; until [ -s $d/stderr.log ]; do sleep 0.01; done; echo line; printf '\\033[31mred\\033[0m end\\n'"}
]}
J
expect_exit 0 rl run p.json
DATA_SHA=$(seq 1 100 | sha256sum | cut -c1-12)
MODEL_SHA=$(echo trained | sha256sum | cut -c1-12)
cat > pager.sh <<E
#!/bin/sh
echo "paged \$1" > '$T/pager.marker'
E
chmod +x pager.sh

N=0
start() { # LOCALE COLS ROWS: the browser on run 1, in a tmux of its own
	tmux_ kill-server 2>/dev/null
	N=$((N + 1)); S="$BASE-$N"
	tmux_ new-session -d -s tui -x "$2" -y "$3" \
		"cd '$T' && TERM=xterm-256color LC_ALL=$1 PAGER='$T/pager.sh' RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' tui 1; sleep 30"
}

start C.UTF-8 80 24
see "Run 1 — steptab-"
key j Enter
see "runlens · Step train — run 1 steptab-"
see "Context   Inputs 1   Outputs 1   Metadata 3   Metrics 2   Logs   Attempts 2"
see "completed · attempt 2 of 3 · took"
if screen | grep -q "attempt 1/3 failed"; then fail "a completed step shows an earlier attempt's error as its own"; else pass; fi
see "←/→ tabs · Enter open · o open output · R rerun from here"

# Context: the sections as key: value lines, scrollable
see " pipeline"
see "   name: steptab"
see "   max_attempts: 3"
key G
see "   team: vision"
see "of "

# Inputs, then Enter jumps to the producer's outputs
key Tab
see "NAME  PATH                    SIZE  SHA-256       PRODUCED BY"
see "data  artifacts/…/data.csv   292 B  $DATA_SHA  prepare.data"
see "from      run 1, step prepare, output data"

# Outputs with their metadata; o runs the pager and the screen comes back
key Tab
see "model  artifacts/…/model.txt     8 B  $MODEL_SHA"
see "metadata  format = \"text\""
see "          layers = [1,2,3]"
key o
i=0; while [ ! -f pager.marker ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
expect_contains "$(cat pager.marker 2>/dev/null)" "paged $RUNLENS_STORE/artifacts/" "the pager's argument"
expect_contains "$(cat pager.marker 2>/dev/null)" "/model.txt" "the pager's argument"
see "output model"
see "Context   Inputs 1"

# Metadata: the step's, then per output
key Tab
see " step"
see "   epochs = 30"
see " output model"
see "   format = \"text\""

# Metrics: the table, and the series drawn under it
key Tab
see "KEY            LAST        MIN        MAX  POINTS"
see "loss         0.1031     0.1031          1      30"
see "loss · 30 points"
see "     1 ┤█"
see "0.1031 ┤████"
see "└0"
see "29"

# Logs: the tail inline; Enter opens the whole log
key Tab
see "the end of attempt 2 · stdout 41 B · stderr 16 B"
# as written: stdout, stderr, stdout again, its colours drawn
see " training done"
tail3=$(screen | grep -A3 " training done" | tr '\n' '|')
# a line written in two pieces, stderr between them, is one line where it
# started, as the Logs view shows it
expect_eq " training done| half-line| warn: slow disk| red end|" "$(printf '%s' "$tail3" | sed 's/ *|/|/g')" "the tail in the order written"
if screen | grep -q 'x1b'; then fail "an escape shown as text in the Logs tab"; else pass; fi
key Enter
see "Logs — run 1, step train, attempt 2"
key q
see "Step train"

# Attempts: both; Enter opens that attempt's logs
key Tab
see " #  STATUS       EXIT  DURATION  STARTED              ERROR"
see " 1  failed          3"
see "exit code 3"
see " 2  completed       0"
# each attempt keeps what it recorded: the crashed one nothing, the last
# one the step's metrics
see "attempt 1 recorded: no metrics"
key j
see "attempt 2 recorded: accuracy=0.93, loss=0.1031 (30 points)"
key k
see "attempt 1 recorded:"
key Enter
see "Logs — run 1, step train, attempt 1"
see "crash on attempt 1"
key q
key Right
see " Context   Inputs 1"
key Left
see " #  STATUS"

# search in a table and in lines
key / c o m p Enter
key Enter
see "Logs — run 1, step train, attempt 2"
key q
see " #  STATUS"
key Left Left Left Left Left Left g
see "   name: steptab"
key / t e a m Enter
see "team: vision"

# a click on a tab's name selects it
click_on "Metrics"
see "KEY            LAST"

# R: the rerun plan first; n leaves everything as it was
key R
see "Rerun of run 1"
key n
see "rerun cancelled"

# Enter on an input: the producing step run, on its Outputs tab
key Left Left Left
see "PRODUCED BY"
key Enter
see "Step prepare — run 1"
see "Context   Inputs   Outputs 1   Metadata 1   Metrics   Logs   Attempts 1"
see "output data"
key q
see "Step train"

# ASCII: the plot in '#'
start C 80 24
see "runlens - Run 1"
key j Enter
see "Left/Right tabs | Enter open | o open output | R rerun"
key Tab Tab Tab Tab
see "loss - 30 points"
see "     1 +#"
see "0.1031 +####"

# a big terminal: the whole summary line, the plot wider
start C.UTF-8 160 45
key j Enter
see "took"
see "· started "
key Tab Tab Tab Tab
see "└0"
screen | grep -q "█████████████████████████████████████████████████████████████████" && pass ||
	{ fail "the plot does not fill a wide terminal"; screen >&2; }

tmux_ kill-server 2>/dev/null
done_testing
