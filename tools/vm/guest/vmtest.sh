# VM tests of kbuddy.ko on a Debian kernel over memmap=64M$0x10000000.
. ./lib.sh
. ./stat.sh

pristine() {
	# 64 MiB at 256 MiB, max_order 11: sixteen 4 MiB blocks and nothing else.
	for o in 0 1 2 3 4 5 6 7 8 9; do expect "$(bi $o)" 0 "order $o" || return 1; done
	expect "$(bi 10)" 16 "order 10" && expect "$(cat $D/validate)" ok validate
}

# Exact split and merge counts need the per-CPU page caches off (pcp=0);
# t_pcp checks them on.
t_load() { load region=$REGION pcp=0 && dmesg | grep -q 'pool default: 1 regions, 16384 pages, max_order 11, pcp off'; }
t_files() {
	for f in buddyinfo stats validate slabinfo; do
		[ "$(stat -c %a "$D/$f")" = 400 ] || { echo "$f mode $(stat -c %a "$D/$f")"; return 1; }
	done
	[ "$(stat -c %a "$D/blocks")" = 600 ]
}
t_buddyinfo_format() {
	lines=$(wc -l <"$D/buddyinfo")
	expect "$lines" 1 "one line per region" &&
	grep -qE '^Pool default, region +0( +[0-9]+){11} $' "$D/buddyinfo" && pristine
}
t_stats_format() {
	bad=$(grep -vcE '^[a-z_0-9]+ [0-9]+$' "$D/stats")
	expect "$bad" 0 "lines not 'name value'" &&
	expect "$(st pages_total)" 16384 pages_total &&
	expect "$(st pages_free)" 16384 pages_free &&
	expect "$(st pages_used)" 0 pages_used &&
	expect "$(grep -c '^alloc_order_' $D/stats)" 11 "alloc_order_ lines" &&
	for k in pages_pcp pcp_alloc pcp_free pcp_refill pcp_drain splits merges bad_free_outside bad_free_misaligned bad_free_not_head \
		bad_free_double bad_free_wrong_order; do
		[ -n "$(st $k)" ] || { echo "no $k"; return 1; }
	done
}
# The use and waste lines: a page block and 64-byte objects show up as
# handed out, freed objects as parked in magazines, and nothing is left
# held once everything is freed, drained and shrunk.
t_stats_use() {
	expect "$(st pages_held)" 0 "pages_held, pristine" &&
	echo "alloc 3" >"$D/blocks" && echo "malloc 64 100" >"$D/blocks" || return 1
	expect "$(st bytes_handed_out)" $((8 * 4096 + 100 * 64)) bytes_handed_out &&
	expect "$(st pages_held)" $(($(st pages_total) - $(st pages_free))) pages_held || return 1
	echo "free all" >"$D/blocks" || return 1
	expect "$(st bytes_handed_out)" 0 "bytes_handed_out after free" &&
	[ "$(st parked_bytes_magazines)" -gt 0 ] || { echo "nothing parked in magazines"; return 1; }
	[ "$(st pages_held_peak)" -ge 9 ] || { echo "pages_held_peak $(st pages_held_peak)"; return 1; }
	echo drain >"$D/blocks" && echo shrink >"$D/blocks" &&
	expect "$(st pages_held)" 0 "pages_held after drain and shrink" &&
	expect "$(st parked_pages_empty_slabs)" 0 "empty slabs after shrink" &&
	expect "$(st waste_external_pages)" 0 waste_external_pages && pristine
}
t_validate() { expect "$(cat $D/validate)" ok validate; }
t_iomem() { grep -q '^  10000000-13ffffff : kbuddy$' /proc/iomem || { grep -B1 -A1 kbuddy /proc/iomem; cat /proc/iomem; return 1; }; }
t_split_merge() {
	echo "alloc 0" >"$D/blocks" || return 1
	for o in 0 1 2 3 4 5 6 7 8 9; do expect "$(bi $o)" 1 "order $o after split" || return 1; done
	expect "$(bi 10)" 15 "order 10 after split" &&
	expect "$(st splits)" 10 splits && expect "$(st alloc_order_0)" 1 alloc &&
	expect "$(st pages_used)" 1 used && expect "$(cat $D/validate)" ok validate || return 1
	phys=$(awk '{ print $2 }' "$D/blocks")
	[ $((phys)) -ge $((0x10000000)) ] && [ $((phys)) -lt $((0x14000000)) ] ||
		{ echo "block at $phys outside the region"; return 1; }
	echo "free $phys" >"$D/blocks" && expect "$(st merges)" 10 merges && pristine
}
# The map, checked whole: its records tile the region in address order,
# and its free blocks per order, used pages, and slabs per cache are
# printed as "free F0 .. F10 used U slab NAME:N ..." to compare.
map_summary() {
	awk '
	function pow2(n, p) { for (p = 1; n > 0; n--) p *= 2; return p }
	/^pool / { next }
	/^region / { split($3, r, "-"); pages = substr($4, 7); at = 0; next }
	{
		if ($1 != at) { print "gap or overlap at page " $1 ", expected " at; exit 1 }
		n = $4 * pow2($2); at = $1 + n
		if ($1 % pow2($2)) { print "misaligned record at " $1; exit 1 }
		if ($3 == "free") free[$2] += $4; else used += n
		if ($3 == "slab") slab[$5] += $4
	}
	END {
		if (at != pages) { print "records cover " at " of " pages " pages"; exit 1 }
		printf "free"; for (o = 0; o < 11; o++) printf " %d", free[o]; printf " used %d slab", used
		for (c in slab) printf " %s:%d", c, slab[c]; print ""
	}' "$D/map"
}
bi_free() { printf "free"; for o in 0 1 2 3 4 5 6 7 8 9 10; do printf " %s" "$(bi $o)"; done; }
t_map() {
	[ "$(stat -c %a $D/map)" = 400 ] || return 1
	expect "$(head -n 3 $D/map)" "pool default kind=ram max_order=11 regions=1
region 0 0x0000000010000000-0x0000000014000000 pages=16384
0 10 free 16" pristine || return 1
	expect "$(wc -l <$D/map)" 3 "pristine map lines" &&
	echo "alloc 0" >"$D/blocks" && echo "malloc 64" >"$D/blocks" && echo "alloc 4 3" >"$D/blocks" || return 1
	expect "$(map_summary)" "$(bi_free) used $(st pages_used) slab kmalloc-64:1" "map after splits" &&
	expect "$(grep -c ' pages ' $D/map)" 2 "page-block records (order 0, order 4 x3)" &&
	expect "$(awk '$3 == "pages" { n += $4 } END { print n }' $D/map)" 4 "page blocks" || return 1
	awk '$3 == "pages" && $2 == 0 { print $1 }' $D/map >/tmp/p0
	id=$(awk '$4 == 0 && $3 == "pages" { print $1 }' $D/blocks)
	phys=$(awk '$4 == 0 && $3 == "pages" { print $2 }' $D/blocks)
	expect "$(( (phys - 0x10000000) / 4096 ))" "$(cat /tmp/p0)" "the order-0 block where blocks says" &&
	echo "free id $id" >"$D/blocks" && echo "free all" >"$D/blocks" || return 1
	expect "$(map_summary)" "$(bi_free) used $(st pages_used) slab kmalloc-64:1" "map after merges" &&
	echo drain >"$D/blocks" && echo shrink >"$D/blocks" && pristine && expect "$(wc -l <$D/map)" 3 "pristine map again"
}
# pools: one line per pool, its numbers those of stats.
t_pools() {
	P=/sys/kernel/debug/kbuddy/pools
	[ "$(stat -c %a $P)" = 400 ] && echo drain >"$D/blocks" && echo shrink >"$D/blocks" || return 1
	expect "$(cat $P)" "default kind=ram max_order=11 pages=16384 free=16384 cached=0 used=0 regions=0x0000000010000000-0x0000000014000000 offer=1" pristine &&
	echo "alloc 3 2" >"$D/blocks" || return 1
	expect "$(cat $P)" "default kind=ram max_order=11 pages=16384 free=$(st pages_free) cached=0 used=16 regions=0x0000000010000000-0x0000000014000000 offer=1" "two order-3 blocks" &&
	echo "free all" >"$D/blocks" && pristine
}
# blocks lists ids and kinds and frees by id; a refused id changes nothing.
t_blocks_ids() {
	echo "alloc 2 2" >"$D/blocks" && echo "malloc 100" >"$D/blocks" || return 1
	expect "$(awk '{ print $3, $4 }' $D/blocks | tr '\n' ,)" "pages 2,pages 2,malloc 100," kinds || return 1
	ids=$(awk '{ print $1 }' $D/blocks | tr '\n' ' ')
	set -- $ids
	[ "$2" -eq $(($1 + 1)) ] && [ "$3" -eq $(($1 + 2)) ] || { echo "ids $ids"; return 1; }
	before=$(cat $D/blocks)
	! echo "free id $(($3 + 1))" >"$D/blocks" 2>/dev/null && ! echo "free id x" >"$D/blocks" 2>/dev/null &&
		! echo "free id" >"$D/blocks" 2>/dev/null && ! echo "free id 1 2" >"$D/blocks" 2>/dev/null ||
		{ echo "a bad id accepted"; return 1; }
	expect "$(cat $D/blocks)" "$before" "refused ids changed nothing" &&
	echo "free id $2" >"$D/blocks" && expect "$(awk '{ print $1 }' $D/blocks | tr '\n' ' ')" "$1 $3 " "id $2 freed" &&
	echo "alloc 0" >"$D/blocks" && expect "$(awk 'END { print $1 }' $D/blocks)" $(($3 + 1)) "ids not reused" &&
	echo "free all" >"$D/blocks" && echo shrink >"$D/blocks" && pristine
}
# The histogram: off by default and counting nothing; on, the requests by
# order and size class and one latency sample per operation on its path; a
# refused write counted and changing nothing; reset and off.
hsum() { awk -v op="$1" -v re="$2" '$1 == "latency" && $2 == op && $3 ~ re { for (i = 4; i <= NF; i++) n += $i } END { print n + 0 }' "$D/histogram"; }
t_histogram() {
	H=$D/histogram
	[ "$(stat -c %a $H)" = 600 ] && expect "$(head -n 1 $H)" "enabled 0" "off by default" || return 1
	echo "alloc 2 3" >"$D/blocks" && echo "free all" >"$D/blocks" || return 1
	expect "$(awk '$1 == "order" && $2 == 2 { print $3 }' $H)" 0 "nothing counted while off" &&
	echo on >$H && echo "alloc 2 3" >"$D/blocks" && echo "malloc 64 5" >"$D/blocks" &&
	echo "free all" >"$D/blocks" || return 1
	expect "$(head -n 1 $H)" "enabled 1" on &&
	expect "$(awk '$1 == "order" && $2 == 2 { print $3 }' $H)" 3 "order-2 requests" &&
	expect "$(awk '$1 == "size" && $2 == 64 { print $3 }' $H)" 5 "64-byte requests" &&
	expect "$(hsum alloc '^(pcp|pool)$')" 3 "page allocations timed" &&
	expect "$(hsum free '^(pcp|pool)$')" 3 "page frees timed" &&
	expect "$(hsum alloc '^slab_')" 5 "object allocations timed" &&
	expect "$(hsum free '^slab_')" 5 "object frees timed" &&
	expect "$(grep -c '^latency ' $H)" 8 "latency lines" &&
	expect "$(awk '$1 == "latency" && NF != 35' $H | wc -l)" 0 "32 buckets a line" || return 1
	before=$(cat $H); ref=$(st debugfs_writes_refused)
	! echo enable >$H 2>/dev/null && ! echo "on off" >$H 2>/dev/null || { echo "a bad command accepted"; return 1; }
	expect "$(cat $H)" "$before" "refused writes changed nothing" &&
	expect "$(st debugfs_writes_refused)" $((ref + 2)) "refusals counted" &&
	echo reset >$H && expect "$(hsum alloc .)" 0 "reset" &&
	echo off >$H && echo "alloc 0" >"$D/blocks" && expect "$(hsum alloc .)" 0 "off counts nothing" &&
	expect "$(head -n 1 $H)" "enabled 0" off &&
	echo "free all" >"$D/blocks" && echo drain >"$D/blocks" && echo shrink >"$D/blocks" && pristine
}
# Every refusal counted once (debugfs_writes_refused), nothing else changed.
stats_but_refusals() { grep -v '^debugfs_writes_refused ' "$D/stats"; }
t_bad_writes() {
	before_bi=$(cat $D/buddyinfo); before_st=$(stats_but_refusals); before_ref=$(st debugfs_writes_refused)
	# First: the log shows the first ten refusals of five seconds.
	if printf 'alloc 1\000junk' >"$D/blocks" 2>/dev/null; then echo "a NUL inside taken"; return 1; fi
	for w in "bogus" "alloc" "alloc x" "alloc 11" "alloc 0 0" "alloc 0 1 2" "free" \
		"free 0x1234" "free all now" "" "malloc" "malloc 0" "malloc 1 2 3" "drain now" \
		"shrink 1"; do
		if echo "$w" >"$D/blocks" 2>/dev/null; then echo "write '$w' accepted"; return 1; fi
	done
	expect "$(cat $D/buddyinfo)" "$before_bi" buddyinfo && expect "$(stats_but_refusals)" "$before_st" stats &&
	expect "$(st debugfs_writes_refused)" $((before_ref + 16)) "refusals counted" &&
	dmesg | grep -q 'default/blocks: refused "alloc 1\\x00junk": a NUL byte inside' ||
		{ dmesg | grep 'blocks: refused' | tail -n 3; return 1; }
}
# Fault injection (kernel/fault.c): kbuddy's own probability, interval and
# times on Debian's kernels (the debug kernels have the kernel's fault_attr
# files instead, which the KUnit suite kbuddy_fault drives).
FD=$D/fault
inj() { awk -v s="$1" '$1 == s { print $2 }' "$FD/injected"; }
inj_total() { awk '{ n += $2 } END { print n + 0 }' "$FD/injected"; }
fault_knobs() { for f in probability interval times nth sites; do echo "$f=$(cat "$FD/$f")"; done; }
t_fault_files() {
	for f in probability interval times nth sites injected; do
		[ -f "$FD/$f" ] || { echo "no fault/$f"; return 1; }
		[ -f "/sys/kernel/debug/kbuddy/fault/$f" ] || { echo "no kbuddy/fault/$f"; return 1; }
	done
	expect "$(cat "$FD/sites")" "block pcp_refill slab slab_desc magazine malloc realloc cache_create region pool_create " sites &&
	expect "$(cat "$FD/nth")" 0 nth && expect "$(inj_total)" 0 injected
}
t_fault_times() {
	# Nothing parked: a failed request reclaims nothing, so it asks the
	# block site once.
	echo drain >"$D/blocks" && echo shrink >"$D/blocks" &&
	echo block >"$FD/sites" && echo 3 >"$FD/times" && echo 100 >"$FD/probability" || return 1
	for i in 1 2 3; do
		if echo "alloc 5" >"$D/blocks" 2>/dev/null; then echo "alloc $i did not fail"; return 1; fi
	done
	echo "alloc 5" >"$D/blocks" || { echo "the fourth alloc failed"; return 1; }
	expect "$(inj block)" 3 "block failures" && expect "$(cat "$FD/times")" 0 times &&
	expect "$(st fail_order_5)" 3 fail_order_5 || return 1
	echo 0 >"$FD/probability" && echo all >"$FD/sites" && echo "free all" >"$D/blocks" && pristine
}
t_fault_nth() {
	before=$(inj_total)
	echo 2 >"$FD/nth" || return 1
	if echo "malloc 64 4" >"$D/blocks" 2>/dev/null; then echo "malloc did not fail"; return 1; fi
	expect "$(cat "$FD/nth")" 0 "nth after" && expect "$(inj_total)" $((before + 1)) "one failure" &&
	expect "$(cat "$D/blocks")" "" "nothing held" || return 1
	echo "malloc 64 4" >"$D/blocks" && echo "free all" >"$D/blocks" &&
	echo drain >"$D/blocks" && echo shrink >"$D/blocks" && pristine
}
t_fault_bad_writes() {
	before=$(fault_knobs)
	for w in 101:probability -1:probability x:probability 0:interval -2:times 0x:times \
		-1:nth "1 2:nth" 2147483648:nth 0x10:nth bogus:sites block,bogus:sites "block	slab:sites" \
		",:sites" "all none:sites" "block all:sites"; do
		v=${w%:*} f=${w##*:}
		if printf '%s' "$v" >"$FD/$f" 2>/dev/null; then echo "fault/$f took '$v'"; return 1; fi
	done
	if printf '1\0002' >"$FD/nth" 2>/dev/null; then echo "a NUL inside taken"; return 1; fi
	if head -c 300 /dev/zero | tr '\0' 1 >"$FD/nth" 2>/dev/null; then echo "300 bytes taken"; return 1; fi
	expect "$(fault_knobs)" "$before" knobs &&
	dmesg | grep -q 'default/fault/probability: refused "101": out of range; probability: a percentage, 0 to 100' ||
		{ dmesg | grep 'fault/' | tail -n 3; return 1; }
}
t_fault_pool_create() {
	# The global knobs: a pool made through the kernel API is the test's
	# only way here, so check the files parse and count.
	G=/sys/kernel/debug/kbuddy/fault
	echo pool_create >"$G/sites" && echo 1 >"$G/nth" && expect "$(cat "$G/nth")" 1 nth &&
	echo 0 >"$G/nth" && echo all >"$G/sites" && expect "$(cat "$G/nth")" 0 "nth off"
}
t_extfrag() {
	# Pristine: every free page is in an order-10 block.
	expect "$(cat $D/extfrag/unusable_index)" "Pool default, region  0 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 " unusable &&
	expect "$(cat $D/extfrag/extfrag_index)" "Pool default, region  0 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 " extfrag || return 1
	# Hold every other page of the first 4 MiB block: 512 single free pages.
	echo "alloc 0 16384" >"$D/blocks" || return 1
	awk 'NR % 2 == 0 && NR <= 1024 { print $2 }' "$D/blocks" | while read -r p; do echo "free $p" >"$D/blocks"; done
	# 512 free pages, all order 0: order 1 and up are unusable, fragmentation 1 - (1 + 512 / 2^j) / 512.
	expect "$(awk '{ print $5, $6, $15 }' $D/extfrag/unusable_index)" "0.000 1.000 1.000" "unusable, fragmented" &&
	expect "$(awk '{ print $5, $6, $7, $15 }' $D/extfrag/extfrag_index)" "-1.000 0.499 0.749 0.998" "extfrag, fragmented" &&
	echo "free all" >"$D/blocks"
}
t_mixed() {
	echo "alloc 0 100" >"$D/blocks" && echo "alloc 3 20" >"$D/blocks" &&
	echo "alloc 10 2" >"$D/blocks" && echo "alloc 5 7" >"$D/blocks" || return 1
	expect "$(wc -l <$D/blocks)" 129 "blocks held" &&
	expect "$(st pages_used)" $((100 + 20 * 8 + 2 * 1024 + 7 * 32)) used &&
	expect "$(cat $D/validate)" ok "validate while held" || return 1
	# Free every other held block, then the rest.
	awk 'NR % 2 { print $2 }' "$D/blocks" | while read -r p; do echo "free $p" >"$D/blocks"; done
	expect "$(cat $D/validate)" ok "validate half freed" || return 1
	echo "free all" >"$D/blocks" && pristine
}
t_exhaust() {
	echo "alloc 10 16" >"$D/blocks" || return 1
	expect "$(st pages_free)" 0 free || return 1
	if echo "alloc 0" >"$D/blocks" 2>/dev/null; then echo "alloc from a full pool"; return 1; fi
	expect "$(st fail_order_0)" 1 fail_order_0 && expect "$(wc -l <$D/blocks)" 16 held &&
	echo "free all" >"$D/blocks" && pristine
}
t_unload() {
	echo "alloc 2 5" >"$D/blocks" && unload || return 1
	[ ! -e "$D" ] || { echo "debugfs dir left"; return 1; }
	! iomem_has_kbuddy || { echo "region still claimed"; return 1; }
	! dmesg | grep -q 'still allocated' || { echo "debugfs blocks leaked at unload"; return 1; }
}
refused() {
	# refused WHY ARGS...: insmod fails, dmesg says WHY, nothing stays claimed.
	why=$1; shift
	if load "$@" 2>/dev/null; then unload; echo "insmod $* accepted"; return 1; fi
	dmesg | tail -n 5 | grep -q "$why" || { echo "no '$why' in dmesg:"; dmesg | tail -n 3; return 1; }
	! iomem_has_kbuddy || { echo "left claimed"; return 1; }
	! lsmod | grep -q '^kbuddy'
}
t_refuse_ram() { refused "overlaps System RAM" region=16M@0x1000000; }
# size= beyond what the page allocator can spare (half of what it has
# available), or nothing at all: refused with the reason, nothing taken.
t_refuse_size() {
	refused "more than half of the memory the page allocator has available" size=100T &&
	refused "more than half of the memory the page allocator has available" size=1G &&
	refused "expected a non-zero page-aligned size" size=0 &&
	refused "expected a non-zero page-aligned size" size=4097
}
t_refuse_unreserved() { refused "is not reserved memory" region=16M@0x40000000; }
t_refuse_syntax() { refused "expected SIZE@BASE" region=64Mx0x10000000 && refused "expected SIZE@BASE" region=64M@0x10000000,; }
# memparse() would wrap these to small numbers and claim a range nobody asked for.
t_refuse_overflow() {
	refused "does not fit in 64 bits" region=99999999999999999999@0x10000000 &&
	refused "does not fit in 64 bits" region=64M@0x10000000,20000000000000000E@0 &&
	refused "does not fit in 64 bits" region=16384P@0x10000000
}
# A command file: reading it first (which moves the position) must not make
# the next write fail.
t_blocks_read_then_write() {
	load region=$REGION || return 1
	echo "alloc 0 3" >"$D/blocks" || return 1
	exec 3<>"$D/blocks"
	lines=$(cat <&3 | wc -l)
	echo "free all" >&3 || { exec 3>&-; echo "write after read refused"; return 1; }
	exec 3>&-
	expect "$lines" 3 "three blocks listed" && expect "$(cat $D/blocks | wc -l)" 0 "freed" &&
	expect "$(cat $D/validate)" ok validate && unload
}
# The blocks file holds at most 65536 blocks; more is refused before anything is allocated.
t_blocks_bounded() {
	load region=$REGION || return 1
	before=$(st pages_free)
	if echo "malloc 8 65537" >"$D/blocks" 2>/dev/null; then echo "65537 records accepted"; return 1; fi
	expect "$(st pages_free)" "$before" "nothing allocated" &&
	dmesg | grep -q "at most 65536" && unload
}
t_refuse_misaligned() { refused "must be page aligned" region=64M@0x10000800; }
t_refuse_overlap() { refused "already claimed" region=4M@0x10000000,4M@0x10200000; }
t_refuse_order() { refused "max_order=25" region=$REGION max_order=25; }
t_fallback() {
	load || return 1
	expect "$(st pages_total)" 4096 "16M from the page allocator" &&
	expect "$(cat $D/validate)" ok validate &&
	echo "alloc 0 10" >"$D/blocks" && echo "free all" >"$D/blocks" &&
	echo drain >"$D/blocks" && expect "$(st pages_free)" 4096 free &&
	! iomem_has_kbuddy && unload
}
t_large_order() {
	# One 64 MiB block: order 14 needs max_order 15.
	load region=$REGION max_order=15 || return 1
	expect "$(bi 14)" 1 "one order-14 block" &&
	echo "alloc 14" >"$D/blocks" && expect "$(st pages_free)" 0 free &&
	echo "free all" >"$D/blocks" && expect "$(bi 14)" 1 merged &&
	expect "$(cat $D/validate)" ok validate && unload
}
t_carving() {
	# 63 MiB at 256 MiB + 256 KiB: neither end aligned to 4 MiB.
	load region=63M@0x10040000 || return 1
	total=0
	for o in 0 1 2 3 4 5 6 7 8 9 10; do total=$((total + $(bi $o) * (1 << o))); done
	expect "$total" $((63 * 256)) "pages in free blocks" &&
	expect "$(bi 10)" 14 "4 MiB blocks" && expect "$(bi 6)" 2 "256 KiB blocks" &&
	expect "$(cat $D/validate)" ok validate &&
	echo "alloc 0 300" >"$D/blocks" && echo "alloc 9 4" >"$D/blocks" &&
	expect "$(cat $D/validate)" ok "validate after allocations" &&
	echo "free all" >"$D/blocks" && echo drain >"$D/blocks" &&
	expect "$(bi 10)" 14 "merged back" && unload
}
t_multi_region() {
	load region=16M@0x10000000,32M@0x11000000 || return 1
	expect "$(wc -l <$D/buddyinfo)" 2 "two regions" && expect "$(st pages_total)" 12288 pages &&
	echo "alloc 10 12" >"$D/blocks" && expect "$(st pages_free)" 0 free &&
	echo "free all" >"$D/blocks" && expect "$(cat $D/validate)" ok validate && unload
}
t_slabinfo_format() {
	expect "$(sed -n 1p $D/slabinfo)" "slabinfo - version: 2.1" "first line" &&
	expect "$(sed -n 2p $D/slabinfo)" "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>" "header" &&
	expect "$(awk 'NR > 2 { print $1 }' $D/slabinfo | tr '\n' ' ')" \
		"kmalloc-8 kmalloc-16 kmalloc-32 kmalloc-64 kmalloc-96 kmalloc-128 kmalloc-192 kmalloc-256 kmalloc-512 kmalloc-1024 kmalloc-2048 kmalloc-4096 " "rows" &&
	expect "$(awk 'NR > 2' $D/slabinfo | grep -cvE '^kmalloc-[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ : tunables +[0-9]+ +[0-9]+ +[0-9]+ : slabdata +[0-9]+ +[0-9]+ +[0-9]+$')" 0 "row format"
}
# slabinfo column COL (1 = name) of cache NAME.
si() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$D/slabinfo"; }
t_malloc_workload() {
	echo "malloc 100 50" >"$D/blocks" && echo "malloc 5000 3" >"$D/blocks" &&
	echo "malloc 8 600" >"$D/blocks" || return 1
	expect "$(si kmalloc-128 2)" 50 "kmalloc-128 active_objs" &&
	expect "$(si kmalloc-128 4)" 128 "kmalloc-128 objsize" &&
	expect "$(si kmalloc-128 5)" 32 "kmalloc-128 objperslab" &&
	expect "$(si kmalloc-8 2)" 600 "kmalloc-8 active_objs" &&
	expect "$(st slab_objects_active)" 650 slab_objects_active &&
	expect "$(grep -c malloc $D/blocks)" 653 "held" &&
	expect "$(cat $D/validate)" ok validate || return 1
	echo "free all" >"$D/blocks" &&
	expect "$(si kmalloc-128 2)" 0 "kmalloc-128 after free" &&
	echo shrink >"$D/blocks" && expect "$(si kmalloc-128 3)" 0 "kmalloc-128 slabs after shrink" &&
	expect "$(st slab_slabs)" 0 "no slab left" && expect "$(st pages_used)" 0 "pages_used after shrink" &&
	expect "$(st slab_objects_active)" 0 "active after free" &&
	expect "$(st bad_free_double)" 0 "no bad frees" &&
	expect "$(cat $D/validate)" ok "validate after free"
}
t_pcp() {
	load region=$REGION || return 1
	dmesg | grep -q 'max_order 11, pcp on' || { echo "pcp not on by default"; return 1; }
	echo "alloc 0" >"$D/blocks" || return 1
	# The CPU's cache took a batch of 16 order-0 blocks and handed out one.
	expect "$(st pages_pcp)" 15 pages_pcp && expect "$(st pages_used)" 1 pages_used &&
	expect "$(st pcp_refill)" 1 pcp_refill && expect "$(st alloc_order_0)" 1 alloc_order_0 &&
	echo "free all" >"$D/blocks" && expect "$(st pages_pcp)" 16 "pages_pcp after free" &&
	expect "$(cat $D/validate)" ok validate &&
	echo "drain" >"$D/blocks" && expect "$(st pages_pcp)" 0 "pages_pcp after drain" &&
	expect "$(bi 10)" 16 "pristine after drain" && expect "$(st free_order_0)" 1 free_order_0 &&
	unload
}
# debug=P: every cache poisons its free objects and the pool its free
# memory; a workload through the size classes, page blocks of cached and
# uncached orders and malloc blocks runs clean (no poison overwritten,
# validate ok); an unknown letter is refused with the reason.
t_debug_poison() {
	refused "unknown letter; debug= takes P" region=$REGION debug=Q &&
	refused "unknown letter; debug= takes P" region=$REGION debug=PX || return 1
	load region=$REGION debug=P || return 1
	echo "malloc 64 500" >"$D/blocks" && echo "malloc 200 300" >"$D/blocks" &&
	echo "free all" >"$D/blocks" && echo "malloc 64 500" >"$D/blocks" &&
	echo "alloc 0 100" >"$D/blocks" && echo "alloc 3 8" >"$D/blocks" &&
	echo "alloc 9 2" >"$D/blocks" && echo "malloc 9000 3" >"$D/blocks" &&
	echo "free all" >"$D/blocks" && echo "shrink" >"$D/blocks" &&
	echo "alloc 0 200" >"$D/blocks" && echo "alloc 9 4" >"$D/blocks" &&
	echo "free all" >"$D/blocks" || return 1
	expect "$(st slab_poison_overwritten)" 0 slab_poison_overwritten &&
	expect "$(st page_poison_overwritten)" 0 page_poison_overwritten &&
	expect "$(cat $D/validate)" ok validate &&
	expect "$(cat /sys/module/kbuddy/parameters/debug)" P "debug parameter" &&
	unload
}
# debug=PZU: red zones and owner tracking too; the same workload runs
# clean (no red zone overwritten, validate ok), and owners groups what is
# held by stack: objects of a size class, malloc and page blocks.
t_debug_redzone_owners() {
	refused "Z (red zones), U (owner tracking)" region=$REGION debug=PZUQ || return 1
	load region=$REGION debug=PZU || return 1
	echo "malloc 64 500" >"$D/blocks" && echo "malloc 200 300" >"$D/blocks" &&
	echo "malloc 9000 3" >"$D/blocks" && echo "alloc 1 2" >"$D/blocks" || return 1
	cat "$D/owners" | head -n 40
	grep -q "^500 objects of kmalloc-64, 32000 bytes, allocated by:" "$D/owners" &&
	grep -q "^300 objects of kmalloc-256, 76800 bytes, allocated by:" "$D/owners" &&
	grep -q "^3 blocks of malloc, 49152 bytes, allocated by:" "$D/owners" &&
	grep -q "^2 blocks of pages, 16384 bytes, allocated by:" "$D/owners" &&
	! grep -q "no stack recorded" "$D/owners" ||
		{ echo "owners: not grouped as expected"; return 1; }
	expect "$(cat $D/validate)" ok validate &&
	echo "free all" >"$D/blocks" && expect "$(cat $D/owners | wc -l)" 0 "owners after free all" &&
	expect "$(st slab_red_zone_overwritten)" 0 slab_red_zone_overwritten &&
	expect "$(st slab_poison_overwritten)" 0 slab_poison_overwritten &&
	expect "$(cat $D/validate)" ok validate &&
	unload
}
t_cycles() {
	for i in 1 2 3; do
		load region=$REGION || return 1
		iomem_has_kbuddy || { echo "cycle $i: not in /proc/iomem"; return 1; }
		echo "alloc 1 3" >"$D/blocks" || return 1
		expect "$(cat $D/validate)" ok "cycle $i" || return 1
		unload || return 1
		! iomem_has_kbuddy || { echo "cycle $i: still in /proc/iomem"; return 1; }
	done
}

# /dev/kbuddy and its dma-bufs (kbuddy-buf, tools/kbuddy-buf): the node
# root-only; buffers zeroed, mapped, passed to another process over a
# socket, written there and read back, under constraints; every bad
# request refused with its errno and the pool as before (write-combined
# too: EOPNOTSUPP); a process killed while holding buffers gives them all back;
# kbuddy cannot be unloaded under a buffer; the per-open limit.
buf_free() { kbuddy-buf info | awk '$1 == "free_bytes" { print $2 }'; }
t_dev_node() {
	load region=$REGION || return 1
	[ -c /dev/kbuddy ] || { unload; echo "no /dev/kbuddy"; return 1; }
	expect "$(stat -c '%a %u' /dev/kbuddy)" "600 0" "mode and owner" || { unload; return 1; }
	kbuddy-buf info | grep -qx "version 3" || { unload; echo "info: no version 3"; return 1; }
	unload || return 1
	load region=$REGION dev_mode=0660 || return 1
	expect "$(stat -c '%a' /dev/kbuddy)" 660 "dev_mode=0660" || { unload; return 1; }
	unload
}
t_dmabuf_roundtrip() {
	load region=$REGION || return 1
	free=$(buf_free)
	for args in 4096 40K 1028K "64K --topdown --align 1M" "48K --boundary 64K" \
		"12K --range 0x10400000:0x10500000"; do
		# shellcheck disable=SC2086
		kbuddy-buf roundtrip $args || { unload; echo "roundtrip $args failed"; return 1; }
	done
	expect "$(buf_free)" "$free" "free bytes after the buffers closed" &&
	expect "$(cat $D/validate)" ok validate || { unload; return 1; }
	unload
}
t_dmabuf_refused() {
	load region=$REGION || return 1
	kbuddy-buf refused || { unload; return 1; }
	expect "$(cat $D/validate)" ok validate || { unload; return 1; }
	unload
}
t_dmabuf_killed_holder() {
	load region=$REGION || return 1
	free=$(buf_free)
	kbuddy-buf hold 1M 8 >/tmp/hold.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q "holding 8" /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "holding 8" /tmp/hold.out || { kill -9 $pid; cat /tmp/hold.out; unload; return 1; }
	expect "$(buf_free)" "$((free - 8 * 1048576))" "free bytes while held" || { kill -9 $pid; unload; return 1; }
	# Held by a buffer, kbuddy stays.
	! rmmod kbuddy 2>/dev/null || { echo "kbuddy unloaded under 8 buffers"; return 1; }
	kill -9 $pid
	wait $pid 2>/dev/null
	i=0
	while [ "$(buf_free)" != "$free" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	expect "$(buf_free)" "$free" "free bytes after the kill" &&
	expect "$(cat $D/validate)" ok validate || { unload; return 1; }
	unload
}
t_dmabuf_limit() {
	load region=$REGION dev_limit=1048576 || return 1
	kbuddy-buf limit || { unload; return 1; }
	expect "$(cat $D/validate)" ok validate || { unload; return 1; }
	unload || return 1
	! load region=$REGION dev_mode=01777 2>/dev/null || { unload; echo "dev_mode=01777 accepted"; return 1; }
	dmesg | grep -q 'dev_mode=0*1777: permission bits only' || { echo "no message for dev_mode"; return 1; }
	! load region=$REGION dev_mode=0 2>/dev/null || { unload; echo "dev_mode=0 accepted"; return 1; }
}

# A load that fails after the default pool's caches exist (dev_mode=0, a
# second region overlapping the first) destroys them, and their memory is
# freed by RCU callbacks in kbuddy's text: the failed init must wait for
# them (rcu_barrier()) before the loader frees that text. With expedited
# grace periods the loader frees it before a normal grace period has run the
# callbacks, so without the wait each of them jumps into unmapped memory:
# an oops in rcuop (the check of the kernel log fails the run).
t_init_failure_rcu() {
	exp=/sys/kernel/rcu_expedited
	old=$(cat $exp 2>/dev/null)
	bad=""
	[ -n "$old" ] && echo 1 >$exp
	for args in "region=$REGION dev_mode=0" "region=$REGION dev_mode=0" \
		    "region=4M@0x10000000,4M@0x10200000"; do
		# shellcheck disable=SC2086
		load $args 2>/dev/null && { unload; bad="$args loaded"; break; }
	done
	sleep 1
	[ -n "$old" ] && echo "$old" >$exp
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	load region=$REGION || return 1
	expect "$(cat $D/validate)" ok validate || { unload; return 1; }
	unload
}

# Pools offered by id: kbuddy_offer_test.ko offers the iomem pool
# offer-test over memmap=16M$0x15000000 (which it maps write-combined, or
# uncached with wc=0). Buffers of it by id, mapped as the module maps the
# memory; every bad request refused with the pool as before; a nomap pool
# refused; the offering module pinned by buffers and not pinned while its
# init runs; destroy refused with EAGAIN while buffers exist, offered or
# withdrawn, and done once they are gone.
OT=/sys/module/kbuddy_offer_test/parameters
PF=/sys/kernel/debug/kbuddy/pools
load_offer() { load region=$REGION && { insmod $M/kbuddy_offer_test.ko || { unload; return 1; }; }; }
unload_offer() { rmmod kbuddy_offer_test; unload; }
# pool_free ID: the free bytes of pool ID from kbuddy-buf pools.
pool_free() { kbuddy-buf pools | awk -v id="$1" '$1 == id { sub("free_bytes=", "", $5); print $5 }'; }
# hold_bg N ARGS...: kbuddy-buf hold in the background, until it holds N.
hold_bg() {
	n=$1
	shift
	kbuddy-buf "$@" >/tmp/hold.out 2>&1 &
	pid=$!
	i=0
	while ! grep -q "holding $n" /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "holding $n" /tmp/hold.out || { kill -9 $pid; cat /tmp/hold.out; return 1; }
}
kill_hold() { kill -9 $pid; wait $pid 2>/dev/null; }
# offer_range_pat TYPE: the PAT has the offer test's range (16 MiB at
# 0x15000000) as TYPE, the type a fault's PTE takes (x86:
# track_pfn_insert()); without the PAT's debugfs file, says so and passes.
offer_range_pat() {
	pat=/sys/kernel/debug/x86/pat_memtype_list
	[ -r $pat ] || { echo "no $pat: mapping type not checked"; return 0; }
	grep -q "0x0*15000000-0x0*16000000\\] $1" $pat && return 0
	grep 0x000000001 $pat
	echo "no $1 PAT entry"
	return 1
}
t_offer_list() {
	load_offer || return 1
	id=$(cat $OT/id)
	expect "$(kbuddy-buf pools | grep -v '^1 ')" "$id offer-test kind=iomem total_bytes=16777216 free_bytes=16777216 wc=1" "kbuddy-buf pools" &&
	kbuddy-buf pools | grep -q '^1 default kind=ram total_bytes=67108864 free_bytes=[0-9]* wc=0$' &&
	grep -q "^offer-test kind=iomem .* offer=$id\$" $PF && grep -q '^default kind=ram .* offer=1$' $PF &&
	dmesg | grep -q "pool offer-test: offered to userspace as pool $id" || { kbuddy-buf pools; cat $PF; unload_offer; return 1; }
	unload_offer
}
t_offer_roundtrip() {
	load_offer || return 1
	id=$(cat $OT/id)
	free=$(pool_free $id)
	dfree=$(buf_free)
	for args in 4096 40K "1028K --topdown" "64K --align 1M" "48K --boundary 64K" \
		"12K --range 0x15400000:0x15500000"; do
		# shellcheck disable=SC2086
		kbuddy-buf --pool $id roundtrip $args || { unload_offer; echo "roundtrip $args failed"; return 1; }
	done
	# Only the offered pool's memory: a range outside it has none.
	! kbuddy-buf --pool $id roundtrip 4096 --range 0x10000000:0x14000000 2>/dev/null ||
		{ unload_offer; echo "pool $id served memory outside its range"; return 1; }
	expect "$(pool_free $id)" "$free" "free bytes after the buffers closed" &&
	expect "$(buf_free)" "$dfree" "the default pool untouched" &&
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	unload_offer
}
t_offer_wc() {
	load_offer || return 1
	id=$(cat $OT/id)
	for args in 4096 1M "64K --topdown"; do
		# shellcheck disable=SC2086
		kbuddy-buf --pool $id --wc roundtrip $args | grep -q write-combined || { unload_offer; echo "wc roundtrip $args failed"; return 1; }
	done
	# Not asked for: still write-combined, as the module maps it.
	kbuddy-buf --pool $id roundtrip 8K | grep -q write-combined || { unload_offer; echo "a buffer of a WC pool not mapped WC"; return 1; }
	# Faults map the buffer with the type of the owner's reservation
	# (x86: track_pfn_insert()), which is write-combining.
	hold_bg 1 --pool $id --wc hold 64K 1 --range 0x15800000:0x15810000 || { unload_offer; return 1; }
	offer_range_pat write-combining || { kill_hold; unload_offer; return 1; }
	kill_hold
	# A RAM pool still refuses it.
	! kbuddy-buf --wc roundtrip 4096 2>/tmp/wc.err && grep -q "Operation not supported" /tmp/wc.err || { cat /tmp/wc.err; unload_offer; return 1; }
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	unload_offer
}
# An uncached iomem pool (wc=0): its buffers are mapped uncached, asked
# for write-combining or not, and the reply says so.
t_offer_uncached() {
	load region=$REGION && { insmod $M/kbuddy_offer_test.ko wc=0 || { unload; return 1; }; } || return 1
	id=$(cat $OT/id)
	free=$(pool_free $id)
	kbuddy-buf pools | grep -q "^$id offer-test kind=iomem .* wc=0\$" || { kbuddy-buf pools; unload_offer; return 1; }
	out=$(kbuddy-buf --pool $id roundtrip 64K) && ! echo "$out" | grep -q write-combined || { echo "$out"; unload_offer; echo "uncached roundtrip failed"; return 1; }
	out=$(kbuddy-buf --pool $id --wc roundtrip 4096) && ! echo "$out" | grep -q write-combined || { echo "$out"; unload_offer; echo "--wc from an uncached pool"; return 1; }
	hold_bg 1 --pool $id hold 64K 1 --range 0x15800000:0x15810000 || { unload_offer; return 1; }
	offer_range_pat uncached-minus || { kill_hold; unload_offer; return 1; }
	kill_hold
	i=0
	while [ "$(pool_free $id)" != "$free" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	expect "$(pool_free $id)" "$free" "free bytes after the buffers went" &&
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	unload_offer
}
# A write-combined RAM pool (ram=1 wc=1): kbuddy maps the reserved range
# write-combined itself, and its buffers are mapped write-combined; the
# same range as a write-back RAM pool (ram=1 wc=0) refuses --wc.
t_offer_ram_wc() {
	load region=$REGION && { insmod $M/kbuddy_offer_test.ko ram=1 || { unload; return 1; }; } || return 1
	id=$(cat $OT/id)
	free=$(pool_free $id)
	kbuddy-buf pools | grep -q "^$id offer-test kind=ram total_bytes=16777216 .* wc=1\$" || { kbuddy-buf pools; unload_offer; return 1; }
	for args in 4096 "1M --topdown" "64K --wc"; do
		# shellcheck disable=SC2086
		kbuddy-buf --pool $id roundtrip $args | grep -q write-combined || { unload_offer; echo "roundtrip $args not write-combined"; return 1; }
	done
	offer_range_pat write-combining || { unload_offer; return 1; }
	expect "$(pool_free $id)" "$free" "free bytes after the buffers went" &&
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	rmmod kbuddy_offer_test || { unload; return 1; }
	insmod $M/kbuddy_offer_test.ko ram=1 wc=0 || { unload; return 1; }
	id=$(cat $OT/id)
	kbuddy-buf pools | grep -q "^$id offer-test kind=ram .* wc=0\$" &&
	kbuddy-buf --pool $id roundtrip 8K >/dev/null &&
	! kbuddy-buf --pool $id --wc roundtrip 4096 2>/tmp/wc.err && grep -q "Operation not supported" /tmp/wc.err || { cat /tmp/wc.err; kbuddy-buf pools; unload_offer; return 1; }
	unload_offer
}
# memtype_all START-END TYPE: every page of the range has the memory type
# TYPE (wb or wc) in the PAT's page flags (kbuddy-buf memtype).
memtype_all() {
	start=${1%-*}
	end=${1#*-}
	n=$(((end - start) / 4096))
	case $2 in
	wb) want="wb=$n wc=0 other=0" ;;
	wc) want="wb=0 wc=$n other=0" ;;
	esac
	expect "$(kbuddy-buf memtype "$start" $((end - start)))" "$want" "memory type of $1"
}
# pool_regions NAME: the regions of pool NAME in the pools file, one per word.
pool_regions() { awk -v n="$1" '$1 == n { for (i = 2; i <= NF; i++) if ($i ~ /^regions=/) print substr($i, 9) }' $PF | tr ',' ' '; }
# The module's own pool write-combined (size= wc=1): the page allocator's
# pages it takes are switched to write-combined (set_memory_wc(): the PAT's
# type in their page flags) and its buffers are mapped so. That they are
# write-back again when they go back is KUnit's (kbuddy_wc_pool_kernel_pages):
# here the free would clear the flags whatever their type.
t_wc_default_pool() {
	load size=16M wc=1 || return 1
	dmesg | grep -q 'pool default: .*, write-combined$' &&
	grep -q '^default kind=ram .* wc=1 offer=1$' $PF &&
	kbuddy-buf pools | grep -q '^1 default kind=ram total_bytes=16777216 .* wc=1$' || { cat $PF; kbuddy-buf pools; unload; return 1; }
	regions=$(pool_regions default)
	[ -n "$regions" ] || { cat $PF; unload; return 1; }
	for r in $regions; do memtype_all "$r" wc || { unload; return 1; }; done
	free=$(buf_free)
	for args in 4096 "1M --topdown" "64K --wc"; do
		# shellcheck disable=SC2086
		kbuddy-buf roundtrip $args | grep -q write-combined || { unload; echo "roundtrip $args not write-combined"; return 1; }
	done
	# No malloc family in write-combined memory: refused, nothing changed.
	! echo "malloc 64" >"$D/blocks" 2>/dev/null || { unload; echo "malloc in a write-combined pool"; return 1; }
	expect "$(buf_free)" "$free" "free bytes after the buffers went" &&
	expect "$(cat $D/validate)" ok validate || { unload; return 1; }
	unload
}
# A driver's own alloc_pages() memory given to a write-combined RAM pool
# (kbuddy_pool_add_mem(); offer test ram=1 mem=1): switched to
# write-combined while the pool has it, buffers mapped so, write-back after
# the pool is destroyed (the destroy parameter: the module frees the pages
# only at exit); in a write-back pool (wc=0) its buffers cannot be mapped
# (ENODEV); a size no one chunk holds, and mem=1 without ram=1, are refused
# at load.
t_offer_mem_wc() {
	load region=$REGION && { insmod $M/kbuddy_offer_test.ko ram=1 mem=1 size=0x400000 || { unload; return 1; }; } || return 1
	id=$(cat $OT/id)
	free=$(pool_free $id)
	kbuddy-buf pools | grep -q "^$id offer-test kind=ram total_bytes=4194304 .* wc=1\$" || { kbuddy-buf pools; unload_offer; return 1; }
	r=$(pool_regions offer-test)
	memtype_all "$r" wc || { cat $PF; unload_offer; return 1; }
	for args in 4096 "1M --topdown" "64K --wc"; do
		# shellcheck disable=SC2086
		kbuddy-buf --pool $id roundtrip $args | grep -q write-combined || { unload_offer; echo "roundtrip $args not write-combined"; return 1; }
	done
	expect "$(pool_free $id)" "$free" "free bytes after the buffers went" &&
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	# A buffer mapped in a process: the destroy refused, the pages still
	# write-combined under the mapping; once it is gone, the destroy.
	hold_bg 1 --pool $id hold 1M 1 || { unload_offer; return 1; }
	! echo 1 2>/dev/null >$OT/destroy || { kill_hold; echo "destroy not refused under a buffer"; return 1; }
	memtype_all "$r" wc || { kill_hold; unload_offer; return 1; }
	kill_hold
	i=0
	while [ "$(pool_free $id)" != "$free" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	echo 1 >$OT/destroy || { unload_offer; return 1; }
	memtype_all "$r" wb || { unload_offer; return 1; }
	rmmod kbuddy_offer_test || { unload; return 1; }
	insmod $M/kbuddy_offer_test.ko ram=1 mem=1 wc=0 size=0x400000 || { unload; return 1; }
	id=$(cat $OT/id)
	kbuddy-buf pools | grep -q "^$id offer-test kind=ram .* wc=0\$" &&
	memtype_all "$(pool_regions offer-test)" wb &&
	! kbuddy-buf --pool $id roundtrip 8K 2>/tmp/mem.err && grep -q "No such device" /tmp/mem.err || { cat /tmp/mem.err; kbuddy-buf pools; unload_offer; return 1; }
	rmmod kbuddy_offer_test || { unload; return 1; }
	! insmod $M/kbuddy_offer_test.ko ram=1 mem=1 size=0x800000 2>/dev/null &&
	dmesg | grep -q 'size=0x800000: mem=1 takes one alloc_pages() chunk' &&
	! insmod $M/kbuddy_offer_test.ko mem=1 2>/dev/null &&
	dmesg | grep -q 'mem=1 needs ram=1' || { rmmod kbuddy_offer_test; unload; return 1; }
	unload
}
# A pool offered by a module whose init is still running: listed, but no
# buffer may pin the module (its init may yet fail, and then it is freed
# whatever its count). init_fail=1: the init fails, destroying the pool;
# nothing held it, nothing is left.
t_offer_owner_coming() {
	load region=$REGION || return 1
	insmod $M/kbuddy_offer_test.ko init_delay_ms=3000 init_fail=1 2>/dev/null &
	ins=$!
	i=0
	while ! kbuddy-buf pools 2>/dev/null | grep -q ' offer-test ' && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	id=$(kbuddy-buf pools | awk '$2 == "offer-test" { print $1 }')
	[ -n "$id" ] || { wait $ins; unload; echo "offer-test not listed during init"; return 1; }
	! kbuddy-buf --pool $id roundtrip 4096 2>/tmp/coming.err && grep -q "No such file or directory" /tmp/coming.err || { cat /tmp/coming.err; wait $ins; unload; echo "a buffer pinned a module in its init"; return 1; }
	! wait $ins || { rmmod kbuddy_offer_test; unload; echo "init_fail=1 loaded"; return 1; }
	dmesg | grep -q 'pool offer-test: failing init as asked' &&
	! dmesg | grep -q 'destroy in failed init refused' &&
	! grep -q '^offer-test ' $PF &&
	! kbuddy-buf pools | grep -q ' offer-test ' || { cat $PF; unload; return 1; }
	# The name and the range are free again: a normal load works.
	insmod $M/kbuddy_offer_test.ko || { unload; return 1; }
	unload_offer
}
t_offer_refused() {
	load_offer || return 1
	id=$(cat $OT/id)
	kbuddy-buf --pool $id refused || { unload_offer; return 1; }
	kbuddy-buf --pool 99 roundtrip 4096 2>/tmp/enoent.err && { unload_offer; echo "pool 99 served"; return 1; }
	grep -q "No such file or directory" /tmp/enoent.err || { cat /tmp/enoent.err; unload_offer; return 1; }
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	unload_offer
}
t_offer_nomap_refused() {
	load_offer || return 1
	expect "$(cat $OT/nomap_refused)" Y "nomap_refused" &&
	dmesg | grep -q 'pool offer-test-nomap: cannot be offered to userspace: a nomap pool' || { unload_offer; return 1; }
	unload_offer
}
# A sparse nomap pool of 2^36 pages, max_order 40 (kbuddy_offer_test's
# offer-test-sparse): runs spread over it held; validate, the map and stats
# read through debugfs walk what is allocated, not 256 TiB; the map adds up
# to the range and to the runs; unload frees them and destroys the pool
# with nothing refused.
t_sparse_nomap() {
	load_offer || return 1
	SP=/sys/kernel/debug/kbuddy/offer-test-sparse
	runs=$(cat $OT/sparse_runs)
	pages=$(cat $OT/sparse_pages)
	[ "$runs" -ge 40 ] || { echo "sparse_runs $runs"; unload_offer; return 1; }
	expect "$(cat $SP/validate)" ok validate &&
	expect "$(awk '$1 == "pages_total" { print $2 }' $SP/stats)" 68719476736 pages_total &&
	expect "$(awk '$1 == "pages_used" { print $2 }' $SP/stats)" "$pages" pages_used &&
	# Pages per map line: count times 2^order (busybox awk has no ^).
	expect "$(awk 'NF >= 4 && $1 ~ /^[0-9]+$/ { p = $4; for (i = 0; i < $2; i++) p *= 2; n += p }
		END { printf "%.0f", n }' $SP/map)" 68719476736 "map covers the range" &&
	expect "$(awk '$3 == "contig" { p = $4; for (i = 0; i < $2; i++) p *= 2; n += p }
		END { printf "%.0f", n }' $SP/map)" "$pages" "map's contig pages" ||
		{ unload_offer; return 1; }
	unload_offer
	if dmesg | grep -q 'offer-test-sparse: \(a run was refused\|free of run\|destroy\)'; then
		dmesg | grep offer-test-sparse
		return 1
	fi
}
t_offer_owner_pinned() {
	load_offer || return 1
	id=$(cat $OT/id)
	free=$(pool_free $id)
	hold_bg 2 --pool $id hold 1M 2 || { unload_offer; return 1; }
	expect "$(pool_free $id)" "$((free - 2 * 1048576))" "free bytes while held" || { kill_hold; unload_offer; return 1; }
	! rmmod kbuddy_offer_test 2>/dev/null || { echo "kbuddy_offer_test unloaded under 2 buffers"; return 1; }
	# Offered, with buffers: destroy refused, nothing changed.
	! echo 1 2>/tmp/destroy.err >$OT/destroy || { kill_hold; echo "destroy not refused"; return 1; }
	grep -q "Resource temporarily unavailable\|Try again" /tmp/destroy.err &&
	dmesg | grep -q "pool offer-test: not destroyed: 2 buffers of /dev/kbuddy outstanding (offered)" &&
	expect "$(pool_free $id)" "$((free - 2 * 1048576))" "free bytes after the refused destroy" &&
	grep -q "^offer-test kind=iomem .* offer=$id\$" $PF || { kill_hold; unload_offer; return 1; }
	kill_hold
	i=0
	while [ "$(pool_free $id)" != "$free" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	expect "$(pool_free $id)" "$free" "free bytes after the kill" &&
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	rmmod kbuddy_offer_test || { echo "rmmod refused after the buffers went"; unload; return 1; }
	! grep -q '^offer-test ' $PF || { cat $PF; unload; return 1; }
	unload
}
t_offer_withdraw_destroy() {
	load_offer || return 1
	id=$(cat $OT/id)
	hold_bg 1 --pool $id hold 1M 1 || { unload_offer; return 1; }
	echo 1 >$OT/withdraw || { kill_hold; unload_offer; return 1; }
	# Withdrawn: no new buffer, not listed, no offer= in debugfs.
	! kbuddy-buf --pool $id roundtrip 4096 2>/dev/null &&
	! kbuddy-buf pools | grep -q "^$id " &&
	grep -q '^offer-test kind=iomem .*regions=[-0-9a-fx,]* wc=1$' $PF || { cat $PF; kill_hold; unload_offer; return 1; }
	# Withdrawn with a buffer out: destroy still refused (the buffer maps
	# the memory the module would unmap), nothing changed.
	! echo 1 2>/dev/null >$OT/destroy || { kill_hold; echo "destroy not refused"; return 1; }
	dmesg | grep -q "pool offer-test: not destroyed: 1 buffers of /dev/kbuddy outstanding (withdrawn)" &&
	grep -q '^offer-test ' $PF || { echo "the pool went under its buffer"; kill_hold; unload_offer; return 1; }
	! rmmod kbuddy_offer_test 2>/dev/null || { echo "kbuddy_offer_test unloaded under a buffer"; return 1; }
	kill_hold
	# The buffer gone, the destroy goes through.
	i=0
	while ! echo 1 2>/dev/null >$OT/destroy && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	! grep -q '^offer-test ' $PF || { cat $PF; unload_offer; return 1; }
	rmmod kbuddy_offer_test || { unload; return 1; }
	unload
}
# A driver's remove(): the pool revoked under a process that holds two
# mapped buffers. The destroy refused before, done after, and the module
# unloaded (its memory unmapped) while the process still holds the fds;
# then the process's mappings (first and last page, and a mapping of the
# last page alone), and those of a child it forked while they were mapped,
# fault with SIGBUS, a new mmap() of them fails with ENODEV, and closing
# them is clean.
t_offer_revoke() {
	load_offer || return 1
	id=$(cat $OT/id)
	kbuddy-buf --pool $id revoked 1M 2 >/tmp/revoke.out 2>&1 &
	rp=$!
	i=0
	while ! grep -q "holding 2" /tmp/revoke.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "holding 2" /tmp/revoke.out || { cat /tmp/revoke.out; kill -9 $rp; unload_offer; return 1; }
	! echo 1 2>/dev/null >$OT/destroy || { kill -9 $rp; echo "destroy not refused"; return 1; }
	echo 1 >$OT/revoke || { kill -9 $rp; unload_offer; echo "revoke failed"; return 1; }
	dmesg | grep -q "pool offer-test: 2 buffers of /dev/kbuddy revoked" &&
	! kbuddy-buf pools | grep -q "^$id " &&
	expect "$(awk '$1 == "offer-test" { print $7 }' $PF)" "used=0" "every page back" &&
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { cat $PF; kill -9 $rp; unload_offer; return 1; }
	echo 1 >$OT/destroy || { kill -9 $rp; unload_offer; echo "destroy after the revoke refused"; return 1; }
	rmmod kbuddy_offer_test || { kill -9 $rp; unload; echo "rmmod after the revoke refused"; return 1; }
	kill -USR1 $rp
	wait $rp || { cat /tmp/revoke.out; unload; return 1; }
	grep -q "revoked 2: sigbus 2, mmap enodev 2, child sigbus" /tmp/revoke.out || { cat /tmp/revoke.out; unload; return 1; }
	unload
}
# Allocations by id racing a withdraw: each either gets a buffer or ENOENT;
# once the withdraw returned no allocation succeeds; the destroy that
# follows frees the pool with the last buffer (KASAN-free, log clean).
t_offer_withdraw_race() {
	load_offer || return 1
	id=$(cat $OT/id)
	for n in 1 2 3; do
		( while kbuddy-buf --pool $id roundtrip 8K >/dev/null 2>/tmp/race.$n.err; do :; done ) &
		eval "p$n=\$!"
	done
	sleep 2
	echo 1 >$OT/withdraw || { kill $p1 $p2 $p3; unload_offer; return 1; }
	# The loops end by themselves: no allocation succeeds any more.
	wait $p1 $p2 $p3
	for n in 1 2 3; do
		grep -q "No such file or directory" /tmp/race.$n.err || { cat /tmp/race.$n.err; unload_offer; return 1; }
	done
	! kbuddy-buf --pool $id roundtrip 4096 2>/dev/null || { unload_offer; echo "allocated after the withdraw"; return 1; }
	expect "$(cat /sys/kernel/debug/kbuddy/offer-test/validate)" ok validate || { unload_offer; return 1; }
	expect "$(awk '$1 == "offer-test" { print $7 }' $PF)" "used=0" "nothing held" || { cat $PF; unload_offer; return 1; }
	echo 1 >$OT/destroy || { unload_offer; return 1; }
	! grep -q '^offer-test ' $PF || { cat $PF; unload_offer; return 1; }
	unload_offer
}

t load t_load
t debugfs_modes t_files
t buddyinfo_format t_buddyinfo_format
t stats_format t_stats_format
t validate_ok t_validate
t iomem_claimed t_iomem
t split_then_merge t_split_merge
t map_file t_map
t pools_file t_pools
t blocks_ids t_blocks_ids
t histogram_file t_histogram
t stats_use t_stats_use
t bad_writes_change_nothing t_bad_writes
t fault_files t_fault_files
t fault_probability_times t_fault_times
t fault_nth t_fault_nth
t fault_bad_writes_change_nothing t_fault_bad_writes
t fault_global_knobs t_fault_pool_create
t extfrag_indices t_extfrag
t mixed_workload t_mixed
t exhaust_and_refill t_exhaust
t slabinfo_format t_slabinfo_format
t malloc_workload t_malloc_workload
t kbuddy_stat t_kbuddy_stat
t unload_releases_region t_unload
t refuse_system_ram t_refuse_ram
t refuse_absurd_size t_refuse_size
t refuse_unreserved t_refuse_unreserved
t refuse_bad_syntax t_refuse_syntax
t refuse_region_overflow t_refuse_overflow
t blocks_read_then_write t_blocks_read_then_write
t blocks_bounded t_blocks_bounded
t refuse_misaligned t_refuse_misaligned
t refuse_overlapping_regions t_refuse_overlap
t refuse_max_order t_refuse_order
t fallback_pool t_fallback
t order_14_block t_large_order
t unaligned_region_carving t_carving
t two_regions t_multi_region
t pcp_on_by_default t_pcp
t debug_poison t_debug_poison
t debug_redzone_owners t_debug_redzone_owners
t dev_node t_dev_node
t dmabuf_roundtrip t_dmabuf_roundtrip
t dmabuf_refused t_dmabuf_refused
t dmabuf_killed_holder t_dmabuf_killed_holder
t dmabuf_limit t_dmabuf_limit
t init_failure_waits_for_rcu t_init_failure_rcu
t offer_pools_listed t_offer_list
t offer_roundtrip_by_id t_offer_roundtrip
t offer_iomem_write_combined t_offer_wc
t offer_iomem_uncached t_offer_uncached
t offer_ram_write_combined t_offer_ram_wc
t offer_mem_write_combined t_offer_mem_wc
t wc_default_pool t_wc_default_pool
t offer_owner_coming_not_pinned t_offer_owner_coming
t offer_refused_unchanged t_offer_refused
t offer_nomap_refused t_offer_nomap_refused
t sparse_nomap_pool t_sparse_nomap
t offer_owner_pinned_destroy_eagain t_offer_owner_pinned
t offer_withdraw_then_destroy t_offer_withdraw_destroy
t offer_withdraw_race t_offer_withdraw_race
t offer_revoke_under_mappings t_offer_revoke
t insmod_rmmod_cycles t_cycles
