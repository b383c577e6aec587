#!/bin/sh
# Captured output kept byte for byte: binary bytes, escape sequences and
# very long lines; shown safely on a terminal; valid JSON with --json.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"

cat > out.json <<'J'
{"name": "out", "steps": [
 {"name": "binary", "run": ["sh", "-c", "printf 'a\\000b\\001\\377\\033[31mred\\n'; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo end"]},
 {"name": "quiet", "run": "true"}
]}
J
expect_exit 0 rl run out.json
sh -c "printf 'a\\000b\\001\\377\\033[31mred\\n'; head -c 3000000 /dev/zero | tr '\\0' x; echo; echo end" > expected.bin
rl logs last binary > got.bin
expect_exit 0 cmp expected.bin got.bin
expect_eq 3000000 "$(sed -n 2p got.bin | tr -d '\n' | wc -c)" "long line length"
expect_eq "" "$(rl logs last quiet)" "empty log"

# --json is valid JSON with NUL and invalid UTF-8 replaced by U+FFFD
rl logs last binary --json > logs.json
expect_exit 0 python3 -c 'import json; d=json.load(open("logs.json")); assert d["stdout"].startswith("a\ufffdb\u0001\ufffd\u001b[31mred"), repr(d["stdout"][:20]); assert d["stdout"].endswith("end\n")'

# on a terminal, control characters are escaped, not interpreted
if command -v script >/dev/null 2>&1; then
	script -qec "$RUNLENS_BIN logs 1 binary --stdout" /dev/null > tty.txt 2>&1
	expect_contains "$(head -c 200 tty.txt)" 'a\x00b\x01\xff\x1b[31mred' "terminal-safe logs"
fi

done_testing
