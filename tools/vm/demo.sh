#!/bin/sh
# make demo: build kbuddy for the newest installed Debian kernel (the plain
# flavour; FLAVOUR=rt for the PREEMPT_RT one), boot it in
# QEMU with memmap=64M$0x10000000 and show kbuddy working over that region;
# end with two pictures of the pool (tools/render/demo-pictures.sh): PNGs of
# its map fragmented and after everything was freed, their paths last.
set -eu
. "$(dirname "$0")/../lib.sh"

kdir=$(debian_kdirs | tail -n 1)
rel=$(kdir_release "$kdir")
echo "demo: Debian kernel $rel (the newest installed${FLAVOUR:+, flavour $FLAVOUR}), headers $kdir, software emulation"
out=$build/demo-$rel
build_modules "$kdir" "$out"
"$top/tools/vm/mkinitramfs.sh" "$out/initramfs.cpio.gz" "$out/kbuddy.ko"
if ! "$top/tools/vm/run-qemu.sh" "/boot/vmlinuz-$rel" "$out/initramfs.cpio.gz" demo \
	"$out/console.log" 300; then
	exit 1
fi
# The guest's output (its dumps folded into a line each), then the dumps cut
# out into $out/dumps/STAGE/ and drawn: the pool fragmented, then freed.
"$top/tools/render/demo-pictures.sh" --show "$out/console.log"
echo "== the pictures: the dumps in $out/dumps/<stage>/, drawn by tools/render/kbuddy-map.py"
"$top/tools/render/demo-pictures.sh" "$out/console.log" "$out"
