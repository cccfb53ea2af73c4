# The debugfs fuzzer (tools/vm/debugfs-fuzz.c, /bin/kbuddy-fuzz): random and
# mutated inputs to every writable kbuddy file from several writers at once,
# then: no kernel report, validate ok, the refusals kbuddy counted equal to
# the writes refused, and once the fuzzer's accepted writes are undone (free
# all, drain, shrink, the knobs put back) the state as it was before.
# kbuddy_fuzz_inputs= and kbuddy_fuzz_writers= on the kernel command line
# set the size (make check: 100000 inputs; make stress: 10^6).
. ./lib.sh
inputs=${kbuddy_fuzz_inputs:-100000}
writers=${kbuddy_fuzz_writers:-4}
G=/sys/kernel/debug/kbuddy/fault
KNOBS="probability interval times nth sites"

# The state a refused write must not change, after the pool is settled.
settle() {
	echo "free all" >"$D/blocks" && echo drain >"$D/blocks" && echo shrink >"$D/blocks" &&
	echo off >"$D/histogram"
}
state() {
	echo "== buddyinfo"; cat "$D/buddyinfo"
	echo "== slabinfo"; cat "$D/slabinfo"
	echo "== blocks"; cat "$D/blocks"
	echo "== histogram"; head -n 1 "$D/histogram"
	echo "== stats"
	grep -E '^(max_order|regions|pages_[a-z]*|slab_(caches|slabs|objects[a-z_]*)|bytes_handed_out|parked_[a-z_]*|waste_[a-z_]*) ' "$D/stats"
	for d in "$D/fault" "$G"; do
		for k in $KNOBS; do echo "$d/$k $(cat "$d/$k")"; done
	done
}
refusals() { echo $(($(st debugfs_writes_refused) + $(cat "$G/refused"))); }
# Put the knobs of fault directory $1 back to the values in file $2.
restore_knobs() {
	for k in $KNOBS; do
		v=$(sed -n "s|^$1/$k ||p" "$2")
		[ "$k" = sites ] && [ -z "$v" ] && v=none
		echo "$v" >"$1/$k" || { echo "could not put $1/$k back to '$v'"; return 1; }
	done
}
t_fuzz() {
	load region=$REGION || { echo "insmod kbuddy.ko failed"; return 1; }
	settle || return 1
	state >/tmp/before
	ref0=$(refusals)
	echo "kbuddy-test-mark fuzz" >/dev/kmsg
	kbuddy-fuzz -n "$inputs" -j "$writers" ${kbuddy_fuzz_seed:+-s $kbuddy_fuzz_seed} \
		/sys/kernel/debug/kbuddy >/tmp/fuzz.out 2>&1
	rc=$?
	grep -v '^fuzz: [a-z_./-]* *accepted' /tmp/fuzz.out >/tmp/fuzz.summary
	cat /tmp/fuzz.out
	[ "$rc" = 0 ] || { echo "kbuddy-fuzz failed (exit $rc)"; unload; return 1; }
	ref=$(refusals)
	refused=$(sed -n 's/^fuzz-refused: //p' /tmp/fuzz.out)
	expect "$((ref - ref0))" "$refused" "refusals kbuddy counted vs writes refused" || { unload; return 1; }
	expect "$(cat "$D/validate")" ok "validate after the fuzz" || { unload; return 1; }
	restore_knobs "$D/fault" /tmp/before && restore_knobs "$G" /tmp/before && settle || { unload; return 1; }
	expect "$(refusals)" "$ref" "cleanup refused nothing" || { unload; return 1; }
	state >/tmp/after
	if ! cmp -s /tmp/before /tmp/after; then
		echo "state changed:"; diff /tmp/before /tmp/after | head -n 20; unload; return 1
	fi
	expect "$(cat "$D/validate")" ok "validate after cleanup" || { unload; return 1; }
	# From the mark on (a line count would miss once the ring buffer is full).
	dmesg | sed -n '/kbuddy-test-mark fuzz$/,$p' >/tmp/dmesg1
	grep -q 'kbuddy-test-mark fuzz' /tmp/dmesg1 || { echo "the log lost the fuzz's start"; unload; return 1; }
	if grep -E 'BUG|WARNING|Oops|Call Trace|kbuddy: BUG |general protection' /tmp/dmesg1 | grep -v ': refused ' | head -n 5 | grep .; then
		echo "kernel report during the fuzz"; unload; return 1
	fi
	echo "fuzz: $refused refusals counted, $(grep -c ': refused ' /tmp/dmesg1) logged (ratelimited), state as before once cleaned up" >>/tmp/fuzz.summary
	unload
}
: >/tmp/fuzz.summary
t debugfs_fuzz t_fuzz
# The counts and the rate, for the host's log.
cat /tmp/fuzz.summary
