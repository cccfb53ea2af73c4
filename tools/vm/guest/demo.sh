# make demo: kbuddy over the 64 MiB memmap= region, shown working.
. ./lib.sh
show() { echo "\$ $*"; sh -c "$*"; }
echo "== insmod kbuddy.ko region=$REGION (reserved with memmap=64M\$0x10000000)"
load region=$REGION || exit 1
dmesg | grep kbuddy
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
echo "== free everything: the buddies merge back"
show "echo 'free all' > $D/blocks"
show "cat $D/buddyinfo"
show "grep -E '^(splits|merges|pages_)' $D/stats"
echo "validate: $(cat $D/validate)"
unload
