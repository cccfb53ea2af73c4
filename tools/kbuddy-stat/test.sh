#!/bin/sh
# shellcheck disable=SC2086 # $CFLAGS, $cases, $args, $flag: word lists on purpose
# kbuddy-stat's tests, on the host: build it static with -Wall -Wextra
# -Werror, run its parsers on buffers (parsers_test.c), run it over each
# captured tree in testdata/ and compare with expected.txt (-1) and
# expected.json (--json), check the JSON parses and agrees with itself,
# check option handling (bad options: usage on stderr, exit 2), the refresh
# mode, and valgrind (where installed) on every case. One line per test,
# "PASS name" or "FAIL name: why", then "N passed, N failed"; exit status 1
# on any failure.
#
#   test.sh             run the tests
#   test.sh --update    rewrite every expected.txt and expected.json from the
#                       tool's output (then check them by hand, and diff)
#
# The binaries go to $top/build/kbuddy-stat/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/kbuddy-stat
mkdir -p "$out"
cd "$here" || exit 1
npass=0
nfail=0
CFLAGS="-O2 -Wall -Wextra -Werror"

pass() { echo "PASS $1"; npass=$((npass + 1)); }
fail() { echo "FAIL $1: $2"; nfail=$((nfail + 1)); }
oneline() { tr '\n' '|' | cut -c1-300; }

if ! ${CC:-gcc} -static $CFLAGS -o "$out/kbuddy-stat" kbuddy-stat.c 2>"$out/build.log"; then
	fail build "$(oneline <"$out/build.log")"
	echo "$npass passed, $nfail failed"
	exit 1
fi
pass "build (static, $CFLAGS)"
stat=$out/kbuddy-stat

cases=$(cd testdata && for d in */; do echo "${d%/}"; done)

if [ "${1:-}" = --update ]; then
	for c in $cases; do
		"$stat" -1 --root "testdata/$c" >"testdata/$c/expected.txt"
		"$stat" --json --root "testdata/$c" >"testdata/$c/expected.json"
	done
	echo "rewrote expected.txt and expected.json of:" $cases
	exit 0
fi

# The parsers on buffers; their PASS/FAIL lines counted here.
if ${CC:-gcc} $CFLAGS -o "$out/parsers_test" parsers_test.c 2>"$out/build-test.log"; then
	"$out/parsers_test" >"$out/parsers_test.out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"PASS "*) pass "${line#PASS }";;
		"FAIL "*) line=${line#FAIL }; fail "${line%%: *}" "${line#*: }";;
		esac
	done <"$out/parsers_test.out"
	grep -q '^PASS ' "$out/parsers_test.out" && [ "$rc" -eq 0 ] ||
		grep -q '^FAIL ' "$out/parsers_test.out" || fail parsers_test "exit status $rc, no result"
else
	fail parsers_test "does not build: $(oneline <"$out/build-test.log")"
fi

# Every case: the snapshot as text and as JSON, against what was checked by hand.
for c in $cases; do
	for mode in txt json; do
		exp=testdata/$c/expected.$mode
		flag=-1
		[ $mode = json ] && flag=--json
		if [ ! -f "$exp" ]; then
			fail "$c $flag" "no $exp"
			continue
		fi
		"$stat" $flag --root "testdata/$c" >"$out/$c.$mode" 2>"$out/$c.$mode.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			fail "$c $flag" "exit status $rc: $(oneline <"$out/$c.$mode.err")"
		elif ! diff -u "$exp" "$out/$c.$mode" >"$out/$c.$mode.diff"; then
			fail "$c $flag" "differs from $exp: $(sed -n '3,12p' "$out/$c.$mode.diff" | oneline)"
		else
			pass "$c $flag"
		fi
	done
	if python3 -m json.tool "$out/$c.json" >/dev/null 2>"$out/$c.json.err"; then
		pass "$c --json parses (python3 -m json.tool)"
	else
		fail "$c --json parses (python3 -m json.tool)" "$(oneline <"$out/$c.json.err")"
	fi
	# The JSON against itself and the inputs: arithmetic the tool must keep.
	if why=$(python3 - "$out/$c.json" "testdata/$c" <<-'EOF'
	import json, os, sys
	doc = json.load(open(sys.argv[1]))
	root = sys.argv[2]
	def bad(msg):
	    print(msg)
	    sys.exit(1)
	try:
	    want = open(os.path.join(root, "fault/refused")).read().split()
	    want = int(want[0]) if len(want) == 1 and want[0].isdigit() else None
	except OSError:
	    want = None
	if doc["fault_refused"] != want:
	    bad("fault_refused %r, file says %r" % (doc["fault_refused"], want))
	for p in doc["pools"]:
	    n = p["name"]
	    for k in ("total", "free", "cached", "used"):
	        pg, by = p["pages"][k], p["bytes"][k]
	        if (pg is None) != (by is None) or (pg is not None and by != pg * 4096):
	            bad("%s: %s bytes %r for %r pages" % (n, k, by, pg))
	    if None not in p["pages"].values() and p["listed"]:
	        pg = p["pages"]
	        if pg["used"] != pg["total"] - pg["free"] - pg["cached"]:
	            bad("%s: used != total - free - cached" % n)
	    bi = p["buddyinfo"]
	    if bi and not bi["malformed_lines"] and p["pages"]["free"] is not None:
	        free = sum(c << o for o, c in enumerate(bi["free_blocks"]))
	        if free != p["pages"]["free"]:
	            bad("%s: buddyinfo holds %d free pages, pages.free %d" % (n, free, p["pages"]["free"]))
	        if [sum(col) for col in zip(*bi["regions"])] != bi["free_blocks"]:
	            bad("%s: free_blocks is not the sum of the regions" % n)
	    caches = p["slab_caches"] or []
	    for c in caches:
	        if None not in (c["num_slabs"], c["pagesperslab"]) and \
	           c["bytes"] != c["num_slabs"] * c["pagesperslab"] * 4096 and c["bytes"] is not None:
	            bad("%s: cache %s bytes" % (n, c["name"]))
	    key = [(-(c["bytes"]) if c["bytes"] is not None else 1, c["name"]) for c in caches]
	    if key != sorted(key):
	        bad("%s: caches not sorted by memory, then name" % n)
	    m = p["map"]
	    if m and m["tiles"] and p["pages"]["total"] is not None and None not in m["pages_by_state"].values():
	        if sum(m["pages_by_state"].values()) != p["pages"]["total"]:
	            bad("%s: the map's pages do not add up to the pool's" % n)
	        if p["pages"]["free"] != m["pages_by_state"]["free"] or p["pages"]["cached"] != m["pages_by_state"]["pcp"]:
	            bad("%s: the map's free/pcp pages differ from the pool's" % n)
	    h = p["histogram"]
	    for lat in (h or {}).get("latency", []):
	        ps = [lat[k] for k in ("p50_ns", "p90_ns", "p99_ns") if lat[k] is not None]
	        if ps != sorted(ps) or any(x & (x - 1) for x in ps):
	            bad("%s: %s %s percentiles not rising powers of two" % (n, lat["op"], lat["path"]))
	    ref = p["refused"]
	    if ref and None not in ref.values():
	        frees = sum(v for k, v in ref.items() if "bad_free_" in k)
	        if frees != ref["frees"]:
	            bad("%s: refused frees %d, the counters add up to %d" % (n, ref["frees"], frees))
	EOF
	); then
		pass "$c --json agrees with itself and the inputs"
	else
		fail "$c --json agrees with itself and the inputs" "$why"
	fi
	if command -v valgrind >/dev/null; then
		# The static binary hides malloc from valgrind: a dynamic build for it.
		[ -x "$out/kbuddy-stat-dyn" ] || ${CC:-gcc} -g $CFLAGS -o "$out/kbuddy-stat-dyn" kbuddy-stat.c
		if valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
			"$out/kbuddy-stat-dyn" -1 --root "testdata/$c" >/dev/null 2>"$out/$c.vg" &&
		   valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all \
			"$out/kbuddy-stat-dyn" --json --root "testdata/$c" >/dev/null 2>>"$out/$c.vg"; then
			pass "$c valgrind clean"
		else
			fail "$c valgrind clean" "$(head -n 8 "$out/$c.vg" | oneline)"
		fi
	fi
done

# One pool of two: -p.
if "$stat" -1 -p sram --root testdata/two-pools >"$out/p.txt" 2>&1 &&
   grep -q '^pool sram ' "$out/p.txt" && ! grep -q '^pool default' "$out/p.txt" &&
   "$stat" --json -p sram --root testdata/two-pools | grep -c '"name": "sram", "listed"' | grep -qx 1 &&
   ! "$stat" --json -p sram --root testdata/two-pools | grep -q '"name": "default"'; then
	pass "-p POOL shows that pool alone"
else
	fail "-p POOL shows that pool alone" "$(oneline <"$out/p.txt")"
fi

# Bad options: usage on stderr, nothing on stdout, exit 2.
for args in "-x" "--bogus" "-d" "-d 0" "-d abc" "-d 1e9" "-d nan" "-n 0" "-n -3" "-n 2x" \
	"-p ../x" "-p a/b" "--root" "-1 extra" "--json=1"; do
	# shellcheck disable=SC2086
	"$stat" $args >"$out/bad.out" 2>"$out/bad.err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$out/bad.out" ] && grep -q '^usage: kbuddy-stat' "$out/bad.err"; then
		pass "bad option '$args' gives usage, exit 2"
	else
		fail "bad option '$args' gives usage, exit 2" "exit $rc, stdout $(wc -c <"$out/bad.out") bytes"
	fi
done
if "$stat" -h >"$out/h.out" 2>&1 && grep -q '^usage: kbuddy-stat' "$out/h.out"; then
	pass "-h gives usage on stdout, exit 0"
else
	fail "-h gives usage on stdout, exit 0" "$(oneline <"$out/h.out")"
fi

# A missing root, a missing pool: exit 1 and a message that names it.
for args in "--root testdata/no-such-root" "--root testdata/pristine/pools" \
	"-p nosuchpool --root testdata/pristine"; do
	# shellcheck disable=SC2086
	"$stat" -1 $args >"$out/miss.out" 2>"$out/miss.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$out/miss.out" ] && grep -q 'kbuddy-stat: testdata/' "$out/miss.err"; then
		pass "'$args' gives a message, exit 1"
	else
		fail "'$args' gives a message, exit 1" "exit $rc: $(oneline <"$out/miss.err")"
	fi
done

# The refresh mode: -n 3 snapshots, each after a clear screen, -d apart.
esc=$(printf '\033')
if "$stat" -n 3 -d 0.05 --root testdata/pristine >"$out/top.out" 2>&1 &&
   [ "$(grep -c "^${esc}\[H${esc}\[2Jkbuddy-stat - " "$out/top.out")" -eq 3 ] &&
   [ "$(grep -c '^pool default ' "$out/top.out")" -eq 3 ] &&
   [ "$(grep -c ' every 0.05s$' "$out/top.out")" -eq 3 ]; then
	pass "refresh with -n 3 -d 0.05 clears and redraws 3 times"
else
	fail "refresh with -n 3 -d 0.05 clears and redraws 3 times" "$(head -c 300 "$out/top.out" | oneline)"
fi
if ! command -v valgrind >/dev/null; then
	echo "note: valgrind not installed: the valgrind tests did not run"
fi
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
