# KUnit in the debug kernel: load kbuddy (over the memmap= region, so the
# physical path runs under KASAN too), load kbuddy_kunit (its suites run at
# insmod), print each suite's KTAP from debugfs and unload (init scans
# for leaks after the last script).
. ./lib.sh
load region=$REGION || echo "KTEST FAIL kunit_load_kbuddy: insmod kbuddy.ko failed"
insmod "$M/kbuddy_kunit.ko" || echo "KTEST FAIL kunit_load_suites: insmod kbuddy_kunit.ko failed"
for d in /sys/kernel/debug/kunit/kbuddy_*; do
	[ -f "$d/results" ] || continue
	echo "KBUDDY-KTAP-BEGIN ${d##*/}"
	cat "$d/results"
	echo "KBUDDY-KTAP-END"
done
rmmod kbuddy_kunit
unload
