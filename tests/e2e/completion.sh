#!/bin/sh
# Bash completion (cli/completion.bash over `runlens __complete`): the
# completion function in a real bash with COMP_WORDS, COMP_CWORD, COMP_LINE
# and COMP_POINT set as bash sets them — commands, subcommands, the flags
# of run and ls (and of every command: each flag offered is one the parser
# takes and the help lists), values of flags, run names, ids, `last` and
# PIPELINE@last, pipelines, stacks, steps and files from a real store — and
# then Tab pressed in an interactive bash in tmux.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v bash >/dev/null 2>&1 || { echo "bash not installed: skipped"; exit 77; }
SCRIPT="${TESTS_SRCDIR:-$(dirname "$0")/..}/../cli/completion.bash"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
export XDG_CONFIG_HOME="$T/config"

# comp LINE: the candidates bash would offer at the end of LINE, sorted,
# space-separated.  The words are split as bash splits them (COMP_WORDBREAKS
# makes "proj@last" three words, "--sort=x" three).
comp() {
	bash -c '
		. "$1"
		line=$2
		COMP_LINE=$line; COMP_POINT=${#line}; COMP_WORDS=()
		w=""
		for ((i = 0; i < ${#line}; i++)); do
			ch=${line:i:1}
			case $ch in
			" ") [ -n "$w" ] && COMP_WORDS+=("$w"); w="" ;;
			[@=:]) [ -n "$w" ] && COMP_WORDS+=("$w"); COMP_WORDS+=("$ch"); w="" ;;
			*) w=$w$ch ;;
			esac
		done
		if [ -n "$w" ] || [ "${line: -1}" = " " ]; then COMP_WORDS+=("$w"); fi
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_runlens
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
	' comp "$SCRIPT" "$1"
}
expect_comp() { # LINE WANT: exactly these candidates
	expect_eq "$2" "$(comp "$1")" "completion of '$1'"
}
comp_has() { # LINE WORD...: these among the candidates
	line=$1; shift
	got=" $(comp "$line") "
	for w in "$@"; do expect_contains "$got" " $w " "completion of '$line'"; done
}

# commands and subcommands, from the command table
comp_has "runlens " run ls show step logs rerun why compare stack secret help
expect_not_contains " $(comp "runlens ") " " __complete " "hidden command"
expect_comp "runlens r" "rerun rm run"
expect_comp "runlens sta" "stack state"
expect_comp "runlens stack " "ls register rm"
expect_comp "runlens secret " "ls rm set"
expect_comp "runlens help sh" "show"
expect_comp "runlens --st" "--store"

# flags of run and ls, and values of flags
comp_has "runlens run -" --param --name --tag --jobs --no-cache --stack --json --store --help
expect_comp "runlens ls --" "--columns --csv --help --json --limit --only-changed --sort --store --sweep --where"
expect_comp "runlens ls --w" "--where"
expect_comp "runlens ls --sort -st" "-started -status"
expect_comp "runlens ls --sort=dur" "duration"
expect_comp "runlens ls --json --" "--columns --csv --help --limit --only-changed --sort --store --sweep --where"
comp_has "runlens run p.json --tag a -" --tag
expect_comp "runlens run --stack " "default"
expect_comp "runlens stack register x --orch" "--orchestrator"
expect_comp "runlens logs --att" "--attempt"

# every flag offered is one the parser takes and the help shows
for cmd in run tui pipelines ls show step logs rerun why compare pin unpin tag \
	note rm gc "stack register" "stack ls" "stack rm" "secret ls" ctx meta metric; do
	for flag in $(comp "runlens $cmd -"); do
		[ "$flag" = --help ] && continue
		# shellcheck disable=SC2086
		"$RUNLENS_BIN" $cmd "$flag" </dev/null >/dev/null 2>"$T/.flagerr"
		if grep -q "unknown option" "$T/.flagerr"; then
			fail "$cmd: completion offers $flag, the parser refuses it: $(cat "$T/.flagerr")"
		else
			pass
		fi
		# shellcheck disable=SC2086
		expect_contains "$("$RUNLENS_BIN" help $cmd)" "$flag" "help of $cmd"
	done
done

# files for run FILE, folders for --store
mkdir -p pipes
printf '{"name": "proj", "steps": [{"name": "one", "run": "true"}, {"name": "two", "run": "true", "needs": ["one"]}]}\n' > pipes/proj.json
printf '{"name": "other", "steps": [{"name": "solo", "run": "true"}]}\n' > pipes/other.json
expect_comp "runlens run pipes/p" "pipes/proj.json"
expect_comp "runlens run pi" "pipes"
expect_comp "runlens --store pi" "pipes"

# no store yet: no runs, but no error either
expect_comp "runlens show " "last"

# runs, pipelines and steps from a real store
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	expect_exit 0 rl run pipes/proj.json --name "proj-run-$i"
done
expect_exit 0 rl run pipes/other.json --name first-of-other
expect_exit 0 rl stack register gpu --artifact-store "$T/gpu-artifacts"
comp_has "runlens show " last proj@last other@last first-of-other proj-run-11
expect_comp "runlens show first" "first-of-other"
expect_comp "runlens show proj-run-1" "proj-run-1 proj-run-10 proj-run-11"
expect_comp "runlens show 1" "1 10 11 12"
expect_comp "runlens show 12" "12"
expect_comp "runlens show pr" "proj-run-1 proj-run-10 proj-run-11 proj-run-2 proj-run-3 proj-run-4 proj-run-5 proj-run-6 proj-run-7 proj-run-8 proj-run-9 proj@last"
expect_comp "runlens show proj@" "@last"
expect_comp "runlens show proj@l" "last"
expect_comp "runlens compare last o" "other@last"
expect_comp "runlens ls " "other proj"
expect_comp "runlens unpin o" "other"
expect_comp "runlens run --stack " "default gpu"
expect_comp "runlens stack rm " "default gpu"
expect_comp "runlens logs proj-run-3 " "one two"
expect_comp "runlens step other@last " "solo"
expect_comp "runlens why 12 s" "solo"
expect_comp "runlens rerun proj@last --from " "one two"
expect_comp "runlens rerun --force t proj-run-2" "proj-run-2"
expect_comp "runlens --store $RUNLENS_STORE show first" "first-of-other"
export RUNLENS_STORE="$T/none"
expect_comp "runlens show first" ""
expect_comp "runlens show la" "last"
export RUNLENS_STORE="$T/.runlens"
expect_comp "runlens tag 3 " ""
expect_comp "runlens tag 3 -" ""

# an interactive bash in tmux: Tab completes on the command line
if command -v tmux >/dev/null 2>&1; then
	S="runlens-completion-$$"
	. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
	trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
	tmux_ new-session -d -s tui -x 120 -y 20 \
		"cd '$T' && PS1='$ ' PATH='$PATH' RUNLENS_STORE='$RUNLENS_STORE' bash --norc --noprofile"
	key ". '$SCRIPT'" Enter
	key "runlens sh" Tab
	see '$ runlens show'
	key "proj@" Tab
	see '$ runlens show proj@last'
	key C-u "runlens logs proj-run-2 t" Tab
	see '$ runlens logs proj-run-2 two'
	key C-u "runlens ls --li" Tab
	see '$ runlens ls --limit'
	key C-u "echo done-\$((6*7))" Enter
	see "done-42"
else
	echo "tmux not installed: the interactive part is skipped"
fi

# a run name holding an escape sequence is not offered (the shell would
# show it raw)
expect_exit 0 rl run pipes/other.json --name "$(printf 'first-\033]52;c;Y3VybA==\007')"
expect_comp "runlens show first" "first-of-other"

done_testing
