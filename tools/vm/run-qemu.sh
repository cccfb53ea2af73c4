#!/bin/sh
# Boot a kernel with kbuddy's initramfs in QEMU and run one guest script.
#
# usage: run-qemu.sh KERNEL INITRD SCRIPT LOG [TIMEOUT_S] [MEM] [EXTRA_APPEND]
#
# The serial console goes to LOG (and to stdout with KBUDDY_VERBOSE=1).
# Exit status: 0 if the guest script ran to its end and the log holds no
# kernel error report; 1 otherwise, with the reason printed.
#
# The guest has 512 MiB of RAM (-m) and memmap=64M$0x10000000 reserves
# 256-320 MiB of it: the range must lie inside the guest's RAM, or memmap=
# would reserve a hole with no memory behind it, and above the first 16 MiB
# where the kernel is loaded; QEMU puts the initramfs at the top of RAM.
# KASLR avoids memmap= ranges, so it needs no disabling.
#
# Software emulation (TCG) by default: KVM hangs at boot on the machines
# this was written on. KBUDDY_KVM=1 opts in to -accel kvm.
set -eu

kernel=${1:?usage}
initrd=${2:?usage}
script=${3:?usage}
log=${4:?usage}
timeout_s=${5:-300}
mem=${6:-512M}
extra=${7:-}

accel="-accel tcg -cpu max"
[ "${KBUDDY_KVM:-0}" = 1 ] && accel="-accel kvm -cpu host"
bios=""
[ -f /usr/share/qemu/qboot.rom ] && bios="-bios /usr/share/qemu/qboot.rom"

append="console=ttyS0 quiet panic=-1 oops=panic memmap=64M\$0x10000000 kbuddy_run=$script $extra"

: >"$log"
rc=0
# shellcheck disable=SC2086
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 $accel $bios -smp 2 -m "$mem" \
	-nographic -no-reboot -serial "file:$log" -monitor none -display none \
	-kernel "$kernel" -initrd "$initrd" -append "$append" </dev/null >/dev/null 2>&1 || rc=$?
[ "${KBUDDY_VERBOSE:-0}" = 1 ] && cat "$log"

# Console lines end in \r\n.
sed -i 's/\r$//' "$log"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "run-qemu: $script: no end after ${timeout_s}s (hang?); last lines of $log:"
	tail -n 20 "$log"
	exit 1
fi
bad=$(grep -nE 'BUG:|WARNING:|Kernel panic|KASAN:|UBSAN:|kmemleak:.*unreferenced|unreferenced object|possible recursive locking|inconsistent lock state|lock held when returning|circular locking dependency|suspicious RCU usage|INFO: task .* blocked|soft lockup|rcu_sched self-detected stall|Oops:|general protection fault|Call Trace:' "$log" | head -n 20 || true)
if [ -n "$bad" ]; then
	echo "run-qemu: $script: the kernel reported a problem (full log: $log):"
	echo "$bad"
	exit 1
fi
if ! grep -q '^KBUDDY-GUEST-END' "$log"; then
	echo "run-qemu: $script: the guest did not finish (qemu exit $rc); last lines of $log:"
	tail -n 20 "$log"
	exit 1
fi
exit 0
