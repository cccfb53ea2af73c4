# Helpers for the guest test scripts (sourced). Each test prints one line,
# "KTEST PASS name" or "KTEST FAIL name: why", which the host counts.
M=/modules
D=/sys/kernel/debug/kbuddy/default
REGION=64M@0x10000000

pass() { echo "KTEST PASS $1"; }
fail() { echo "KTEST FAIL $1: $2"; }

# t NAME CMD...: run a test function, PASS if it returns 0.
t() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | tail -n 5 | tr '\n' '|')"
	fi
	# Whatever a test left held, the next starts from a pristine pool.
	[ -w "$D/blocks" ] && echo "free all" >"$D/blocks"
}

st() { awk -v n="$1" '$1 == n { print $2 }' "$D/stats"; }
# Free blocks of ORDER in region REGION (default 0) from buddyinfo.
bi() { awk -v r="${2:-0}" -v o="$1" '$4 == r { print $(5 + o) }' "$D/buddyinfo"; }
expect() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1' ($3)"; return 1; }; }
iomem_has_kbuddy() { grep -q ': kbuddy$' /proc/iomem; }
load() { insmod "$M/kbuddy.ko" "$@"; }
unload() { rmmod kbuddy; }
# kmemleak, where the kernel has it: forget what came before the test, then
# print what the test leaked (two scans: kmemleak reports on the second).
kmemleak_clear() { [ -w /sys/kernel/debug/kmemleak ] && echo clear >/sys/kernel/debug/kmemleak; }
kmemleak_report() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
}
