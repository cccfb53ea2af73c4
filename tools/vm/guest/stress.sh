# The concurrent stress test: load kbuddy over the memmap= region, then
# kbuddy_stress.ko, whose insmod runs the whole test (workers on every CPU,
# a pool of its own) and fails if anything went wrong. Its one-line verdict
# ("stress: ...") is printed here for the host, with one KTEST line.
# stress_<param>=VALUE on the kernel command line (ops, seconds, threads,
# double_frees, keep_going, seed) passes <param>=VALUE to the module.
. ./lib.sh
cpus=$(grep -c '^processor' /proc/cpuinfo)
name=stress_${cpus}cpu
if ! load region=$REGION; then
	fail "$name" "insmod kbuddy.ko region=$REGION failed"
	exit 1
fi
args=""
for p in ops seconds threads double_frees keep_going seed; do
	eval "v=\${stress_$p:-}"
	[ -n "$v" ] && args="$args $p=$v"
done
# Meanwhile read every debugfs file of every pool: no figure may be wrapped
# (20 digits) or negative, none larger than its pool, no slabinfo row with
# more active objects than objects.
watch_debugfs() {
	reads=0
	bad=0
	while [ ! -e /tmp/stress.done ]; do
		for d in /sys/kernel/debug/kbuddy/*/; do
			[ -f "${d}stats" ] || continue
			why=$( { cat "${d}stats"; echo "--slabinfo"; cat "${d}slabinfo"; } 2>/dev/null | awk '
				$1 == "--slabinfo" { slab = 1; next }
				slab && $1 !~ /^(slabinfo|#)/ && $2 + 0 > $3 + 0 {
					print "slabinfo " $1 ": " $2 " active of " $3; exit }
				slab { next }
				$2 ~ /^-/ || length($2) > 18 { print "stats " $1 " " $2; exit }
				{ v[$1] = $2 }
				END { t = v["pages_total"] + 0
				      if (v["pages_used"] + 0 > t || v["pages_free"] + 0 > t ||
					  v["pages_pcp"] + 0 > t)
					print "stats past pages_total " t ": used " v["pages_used"] \
					      " free " v["pages_free"] " pcp " v["pages_pcp"] }')
			cat "${d}buddyinfo" "${d}extfrag/unusable_index" \
				"${d}extfrag/extfrag_index" >/dev/null 2>&1
			reads=$((reads + 1))
			if [ -n "$why" ]; then
				bad=$((bad + 1))
				[ "$bad" -le 3 ] && echo "debugfs-watch: $d: $why"
			fi
		done
	done
	echo "debugfs-watch: $reads reads of every pool's files under load, $bad bad"
	[ "$bad" -eq 0 ]
}
rm -f /tmp/stress.done
watch_debugfs >/tmp/watch.out 2>&1 &
watch=$!
start=$(date +%s)
# shellcheck disable=SC2086
insmod "$M/kbuddy_stress.ko" $args
rc=$?
touch /tmp/stress.done
if wait "$watch"; then
	cat /tmp/watch.out
	pass "debugfs_under_load_${cpus}cpu"
else
	cat /tmp/watch.out
	fail "debugfs_under_load_${cpus}cpu" "$(tail -n 1 /tmp/watch.out)"
fi
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
