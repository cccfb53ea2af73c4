#!/bin/sh
# make bench: boot the newest installed Debian kernel (plain flavour unless
# FLAVOUR=rt; BENCH_KERNEL=6.1 the newest of that series) with 2 vCPUs and
# memmap=64M$0x10000000, load kbuddy over the region and kbuddy_bench.ko,
# and report the ratios against the kernel's allocators measured in the same
# run. Two runs: init_on_alloc=0 (neither side zeroes) and the kernel's
# default (init_on_alloc=1 on Debian: both zero). Then the userspace
# instruction counts (callgrind).
#
#   BENCH_ROUNDS=7 BENCH_OPS=8192   passed to kbuddy_bench.ko
#   BENCH_MAX_ROUNDS=25 BENCH_MAX_SECONDS=600 BENCH_NOISE=15
#       the noise rule (Documentation/performance.rst): past BENCH_ROUNDS,
#       the module adds rounds while the empty loop or a key ratio has a
#       relative inter-quartile range above BENCH_NOISE percent, up to
#       BENCH_MAX_ROUNDS rounds and BENCH_MAX_SECONDS seconds per run
#   BENCH_LINE_NOISE=25   report.py marks a line NOISY above this percentage
#   BENCH_SMP_OPS=262144  operations per CPU in a two-CPU measurement; a
#       two-CPU round counts only if both CPUs' parts overlapped in time for
#       90% of the longer one (report.py), and a line needs 5 such rounds
#   BENCH_SMP_ONLY=1      only the two-CPU measurements (a quick look)
#   BENCH_RUNS="init_on_alloc=0"  the runs to make (default both)
#   BENCH_DEBUG=PZU       the debug= letters of a last, short run (object
#       pairs and page pairs of orders 0-6, init_on_alloc=0) that shows what
#       the debug checks cost when on; BENCH_DEBUG= skips it
#   BENCH_HIST=1          a last, short run (object and page pairs,
#       init_on_alloc=0) with the default pool's histogram on, which shows
#       what its hooks cost when on; BENCH_HIST=0 skips it
#   BENCH_ONLY=pair-      only the one-CPU patterns starting with this, or
#       with one of a comma list (BENCH_ONLY=blocks-,contig- : the drm_buddy
#       comparison) (a quick look at one family; no two-CPU, fragmentation,
#       irqsoff or trace replay runs)
#   BENCH_KERNEL=6.1      the Debian kernel series to run on (default: the
#       newest installed)
#
# The last line says whether the run can be trusted ("bench: trustworthy
# (...)" or "bench: NOT trustworthy: ...").
set -eu
. "$(dirname "$0")/../lib.sh"

kdir=$(debian_kdirs | grep -- "linux-headers-${BENCH_KERNEL:+$BENCH_KERNEL\.[0-9]}" | tail -n 1)
if [ -z "$kdir" ]; then
	echo "bench: no Debian kernel headers${BENCH_KERNEL:+ of series $BENCH_KERNEL} (make deps)"
	exit 1
fi
rel=$(kdir_release "$kdir")
out=$build/bench-$rel
echo "bench: Debian kernel $rel${FLAVOUR:+ (flavour $FLAVOUR)}, headers $kdir, QEMU software emulation (TCG), 2 vCPUs"
build_modules "$kdir" "$out"

# The kernel's own modules MODULE.ko needs, other than kbuddy, deepest first
# (on 6.1 kbuddy_bench.ko needs drm_buddy.ko, which needs drm.ko; 6.12 has
# the same allocator built in as gpu_buddy).
module_deps() { # module_deps MODULE.ko REL
	local dep file
	for dep in $(modinfo -F depends "$1" | tr , ' '); do
		[ "$dep" = kbuddy ] && continue
		file=$(find "/lib/modules/$2/kernel" -name "$dep.ko" -o -name "$dep.ko.xz" | head -n 1)
		if [ -z "$file" ]; then
			echo "bench: $dep.ko, which $(basename "$1") needs, is not in /lib/modules/$2" >&2
			return 1
		fi
		module_deps "$file" "$2"
		echo "$file"
	done
}
# Into the initramfs as dep-N-NAME.ko, uncompressed (busybox's insmod), for
# bench.sh to load in that order before kbuddy_bench.ko.
deps=$(module_deps "$out/kbuddy_bench.ko" "$rel" | awk '!seen[$0]++')
n=0
for file in $deps; do
	n=$((n + 1))
	name=$(basename "$file" .xz)
	case $file in
	*.xz) xz -dc "$file" >"$out/dep-$n-$name";;
	*) cp "$file" "$out/dep-$n-$name";;
	esac
done
# shellcheck disable=SC2046
"$top/tools/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/kbuddy.ko" "$out/kbuddy_bench.ko" \
	$(ls "$out"/dep-*.ko 2>/dev/null)
noise=${BENCH_NOISE:-15}
args="kbench.rounds=${BENCH_ROUNDS:-7} kbench.ops=${BENCH_OPS:-8192}"
args="$args kbench.max_rounds=${BENCH_MAX_ROUNDS:-25} kbench.max_seconds=${BENCH_MAX_SECONDS:-600}"
args="$args kbench.noise=$noise kbench.smp_ops=${BENCH_SMP_OPS:-262144}"
[ "${BENCH_SMP_ONLY:-0}" = 1 ] && args="$args kbench.smp_only=1"
[ -n "${BENCH_ONLY:-}" ] && args="$args kbench.only=$BENCH_ONLY"
# Room in the kernel log for every round the noise rule may add.
args="$args log_buf_len=8M"
runs=${BENCH_RUNS:-"init_on_alloc=0 init_on_alloc=1"}
# A quick look at the two-CPU figures: one run, nothing else.
[ "${BENCH_SMP_ONLY:-0}" = 1 ] && runs=init_on_alloc=0
logs=""
for run in $runs; do
	log=$out/console-${run#init_on_alloc=}.log
	logs="$logs $log"
	echo "bench: run $run (this takes a few minutes under emulation)"
	if ! "$top/tools/vm/run-qemu.sh" "/boot/vmlinuz-$rel" "$out/initramfs.cpio.gz" bench \
		"$log" 1800 1G "$run $args"; then
		echo "bench: the $run run failed"
		exit 1
	fi
done
# shellcheck disable=SC2086
python3 "$top/tools/bench/report.py" --noise "$noise" --line-noise "${BENCH_LINE_NOISE:-25}" \
	"$out" $logs
[ "${BENCH_SMP_ONLY:-0}" = 1 ] && exit 0
[ -n "${BENCH_ONLY:-}" ] && exit 0

# A last, short run (object and page pairs, 7 rounds, init_on_alloc=0) with
# kernel command line ARGS added, reported in $out/NAME-on, its pair ratios
# printed; not part of the verdict above. Return: non-zero if the VM failed.
short_run() { # short_run NAME ARGS
	log=$out/console-$1.log
	mkdir -p "$out/$1-on"
	"$top/tools/vm/run-qemu.sh" "/boot/vmlinuz-$rel" "$out/initramfs.cpio.gz" bench \
		"$log" 1800 1G "init_on_alloc=0 $2 $args kbench.only=pair- kbench.max_rounds=7" ||
		return 1
	python3 "$top/tools/bench/report.py" --noise "$noise" --line-noise "${BENCH_LINE_NOISE:-25}" \
		"$out/$1-on" "$log" |
		grep -E '^ratio pair-([0-9]+ |order[0-6] kbuddy_pages vs alloc_pages)|^bench: NOT|^noise'
}

# The debug checks on: the object patterns again with kbuddy loaded with
# debug= (every cache, the size classes too, gets the checks); compare with
# the init_on_alloc=0 ratios above.
dbg=${BENCH_DEBUG-PZU}
if [ -n "$dbg" ]; then
	echo "bench: debug checks on (kbuddy debug=$dbg), object and page pairs only"
	short_run debug "kbuddy.debug=$dbg" || echo "bench: the debug run failed"
fi

# The histogram on (Documentation/admin-guide.rst, "histogram"): the default
# pool counting every operation; then the latencies it collected.
if [ "${BENCH_HIST:-1}" = 1 ]; then
	echo "bench: histogram on (default pool), object and page pairs only"
	if short_run hist kbhist=1; then
		grep -a '^KBENCH-HIST latency' "$log" | tr -d '\r' | sed 's/^KBENCH-HIST /hist: /'
	else
		echo "bench: the histogram run failed"
	fi
fi

# The longest interrupts-off stretches, from the irqsoff tracer of the 6.12
# debug kernel (tools/vm/debug.config), over a 64 MiB and a 1 GiB region.
echo "bench: interrupts-off stretches on the 6.12 debug kernel (irqsoff tracer)"
if tree=$("$top/tools/vm/build-kernel.sh" 6.12 | tail -n 1) && [ -d "$tree" ] &&
   build_modules "$tree" "$out/debug" >"$out/debug-build.log" 2>&1; then
	"$top/tools/vm/mkinitramfs.sh" "$out/debug/initramfs.cpio.gz" "$out/debug/kbuddy.ko"
	if "$top/tools/vm/run-qemu.sh" "$tree/arch/x86/boot/bzImage" "$out/debug/initramfs.cpio.gz" \
		irqsoff "$out/irqsoff.log" 1800 2G 'memmap=1G$0x40000000'; then
		grep '^irqsoff ' "$out/irqsoff.log"
	else
		echo "bench: the irqsoff run failed; see $out/irqsoff.log"
		grep -E '^irqsoff |KBENCH-ERROR' "$out/irqsoff.log"
	fi
else
	echo "bench: no 6.12 debug kernel to measure interrupts-off time on"
fi
"$top/tools/testing/callgrind.sh"
# Peak utilization on real kernel traces (userspace replay; no timing, so
# the noise verdict does not apply to it).
echo "bench: peak utilization on the kernel's own allocation traces (tools/trace)"
"$top/tools/trace/replay.sh" || echo "bench: the trace replay failed"
# The verdict last, where it is seen.
cat "$out/verdict"
