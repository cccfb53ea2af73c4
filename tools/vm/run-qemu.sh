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
# 256-320 MiB of it, memmap=16M$0x15000000 336-352 MiB for a second pool
# (kbuddy_offer_test.ko): the ranges must lie inside the guest's RAM, or
# memmap= would reserve a hole with no memory behind it, and above the
# first 16 MiB where the kernel is loaded; QEMU puts the initramfs at the
# top of RAM.
# KASLR avoids memmap= ranges, so it needs no disabling.
#
# Software emulation (TCG) by default: KVM hangs at boot on the machines
# this was written on. KBUDDY_KVM=1 opts in to -accel kvm. KBUDDY_SMP sets
# the number of vCPUs (default 2); TCG runs them as threads (MTTCG), so
# more vCPUs than host cores still run truly in parallel part of the time.
set -eu

kernel=${1:?usage}
initrd=${2:?usage}
script=${3:?usage}
log=${4:?usage}
timeout_s=${5:-300}
mem=${6:-512M}
extra=${7:-}
smp=${KBUDDY_SMP:-2}

accel="-accel tcg -cpu max"
[ "${KBUDDY_KVM:-0}" = 1 ] && accel="-accel kvm -cpu host"
bios=""
[ -f /usr/share/qemu/qboot.rom ] && bios="-bios /usr/share/qemu/qboot.rom"

append="console=ttyS0 quiet panic=-1 oops=panic memmap=64M\$0x10000000 memmap=16M\$0x15000000 kbuddy_run=$script $extra"

: >"$log"
rc=0
# One boot, watched: a kernel that dies before the guest script starts (an
# early-boot crash seen once in a while under TCG, before any kbuddy code is
# loaded) is killed after boot_s and booted again, at most three times.
boot_s=${KBUDDY_BOOT_TIMEOUT:-240}
attempt=1
while :; do
	rm -f "$log.pid"
	: >"$log"
	# shellcheck disable=SC2086
	timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 $accel $bios -smp "$smp" -m "$mem" \
		-nographic -no-reboot -serial "file:$log" -monitor none -display none \
		-pidfile "$log.pid" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" </dev/null >/dev/null 2>&1 &
	qpid=$!
	waited=0
	retry=0
	while kill -0 "$qpid" 2>/dev/null; do
		if ! grep -q '^KBUDDY-GUEST-START' "$log"; then
			if [ "$waited" -ge "$boot_s" ] ||
			   grep -qE 'BUG:|Kernel panic|general protection fault' "$log"; then
				retry=1
				[ -s "$log.pid" ] && kill -9 "$(cat "$log.pid")" 2>/dev/null
				break
			fi
		fi
		sleep 2
		waited=$((waited + 2))
	done
	wait "$qpid" || rc=$?
	# Dead before the guest script started, whether killed here or not.
	grep -q '^KBUDDY-GUEST-START' "$log" || retry=1
	why=$(grep -m1 -E 'BUG:|Kernel panic|general protection fault' "$log" | tr -d '\r')
	[ -n "$why" ] || why="no start within ${boot_s}s"
	if [ "$retry" = 1 ] && [ "$attempt" -lt 3 ]; then
		echo "run-qemu: $script: the kernel did not reach the guest script (attempt $attempt: $why); booting again" >&2
		cp "$log" "$log.attempt$attempt"
		attempt=$((attempt + 1))
		rc=0
		continue
	fi
	break
done
[ "${KBUDDY_VERBOSE:-0}" = 1 ] && cat "$log"
if [ "$retry" = 1 ]; then
	echo "run-qemu: $script: the kernel did not reach the guest script in $attempt boots ($why); last lines of $log:"
	tail -n 20 "$log"
	exit 1
fi

# Console lines end in \r\n.
sed -i 's/\r$//' "$log"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "run-qemu: $script: no end after ${timeout_s}s (hang?); last lines of $log:"
	tail -n 20 "$log"
	exit 1
fi
bad=$(grep -nE 'BUG:|kbuddy: BUG |WARNING:|Kernel panic|KASAN:|UBSAN:|kmemleak:.*unreferenced|unreferenced object|possible recursive locking|inconsistent lock state|lock held when returning|circular locking dependency|suspicious RCU usage|INFO: task .* blocked|soft lockup|rcu_sched self-detected stall|Oops:|general protection fault|Call Trace:' "$log" | head -n 20 || true)
if [ -n "$bad" ]; then
	echo "run-qemu: $script: the kernel reported a problem (full log: $log):"
	echo "$bad"
	# What ran last, and the report itself, so that a CI log whose guest
	# console is gone still shows the trace.
	first=${bad%%:*}
	echo "last test verdict before it: $(head -n "$first" "$log" | grep '^KTEST ' | tail -n 1)"
	echo "the report (lines $((first > 10 ? first - 10 : 1))-$((first + 60))):"
	sed -n "$((first > 10 ? first - 10 : 1)),$((first + 60))p" "$log"
	exit 1
fi
if ! grep -q '^KBUDDY-GUEST-END' "$log"; then
	echo "run-qemu: $script: the guest did not finish (qemu exit $rc); last lines of $log:"
	tail -n 20 "$log"
	exit 1
fi
exit 0
