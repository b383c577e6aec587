#!/bin/sh
# scripts/install-bench-deps.sh — install what `make bench` compares runlens
# against, on Debian or Ubuntu (uses sudo when not run as root): GNU make
# (dispatch), Snakemake (dispatch), coreutils' sha256sum (hashing), python3
# (the pty driver of the browser benchmark).  Run scripts/install-deps.sh
# first for what building runlens needs.
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	make snakemake coreutils python3 >/dev/null
