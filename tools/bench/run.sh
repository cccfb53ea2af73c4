#!/bin/sh
# make bench: boot the newest installed Debian kernel with 2 vCPUs and
# memmap=64M$0x10000000, load kbuddy over the region and kbuddy_bench.ko,
# and report the ratios against the kernel's allocators measured in the same
# run. Two runs: init_on_alloc=0 (neither side zeroes) and the kernel's
# default (init_on_alloc=1 on Debian: both zero). Then the userspace
# instruction counts (callgrind).
#
#   BENCH_ROUNDS=7 BENCH_OPS=8192   passed to kbuddy_bench.ko
set -eu
. "$(dirname "$0")/../lib.sh"

kdir=$(debian_kdirs | tail -n 1)
rel=$(kdir_release "$kdir")
out=$build/bench-$rel
echo "bench: Debian kernel $rel, QEMU software emulation (TCG), 2 vCPUs"
build_modules "$kdir" "$out"
"$top/tools/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/kbuddy.ko" "$out/kbuddy_bench.ko"
args="kbench.rounds=${BENCH_ROUNDS:-7} kbench.ops=${BENCH_OPS:-8192}"
for run in init_on_alloc=0 init_on_alloc=1; do
	log=$out/console-${run#init_on_alloc=}.log
	echo "bench: run $run (this takes a few minutes under emulation)"
	if ! "$top/tools/vm/run-qemu.sh" "/boot/vmlinuz-$rel" "$out/initramfs.cpio.gz" bench \
		"$log" 1800 1G "$run $args"; then
		echo "bench: the $run run failed"
		exit 1
	fi
done
python3 "$top/tools/bench/report.py" "$out" "$out/console-0.log" "$out/console-1.log"
"$top/tools/testing/callgrind.sh"
