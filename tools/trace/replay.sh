#!/bin/sh
# Replay every captured trace (tools/trace/*.trace.xz) through kbuddy's
# userspace build (tools/testing/replay.c) and print, per trace:
#
#   utilization <trace>: kbuddy <U> slub <U> buddy <U> parked <P>%
#   utilization-pages <trace>: kbuddy <U> slub <U>
#
# With -v, the detail lines too (event counts, peak, wastes). Definitions:
# the header of tools/testing/replay.c and "Utilization on real traces" in
# Documentation/performance.rst. Exit status 1 if a replay failed (an
# allocation kbuddy refused, a free it refused, or a bad trace).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
verbose=0
[ "${1:-}" = -v ] && verbose=1
make -s -C "$top/tools/testing" replay
rc=0
for t in "$here"/*.trace.xz; do
	[ -f "$t" ] || { echo "replay: no traces in $here"; exit 1; }
	name=$(basename "$t" .trace.xz)
	si=""
	[ -f "$here/$name.slabinfo" ] && si="--slabinfo $here/$name.slabinfo"
	# shellcheck disable=SC2086
	out=$("$top/tools/testing/replay" --name "$name" $si "$t") || rc=1
	if [ "$verbose" = 1 ]; then
		echo "$out"
	else
		echo "$out" | grep -E '^utilization(-pages)? '
	fi
done
exit $rc
