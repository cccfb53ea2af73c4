# insmod/rmmod cycles of kbuddy with memory outstanding in some (make check:
# kbuddy_cycles=20; make stress: 100). Every fifth cycle leaks: kbuddy on the
# page allocator fallback (size=4M, one 4 MiB chunk), a client module
# (kbuddy_stress leak=N) takes pages and mallocs and goes without freeing
# them, then kbuddy goes: the leak report must name every leaked page, and
# the chunk stays taken: none of its pages is free in the kernel's buddy
# allocator from then on (/proc/kpageflags, checked after every cycle), and
# MemFree is lower by that much.
# The other cycles load kbuddy over the memmap= region with blocks and
# mallocs held through debugfs at rmmod (freed by the unload, not leaks):
# no leak report, /proc/iomem exactly as before, MemFree back to where it
# was (less what the leaking cycles before kept), within SLACK_KB for the
# kernel's own per-CPU page lists and slabs. MemFree is checked one way:
# kbuddy can only make it lower (a leak); when it comes back higher, the
# kernel freed memory of its own (seen once: 5 MiB more than at the start,
# at cycle 12), which is logged and becomes the new starting point, so a
# later leak is still found. A leak cannot be tried over
# the memmap= region here: it stays claimed until reboot (leak.sh does that
# once, last in the boot).
. ./lib.sh
cycles=${kbuddy_cycles:-20}
# The kernel's slabs move free memory a little on their own. (MemFree alone
# moved by up to 8 MiB either way from one cycle to the next: the per-CPU
# page lists, which memfree() adds back.)
SLACK_KB=2048

# MemFree plus the pages in the kernel's per-CPU page lists (free, but not
# counted in MemFree; they come and go by megabytes): kB.
memfree() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n + 0 }' /proc/zoneinfo)
	awk -v pcp="$pcp" '$1 == "MemFree:" { print $2 + pcp * 4 }' /proc/meminfo
}

# chunk_free SIZE PHYS: the pages of the chunk SIZE@PHYS (bytes, 0x...) that
# are free in the kernel's buddy allocator: PFNs with KPF_BUDDY (bit 10) in
# /proc/kpageflags, one per line.
chunk_free() {
	first=$(($2 / 4096))
	dd if=/proc/kpageflags bs=8 skip="$first" count=$(($1 / 4096)) 2>/dev/null |
		od -An -tx8 -v -w8 |
		awk -v first="$first" '{ if (index("4567cdef", substr($1, 14, 1))) print first + NR - 1 }'
}
# The log since mark_log NAME: found by its line, not by a line count (the
# ring buffer drops its oldest lines once full).
mark_log() { echo "kbuddy-test-mark $1" >/dev/kmsg; }
dmesg_since() { dmesg | sed -n "/kbuddy-test-mark $1\$/,\$p"; }

t_cycles() {
	# A first cycle pays for what loading modules costs once.
	# Measured: MemFree settles after two cycles (the kernel's per-CPU page
	# lists fill up); three first.
	for w in 1 2 3; do
		load region=$REGION && echo "alloc 2 3" >"$D/blocks" &&
			echo "malloc 100 5" >"$D/blocks" && unload || { echo "first loads failed"; return 1; }
	done
	# The chunk check sees a chunk taken, and the same chunk free once the
	# pool gave it back (so it can fail). The chunk is one order-10 block
	# of the kernel's, aligned to its size: a page's address, rounded down.
	load size=4M && echo "alloc 0 1" >"$D/blocks" || { echo "insmod size=4M failed"; return 1; }
	page=$(awk 'NR == 1 { print $2 }' "$D/blocks")
	chunk=$((page / 4194304 * 4194304))
	[ -z "$(chunk_free 4194304 "$chunk")" ] || { unload; echo "chunk at $page free while the pool holds it"; return 1; }
	unload || return 1
	[ -n "$(chunk_free 4194304 "$chunk")" ] || { echo "chunk at $page not free after the pool gave it back"; return 1; }
	cp /proc/iomem /tmp/iomem-base
	base=$(memfree)
	leaked_kb=0
	leaks=0
	: >/tmp/chunks
	start=$(date +%s)
	i=1
	while [ "$i" -le "$cycles" ]; do
		mark=cycle-$i
		mark_log "$mark"
		if [ $((i % 5)) = 0 ]; then
			n=$((i % 10 == 0 ? 20 : 2))
			load size=4M || { echo "cycle $i: insmod size=4M failed"; return 1; }
			insmod "$M/kbuddy_stress.ko" leak=$n || { unload; echo "cycle $i: leak=$n failed"; return 1; }
			rmmod kbuddy_stress && unload || { echo "cycle $i: rmmod failed"; return 1; }
			dmesg_since "$mark" >/tmp/cycle
			# With the malloc slab, up to 15 pages are all named.
			[ "$n" -gt 15 ] ||
			for p in $(sed -n 's/.*kbuddy_stress: leaking page \(0x[0-9a-f]*\)$/\1/p' /tmp/cycle); do
				grep -q "block $p order 0 still allocated" /tmp/cycle ||
					{ echo "cycle $i: leaked page $p not named"; cat /tmp/cycle; return 1; }
			done
			[ "$(grep -c 'kbuddy_stress: leaking page' /tmp/cycle)" = "$n" ] ||
				{ echo "cycle $i: $n pages leaked, not all said"; return 1; }
			# N pages and the slab(s) of the N mallocs; 16 named, the rest counted.
			held=$(sed -n 's/.*destroyed with \([0-9]*\) blocks still allocated in region \(0x[0-9a-f]*\)@\(0x[0-9a-f]*\).*/\1 \2 \3/p' /tmp/cycle)
			set -- $held
			[ $# = 3 ] && [ "$1" -gt "$n" ] || { echo "cycle $i: leak report '$held'"; cat /tmp/cycle; return 1; }
			named=$(grep -c 'pool default: block 0x[0-9a-f]* order [0-9]* still allocated$' /tmp/cycle)
			# The mallocs: each object named by its cache.
			grep -q "cache kmalloc-64: destroyed with $n objects still allocated" /tmp/cycle ||
				{ echo "cycle $i: the $n leaked mallocs not reported"; cat /tmp/cycle; return 1; }
			if [ "$1" -gt 16 ]; then
				expect "$named" 16 "cycle $i: blocks named" || return 1
				grep -q "and $(($1 - 16)) more blocks still allocated" /tmp/cycle ||
					{ echo "cycle $i: no count of the blocks not named"; return 1; }
			else
				expect "$named" "$1" "cycle $i: blocks named" || return 1
			fi
			leaked_kb=$((leaked_kb + $2 / 1024))
			echo "$2 $3" >>/tmp/chunks
			leaks=$((leaks + 1))
		else
			load region=$REGION || { echo "cycle $i: insmod failed"; return 1; }
			echo "alloc $((i % 11)) 3" >"$D/blocks" && echo "malloc $((i * 97)) 5" >"$D/blocks" ||
				{ unload; echo "cycle $i: blocks writes failed"; return 1; }
			expect "$(cat "$D/validate")" ok "cycle $i validate" || { unload; return 1; }
			unload || { echo "cycle $i: rmmod failed"; return 1; }
			dmesg_since "$mark" >/tmp/cycle
			! grep -q 'still allocated' /tmp/cycle || { echo "cycle $i: a leak reported"; cat /tmp/cycle; return 1; }
			cmp -s /proc/iomem /tmp/iomem-base ||
				{ echo "cycle $i: /proc/iomem differs"; diff /tmp/iomem-base /proc/iomem; return 1; }
		fi
		! grep -qE 'BUG|WARNING|Oops|Call Trace' /tmp/cycle || { echo "cycle $i: kernel report"; cat /tmp/cycle; return 1; }
		while read -r size phys; do
			freed=$(chunk_free "$size" "$phys")
			[ -z "$freed" ] || { echo "cycle $i: leaked chunk $size@$phys has free pages (PFNs $freed)"; return 1; }
		done </tmp/chunks
		now=$(memfree)
		want=$((base - leaked_kb))
		diff=$((now - want))
		echo "cycles: cycle $i MemFree $now kB, expected $want kB" >>/tmp/cycles.log
		[ "$diff" -ge "-$SLACK_KB" ] ||
			{ echo "cycle $i: MemFree $now kB, expected $want kB ($base less $leaked_kb leaked) within $SLACK_KB"; return 1; }
		if [ "$diff" -gt "$SLACK_KB" ]; then
			echo "cycles: cycle $i: the kernel freed $diff kB of its own; starting from $now kB" >>/tmp/cycles.log
			base=$((base + diff))
		fi
		i=$((i + 1))
	done
	secs=$(($(date +%s) - start))
	echo "cycles: $cycles in $secs s, $leaks leaking ($leaked_kb kB kept, as reported), MemFree $now kB, expected $want kB" >/tmp/cycles.summary
}
: >/tmp/cycles.summary
: >/tmp/cycles.log
t insmod_rmmod_cycles_leaks t_cycles
cat /tmp/cycles.log /tmp/cycles.summary
