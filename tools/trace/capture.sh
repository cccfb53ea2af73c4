#!/bin/sh
# Capture real allocation traces of the Debian kernel for tools/testing/replay.
#
# usage: tools/trace/capture.sh [PHASE...]     (default: boot fs net)
#
# For each phase, boots the stock Debian 6.12 kernel (/boot/vmlinuz-6.12.*-amd64,
# newest) in QEMU (TCG, 2 vCPUs, 1 GiB) under a busybox initramfs that holds
# tools/vm/guest/init, tools/trace/guest-trace.sh (as /guest/trace.sh) and a few
# Debian modules (decompressed from /lib/modules/<release>). The kmem
# tracepoints are enabled on the kernel command line (trace_event=), so the
# trace starts during boot, in a ring buffer that stops when full
# (trace_options=nooverwrite) rather than losing its start:
#
#   trace_event=kmem:kmalloc,kmem:kfree,kmem:kmem_cache_alloc,kmem:kmem_cache_free,
#               kmem:mm_page_alloc,kmem:mm_page_free,kmem:mm_page_free_batched
#   trace_buf_size=$TRACE_BUF (per CPU) trace_options=nooverwrite
#   no_hash_pointers nokaslr    (real addresses: a pointer maps to its pfn)
#
# Phases (trace_phase= on the command line selects the guest's workload):
#   boot  boot, then load ext4 (+crc32c_generic, crc16, mbcache, jbd2), loop, squashfs, dummy,
#         veth, tun; make a dummy and a veth pair; unload four modules
#   fs    boot, then a tree of 400 small files and a 1 MiB file on tmpfs,
#         copied, tarred, untarred; ext2 (ext4 driver) on a loop device over a
#         tmpfs file: copy and untar into it, sync, delete, unmount
#   net   boot, then busybox httpd on 127.0.0.1 serving 50 small pages and a
#         4 MiB file to wget, three parallel nc streams of 4 MiB, 20 pings
#
# The guest sends a gzip'd tar (the trace file, /proc/slabinfo, meminfo and
# buddyinfo snapshots, the tracing ring buffer stats) as base64 on its second
# serial port, which QEMU writes to a file; the console is the first. Kept in
# tools/trace/: <phase>.trace.xz (the tracepoint text, as
# /sys/kernel/tracing/trace prints it) and <phase>.slabinfo (the guest's
# /proc/slabinfo at the end of the run). Work files go to $TRACE_WORK
# (default build/trace).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work=${TRACE_WORK:-$top/build/trace}
buf=${TRACE_BUF:-48M}
kernel=$(ls /boot/vmlinuz-6.12.*-amd64 2>/dev/null | grep -v -- '-rt-' | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "capture: no /boot/vmlinuz-6.12.*-amd64 (apt-get install linux-image-6.12-amd64)"; exit 1; }
rel=${kernel#/boot/vmlinuz-}
mods=/lib/modules/$rel
events=kmem:kmalloc,kmem:kfree,kmem:kmem_cache_alloc,kmem:kmem_cache_free
events=$events,kmem:mm_page_alloc,kmem:mm_page_free,kmem:mm_page_free_batched
phases=${*:-boot fs net}

mkdir -p "$work"
stage=$work/initramfs
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/guest" "$stage/modules" "$stage/proc" "$stage/sys" \
	"$stage/dev" "$stage/tmp" "$stage/mnt"
cp /bin/busybox "$stage/bin/busybox"
cp "$top/tools/vm/guest/init" "$stage/init"
cp "$here/guest-trace.sh" "$stage/guest/trace.sh"
for m in kernel/crypto/crc32c_generic kernel/lib/crc16 kernel/fs/mbcache kernel/fs/jbd2/jbd2 kernel/fs/ext4/ext4 \
	kernel/drivers/block/loop kernel/fs/squashfs/squashfs kernel/drivers/net/dummy \
	kernel/drivers/net/veth kernel/drivers/net/tun; do
	xz -dc "$mods/$m.ko.xz" >"$stage/modules/$(basename "$m").ko"
done
chmod +x "$stage/init" "$stage/guest/trace.sh"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initramfs.cpio.gz"

bios=""
[ -f /usr/share/qemu/qboot.rom ] && bios="-bios /usr/share/qemu/qboot.rom"
for phase in $phases; do
	log=$work/$phase.console
	dump=$work/$phase.dump
	echo "capture: $phase: booting $rel"
	append="console=ttyS0 quiet panic=-1 kbuddy_run=trace trace_phase=$phase"
	append="$append trace_event=$events trace_buf_size=$buf trace_options=nooverwrite"
	append="$append no_hash_pointers nokaslr"
	# shellcheck disable=SC2086
	timeout --foreground -k 10 "${TRACE_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max $bios \
		-smp 2 -m 1G -nographic -no-reboot -monitor none -display none \
		-serial "file:$log" -serial "file:$dump" \
		-kernel "$kernel" -initrd "$work/initramfs.cpio.gz" -append "$append" \
		</dev/null >/dev/null 2>&1 || { echo "capture: $phase: qemu failed or timed out"; tail -n 20 "$log"; exit 1; }
	sed -i 's/\r$//' "$log"
	grep '^KTRACE' "$log" || true
	grep -q '^KTRACE dumped' "$log" || { echo "capture: $phase: no dump"; tail -n 20 "$log"; exit 1; }
	rm -rf "$work/$phase"
	mkdir -p "$work/$phase"
	tr -d '\r' <"$dump" | sed -n '/^KTRACE-DUMP-BEGIN$/,/^KTRACE-DUMP-END$/p' | sed '1d;$d' |
		base64 -d | tar xzf - -C "$work/$phase"
	xz -9 -T1 -c "$work/$phase/trace" >"$here/$phase.trace.xz"
	cp "$work/$phase/slabinfo.end" "$here/$phase.slabinfo"
	n=$(grep -cE ' (kmalloc|kfree|kmem_cache_alloc|kmem_cache_free|mm_page_alloc|mm_page_free|mm_page_free_batched): ' "$work/$phase/trace")
	echo "capture: $phase: $n events, $(wc -c <"$here/$phase.trace.xz") bytes compressed"
done
