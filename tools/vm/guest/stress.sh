# The concurrent stress test: load kbuddy over the memmap= region, then
# kbuddy_stress.ko, whose insmod runs the whole test (workers on every CPU,
# a pool of its own) and fails if anything went wrong. Its one-line verdict
# ("stress: ...") is printed here for the host, with one KTEST line.
# stress_<param>=VALUE on the kernel command line (ops, seconds, threads,
# double_frees, keep_going, seed) passes <param>=VALUE to the module.
. ./lib.sh
cpus=$(grep -c '^processor' /proc/cpuinfo)
name=stress_${cpus}cpu
[ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak
if ! load region=$REGION; then
	fail "$name" "insmod kbuddy.ko region=$REGION failed"
	exit 1
fi
args=""
for p in ops seconds threads double_frees keep_going seed; do
	eval "v=\${stress_$p:-}"
	[ -n "$v" ] && args="$args $p=$v"
done
start=$(date +%s)
# shellcheck disable=SC2086
insmod "$M/kbuddy_stress.ko" $args
rc=$?
secs=$(($(date +%s) - start))
line=$(dmesg | sed -n 's/^\[[^]]*\] \(stress: .*\)$/\1/p' | tail -n 1)
echo "${line:-stress: FAILED: no verdict line (insmod rc $rc)}"
echo "stress-time: ${secs}s"
dmesg | sed -n 's/^\[[^]]*\] \(stress-validate: .*\)$/\1/p' | tail -n 1
if [ "$rc" -eq 0 ] && [ -n "$line" ] && [ "${line%validate ok}" != "$line" ]; then
	pass "$name"
else
	fail "$name" "insmod rc $rc: ${line:-no verdict line}"
fi
lsmod | grep -q '^kbuddy_stress' && rmmod kbuddy_stress
[ "$(cat $D/validate)" = ok ] || fail "${name}_default_pool" "validate: $(cat $D/validate | head -n 3 | tr '\n' '|')"
unload
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi
