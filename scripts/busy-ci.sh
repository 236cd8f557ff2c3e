#!/usr/bin/env bash
# Runs a command while other processes keep CPU cores busy, to check that it passes on a loaded
# machine (the tests must not depend on how idle the machine is).
#
#   bash scripts/busy-ci.sh [-n CORES] [-t SECONDS] [--] COMMAND [ARG...]
#   bash scripts/busy-ci.sh bash .ci/run          # the whole CI beside 2 busy loops
#
# -n  busy processes (default 2, or $BUSY_CORES): one plain busy loop each
# -t  upper bound on their life in seconds (default 3600, or $BUSY_SECONDS), so a killed
#     shell never leaves them spinning for long
# The busy loops end when the command ends (or this script is interrupted); the script exits
# with the command's status.
set -euo pipefail

cores=${BUSY_CORES:-2}
seconds=${BUSY_SECONDS:-3600}
usage() { echo "usage: $0 [-n CORES] [-t SECONDS] [--] COMMAND [ARG...]" >&2; exit 2; }
while getopts ':n:t:' opt; do
  case $opt in
    n) cores=$OPTARG ;;
    t) seconds=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || usage
[[ $cores =~ ^[0-9]+$ ]] || { echo "$0: -n must be a whole number of processes, got '$cores'" >&2; exit 2; }
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "$0: -t must be a positive whole number of seconds, got '$seconds'" >&2; exit 2; }

pids=()
cleanup() {
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ((i = 0; i < cores; i++)); do
  # A busy loop that also stops by itself after $seconds.
  bash -c 'end=$((SECONDS + $1)); while ((SECONDS < end)); do :; done' busy "$seconds" &
  pids+=($!)
done
echo "busy-ci: $cores busy process(es) (pids ${pids[*]:-none}) for at most ${seconds}s beside: $*" >&2

status=0
"$@" || status=$?
exit "$status"
