# Guest side of tools/trace/capture.sh: run one workload on the Debian kernel
# while the kmem tracepoints (enabled from the kernel command line, so boot is
# in the trace) record, then send the trace and /proc/slabinfo snapshots to
# the host through the second serial port (/dev/ttyS1) as base64 of a gzip'd
# tar between two marker lines. The workload is chosen by trace_phase= on the
# kernel command line (boot, fs or net), which the kernel passes to init as an
# environment variable. Runs under tools/vm/guest/init as /guest/trace.sh.
T=/sys/kernel/tracing
M=/modules
OUT=/tmp/out
phase=${trace_phase:-boot}
mount -t tracefs nodev $T 2>/dev/null
mount -t tmpfs -o size=400m tmpfs /tmp
mkdir -p $OUT

snap() { # snap NAME: /proc/slabinfo, meminfo and buddyinfo at this point
	cat /proc/slabinfo >"$OUT/slabinfo.$1"
	cat /proc/meminfo >"$OUT/meminfo.$1"
	cat /proc/buddyinfo >"$OUT/buddyinfo.$1"
}
mark() { echo "phase $1" >$T/trace_marker; echo "KTRACE phase $1"; }
ins() { for m in "$@"; do insmod "$M/$m.ko" || echo "KTRACE insmod $m failed"; done; }

snap boot
mark "$phase"
case $phase in
boot)
	# Module loads and unloads: block, filesystem and network drivers.
	ins crc32c_generic crc16 mbcache jbd2 ext4 loop squashfs dummy veth tun
	ip link set dummy0 up	# the dummy module makes dummy0
	ip link add kv0 type veth peer name kv1 && ip link set kv0 up && ip link set kv1 up
	snap loaded
	ip link del kv0; ip link set dummy0 down
	rmmod tun veth dummy squashfs
	;;
fs)
	ins crc32c_generic crc16 mbcache jbd2 ext4 loop
	# tmpfs: a tree of small files, copied, archived, unpacked, deleted.
	mkdir -p /tmp/a
	i=0
	while [ $i -lt 20 ]; do
		mkdir -p /tmp/a/d$i
		j=0
		while [ $j -lt 20 ]; do
			echo "file $i $j $(date)" >/tmp/a/d$i/f$j
			j=$((j + 1))
		done
		i=$((i + 1))
	done
	dd if=/dev/urandom of=/tmp/a/big bs=64k count=16 2>/dev/null
	cp -a /tmp/a /tmp/b
	tar cf /tmp/a.tar -C /tmp a
	mkdir /tmp/c && tar xf /tmp/a.tar -C /tmp/c
	# ext2 (through the ext4 driver) on a loop device over a tmpfs file.
	dd if=/dev/zero of=/tmp/img bs=1M count=16 2>/dev/null
	losetup /dev/loop0 /tmp/img && mke2fs -q /dev/loop0 && mkdir -p /mnt &&
	mount -t ext2 /dev/loop0 /mnt || echo "KTRACE ext2 on loop failed"
	cp -a /tmp/a /mnt/a && tar xf /tmp/a.tar -C /mnt && sync
	find /mnt -type f | wc -l
	snap peak
	rm -rf /mnt/a /tmp/b /tmp/c && sync
	umount /mnt && losetup -d /dev/loop0
	rm -rf /tmp/a /tmp/a.tar /tmp/img
	;;
net)
	ip link set lo up
	mkdir -p /tmp/www
	dd if=/dev/urandom of=/tmp/www/big bs=64k count=64 2>/dev/null
	i=0
	while [ $i -lt 50 ]; do echo "page $i" >/tmp/www/p$i.html; i=$((i + 1)); done
	httpd -p 127.0.0.1:8080 -h /tmp/www
	sleep 1
	i=0
	while [ $i -lt 50 ]; do
		wget -q -O /dev/null http://127.0.0.1:8080/p$i.html || echo "KTRACE wget $i failed"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 4 ]; do
		wget -q -O /tmp/got http://127.0.0.1:8080/big || echo "KTRACE wget big failed"
		i=$((i + 1))
	done
	cmp /tmp/got /tmp/www/big || echo "KTRACE big differs"
	# A raw TCP stream with nc, several connections open at once.
	for p in 9001 9002 9003; do
		nc -l -p $p >/tmp/nc.$p &
	done
	sleep 1
	for p in 9001 9002 9003; do
		nc 127.0.0.1 $p </tmp/www/big &
	done
	snap peak
	wait
	ping -c 20 -i 0.05 127.0.0.1 >/dev/null
	killall httpd
	rm -rf /tmp/www /tmp/got /tmp/nc.*
	;;
*) echo "KTRACE unknown phase $phase" ;;
esac
mark end
echo 0 >$T/tracing_on
snap end
for c in $T/per_cpu/cpu*; do
	echo "== $c" >>$OUT/trace_stats
	cat $c/stats >>$OUT/trace_stats
done
cat /proc/cmdline >$OUT/cmdline
uname -r >$OUT/release
cat $T/trace >$OUT/trace
echo "KTRACE lines $(wc -l <$OUT/trace)"
grep -E 'overrun|dropped' $OUT/trace_stats | sed 's/^/KTRACE /'
stty -F /dev/ttyS1 raw -echo 2>/dev/null
echo "KTRACE-DUMP-BEGIN" >/dev/ttyS1
tar cf - -C $OUT . | gzip -1 | base64 >/dev/ttyS1
echo "KTRACE-DUMP-END" >/dev/ttyS1
echo "KTRACE dumped"
