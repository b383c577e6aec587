#!/bin/sh
# Secrets: kept outside the store (0600), only declared ones reach a step,
# masked in logs (also split across writes) and metadata, and found nowhere
# in the store folder, the context or --json output.
. "${TESTS_SRCDIR:-$(dirname "$0")/..}/e2e/lib.sh"
export XDG_CONFIG_HOME="$T/cfg"
export PATH="$(dirname "$RUNLENS_BIN"):$PATH"
VALUE="hunter2-Xq9-very-secret"

expect_exit 0 rl secret ls
expect_contains "$OUT" "no secrets"
expect_exit 0 sh -c "printf '%s\n' '$VALUE' | '$RUNLENS_BIN' secret set warehouse user=etl password=-"
expect_eq "secret 'warehouse': 2 keys set" "$OUT"
expect_eq 600 "$(stat -c %a "$T/cfg/runlens/secrets.json")" "file mode"
expect_exit 0 rl secret set other token=abc
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

# a step whose secret is not set fails with a clear reason
printf '{"name": "nosec", "steps": [{"name": "s", "secrets": ["missing"], "run": "true"}]}' > nosec.json
expect_exit 1 rl run nosec.json
expect_eq "secret 'missing' is not set (runlens secret set missing KEY=VALUE)" "$(sql "select error from step_runs s join runs r on r.id=s.run_id where r.name like 'nosec-%'")"

# ---- secrets.json as a symlink into a dotfiles folder (issue 14, item 16):
# `secret set` replaced the link with a regular file; it writes the target
mkdir -p "$T/dots" "$T/linked/runlens"
ln -s ../../dots/secrets.json "$T/linked/runlens/secrets.json"
export XDG_CONFIG_HOME="$T/linked"
expect_exit 0 rl secret set dotted token=t1
if [ -L "$T/linked/runlens/secrets.json" ]; then pass; else fail "secret set replaced the symlink"; fi
expect_eq 600 "$(stat -c %a "$T/dots/secrets.json")" "the target is written 0600"
expect_exit 0 rl secret set dotted other=t2
if [ -L "$T/linked/runlens/secrets.json" ]; then pass; else fail "a second secret set replaced the symlink"; fi
expect_eq '["token", "other"]' "$(jget "$(cat "$T/dots/secrets.json")" 'list(d["dotted"])')" "both keys in the target"
chmod 640 "$T/dots/secrets.json"
expect_exit 2 rl secret set dotted third=t3
expect_contains "$ERR" "group or others may access it (mode 0640)"
expect_eq '["token", "other"]' "$(jget "$(cat "$T/dots/secrets.json")" 'list(d["dotted"])')" "a refused set changes nothing"
chmod 600 "$T/dots/secrets.json"
# links in a loop: an error, not a hang
rm "$T/linked/runlens/secrets.json"
ln -s loop "$T/linked/runlens/secrets.json"
ln -s secrets.json "$T/linked/runlens/loop"
expect_exit 1 rl secret set dotted x=1
expect_contains "$ERR" "secrets.json: Too many levels of symbolic links"
export XDG_CONFIG_HOME="$T/cfg"

# ---- an invalid secret name is echoed escaped (item 16)
expect_exit 2 rl secret set "$(printf 'bad\033]0;title\007name')" k=v
expect_eq "runlens: secret set: 'bad\x1b]0;title\x07name' is not a valid secret name" "$ERR"

done_testing
