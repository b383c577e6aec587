#!/bin/sh
# Secrets: kept outside the store (0600), only declared ones reach a step,
# masked in logs (also split across writes; a multi-line value line by line
# too) and metadata, and found nowhere in the store folder, the context or
# --json output.  Values under 4 characters are refused, and one stored
# before does not mask ordinary text.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/cfg"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
VALUE="hunter2-Xq9-very-secret"

expect_exit 0 rl secret ls
expect_contains "$OUT" "no secrets"
expect_exit 0 sh -c "printf '%s\n' '$VALUE' | '$RUNLENS_BIN' secret set warehouse user=etl-svc password=-"
expect_eq "secret 'warehouse': 2 keys set" "$OUT"
expect_eq 600 "$(stat -c %a "$T/cfg/runlens/secrets.json")" "file mode"
expect_exit 0 rl secret set other token=abcd
# a value under 4 characters could not be masked: refused, naming the key
expect_exit 2 rl secret set short user=etl
expect_eq "runlens: secret set: the value of short.user is shorter than 4 characters (so short a value could not be masked in logs); nothing was saved" "$ERR"
expect_exit 2 sh -c "printf 'ab\n' | '$RUNLENS_BIN' secret set short k=-"
expect_contains "$ERR" "short.k is shorter than 4 characters"
expect_exit 2 rl secret set other token=wxyz k2=é
expect_not_contains "$(rl secret ls)" "short" "nothing saved"
expect_exit 0 rl secret set accents k=éééé
expect_exit 0 rl secret rm accents
expect_exit 0 rl secret ls
expect_contains "$OUT" "warehouse"
expect_contains "$OUT" "user, password"
expect_not_contains "$OUT" "$VALUE" "secret ls"
expect_exit 0 rl secret ls --json
expect_eq '[{"name": "warehouse", "keys": ["user", "password"]}, {"name": "other", "keys": ["token"]}]' "$(jget "$OUT" 'd["secrets"]')"
expect_exit 0 rl secret rm other
expect_exit 4 rl secret rm other
expect_exit 2 rl secret set bad-arg novalue
expect_exit 2 rl secret set ls k=v

# a file others can read is refused, with a reason
chmod 644 "$T/cfg/runlens/secrets.json"
expect_exit 2 rl secret ls
expect_contains "$ERR" "group or others may access it (mode 0644); run 'chmod 600"
chmod 600 "$T/cfg/runlens/secrets.json"

cat > p.json <<'J'
{"name": "sec", "steps": [
 {"name": "use", "secrets": ["warehouse"], "outputs": {"o": "o.txt"},
  "run": ["sh", "-c", "v=$(runlens secret warehouse password); echo \"user=$RUNLENS_SECRET_WAREHOUSE_USER pw=$v again=$v\"; printf '%s' \"$${v%???????????}\"; sleep 0.3; printf '%s\\n' \"$${v#????????????}\"; echo \"err $v\" >&2; runlens meta leaked=\"token:$v\"; runlens ctx > ctx.json; runlens secret other token; echo \"other=$?\"; touch $RUNLENS_OUTPUT_O"]},
 {"name": "plain", "run": "runlens secret warehouse password; echo \"exit=$?\""}
]}
J
expect_exit 0 rl run p.json
out=$(rl logs last use --stdout)
expect_contains "$out" "user=*** pw=*** again=***" "masked in a line"
expect_contains "$out" "
***
" "masked across two writes"
expect_contains "$(rl logs last use --stderr 2>&1)" "err ***"
expect_contains "$out" "other=2" "undeclared secret refused"
expect_contains "$(rl logs last plain)" "exit=2"
expect_exit 0 rl step last use --json
expect_eq '{"leaked": "token:***"}' "$(jget "$OUT" 'd["metadata"]')" "metadata masked"
expect_eq '["warehouse"]' "$(jget "$(cat ctx.json)" 'd["step"]["secrets"]')" "context names the secret, not its value"
expect_eq false "$(jget "$(rl step last use --json)" 'd["config"]["cache"]')" "steps with secrets are not cached"
if grep -r -a -l -F "$VALUE" .runlens ctx.json; then fail "the value is in the store folder"; else pass; fi
for cmd in "ls --json" "show last --json" "step last use --json" "logs last use --json" "pipelines --json"; do
	expect_not_contains "$(rl $cmd)" "$VALUE" "$cmd"
done

# a multi-line secret (a PEM key) printed one line at a time, with other
# text between, some lines only, in metadata: no line of it is left
PEM='-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vb3kZ1x9QmHt
t0yPq4ZcW8rN2kLmXvB6eJdUaFoY3sRiCgTn5wKpE7zVhSbNq1jOl4uIfGxDyAeM
Zr9Wn2vQkLs8TpYdHcJm0XaRbFuEo6gKiSy3VwNtDl7MzBqPhCxOjUe1f4IvAY==
abc
-----END PRIVATE KEY-----'
expect_exit 0 sh -c 'printf "%s\n" "$2" | "$1" secret set tls key=-' sh "$RUNLENS_BIN" "$PEM"
cat > pem.sh <<'S'
printf '%s\n' "$RUNLENS_SECRET_TLS_KEY" | while IFS= read -r line; do
	echo "line: $line"
	echo "working..." >&2
	sleep 0.05
done
echo "$RUNLENS_SECRET_TLS_KEY" | sed -n 3p
printf 'two at once: %s' "$(echo "$RUNLENS_SECRET_TLS_KEY" | sed -n 2p | cut -c1-20)"
sleep 0.2
printf '%s and more\n' "$(echo "$RUNLENS_SECRET_TLS_KEY" | sed -n 2p | cut -c21-)"
runlens meta third="$(echo "$RUNLENS_SECRET_TLS_KEY" | sed -n 4p)"
echo "banana"
S
printf '{"name": "pem", "steps": [{"name": "p", "secrets": ["tls", "one"], "run": ["sh", "pem.sh"]}]}' > pem.json
# a one-letter value stored before the rule (written by hand) masks nothing
python3 - "$T/cfg/runlens/secrets.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["one"] = {"letter": "a"}
json.dump(d, open(sys.argv[1], "w"))
PY
expect_exit 0 rl run pem.json
out=$(rl logs last p --stdout)
expect_contains "$out" "line: ***
line: ***
line: ***
line: ***
line: abc
line: ***" "each line of the PEM key masked (abc: under 4 characters)"
expect_contains "$out" "two at once: *** and more" "a line split across two writes"
expect_contains "$out" "banana" "a one-letter value masks nothing"
expect_contains "$(rl logs last p --stderr 2>&1)" "working..."
expect_eq '***' "$(jget "$(rl step last p --json)" 'd["metadata"]["third"]')" "a line in metadata"
printf '%s\n' "$PEM" | while IFS= read -r line; do
	[ ${#line} -ge 4 ] || continue
	if grep -r -a -l -F -e "$line" .runlens; then echo "FAIL: a line of the key is in the store folder: $line" >&2; echo bad >> pem.bad; fi
	case "$(rl logs last p 2>&1; rl step last p --json; rl show last --json)" in *"$line"*) echo "FAIL: a line of the key is shown: $line" >&2; echo bad >> pem.bad;; esac
done
expect_eq "" "$(cat pem.bad 2>/dev/null)" "no line of the key in the store folder, logs or --json"

# a step whose secret is not set fails with a clear reason
printf '{"name": "nosec", "steps": [{"name": "s", "secrets": ["missing"], "run": "true"}]}' > nosec.json
expect_exit 1 rl run nosec.json
expect_eq "secret 'missing' is not set (runlens secret set missing KEY=VALUE)" "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'nosec-%'")"

# ---- secrets.json as a symlink into a dotfiles folder (issue 14, item 16):
# `secret set` replaced the link with a regular file; it writes the target
mkdir -p "$T/dots" "$T/linked/runlens"
ln -s ../../dots/secrets.json "$T/linked/runlens/secrets.json"
export XDG_CONFIG_HOME="$T/linked"
expect_exit 0 rl secret set dotted token=tok-one
if [ -L "$T/linked/runlens/secrets.json" ]; then pass; else fail "secret set replaced the symlink"; fi
expect_eq 600 "$(stat -c %a "$T/dots/secrets.json")" "the target is written 0600"
expect_exit 0 rl secret set dotted other=tok-two
if [ -L "$T/linked/runlens/secrets.json" ]; then pass; else fail "a second secret set replaced the symlink"; fi
expect_eq '["token", "other"]' "$(jget "$(cat "$T/dots/secrets.json")" 'list(d["dotted"])')" "both keys in the target"
chmod 640 "$T/dots/secrets.json"
expect_exit 2 rl secret set dotted third=tok-three
expect_contains "$ERR" "group or others may access it (mode 0640)"
expect_eq '["token", "other"]' "$(jget "$(cat "$T/dots/secrets.json")" 'list(d["dotted"])')" "a refused set changes nothing"
chmod 600 "$T/dots/secrets.json"
# links in a loop: an error, not a hang
rm "$T/linked/runlens/secrets.json"
ln -s loop "$T/linked/runlens/secrets.json"
ln -s secrets.json "$T/linked/runlens/loop"
expect_exit 1 rl secret set dotted x=tok-x
expect_contains "$ERR" "secrets.json: Too many levels of symbolic links"
export XDG_CONFIG_HOME="$T/cfg"

# ---- an invalid secret name is echoed escaped (item 16)
expect_exit 2 rl secret set "$(printf 'bad\033]0;title\007name')" k=v
expect_eq "runlens: secret set: 'bad\x1b]0;title\x07name' is not a valid secret name" "$ERR"

done_testing
