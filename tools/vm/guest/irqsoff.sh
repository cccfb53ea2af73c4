# make bench, on the debug kernel: the longest interrupts-off stretch, from
# the irqsoff tracer, while kbuddy does one kind of operation at a time. The
# VM boots with memmap=64M$0x10000000 and memmap=1G$0x40000000.
# One line per case: "irqsoff CASE: max N us (started at F, ended at G)".
. ./lib.sh
T=/sys/kernel/tracing
[ -f $T/current_tracer ] || mount -t tracefs nodev $T 2>/dev/null
if ! grep -qw irqsoff $T/available_tracers 2>/dev/null; then
	echo "KBENCH-ERROR irqsoff: no irqsoff tracer in this kernel"
	exit 0
fi
echo irqsoff >$T/current_tracer
echo 1 >$T/tracing_on

# measure CASE COMMAND...: run COMMAND with the maximum reset, print it.
measure() {
	name=$1
	shift
	echo 0 >$T/tracing_max_latency
	"$@" >/dev/null
	max=$(cat $T/tracing_max_latency)
	from=$(sed -n 's/^#[[:space:]]*=> started at:[[:space:]]*//p' $T/trace | head -n 1)
	to=$(sed -n 's/^#[[:space:]]*=> ended at:[[:space:]]*//p' $T/trace | head -n 1)
	echo "irqsoff $name: max $max us (started at $from, ended at $to)"
}

repeat() { # repeat N CMD...
	n=$1
	shift
	while [ "$n" -gt 0 ]; do "$@"; n=$((n - 1)); done
}
blk() { echo "$*" >$D/blocks; }
pair0() { blk alloc 0; blk free all; }
top() { blk alloc "$TOP"; blk free all; }
topm() { blk malloc "$((4096 << TOP))"; blk free all; }
fill() { # fill every CPU's cache of orders 0-3 and leave it full
	for o in 0 1 2 3; do blk alloc $o 128; blk free all; done
}

# 64 MiB region, max_order 15: the top order is one 64 MiB block.
load region=$REGION max_order=15 || exit 1
TOP=14
measure "idle (no kbuddy call, 2 s)" sleep 2
measure "order-0 alloc+free pair (x200)" repeat 200 pair0
measure "top order $TOP alloc+free, 64 MiB (x20)" repeat 20 top
measure "top order $TOP malloc+free, 64 MiB (x20)" repeat 20 topm
fill
measure "drain of full per-CPU caches" blk drain
measure "validate 64 MiB region" cat $D/validate
unload

# 1 GiB region, max_order 19: the top order is one 1 GiB block.
load region=1G@0x40000000 max_order=19 || exit 1
TOP=18
measure "top order $TOP alloc+free, 1 GiB (x20)" repeat 20 top
measure "validate 1 GiB region" cat $D/validate
echo "KBENCH-VALIDATE $(cat $D/validate)"
unload
echo nop >$T/current_tracer
