# make demo: kbuddy over the 64 MiB memmap= region, shown working.
. ./lib.sh
show() { echo "\$ $*"; sh -c "$*"; }
K=${D%/*}
# The tour: one line per debugfs file there is (a file this list does not
# know is still named, with a pointer to the guide).
tour() {
	echo "== a tour of $K: what each file shows"
	for f in "$K"/* "$D"/* "$D"/extfrag/* "$D"/fault/*; do
		[ -e "$f" ] || continue
		case ${f#$K/} in
		pools) what="one line per pool: kind, max_order, pages free / cached / used, regions";;
		refused) what="debugfs writes refused, all pools";;
		fault) what="fault injection for pool creation (as the pools' fault/)";;
		default) what="the module's own pool: the files below";;
		*/buddyinfo) what="free blocks per order, one line per region, as /proc/buddyinfo";;
		*/stats) what="counters, one 'name value' per line: pages, splits, merges, pcp, slab";;
		*/validate) what="reading it cross-checks the whole pool: 'ok' or each problem";;
		*/owners) what="what is allocated, grouped by the stack that allocated it";;
		*/slabinfo) what="the pool's slab caches, as /proc/slabinfo 2.1";;
		*/extfrag) what="fragmentation indices per region and order, as the kernel's extfrag files";;
		*/extfrag/unusable_index) what="the share of free memory unusable for a block of each order";;
		*/extfrag/extfrag_index) what="why an order would fail: -1 a block is free, near 0 lack of memory, near 1 fragmentation";;
		*/blocks) what="blocks held through debugfs; write alloc, malloc, free, drain, shrink";;
		*/map) what="every block of every region in address order: PAGE ORDER STATE COUNT [CACHE]";;
		*/histogram) what="request orders, malloc sizes and latencies, once switched on";;
		*/fault) what="fault injection at the pool's allocation sites";;
		*/fault/*) continue;;
		*) what="(see Documentation/admin-guide.rst)";;
		esac
		printf '  %-32s %s\n' "${f#$K/}" "$what"
	done
}
# dump STAGE: the files the host draws (tools/render/kbuddy-map.py), each
# read whole first, then printed between marker lines on the console, which
# tools/render/demo-pictures.sh cuts out again (it checks the line count).
dump() {
	for f in map buddyinfo extfrag/unusable_index extfrag/extfrag_index; do
		if ! cat "$D/$f" >/tmp/dump 2>/tmp/dump.err; then
			echo "KBUDDY-DUMP-SKIP $1/${f##*/}: $(cat /tmp/dump.err)"
			continue
		fi
		echo "KBUDDY-DUMP-BEGIN $1/${f##*/}"
		cat /tmp/dump
		echo "KBUDDY-DUMP-END $1/${f##*/} $(wc -l </tmp/dump)"
	done
	rm -f /tmp/dump /tmp/dump.err
}
echo "== insmod kbuddy.ko region=$REGION (reserved with memmap=64M\$0x10000000)"
load region=$REGION || exit 1
dmesg | grep "kbuddy: pool"
tour
show "grep -B1 kbuddy /proc/iomem"
show "cat $D/buddyinfo"
echo "== allocate: one order-0 page splits a 4 MiB block ten times"
show "echo 'alloc 0' > $D/blocks"
show "echo 'alloc 3 4' > $D/blocks"
show "cat $D/blocks"
show "cat $D/buddyinfo"
show "cat $D/stats"
show "cat $D/validate"
echo "== the malloc family: small sizes from slab caches, large ones whole blocks"
show "echo 'malloc 100 50' > $D/blocks"
show "echo 'malloc 24 200' > $D/blocks"
show "echo 'malloc 700 10' > $D/blocks"
show "echo 'malloc 6000 2' > $D/blocks"
show "cat $D/slabinfo"
show "grep -E '^slab_' $D/stats"
echo "validate: $(cat $D/validate)"
echo "== a malformed write is refused and changes nothing"
show "echo 'alloc 99' > $D/blocks"
echo "== fragment the pool: page blocks, mallocs and slab objects in turn, then free every other one"
for _ in 1 2 3 4; do
	echo 'alloc 0 300' >$D/blocks
	echo 'malloc 64 250' >$D/blocks
	echo 'malloc 6000 4' >$D/blocks
	echo 'alloc 2 24' >$D/blocks
	echo 'malloc 700 10' >$D/blocks
done
echo "held through blocks: $(wc -l <$D/blocks)"
# The PHYS of every other held block (the word with 0x: the listing is
# "PHYS ORDER" or "ID PHYS pages ORDER"), freed one write each.
awk 'NR % 2 == 0 { for (i = 1; i <= NF; i++) if ($i ~ /^0x/) { print $i; break } }' \
	$D/blocks >/tmp/every-other
n=0
while read -r phys; do
	echo "free $phys" >$D/blocks && n=$((n + 1))
done </tmp/every-other
rm -f /tmp/every-other
echo "freed $n of them: still held $(wc -l <$D/blocks)"
show "cat $D/buddyinfo"
show "cat $D/extfrag/unusable_index"
show "cat $D/extfrag/extfrag_index"
echo "validate: $(cat $D/validate)"
echo "== the map of the fragmented pool, with buddyinfo and the indices, for the picture"
dump fragmented
echo "== free everything; small blocks wait in the per-CPU caches until drained"
show "echo 'free all' > $D/blocks"
show "grep -E '^pages_' $D/stats"
show "echo drain > $D/blocks"
show "echo shrink > $D/blocks"
echo "== the size classes' empty slabs went back too: the buddies have merged back"
show "cat $D/buddyinfo"
show "grep -E '^(splits|merges|pages_)' $D/stats"
echo "validate: $(cat $D/validate)"
echo "== the map again, everything freed, for the second picture"
dump freed
unload
