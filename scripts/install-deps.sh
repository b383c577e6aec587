#!/bin/sh
# scripts/install-deps.sh — install what building and testing runlens needs
# on Debian or Ubuntu (uses sudo when not run as root).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	build-essential autoconf automake libtool pkg-config \
	libsqlite3-dev libcjson-dev libssl-dev libncurses-dev check \
	python3 python3-numpy tmux procps util-linux git ca-certificates \
	sqlite3 valgrind clang libclang-rt-dev man-db >/dev/null
# a single-node Slurm cluster for the Slurm tests (tests/slurm/up.sh);
# optional: without it those tests are skipped and say so
$SUDO apt-get install -y -qq --no-install-recommends \
	slurmctld slurmd slurm-client munge >/dev/null ||
	echo "install-deps: Slurm's packages could not be installed: the Slurm tests will be skipped" >&2
