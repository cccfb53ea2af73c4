# Unload kbuddy with memory still allocated: a client module (kbuddy_stress
# leak=N) takes pages and mallocs of the default pool and is unloaded
# without freeing them. kbuddy must report them, keep the region claimed,
# and leave nothing behind that points into its unloaded module: reading
# /proc/iomem (whose entry for the region names it) must work, and loading
# kbuddy again over the region must be refused with a clear message; with
# debug=U each block reported comes with the stack that allocated it. Runs
# last in its boot: the region stays claimed until reboot.
. ./lib.sh
name=unload_with_leak
t_leak() {
	# debug=U: the leak report names each block with its allocating stack.
	load region=$REGION debug=U || { echo "insmod kbuddy.ko failed"; return 1; }
	# What kmemleak suspected before this test is not this test's.
	kmemleak_clear || true
	insmod "$M/kbuddy_stress.ko" leak=4 || { unload; echo "insmod kbuddy_stress.ko leak=4 failed"; return 1; }
	rmmod kbuddy_stress || return 1
	# Where the kernel has kmemleak (the debug kernels), it was told about
	# every block and object kbuddy handed out: now that the client is
	# gone, nothing points to them. Read, not printed: the boot's log
	# check fails on any report it sees.
	# kmemleak reports an object unreferenced in two scans 5 s apart; a
	# freed task stack the kernel caches for reuse (the insmod's) may still
	# hold the pointers until a new task takes it: a few tasks, then scan,
	# up to five times.
	if [ -w /sys/kernel/debug/kmemleak ]; then
		for try in 1 2 3 4 5; do
			for i in 1 2 3 4 5 6 7 8; do busybox true; done
			echo scan >/sys/kernel/debug/kmemleak
			sleep 6
			echo scan >/sys/kernel/debug/kmemleak
			# By size: the frames of the stacks differ between kernels
			# (6.1 skips the allocator's own frame).
			p=$(grep -c '^unreferenced object 0x[0-9a-f]* (size 4096)' /sys/kernel/debug/kmemleak)
			m=$(grep -c '^unreferenced object 0x[0-9a-f]* (size 64)' /sys/kernel/debug/kmemleak)
			[ "$p" -ge 4 ] && [ "$m" -ge 4 ] && break
		done
		echo clear >/sys/kernel/debug/kmemleak
		echo "kmemleak: $p unreferenced pages and $m unreferenced 64-byte objects (4 and 4 leaked)"
		[ "$p" -ge 4 ] && [ "$m" -ge 4 ] ||
			{ echo "kmemleak did not report the dropped pages and mallocs"; unload; return 1; }
	fi
	unload || { echo "rmmod kbuddy refused"; return 1; }
	dmesg | grep -q 'blocks still allocated' || { echo "no leak report at unload"; return 1; }
	dmesg | grep -A 3 'order [0-9]* still allocated' | head -n 12
	# The client is gone, so its own frames are bare addresses; the ones
	# that called its init are named.
	dmesg | grep -A 3 'order 0 still allocated' | grep -q 'pool default:     do_one_initcall' ||
		{ echo "no owner stack in the leak report"; return 1; }
	cat /proc/iomem >/tmp/iomem || { echo "reading /proc/iomem failed"; return 1; }
	grep -q '^  10000000-13ffffff : kbuddy$' /tmp/iomem ||
		{ echo "the leaked region is not shown claimed"; grep kbuddy /tmp/iomem; return 1; }
	if load region=$REGION 2>/dev/null; then unload; echo "reload over the leaked region accepted"; return 1; fi
	dmesg | tail -n 5 | grep -q 'is already claimed' || { echo "no 'already claimed' message"; dmesg | tail -n 3; return 1; }
	! lsmod | grep -q '^kbuddy ' || { echo "kbuddy loaded after a refused load"; return 1; }
	# Read it again after the refused load, and once more from the top.
	cat /proc/iomem >/dev/null && grep -c kbuddy /proc/iomem >/dev/null
}
t "$name" t_leak
