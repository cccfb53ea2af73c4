#!/bin/sh
# make check: every test kbuddy has, per kernel, then one summary line
# "N passed, N failed, N skipped". Exit status 1 on any failure.
#
#   check.sh             style, userspace tests, and per kernel series the
#                        Debian part and the KUnit part (below)
#   check.sh unit        make unit: only the userspace tests (tools/testing,
#                        no VM, well under a minute) and kbuddy-stat's
#                        (tools/kbuddy-stat/test.sh), counted and summed up
#                        the same way.
#                        This and plain check.sh also run the map
#                        renderer's tests (tools/render/test.sh, host only).
#   check.sh kunit       make kunit: only the KUnit part, per series of
#                        KERNELS, or on KUNIT_KDIR=<kernel build tree> (one
#                        built by kunit.py with kunit/.kunitconfig, say).
#   check.sh install     only make install and dkms on the host
#                        (tools/install-test.sh: temporary trees, no VM).
#   check.sh stress      make stress: the long runs on each Debian kernel of
#                        KERNELS, one boot each: the debugfs fuzzer with
#                        10^6 inputs, 100 insmod/rmmod cycles, the
#                        concurrent stress for 150 s (10^6 operations).
#
#   KERNELS="6.1 6.12 6.1-rt 6.12-rt"
#                        the Debian kernel series to test, each with Debian's
#                        headers and image (W=1 build, VM tests, stress).
#                        6.1-rt and 6.12-rt are Debian's PREEMPT_RT
#                        (-rt-amd64) headers and image.
#   KUNIT_KERNELS="6.12" the debug kernels the KUnit suites run on, each
#                        built once per machine from Debian's linux-source
#                        package (build-kernel.sh): 6.1, 6.12 and 6.12-rt
#                        (PREEMPT_RT; 6.1's tree has none). One by default:
#                        a debug kernel costs a fresh 2-core machine some 10
#                        minutes to build and every run some 90 s of VM, so
#                        the developer loop runs KUnit on 6.12 and CI
#                        (.ci/run) on all three: KUNIT_KERNELS="6.1 6.12
#                        6.12-rt" (make check-all).
#   KBUDDY_JOBS=N        parts run at once (default: the number of CPUs
#                        plus one). Style, the userspace tests, and each
#                        series' Debian and KUnit parts are independent jobs;
#                        their output is printed whole, in a fixed order, as
#                        each finishes. Only one VM runs at a time (a lock,
#                        $build/check/vm.lock): a guest's vCPUs are host
#                        threads, and two 2-vCPU guests on a 2-core machine
#                        spin on each other's descheduled vCPUs (IPIs, RCU,
#                        lock handoffs): measured, the KUnit VM then took
#                        384 s instead of 81 s. The host-only work (module
#                        builds, style, userspace tests) runs niced beside
#                        the one VM.
#   KBUDDY_STRESS_SECONDS=S
#                        each stress run's length (default 10 here; 150 and
#                        10^6 operations is the long run, the module's own
#                        default: KBUDDY_STRESS_SECONDS=150).
#
# The VMs: a debug kernel boots once for the KUnit suites and the 2-vCPU
# stress (kbuddy_run=kunit,stress,leak); a Debian kernel once, on 4 vCPUs,
# for the VM tests, the debugfs fuzzer and the insmod/rmmod cycles and the
# 4-vCPU stress (vmtest,fuzz,cycles,stress,leak; leak.sh, which
# unloads kbuddy with memory still allocated, runs last: the region stays
# claimed). 4 vCPUs are more than the host's cores, so a CPU is preempted
# inside kbuddy's critical sections at random points. The PREEMPT_RT debug
# kernel (where lockdep sees the RT locks), when it is in KUNIT_KERNELS,
# boots once more for the stress on 4 vCPUs; KBUDDY_STRESS4_DEBUG="6.1 6.12
# 6.12-rt" adds the other debug kernels.
#
# Every phase prints its seconds ("time: ..."), and the end a table of them.
set -u
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-6.1 6.12 6.1-rt 6.12-rt}
KUNIT_KERNELS=${KUNIT_KERNELS:-6.12}
if [ "${1:-}" = stress ]; then
	KBUDDY_STRESS_SECONDS=${KBUDDY_STRESS_SECONDS:-150}
	fuzz_inputs=1000000 cycles=100
else
	KBUDDY_STRESS_SECONDS=${KBUDDY_STRESS_SECONDS:-10}
	fuzz_inputs=100000 cycles=20
fi
KBUDDY_STRESS4_DEBUG=${KBUDDY_STRESS4_DEBUG:-6.12-rt}
jobs=${KBUDDY_JOBS:-$(($(nproc 2>/dev/null || echo 1) + 1))}
out=$build/check
mkdir -p "$out"
npass=0
nfail=0
nskip=0
# A job's results and phase times, one "pass|fail|skip" or "time LABEL S"
# line each, in its own file: jobs run in subshells.
tally=/dev/null

record() { # record pass|fail|skip NAME [DETAIL]
	case $1 in
	pass) npass=$((npass + 1)); echo "  ok    $2";;
	skip) nskip=$((nskip + 1)); echo "  skip  $2${3:+: $3}";;
	*) nfail=$((nfail + 1)); echo "  FAIL  $2${3:+: $3}";;
	esac
	case $1 in pass|skip) echo "$1";; *) echo fail;; esac >>"$tally"
}

# Phase times: timer_start, then timer LABEL after each step prints and
# keeps the seconds since the previous mark.
timer_start() { tm_t=$(date +%s); }
timer() { # timer LABEL
	tm_now=$(date +%s)
	echo "   time: $1 $((tm_now - tm_t))s"
	echo "time $1 $((tm_now - tm_t))" >>"$tally"
	tm_t=$tm_now
}

# One VM at a time (see KBUDDY_JOBS above): vm_slot before run-qemu.sh,
# vm_slot_done after; the wait is a phase of its own.
vm_slot() { # vm_slot TIMER_LABEL
	exec 9>"$out/vm.lock"
	flock 9
	timer "$1 waiting for the VM slot"
}
vm_slot_done() { flock -u 9; exec 9>&-; }
# Host-only work yields to the VM; the module builds, which a VM waits for,
# less than the style checks and the userspace tests.
host() { nice -n 19 "$@"; }
host_build_modules() { BM_NICE="nice -n 5" build_modules "$@"; }

# Count the "KTEST PASS|FAIL name" lines a guest script printed; with
# ONLY, the lines matching it; with a leading !, those not matching it.
count_guest() { # count_guest LOG [[!]ONLY]
	cg_pat=${2:-^KTEST }
	cg_v=""
	case $cg_pat in !*) cg_v=-v cg_pat=${cg_pat#!};; esac
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		set -- $line
		case ${2:-} in
		PASS) record pass "$PREFIX$3";;
		FAIL) shift 2; n=$1; shift; record fail "$PREFIX${n%:}" "$*";;
		esac
	done <<-EOT
	$(grep '^KTEST ' "$1" | grep $cg_v -- "$cg_pat")
	EOT
}

run_style() {
	echo "== style: checkpatch --strict, kernel-doc, sparse"
	timer_start
	if host "$top/tools/style.sh" >"$out/style.log" 2>&1; then
		record pass "style: checkpatch --strict and kernel-doc"
	else
		record fail "style: checkpatch --strict and kernel-doc" "see $out/style.log"
		tail -n 20 "$out/style.log"
	fi
	timer style
}

run_userspace() {
	echo "== userspace build of the core (tools/testing): pairs, races, fuzzer, coverage"
	timer_start
	host "$top/tools/testing/run.sh" >"$out/userspace.log" 2>&1
	us_rc=$?
	us_fail=$nfail
	while IFS= read -r line; do
		case $line in
		"ok "*) record pass "userspace: ${line#ok }";;
		"FAIL "*) line=${line#FAIL }; record fail "userspace: ${line%%:*}" "${line#*: }";;
		coverage:*) echo "$line";;
		esac
	done <"$out/userspace.log"
	grep -q '^coverage:' "$out/userspace.log" ||
		record fail "userspace: coverage" "no coverage line; see $out/userspace.log"
	[ "$us_rc" -eq 0 ] || [ "$nfail" -gt "$us_fail" ] ||
		record fail "userspace: run.sh" "exit status $us_rc; see $out/userspace.log"
	timer userspace
}

# Run a host test script and count its lines "PASS NAME" (or WORD NAME) and
# "FAIL NAME: WHY", each under PREFIX; a script that exits non-zero or says
# nothing is a failure of its own.
host_counted() { # host_counted LOG PREFIX WORD SCRIPT
	hc_log=$out/$1.log
	host "$4" >"$hc_log" 2>&1
	hc_rc=$?
	hc_fail=$nfail
	while IFS= read -r line; do
		case $line in
		"$3 "*) record pass "$2${line#"$3" }";;
		"FAIL "*) line=${line#FAIL }; record fail "$2${line%%: *}" "${line#*: }";;
		esac
	done <"$hc_log"
	[ "$hc_rc" -eq 0 ] || [ "$nfail" -gt "$hc_fail" ] ||
		record fail "$2$(basename "$4")" "exit status $hc_rc; see $hc_log"
	grep -q "^$3 " "$hc_log" || [ "$nfail" -gt "$hc_fail" ] ||
		record fail "$2$(basename "$4")" "no result; see $hc_log"
}

# tools/kbuddy-stat/test.sh: the debugfs reader over captured trees.
run_kbuddy_stat() {
	echo "== kbuddy-stat (tools/kbuddy-stat): parsers, captured trees, options, valgrind"
	timer_start
	host_counted kbuddy-stat "kbuddy-stat: " PASS "$top/tools/kbuddy-stat/test.sh"
	timer kbuddy-stat
}

# The map renderer and make demo's console extraction (tools/render/test.sh).
run_render() {
	echo "== the map renderer (tools/render): --check verdicts, PNGs, 1 GiB in seconds, demo extraction"
	timer_start
	host_counted render "render: " PASS "$top/tools/render/test.sh"
	timer render
}

# make install and dkms against Debian's headers, on the host, into
# temporary trees (tools/install-test.sh): its "ok NAME" lines counted.
run_install() {
	echo "== make install (INSTALL_MOD_PATH=) and dkms add/build/install/remove (private trees), modinfo"
	timer_start
	host_counted install "" ok "$top/tools/install-test.sh"
	timer install
}

run_debian() { # run_debian SERIES
	case $1 in
	*-rt) flavour=rt glob="linux-headers-${1%-rt}.*-rt-amd64";;
	*) flavour="" glob="linux-headers-$1.*-amd64 (not -rt-)";;
	esac
	kdir=$(debian_kdirs "$flavour" | grep "linux-headers-${1%-rt}\.[0-9]" | tail -n 1)
	if [ -z "$kdir" ]; then
		record fail "debian-$1: headers" "no /usr/src/$glob (make deps)"
		return
	fi
	rel=$(kdir_release "$kdir")
	if [ ! -r "/boot/vmlinuz-$rel" ]; then
		record fail "debian-$1: image" "no /boot/vmlinuz-$rel (make deps)"
		return
	fi
	echo "== Debian kernel $rel: W=1 build against $kdir, VM tests and stress on /boot/vmlinuz-$rel, 4 vCPUs"
	timer_start
	dir=$out/debian-$rel
	if host_build_modules "$kdir" "$dir" >"$out/build-$rel.log" 2>&1; then
		record pass "debian-$rel: W=1 build, no warnings"
	else
		record fail "debian-$rel: W=1 build, no warnings" "see $out/build-$rel.log"
		cat "$out/build-$rel.log"
		return
	fi
	timer "debian-$1 build"
	"$top/tools/vm/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$dir/kbuddy.ko" \
		"$dir/kbuddy_stress.ko" "$dir/kbuddy_offer_test.ko"
	vm_slot "debian-$1"
	if msg=$(KBUDDY_SMP=4 "$top/tools/vm/run-qemu.sh" "/boot/vmlinuz-$rel" \
		"$dir/initramfs.cpio.gz" "$debian_runs" "$dir/console.log" 1800 1G \
		"$(stress_args) $(fuzz_args)"); then
		record pass "debian-$rel: vm: kernel log clean, guest finished"
	else
		record fail "debian-$rel: vm: kernel log clean, guest finished" "$msg"
	fi
	vm_slot_done
	# The VM tests' KTEST lines, then the stress's.
	PREFIX="debian-$rel: vm: " count_guest "$dir/console.log" "!$stress_ktest"
	# The fuzzer's and the cycles' numbers.
	grep -E '^fuzz: [0-9]+ inputs|^fuzz: [0-9]+ refusals|^cycles: [0-9]+ in ' "$dir/console.log" | sed 's/^/        /'
	stress_verdict "debian-$rel: stress" "$dir/console.log" 4
	timer "debian-$1 vmtest and stress 4 vCPUs (one VM)"
}

# The guest scripts of a Debian kernel's boot, and the sizes of the fuzzer
# (tools/vm/guest/fuzz.sh) and the insmod/rmmod cycles (cycles.sh): short
# for make check, long for make stress (KBUDDY_FUZZ_INPUTS, KBUDDY_CYCLES
# override either).
debian_runs=vmtest,fuzz,cycles,stress,leak
fuzz_args() {
	echo "kbuddy_fuzz_inputs=${KBUDDY_FUZZ_INPUTS:-$fuzz_inputs} kbuddy_cycles=${KBUDDY_CYCLES:-$cycles}"
}

# Count the test cases kunit.py parse --json found, by status.
count_kunit_json() { # count_kunit_json JSON PREFIX
	python3 - "$1" "$2" <<-'EOF2'
	import json, sys
	def walk(g, path):
	    for c in g.get("test_cases", []):
	        print(c["status"], path + c["name"])
	    for s in g.get("sub_groups", []):
	        walk(s, path + s["name"] + ".")
	walk(json.load(open(sys.argv[1])), sys.argv[2])
	EOF2
}

run_kunit() { # run_kunit SERIES
	if [ "$1" = 6.1-rt ]; then
		echo "== KUnit: none for 6.1-rt (linux-source-6.1 has no PREEMPT_RT)"
		return
	fi
	case $1 in
	*-rt) what="PREEMPT_RT debug kernel";;
	*) what="debug kernel";;
	esac
	echo "== KUnit on a $what built from linux-source-${1%-rt}"
	timer_start
	if ! tree=$(nice -n 5 "$top/tools/vm/build-kernel.sh" "$1" | tail -n 1) || [ ! -d "$tree" ]; then
		record fail "kunit-$1: debug kernel build"
		return
	fi
	echo "   tree $tree"
	timer "kunit-$1 kernel (cached or built)"
	kunit_tree "$1" "$tree"
}

# The KUnit suites and the stress on one kernel build tree.
kunit_tree() { # kunit_tree NAME TREE
	dir=$out/kunit-$1
	tree=$2
	if host_build_modules "$tree" "$dir" >"$out/build-kunit-$1.log" 2>&1; then
		record pass "kunit-$1: W=1 build, no warnings"
	else
		record fail "kunit-$1: W=1 build, no warnings" "see $out/build-kunit-$1.log"
		cat "$out/build-kunit-$1.log"
		return
	fi
	if [ ! -f "$dir/kbuddy_kunit.ko" ]; then
		record fail "kunit-$1: kbuddy_kunit.ko" "not built: no CONFIG_KUNIT in $tree"
		return
	fi
	timer "kunit-$1 build"
	"$top/tools/vm/mkinitramfs.sh" "$dir/initramfs.cpio.gz" "$dir/kbuddy.ko" \
		"$dir/kbuddy_kunit.ko" "$dir/kbuddy_stress.ko"
	vm_slot "kunit-$1"
	# kunit.enable=1: the allnoconfig debug kernel has KUNIT_DEFAULT_ENABLED
	# off, and then KUnit prints "kunit: disabled" and runs no suite.
	if msg=$("$top/tools/vm/run-qemu.sh" "$tree/arch/x86/boot/bzImage" "$dir/initramfs.cpio.gz" \
		kunit,stress,leak "$dir/console.log" 1500 1G \
		"kasan_multi_shot kunit.enable=1 $(stress_args)"); then
		record pass "kunit-$1: kernel log clean (KASAN, lockdep, kmemleak, UBSAN)"
	else
		record fail "kunit-$1: kernel log clean (KASAN, lockdep, kmemleak, UBSAN)" "$msg"
	fi
	vm_slot_done
	PREFIX="kunit-$1: " count_guest "$dir/console.log" "!$stress_ktest"
	# kunit.py lives in the source tree; a kunit.py (O=) build dir links it.
	kunitpy=$tree/tools/testing/kunit/kunit.py
	[ -f "$kunitpy" ] || kunitpy=$tree/source/tools/testing/kunit/kunit.py
	for suite in $(sed -n 's/.*\.name = "\(kbuddy_[a-z_]*\)".*/\1/p' "$top"/kunit/*.c); do
		ktap=$dir/$suite.ktap
		sed -n "/^KBUDDY-KTAP-BEGIN $suite\$/,/^KBUDDY-KTAP-END\$/p" "$dir/console.log" |
			sed '1d;$d' >"$ktap"
		if [ ! -s "$ktap" ]; then
			record fail "kunit-$1: $suite" "no results (crash before the suite ran?)"
			continue
		fi
		python3 "$kunitpy" parse --json="$ktap.json" "$ktap" \
			>"$ktap.txt" 2>&1
		if [ ! -s "$ktap.json" ]; then
			record fail "kunit-$1: $suite" "kunit.py parse failed: $(tail -n 3 "$ktap.txt")"
			continue
		fi
		while read -r status name; do
			[ -n "$status" ] || continue
			case $status in
			PASS) record pass "kunit-$1: $name";;
			SKIP) record skip "kunit-$1: $name";;
			*) record fail "kunit-$1: $name" "$status; see $ktap";;
			esac
		done <<-EOT
		$(count_kunit_json "$ktap.json" "")
		EOT
	done
	stress_verdict "kunit-$1: stress" "$dir/console.log" 2
	timer "kunit-$1 suites and stress 2 vCPUs (one VM)"
	case " $KBUDDY_STRESS4_DEBUG " in
	*" $1 "*) stress_vm "kunit-$1: stress" "$tree/arch/x86/boot/bzImage" "$dir" \
		"kasan_multi_shot" "kunit-$1";;
	esac
}

# The concurrent stress (kunit/stress.c, kbuddy_stress.ko): the guest's
# KTEST lines for it end in "<N>cpu" (stress_2cpu, debugfs_under_load_2cpu,
# stress_2cpu_default_pool). KBUDDY_STRESS_OPS and KBUDDY_STRESS_SECONDS
# override the module's defaults (10^6 operations, at most 150 s); make
# check sets 10 s unless told.
stress_ktest='^KTEST [A-Z]* [a-z_]*[0-9]cpu'
stress_args() {
	echo "${KBUDDY_STRESS_OPS:+stress_ops=$KBUDDY_STRESS_OPS }${KBUDDY_STRESS_SECONDS:+stress_seconds=$KBUDDY_STRESS_SECONDS}"
}

# The stress part of a guest log: its verdict echoed, its KTEST lines counted.
stress_verdict() { # stress_verdict LABEL LOG SMP
	line=$(grep -m1 '^stress: ' "$2")
	echo "        ${line:-stress: no verdict line (see $2)} ($(sed -n 's/^stress-time: //p' "$2"))"
	grep -q "^KTEST [A-Z]* stress_${3}cpu" "$2" ||
		record fail "$1: stress_${3}cpu" "no KTEST line (crash before the verdict?); see $2"
	PREFIX="$1: " count_guest "$2" "$stress_ktest"
}

# The stress on 4 vCPUs, a boot of its own.
stress_vm() { # stress_vm LABEL KERNEL MODDIR APPEND TIMER
	sv_label=$1 sv_kernel=$2 sv_dir=$3
	"$top/tools/vm/mkinitramfs.sh" "$sv_dir/stress.cpio.gz" "$sv_dir/kbuddy.ko" \
		"$sv_dir/kbuddy_stress.ko"
	log=$sv_dir/stress-4cpu.log
	vm_slot "$5"
	if msg=$(KBUDDY_SMP=4 "$top/tools/vm/run-qemu.sh" "$sv_kernel" \
		"$sv_dir/stress.cpio.gz" stress "$log" 900 1G "${4:+$4 }$(stress_args)"); then
		record pass "$sv_label: 4 vCPUs: kernel log clean"
	else
		record fail "$sv_label: 4 vCPUs: kernel log clean" "$msg"
	fi
	vm_slot_done
	stress_verdict "$sv_label" "$log" 4
	timer "$5 stress 4 vCPUs"
}

# Jobs: "NAME FUNCTION ARG", run KBUDDY_JOBS at a time, each in a subshell
# with its output and tally in files; printed in list order as they finish.
joblist=""
add_job() { joblist="$joblist
$1 $2 ${3:-}"; }

run_jobs() {
	rm -f "$out"/job-*
	printf '%s\n' "$joblist" | sed '/^$/d' >"$out/jobs"
	njobs=$(wc -l <"$out/jobs")
	started=0
	printed=0
	running=""
	while [ "$printed" -lt "$njobs" ]; do
		# Start jobs while there is room.
		nrun=0
		for p in $running; do
			kill -0 "$p" 2>/dev/null && nrun=$((nrun + 1))
		done
		while [ "$nrun" -lt "$jobs" ] && [ "$started" -lt "$njobs" ]; do
			started=$((started + 1))
			set -- $(sed -n "${started}p" "$out/jobs")
			: >"$out/job-$1.tally"
			rm -f "$out/job-$1.done"
			(
				tally=$out/job-$1.tally
				"$2" ${3:-}
				echo done >"$out/job-$1.done"
			) >"$out/job-$1.out" 2>&1 &
			running="$running $!"
			nrun=$((nrun + 1))
		done
		# Print finished jobs in list order.
		while [ "$printed" -lt "$started" ]; do
			set -- $(sed -n "$((printed + 1))p" "$out/jobs")
			[ -f "$out/job-$1.done" ] || break
			cat "$out/job-$1.out"
			printed=$((printed + 1))
		done
		[ "$printed" -lt "$njobs" ] && sleep 1
	done
	wait
}

# Sum up the tallies of jobs whose names match PATTERN (a case pattern).
tally_of() { # tally_of PATTERN: sets tp tf ts
	tp=0 tf=0 ts=0
	while read -r name fn arg; do
		case $name in
		$1) ;;
		*) continue;;
		esac
		tp=$((tp + $(grep -c '^pass$' "$out/job-$name.tally")))
		tf=$((tf + $(grep -c '^fail$' "$out/job-$name.tally")))
		ts=$((ts + $(grep -c '^skip$' "$out/job-$name.tally")))
		# A job that died before finishing counts as a failure.
		[ -f "$out/job-$name.done" ] || tf=$((tf + 1))
	done <"$out/jobs"
}

start=$(date +%s)
mode=${1:-check}
# Start order is print order: the short jobs first for early news, then the
# long KUnit parts (longest first), then the Debian parts.
case $mode in
unit)
	add_job userspace run_userspace
	add_job kbuddy-stat run_kbuddy_stat
	add_job render run_render;;
install) add_job install run_install;;
kunit)
	if [ -n "${KUNIT_KDIR:-}" ]; then
		add_job kunit-custom kunit_custom
	else
		for k in $KUNIT_KERNELS; do
			add_job "kunit-$k" run_kunit "$k"
		done
	fi;;
check)
	add_job userspace run_userspace
	add_job kbuddy-stat run_kbuddy_stat
	add_job render run_render
	add_job style run_style
	add_job install run_install
	series=""
	for k in $KERNELS; do
		case $k in
		6.1|6.12|6.1-rt|6.12-rt) series="$series $k";;
		*) record fail "kernel $k" "unknown series; KERNELS takes 6.1, 6.12, 6.1-rt and 6.12-rt";;
		esac
	done
	for k in $KUNIT_KERNELS; do
		case $k in
		6.1|6.12|6.12-rt) ;;
		*) record fail "debug kernel $k" "unknown; KUNIT_KERNELS takes 6.1, 6.12 and 6.12-rt";;
		esac
	done
	for k in 6.12-rt 6.12 6.1; do
		case " $KUNIT_KERNELS " in *" $k "*) add_job "kunit-$k" run_kunit "$k";; esac
	done
	for k in $series; do
		add_job "debian-$k" run_debian "$k"
	done;;
stress)
	# The long runs on Debian's kernels: the fuzzer, the cycles, the
	# concurrent stress at its full length (and leak.sh, last).
	debian_runs=fuzz,cycles,stress,leak
	for k in $KERNELS; do
		case $k in
		6.1|6.12|6.1-rt|6.12-rt) add_job "debian-$k" run_debian "$k";;
		*) record fail "kernel $k" "unknown series; KERNELS takes 6.1, 6.12, 6.1-rt and 6.12-rt";;
		esac
	done;;
*) echo "usage: check.sh [unit|kunit|install|stress]" >&2; exit 2;;
esac
# make kunit KUNIT_KDIR=TREE: the suites on a kernel build tree of one's own.
kunit_custom() { kunit_tree custom "$KUNIT_KDIR"; }
case $mode in
unit|install) jobs=1 KERNELS="" KUNIT_KERNELS="";;
kunit) KERNELS="";;
stress) KUNIT_KERNELS="";;
esac
[ -n "${KUNIT_KDIR:-}" ] && [ "$mode" = kunit ] && KUNIT_KERNELS=""
kernels="${KERNELS:+KERNELS=\"$KERNELS\", }${KUNIT_KERNELS:+KUNIT_KERNELS=\"$KUNIT_KERNELS\", }"
echo "check: $mode, $kernels$jobs jobs at a time, stress ${KBUDDY_STRESS_SECONDS}s per run"
run_jobs

summary=""
if [ "$mode" = check ]; then
	# Per series: its Debian kernel's part and its debug kernel's.
	for k in $(printf '%s\n' $KERNELS $KUNIT_KERNELS | awk '!seen[$0]++'); do
		tally_of "*-$k"
		summary="$summary
kernel $k: $tp passed, $tf failed, $ts skipped"
	done
fi
tally_of "*"
npass=$((npass + tp)) nfail=$((nfail + tf)) nskip=$((nskip + ts))
echo "time per phase (s; jobs overlap, $jobs at a time):"
while read -r name fn arg; do
	sed -n 's/^time //p' "$out/job-$name.tally"
done <"$out/jobs" | awk '{ s = $NF; $NF = ""; printf "  %5d  %s\n", s, $0 }'
echo "$summary" | sed '/^$/d'
echo "make $mode: $kernels$(( $(date +%s) - start ))s; logs in $out"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
