#!/bin/sh
# Instructions per allocation+free pair on the userspace build of kbuddy's
# core, counted by callgrind (exact and repeatable, unlike time). Each count
# is the measured function's inclusive instructions over its N pairs, loop
# included.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# A multiple of 4096, the batches' size.
n=${PAIRS:-102400}
command -v valgrind >/dev/null || { echo "callgrind: valgrind missing (make deps)"; exit 1; }
make -s -C "$here" pairs
cd "$here"
"$here/pairs" "$n"
for fn in pages_pairs buddy_pairs slab_pairs malloc_pairs order4_pairs malloc4k_pairs \
	slab_batch slab_random malloc_batch contig_pairs contig_topdown_pairs contig1000_pairs; do
	out=$(mktemp)
	valgrind --tool=callgrind --toggle-collect="$fn" --callgrind-out-file="$out" \
		"$here/pairs" "$n" >/dev/null 2>&1
	total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out")
	[ -n "$total" ] || total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out")
	rm -f "$out"
	case $fn in
	pages_pairs) what="order-0 alloc+free pair (kbuddy_alloc_pages, per-CPU cache)";;
	buddy_pairs) what="order-0 alloc+free pair (free lists and bitmaps, no cache)";;
	slab_pairs) what="slab alloc+free pair (kbuddy_cache_alloc, 64 bytes, magazines)";;
	malloc_pairs) what="malloc+free pair (kbuddy_malloc, 64 bytes, size class)";;
	order4_pairs) what="order-4 alloc+free pair (kbuddy_alloc_pages, per-CPU cache)";;
	malloc4k_pairs) what="malloc+free pair (kbuddy_malloc, 4096 bytes, size class)";;
	slab_batch) what="object alloc+free, batches of 4096 (64 bytes, all allocated then all freed)";;
	slab_random) what="object alloc+free, batches of 4096 freed in random order";;
	malloc_batch) what="malloc+free, batches of 4096 (64 bytes)";;
	contig_pairs) what="kbuddy_alloc_contig+free pair (3 pages, first fit, no per-CPU cache)";;
	contig_topdown_pairs) what="kbuddy_alloc_contig+free pair (4 pages, 64 KiB aligned, top-down)";;
	contig1000_pairs) what="kbuddy_alloc_contig+free pair (1000 pages, first fit)";;
	esac
	echo "instructions $fn: $((total / n)) per $what"
	eval "count_$fn=$((total / n))"
done
# Issue 11's instruction rows (Documentation/performance.rst says why the
# validation every free keeps puts them out of reach).
for row in "pages_pairs 80 order-0 pair (per-CPU cache)" "slab_pairs 50 slab pair (magazines)"; do
	set -- $row
	fn=$1 goal=$2
	shift 2
	eval "got=\$count_$fn"
	if [ "$got" -le "$goal" ]; then
		echo "goal: userspace instructions, $*: $got <= $goal: met"
	else
		echo "goal: userspace instructions, $*: $got > $goal: missed"
	fi
done
