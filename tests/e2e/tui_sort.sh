#!/bin/sh
# The browser never waits (issue 17, part 2), driven in tmux on a
# generated store of 3,000 runs: a list sorted by a plain column pages by
# key to its end (G loads every page) in the order `ls --sort` gives, both
# ways; a long search shows "searching…" and stops on Esc, keeping its
# keys; a search left alone ends with what it found.  How fast is make
# bench's business (bench/browse.c, bench/tui_busy.py), not this test's.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }
export TERM=xterm-256color LC_ALL=C.UTF-8
S="runlens-tuisort-$$"
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/tmux.sh"
trap 'tmux_ kill-server 2>/dev/null; cleanup_tmp' EXIT
WAIT_TENTHS=150

expect_exit 0 env RLBENCH_RUNS=3000 "${RLBENCH_BIN:?}" gen "$T/big"
export RUNLENS_STORE="$T/big"

start() { # [ENV=…]: the browser in a fresh 120x30 window
	tmux_ kill-session -t tui 2>/dev/null
	tmux_ new-session -d -s tui -x 120 -y 30 \
		"cd '$T' && env RUNLENS_STORE='$RUNLENS_STORE' ${1:-} '$RUNLENS_BIN' tui"
}
sort_by() { # ENTRY: the sort dialog's ENTRY-th line after "newest first"
	key s
	see "Sort runs by"
	n=0; while [ $n -lt "$1" ]; do key j; n=$((n+1)); done
	key Enter
	not_see "Sort runs by"
}
# the IDs of the rows on the screen, top to bottom
ids_shown() { screen | sed -n '3,$p' | awk '$1 ~ /^[0-9]+$/ { print $1 }'; }
row_of() { screen | grep -E "^ *$1 " | head -n 1; }
# what ls says of the same order: the IDs, in order
ls_ids() { rl ls --sort "$1" --limit 0 --csv | sed 1d | cut -d, -f1; }

start
see "Runs — all pipelines · 100+ shown · newest first"

# --- status, ascending: the first rows, then every page to the end
sort_by 2
see "· status"
want=$(ls_ids status)
first=$(ids_shown | head -n 1)
expect_eq "$(printf '%s\n' "$want" | head -n 1)" "$first" "status: the first row is ls's"
expect_contains "$(row_of "$first")" "completed" "status ascending: completed first"
key G
see "3000 shown · status"
last=$(ids_shown | tail -n 1)
expect_eq "$(printf '%s\n' "$want" | tail -n 1)" "$last" "status: G pages by key to ls's last row"
expect_contains "$(row_of "$last")" "interrupted" "... which is interrupted"
# a row in the middle of the last screen: the pages joined without a gap
mid=$(ids_shown | sed -n 10p)
pos=$(printf '%s\n' "$want" | grep -n "^$mid\$" | cut -d: -f1)
expect_eq "$(printf '%s\n' "$want" | sed -n "$((pos + 1))p")" "$(ids_shown | sed -n 11p)" \
	"status: the row after it is ls's next"

# --- status again: descending (g: the selection stays on its run)
sort_by 2
see "· -status"
key g
expect_eq "$(ls_ids -status | head -n 1)" "$(ids_shown | head -n 1)" "-status: the first row is ls's"
expect_contains "$(row_of "$(ids_shown | head -n 1)")" "interrupted" "-status: interrupted first"

# --- duration, descending (as s first sorts it), to the end
key g
sort_by 6
see "· -duration"
key G
see "3000 shown · -duration"
expect_eq "$(ls_ids -duration | tail -n 1)" "$(ids_shown | tail -n 1)" "-duration: G ends on ls's last row"

# --- name: the smallest first
sort_by 3
see "· name"
key g
expect_eq "$(ls_ids name | head -n 1)" "$(ids_shown | head -n 1)" "name: the first row is ls's"

# --- tags: by the first tag, ascending (as s first sorts text), the
# untagged last; G pages by key through ties of one tag to ls's last row
sort_by 7
see "· tags"
tags_want=$(ls_ids tags)
key g
expect_eq "$(printf '%s\n' "$tags_want" | head -n 1)" "$(ids_shown | head -n 1)" "tags: the first row is ls's"
expect_exit 0 rl ls --sort tags --limit 1 --columns id,tags --csv
expect_contains "$OUT" "exp-" "tags: exp-… before nightly"
expect_exit 0 rl ls --sort tags --limit 0 --columns tags --csv
expect_eq '' "$(printf '%s\n' "$OUT" | tail -n 1 | tr -d '\r')" "tags: the untagged last"
key G
see "3000 shown · tags"
expect_eq "$(printf '%s\n' "$tags_want" | tail -n 1)" "$(ids_shown | tail -n 1)" "tags: G ends on ls's last row"
mid=$(ids_shown | sed -n 10p)
pos=$(printf '%s\n' "$tags_want" | grep -n "^$mid\$" | cut -d: -f1)
expect_eq "$(printf '%s\n' "$tags_want" | sed -n "$((pos + 1))p")" "$(ids_shown | sed -n 11p)" \
	"tags: the row after it is ls's next"
key Q

# --- a long search (a slow disk, RUNLENS_TEST_PAUSE_SEARCH_SLICE_MS): "searching…",
# Esc stops it, the browser still answers
start "RUNLENS_TEST_PAUSE_SEARCH_SLICE_MS=100"
see "Runs — all pipelines"
key f
see "filter"
key -l "name~zz"
key Enter
see "searching… (Esc stops)"
key Escape
see "search stopped"
not_see "searching…"
key '?'
see "reload from the store"
key q
key Q

# --- left alone, the search ends with what it found
start "RUNLENS_TEST_PAUSE_SEARCH_SLICE_MS=20"
see "Runs — all pipelines"
key f
see "filter"
key -l "name~0000007"
key Enter
see "pipe-007-0000007"
see "1 shown"
expect_not_contains "$(screen)" "searching…" "the search ended"
key Q

done_testing
