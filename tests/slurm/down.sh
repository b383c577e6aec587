#!/bin/sh
# tests/slurm/down.sh DIR — stop the cluster tests/slurm/up.sh started in
# DIR: cancel its jobs, then signal exactly its three daemons (found by
# the pid files in DIR/run and checked against /proc/PID/cmdline, never by
# name), wait for them, and remove DIR unless KEEP_SLURM=1.
set -u
dir="${1:?usage: down.sh DIR}"
[ -d "$dir/run" ] || { echo "down.sh: $dir is not a cluster of up.sh" >&2; exit 1; }
PATH="$PATH:/usr/sbin"
if [ -f "$dir/etc/slurm.conf" ] && [ -f "$dir/run/slurmctld.pid" ]; then
	SLURM_CONF="$dir/etc/slurm.conf" timeout 5 scancel --user="$(id -un)" >/dev/null 2>&1 || true
fi
pids=""
for d in slurmd slurmctld munged; do
	f="$dir/run/$d.pid"
	[ -f "$f" ] || continue
	pid=$(cat "$f")
	case "$pid" in '' | *[!0-9]*) continue ;; esac
	if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$d"; then
		kill "$pid" 2>/dev/null && pids="$pids $pid"
	fi
done
for pid in $pids; do
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
done
rm -f "$dir"/run/*.pid
if [ "${KEEP_SLURM:-}" != 1 ]; then
	# slurmd's cgroups of finished jobs are gone with their jobs
	rm -rf "$dir"
fi
exit 0
