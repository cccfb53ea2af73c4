# make bench: kbuddy over the memmap= region, then kbuddy_bench.ko, whose
# results go to the kernel log. The environment is printed first.
. ./lib.sh
echo "KBENCH-ENV kernel $(uname -r)"
echo "KBENCH-ENV cmdline $(cat /proc/cmdline)"
echo "KBENCH-ENV cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "KBENCH-ENV cpus $(grep -c ^processor /proc/cpuinfo)"
# kbuddy.* on the kernel command line are kbuddy's parameters (debug=).
load region=$REGION $(tr ' ' '\n' </proc/cmdline | sed -n 's/^kbuddy\.//p') || exit 1
# kbhist=1 (make bench's histogram run): the benchmark's pool counts.
if tr ' ' '\n' </proc/cmdline | grep -qx 'kbhist=1'; then
	echo on >"$D/histogram" || echo "KBENCH-ERROR histogram on failed"
fi
dmesg -c >/dev/null
# What kbuddy_bench.ko needs of the kernel's modules (drm_buddy.ko on 6.1).
for m in "$M"/dep-*.ko; do
	[ -e "$m" ] && { insmod "$m" || echo "KBENCH-ERROR insmod $m failed"; }
done
insmod "$M/kbuddy_bench.ko" $(cat /proc/cmdline | tr ' ' '\n' | sed -n 's/^kbench\.//p') || echo "KBENCH-ERROR insmod kbuddy_bench failed"
dmesg | grep -E 'kbench(-frag|-noise)?:' | sed 's/^\[[^]]*\] *//'
echo "KBENCH-VALIDATE $(cat $D/validate)"
if tr ' ' '\n' </proc/cmdline | grep -qx 'kbhist=1'; then
	sed 's/^/KBENCH-HIST /' "$D/histogram"
	echo off >"$D/histogram"
fi
rmmod kbuddy_bench
unload
