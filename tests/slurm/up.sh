#!/bin/sh
# tests/slurm/up.sh — start a real single-node Slurm cluster from Debian's
# packages (slurmctld, slurmd, slurm-client, munge) without systemd, all
# under one temporary folder: a private munge key and munged, a private
# slurm.conf (SLURM_CONF), slurmctld and slurmd in the background.
# Nothing in /etc is read or written.
#
#   sh tests/slurm/up.sh [DIR]     # DIR default: a new /tmp/rl-slurm-XXXXXX
#
# Prints the folder on its last line; DIR/env holds the variables clients
# need (". DIR/env", then sbatch/squeue work).  tests/slurm/down.sh DIR
# stops exactly the daemons started here (by their pid files, checked
# against /proc/PID/cmdline).  Exit 0 when the cluster ran a canary job,
# 77 when the packages are not installed, 1 when it could not start.
# Settings and why: docs/slurm.md and ../shared/notes/slurm.md.
set -eu

for p in munged mungekey slurmctld slurmd sbatch squeue scancel; do
	if ! command -v "$p" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$p" ]; then
		echo "up.sh: $p is not installed (apt-get install slurmctld slurmd slurm-client munge)" >&2
		exit 77
	fi
done
PATH="$PATH:/usr/sbin"

dir="${1:-}"
if [ -z "$dir" ]; then
	dir=$(mktemp -d /tmp/rl-slurm-XXXXXX)
else
	mkdir -p "$dir"
fi
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/etc" "$dir/munge" "$dir/sock" "$dir/state" "$dir/spool" "$dir/log" "$dir/run"
chmod 0700 "$dir/munge"
chmod 0755 "$dir/sock" "$dir"

fail() {
	echo "up.sh: $*" >&2
	for f in "$dir"/log/*.log; do
		[ -f "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
	done
	sh "$(dirname "$0")/down.sh" "$dir" >/dev/null 2>&1 || true
	exit 1
}

# a free TCP port from START (ports another cluster or program holds are skipped)
port_free() {
	! (ss -ltnH 2>/dev/null || netstat -ltn 2>/dev/null) | awk '{print $4}' |
		grep -q "[:.]$1\$"
}
pick_port() {
	p=$1
	while ! port_free "$p" || ! port_free $((p + 1)); do
		p=$((p + 2))
	done
	echo "$p"
}
ctl_port=$(pick_port "${RUNLENS_SLURM_PORT:-6817}")
d_port=$((ctl_port + 1))

# munge: a private key and daemon
mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null 2>&1 ||
	dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 0600 "$dir/munge/munge.key"
sock="$dir/sock/munge.socket"
munged --force --key-file="$dir/munge/munge.key" --seed-file="$dir/munge/seed" \
	--log-file="$dir/log/munged.log" --pid-file="$dir/run/munged.pid" \
	--socket="$sock" >/dev/null 2>&1 || fail "munged did not start"

host=$(hostname -s)
# the node as slurmd sees it, with some memory left for the machine
eval "$(slurmd -C 2>/dev/null | head -1 | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | sed 's/^/node_/')"
mem=$((${node_RealMemory:-2048} * 9 / 10))
# a job that does not say how much memory it needs gets this much a CPU
# (without it, it would take the whole node's memory: one job at a time)
defmem=$((mem / ${node_CPUs:-1} / 2))
[ "$defmem" -gt 2048 ] && defmem=2048

# cgroups give real memory limits (OUT_OF_MEMORY) and reach every process
# of a job; without them, process groups (proctrack/pgid)
track="${RUNLENS_SLURM_PROCTRACK:-auto}"
if [ "$track" = auto ]; then
	if [ -d /sys/fs/cgroup/memory ] && [ -w /sys/fs/cgroup/memory ]; then
		track=cgroup
	else
		track=pgid
	fi
fi

write_conf() {
	cat >"$dir/etc/slurm.conf" <<EOF
ClusterName=runlens
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$defmem
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
EnforcePartLimits=ALL
MinJobAge=600
KillWait=5
MailProg=/bin/true
ReturnToService=2
MpiDefault=none
PlugStackConfig=$dir/etc/plugstack.conf
EOF
	if [ "$1" = cgroup ]; then
		cat >>"$dir/etc/slurm.conf" <<EOF
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
EOF
	else
		cat >>"$dir/etc/slurm.conf" <<EOF
ProctrackType=proctrack/pgid
TaskPlugin=task/none
EOF
	fi
	cat >>"$dir/etc/slurm.conf" <<EOF
NodeName=$host NodeAddr=127.0.0.1 CPUs=${node_CPUs:-1} Boards=${node_Boards:-1} SocketsPerBoard=${node_SocketsPerBoard:-1} CoresPerSocket=${node_CoresPerSocket:-1} ThreadsPerCore=${node_ThreadsPerCore:-1} RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
	: >"$dir/etc/plugstack.conf"
	cat >"$dir/etc/cgroup.conf" <<EOF
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
CgroupAutomount=no
ConstrainCores=no
ConstrainRAMSpace=yes
ConstrainSwapSpace=yes
AllowedSwapSpace=0
EOF
}

cat >"$dir/env" <<EOF
SLURM_CONF=$dir/etc/slurm.conf
export SLURM_CONF
RUNLENS_SLURM_DIR=$dir
export RUNLENS_SLURM_DIR
PATH=\$PATH:/usr/sbin
EOF
SLURM_CONF="$dir/etc/slurm.conf"
export SLURM_CONF

start_daemons() {
	write_conf "$1"
	echo "$1" >"$dir/proctrack"
	slurmctld -i >>"$dir/log/slurmctld.out" 2>&1 || return 1
	slurmd >>"$dir/log/slurmd.out" 2>&1 || return 1
	# wait (bounded) for the node to be idle
	i=0
	while [ $i -lt 300 ]; do
		st=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
		case "$st" in
		idle*) return 0 ;;
		esac
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}

stop_slurm() {
	for d in slurmd slurmctld; do
		f="$dir/run/$d.pid"
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$d"; then
			kill "$pid" 2>/dev/null || true
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
				i=$((i + 1))
				sleep 0.05
			done
		fi
		rm -f "$f"
	done
}

if ! start_daemons "$track"; then
	if [ "$track" = cgroup ]; then
		echo "up.sh: slurmd with cgroups did not come up; trying process groups" >&2
		stop_slurm
		rm -rf "$dir/state"/* "$dir/spool"/*
		start_daemons pgid || fail "the node did not become idle"
	else
		fail "the node did not become idle"
	fi
fi

# a canary: the first job after a start waits a few seconds; it is ours
jid=$(sbatch --parsable -o /dev/null -e /dev/null -J rl-canary --wrap 'true' 2>&1) ||
	fail "sbatch failed: $jid"
i=0
while [ $i -lt 600 ]; do
	st=$(squeue -h -t all -j "$jid" -o %T 2>/dev/null || true)
	case "$st" in
	COMPLETED) break ;;
	FAILED | CANCELLED | TIMEOUT | NODE_FAIL | BOOT_FAIL | OUT_OF_MEMORY)
		fail "the canary job ended $st" ;;
	esac
	i=$((i + 1))
	sleep 0.05
done
[ "$st" = COMPLETED ] || fail "the canary job did not complete (state '$st')"
echo "up.sh: Slurm is up ($(cat "$dir/proctrack"), port $ctl_port); . $dir/env" >&2
echo "$dir"
