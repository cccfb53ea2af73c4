#!/bin/sh
# Tests of the map renderer (kbuddy-map.py) and of make demo's console
# extraction (demo-pictures.sh), host only, on the files in testdata/ and on
# maps made here (testdata/mkmap.py, a small buddy allocator). One line per
# test, "PASS name" or "FAIL name: why", then "N passed, N failed"; exit
# status 1 on any failure.
#
#   KBUDDY_RENDER_SECONDS=S  the most CPU time (user + system) a 1 GiB map may
#                            take to check and draw (default 5; some 1.5 s here,
#                            most of it importing matplotlib). CPU time, not
#                            wall time: make check runs this beside a VM.
set -u

here=$(cd "$(dirname "$0")" && pwd)
data=$here/testdata
map=$here/kbuddy-map.py
pictures=$here/demo-pictures.sh
limit=${KBUDDY_RENDER_SECONDS:-5}
# Debian's python3, where python3-matplotlib installs (kbuddy-map.py's #!).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
np=0
nf=0

pass() { echo "PASS $1"; np=$((np + 1)); }
fail() { echo "FAIL $1: $2"; nf=$((nf + 1)); }
oneline() { tr '\n' '|' | cut -c1-300; }
# timed CMD...: run it; its CPU seconds (user + system) and wall seconds
# in $tmp/times as "CPU WALL".
timed() {
	"$PY" -c '
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{r.ru_utime + r.ru_stime:.2f} {time.monotonic() - t:.2f}\n")
sys.exit(rc)' "$tmp/times" "$@"
}
# fast NAME WHAT: PASS if $tmp/times shows under $limit CPU seconds.
fast() {
	read -r cpu wall <"$tmp/times"
	if awk -v s="$cpu" -v l="$limit" 'BEGIN { exit !(s < l) }'; then
		pass "$1 ($2, ${cpu}s CPU, ${wall}s wall)"
	else
		fail "$1" "${cpu}s CPU (${wall}s wall), the limit is ${limit}s"
	fi
}

# pnginfo PNG [HEX X0 Y0 X1 Y1]...: "W H" of a PNG that decodes whole, then
# for each colour the number of its pixels (each channel within 2) in the
# box [X0,X1) x [Y0,Y1).
pnginfo() {
	"$PY" - "$@" <<-'EOF'
	import sys
	import matplotlib.image as mpimg
	import numpy as np
	img = mpimg.imread(sys.argv[1])
	h, w = img.shape[:2]
	out = [f"{w} {h}"]
	rgb = (img[:, :, :3] * 255).round().astype(int)
	a = sys.argv[2:]
	for i in range(0, len(a), 5):
	    col = [int(a[i][j:j + 2], 16) for j in (1, 3, 5)]
	    x0, y0, x1, y1 = map(int, a[i + 1:i + 5])
	    box = rgb[y0:y1, x0:x1]
	    out.append(str(int((abs(box - col) <= 2).all(axis=2).sum())))
	print(" ".join(out))
	EOF
}

# check_ok NAME MAP [ARGS...] [-- WANT]: --check accepts it; WANT a piece
# of its summary line.
check_ok() {
	name=$1 file=$2
	shift 2
	want=""
	args=""
	while [ $# -gt 0 ]; do
		[ "$1" = -- ] && { want=$2; break; }
		args="$args $1"
		shift
	done
	# shellcheck disable=SC2086
	if ! o=$("$map" --check "$file" $args 2>&1); then
		fail "$name" "refused: $(echo "$o" | oneline)"
	elif [ -n "$want" ] && ! echo "$o" | grep -qF -- "$want"; then
		fail "$name" "no '$want' in: $o"
	else
		pass "$name"
	fi
}

# check_bad NAME MAP WHERE WHAT: --check refuses it with exit status 1, a
# message "kbuddy-map.py: WHERE: ...WHAT..." and no traceback.
check_bad() {
	o=$("$map" --check "$2" 2>&1)
	rc=$?
	if [ "$rc" -ne 1 ]; then
		fail "$1" "exit status $rc, not 1: $(echo "$o" | oneline)"
	elif echo "$o" | grep -q Traceback; then
		fail "$1" "a traceback: $(echo "$o" | oneline)"
	elif ! echo "$o" | grep -qF -- "kbuddy-map.py: $3: "; then
		fail "$1" "no 'kbuddy-map.py: $3: ' in: $(echo "$o" | oneline)"
	elif ! echo "$o" | grep -qF -- "$4"; then
		fail "$1" "no '$4' in: $(echo "$o" | oneline)"
	else
		pass "$1"
	fi
}

# ---- the tools are there
if "$PY" -c 'import matplotlib, numpy' 2>"$tmp/err"; then
	pass "matplotlib: importable by $PY"
else
	fail "matplotlib: importable by $PY" "$(oneline <"$tmp/err") (make deps: python3-matplotlib)"
fi

# ---- --check accepts well-formed maps, with their other files
check_ok "check: pristine 64 MiB" "$data/pristine.map" --buddyinfo "$data/pristine.buddyinfo" \
	--unusable "$data/pristine.unusable_index" --extfrag "$data/pristine.extfrag_index" \
	-- "1 region, 16384 pages in 1 records: free 16384, pcp 0, pages 0"
check_ok "check: the spec's example" "$data/spec-example.map" \
	-- "16384 pages in 12 records: free 16382, pcp 0, pages 1, malloc 0, contig 0, slab 1, unknown 0"
check_ok "check: fragmented, with slabs, runs split" "$data/fragmented.map" \
	--buddyinfo "$data/fragmented.buddyinfo" --unusable "$data/fragmented.unusable_index" \
	--extfrag "$data/fragmented.extfrag_index" -- "16384 pages"
check_ok "check: two regions, the second unaligned" "$data/two-regions.map" \
	--buddyinfo "$data/two-regions.buddyinfo" --unusable "$data/two-regions.unusable_index" \
	--extfrag "$data/two-regions.extfrag_index" -- "2 regions, 2307 pages"
# A region of no pages' worth of records is fine for a pool with none.
printf 'pool empty kind=nomap max_order=4 regions=0\n' >"$tmp/none.map"
check_ok "check: a pool with no regions" "$tmp/none.map" -- "0 regions, 0 pages"
# unknown is a state (a corrupt pool's), order 0.
sed 's/^1 0 slab 1 kmalloc-64$/1 0 unknown 1/' "$data/spec-example.map" >"$tmp/unknown.map"
check_ok "check: an unknown page" "$tmp/unknown.map" -- "unknown 1"

# ---- --check refuses what is malformed, with file:line and why
check_bad "check: malformed.map (a misaligned block)" "$data/malformed.map" \
	"$data/malformed.map:5" "is not aligned to 4 pages"
ex=$data/spec-example.map
bad() { # bad NAME LINE WHAT: $tmp/bad.map (made by the caller) is refused at LINE
	check_bad "check: refuses $1" "$tmp/bad.map" "$tmp/bad.map:$2" "$3"
}
: >"$tmp/bad.map"; bad "an empty file" 1 "empty"
printf '\0\0\0\n' >"$tmp/bad.map"; bad "a NUL byte" 1 "a NUL byte"
printf 'pool d\377 kind=ram max_order=11 regions=1\n' >"$tmp/bad.map"; bad "bytes that are not text" 1 "not ASCII text"
sed '1s/kind=ram/kind=rom/' "$ex" >"$tmp/bad.map"; bad "an unknown kind" 1 "unknown kind 'rom'"
sed '1s/max_order=11/max_order=eleven/' "$ex" >"$tmp/bad.map"; bad "a max_order not a number" 1 "not a decimal number"
sed '1s/ regions=1//' "$ex" >"$tmp/bad.map"; bad "a short header" 1 "expected the header"
sed '1s/regions=1/regions=2/' "$ex" >"$tmp/bad.map"; bad "fewer regions than the header's" 14 "1 regions, but the header says regions=2"
sed '2d' "$ex" >"$tmp/bad.map"; bad "a record before any region" 2 "a record before any 'region' line"
sed '2s/^region 0/region 1/' "$ex" >"$tmp/bad.map"; bad "a region index out of turn" 2 "region 1 where region 0 was due"
sed '2s/pages=16384/pages=16383/' "$ex" >"$tmp/bad.map"; bad "pages= not the range's" 2 "is 16384 pages, not pages=16383"
sed '2s/0x10000000-/0x10000800-/' "$ex" >"$tmp/bad.map"; bad "a region not page-aligned" 2 "not page-aligned"
sed '2s/0x10000000-0x14000000/0x14000000-0x10000000/' "$ex" >"$tmp/bad.map"; bad "a region ending before it starts" 2 "ends before it starts"
sed '2s/0x10000000-0x14000000/0x1000zz00-0x14000000/' "$ex" >"$tmp/bad.map"; bad "a START not hex" 2 "not a 0x-hex address"
sed '4d' "$ex" >"$tmp/bad.map"; bad "a gap" 4 "record at page 2 where page 1 was due: it leaves pages 1..1 out"
sed 's/^4 2 free 1$/3 2 free 1/' "$ex" >"$tmp/bad.map"; bad "an overlap" 6 "overlaps the previous record"
sed '$d' "$ex" >"$tmp/bad.map"; bad "a region not covered to its end" 13 "pages 1024..16383 are missing"
sed 's/^1024 10 free 15$/1024 10 free 16/' "$ex" >"$tmp/bad.map"; bad "records past the region's end" 14 "past the region's 16384 pages"
sed 's/^1024 10 free 15$/1024 11 free 15/' "$ex" >"$tmp/bad.map"; bad "an order at max_order" 14 "ORDER 11 is out of range (0..10)"
sed 's/^2 1 free 1$/2 1 frei 1/' "$ex" >"$tmp/bad.map"; bad "an unknown state" 5 "unknown state 'frei'"
sed 's/^1 0 slab 1 kmalloc-64$/1 0 slab 1/' "$ex" >"$tmp/bad.map"; bad "a slab without its cache" 4 "without its CACHE"
sed 's/^0 0 pages 1$/0 0 pages 1 kmalloc-64/' "$ex" >"$tmp/bad.map"; bad "a cache name on a page block" 3 "only slab has one"
sed 's/^2 1 free 1$/2 1 free 0/' "$ex" >"$tmp/bad.map"; bad "COUNT 0" 5 "COUNT 0 is out of range"
sed 's/^2 1 free 1$/2 1 free 1x/' "$ex" >"$tmp/bad.map"; bad "COUNT not a number" 5 "COUNT '1x' is not a decimal number"
sed 's/^2 1 free 1$/+2 1 free 1/' "$ex" >"$tmp/bad.map"; bad "a signed PAGE" 5 "PAGE '+2' is not a decimal number"
sed 's/^2 1 free 1$/2 1 free/' "$ex" >"$tmp/bad.map"; bad "a short record" 5 "expected 'PAGE ORDER STATE COUNT [CACHE]'"
sed '5s/^/\n/' "$ex" >"$tmp/bad.map"; bad "an empty line" 5 "an empty line"
sed 's/^0 0 pages 1$/0 1 unknown 1/; /^1 0 slab/d' "$ex" >"$tmp/bad.map"; bad "an unknown block of order 1" 3 "unknown pages are order 0"
sed -e '1s/regions=2/regions=2/' -e 's/^region 1 0x20003000-0x20106000/region 1 0x10400000-0x10503000/' \
	"$data/two-regions.map" >"$tmp/bad.map"
bad "overlapping regions" "$(grep -n '^region 1' "$tmp/bad.map" | cut -d: -f1)" "region 1 overlaps region 0"
# The second region starts at pfn 0x20003: an order-1 block at its page 0 is misaligned.
awk '/^region 1/ { print; print "0 1 free 1"; skip = 1; next } skip && /^0 / { next } { print }' \
	"$data/two-regions.map" >"$tmp/bad.map"
bad "alignment by absolute pfn" "$(($(grep -n '^region 1' "$tmp/bad.map" | cut -d: -f1) + 1))" \
	"(pfn 0x20003) is not aligned to 2 pages"
o=$("$map" --check "$tmp/no-such.map" 2>&1)
case $? in
1) if echo "$o" | grep -qF "$tmp/no-such.map: cannot read"; then
	pass "check: a missing file"
   else
	fail "check: a missing file" "$o"
   fi;;
*) fail "check: a missing file" "exit status not 1: $o";;
esac

# ---- the other files: parsed, cross-checked against the map
awk '{ $8 = $8 + 1; print }' "$data/fragmented.buddyinfo" >"$tmp/disagree.buddyinfo"
o=$("$map" --check "$data/fragmented.map" --buddyinfo "$tmp/disagree.buddyinfo" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && echo "$o" | grep -q "region 0 disagrees with .*order 3: map [0-9]*, buddyinfo [0-9]*"; then
	pass "check: a buddyinfo that disagrees fails --check"
else
	fail "check: a buddyinfo that disagrees fails --check" "exit $rc: $(echo "$o" | oneline)"
fi
"$map" "$data/fragmented.map" --buddyinfo "$tmp/disagree.buddyinfo" -o "$tmp/disagree.png" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp/disagree.png" ] &&
   grep -q "^kbuddy-map.py: warning: .*region 0 disagrees .*order 3: " "$tmp/err"; then
	pass "draw: a buddyinfo that disagrees is a warning on stderr"
else
	fail "draw: a buddyinfo that disagrees is a warning on stderr" "exit $rc: $(oneline <"$tmp/err")"
fi
sed 's/region  0/region  x/' "$data/fragmented.buddyinfo" >"$tmp/bad.buddyinfo"
o=$("$map" "$data/fragmented.map" --buddyinfo "$tmp/bad.buddyinfo" -o "$tmp/x.png" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && echo "$o" | grep -qF "$tmp/bad.buddyinfo:1: region IDX 'x' is not a decimal number" &&
   [ ! -e "$tmp/x.png" ]; then
	pass "draw: a malformed buddyinfo is refused, no picture"
else
	fail "draw: a malformed buddyinfo is refused, no picture" "exit $rc: $(echo "$o" | oneline)"
fi
sed 's/0\.009/1.5/' "$data/fragmented.unusable_index" >"$tmp/bad.unusable"
o=$("$map" --check "$data/fragmented.map" --unusable "$tmp/bad.unusable" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && echo "$o" | grep -qF "$tmp/bad.unusable:1: the index of order" &&
   echo "$o" | grep -qF "is not a number from -1 to 1"; then
	pass "check: an index out of [-1, 1] is refused"
else
	fail "check: an index out of [-1, 1] is refused" "exit $rc: $(echo "$o" | oneline)"
fi

# ---- pictures: written, valid PNGs of the documented size, the right colours
# Inside the one-region picture's grid (1300 x 750: the grid lies in
# x 95..580, y 190..705; the legend is right of x 650).
grid="100 215 575 680"
slab=d62728 pcp=8ecae6 dark=0d6626
render() { # render NAME W H MAP [ARGS...]: sets $png
	rn=$1 rw=$2 rh=$3 rmap=$4
	shift 4
	png=$tmp/$(echo "$rn" | tr -c 'a-z0-9\n' _).png
	if ! timed "$map" "$rmap" "$@" -o "$png" >"$tmp/out" 2>"$tmp/err"; then
		fail "$rn" "exit status not 0: $(oneline <"$tmp/err")"
		return 1
	fi
	if [ -s "$tmp/err" ]; then
		fail "$rn" "stderr not empty: $(oneline <"$tmp/err")"
		return 1
	fi
	if ! size=$(pnginfo "$png" 2>"$tmp/err" | cut -d' ' -f1,2); then
		fail "$rn" "not a PNG that decodes: $(oneline <"$tmp/err")"
		return 1
	fi
	if [ "$size" != "$rw $rh" ]; then
		fail "$rn" "$size pixels, not $rw x $rh"
		return 1
	fi
	return 0
}
if render "draw: pristine" 1300 750 "$data/pristine.map" --buddyinfo "$data/pristine.buddyinfo" \
	--unusable "$data/pristine.unusable_index" --extfrag "$data/pristine.extfrag_index"; then
	# FREE_DARK (order 10) everywhere in the grid, no slab, no pcp.
	# shellcheck disable=SC2046,SC2086
	set -- $(pnginfo "$png" "#$dark" $grid "#$slab" $grid "#$pcp" $grid)
	if [ "$3" -gt 150000 ] && [ "$4" -eq 0 ] && [ "$5" -eq 0 ]; then
		pass "draw: pristine"
	else
		fail "draw: pristine" "pixels in the grid: order-10 free $3, slab $4, pcp $5"
	fi
fi
if render "draw: fragmented, with slabs" 1300 750 "$data/fragmented.map" \
	--buddyinfo "$data/fragmented.buddyinfo" --unusable "$data/fragmented.unusable_index" \
	--extfrag "$data/fragmented.extfrag_index" --title "fragmented"; then
	# shellcheck disable=SC2046,SC2086
	set -- $(pnginfo "$png" "#$dark" $grid "#$slab" $grid "#$pcp" $grid)
	if [ "$3" -gt 1000 ] && [ "$4" -gt 1000 ] && [ "$5" -gt 100 ]; then
		pass "draw: fragmented, with slabs"
	else
		fail "draw: fragmented, with slabs" "pixels in the grid: order-10 free $3, slab $4, pcp $5"
	fi
fi
render "draw: two regions (1900 x 750)" 1900 750 "$data/two-regions.map" \
	--buddyinfo "$data/two-regions.buddyinfo" --unusable "$data/two-regions.unusable_index" \
	--extfrag "$data/two-regions.extfrag_index" && pass "draw: two regions (1900 x 750)"
render "draw: the spec's example, no other files" 1300 750 "$data/spec-example.map" &&
	pass "draw: the spec's example, no other files"
o=$("$map" "$data/pristine.map" -o "$tmp/no/such/dir/x.png" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && echo "$o" | grep -qF "$tmp/no/such/dir/x.png: cannot write" &&
   ! echo "$o" | grep -q Traceback; then
	pass "draw: an unwritable output is an error, no traceback"
else
	fail "draw: an unwritable output is an error, no traceback" "exit $rc: $(echo "$o" | oneline)"
fi
o=$("$map" "$data/malformed.map" -o "$tmp/m.png" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && [ ! -e "$tmp/m.png" ] && echo "$o" | grep -qF "malformed.map:5:"; then
	pass "draw: a malformed map is refused, no picture"
else
	fail "draw: a malformed map is refused, no picture" "exit $rc: $(echo "$o" | oneline)"
fi

# ---- large maps: 1 GiB (262144 pages) drawn in 4-page cells, in seconds
"$PY" "$data/mkmap.py" "$tmp/gib" --region 1G@0x40000000 --ops 60000 --seed 7 --split-runs
render "draw: 1 GiB, fragmented by mkmap.py" 1300 750 "$tmp/gib.map" --buddyinfo "$tmp/gib.buddyinfo" \
	--unusable "$tmp/gib.unusable_index" --extfrag "$tmp/gib.extfrag_index" &&
	fast "draw: 1 GiB, fragmented by mkmap.py" "$(wc -l <"$tmp/gib.map") lines"
# The worst case: every page its own record, alternately allocated and free.
awk 'BEGIN { print "pool big kind=ram max_order=11 regions=1"
	print "region 0 0x40000000-0x80000000 pages=262144"
	for (p = 0; p < 262144; p++) print p, 0, (p % 2 ? "free" : "pages"), 1 }' >"$tmp/every.map"
render "draw: 1 GiB, every page a record" 1300 750 "$tmp/every.map" &&
	fast "draw: 1 GiB, every page a record" "262146 lines"
check_ok "check: 1 GiB, every page a record" "$tmp/every.map" -- "262144 pages in 262144 records: free 131072"

# ---- make demo's extraction from a console log
log=$data/console.log
out=$tmp/demo
if "$pictures" "$log" "$out" >"$tmp/out" 2>"$tmp/err"; then
	if [ "$(grep -c '^picture: ' "$tmp/out")" -eq 2 ] &&
	   grep -qx "picture: $out/kbuddy-fragmented.png" "$tmp/out" &&
	   grep -qx "picture: $out/kbuddy-freed.png" "$tmp/out" &&
	   [ "$(tail -n 1 "$tmp/out")" = "picture: $out/kbuddy-freed.png" ]; then
		pass "extract: console.log gives two pictures, their paths printed last"
	else
		fail "extract: console.log gives two pictures, their paths printed last" "$(oneline <"$tmp/out")"
	fi
else
	fail "extract: console.log gives two pictures, their paths printed last" "$(oneline <"$tmp/err")"
fi
n=$(grep -c . "$out/dumps/fragmented/map" 2>/dev/null)
want=$(sed -n 's|^KBUDDY-DUMP-END fragmented/map ||p' "$log")
if [ "${n:-0}" = "$want" ] && ! grep -q '^\[' "$out/dumps/fragmented/map" &&
   "$map" --check "$out/dumps/fragmented/map" --buddyinfo "$out/dumps/fragmented/buddyinfo" \
	--unusable "$out/dumps/fragmented/unusable_index" --extfrag "$out/dumps/fragmented/extfrag_index" \
	>/dev/null 2>"$tmp/err"; then
	pass "extract: the fragmented dumps, a kernel message inside dropped, pass --check"
else
	fail "extract: the fragmented dumps, a kernel message inside dropped, pass --check" \
		"$n lines of $want; $(oneline <"$tmp/err")"
fi
if [ "$(cat "$out/dumps/freed/map" 2>/dev/null)" = "$(cat "$data/pristine.map")" ]; then
	pass "extract: the freed map is the pristine one"
else
	fail "extract: the freed map is the pristine one" "$(oneline <"$out/dumps/freed/map")"
fi
for st in fragmented freed; do
	if size=$(pnginfo "$out/kbuddy-$st.png" 2>"$tmp/err") && [ "$size" = "1300 750" ]; then
		pass "extract: kbuddy-$st.png is a 1300 x 750 PNG"
	else
		fail "extract: kbuddy-$st.png is a 1300 x 750 PNG" "${size:-}$(oneline <"$tmp/err")"
	fi
done
"$pictures" --show "$log" >"$tmp/out" 2>"$tmp/err"
if grep -qF "(fragmented/map: $want lines, kept for the picture)" "$tmp/out" &&
   grep -qF "(freed/buddyinfo: 1 line, kept for the picture)" "$tmp/out" &&
   [ "$(head -n 1 "$tmp/out")" = "$(sed -n '/^KBUDDY-GUEST-START/{n;p;q}' "$log")" ] &&
   grep -q '^== a tour of ' "$tmp/out" && ! grep -q 'KBUDDY-' "$tmp/out" &&
   ! grep -qE '^[0-9]+ [0-9]+ (free|pcp|pages|malloc|contig|slab) ' "$tmp/out" &&
   ! grep -q 'KBUDDY-DMESG\|reboot: Restarting' "$tmp/out"; then
	pass "extract: --show prints the guest's output, each dump folded into a line"
else
	fail "extract: --show prints the guest's output, each dump folded into a line" \
		"$(head -c 300 "$tmp/out" | oneline)$(oneline <"$tmp/err")"
fi
sed 's/$/\r/' "$log" >"$tmp/crlf.log"
if "$pictures" "$tmp/crlf.log" "$tmp/crlf" >"$tmp/out" 2>"$tmp/err" &&
   cmp -s "$tmp/crlf/dumps/fragmented/map" "$out/dumps/fragmented/map"; then
	pass "extract: a console log with CRLF line ends"
else
	fail "extract: a console log with CRLF line ends" "$(oneline <"$tmp/err")"
fi
# extract_bad NAME WHAT: $tmp/bad.log (made by the caller) is refused, saying WHAT.
extract_bad() {
	if "$pictures" "$tmp/bad.log" "$tmp/bad" >"$tmp/out" 2>"$tmp/err"; then
		fail "extract: refuses $1" "exit status 0: $(oneline <"$tmp/out")"
	elif ! grep -qF -- "$2" "$tmp/err"; then
		fail "extract: refuses $1" "no '$2' in: $(oneline <"$tmp/err")"
	elif grep -q '^picture: ' "$tmp/out" || [ -e "$tmp/bad/kbuddy-fragmented.png" ]; then
		fail "extract: refuses $1" "printed a picture: $(oneline <"$tmp/out")"
	else
		pass "extract: refuses $1"
	fi
}
first=$(grep -n '^KBUDDY-DUMP-BEGIN fragmented/map' "$log" | cut -d: -f1)
sed "$((first + 5))d" "$log" >"$tmp/bad.log"
extract_bad "a dump missing a line" "fragmented/map: the guest printed $want lines, $((want - 1)) arrived"
sed '/^KBUDDY-DUMP-END freed\/extfrag_index/d' "$log" >"$tmp/bad.log"
extract_bad "a dump without its END" "the dump of freed/extfrag_index has no END line"
sed '/^KBUDDY-DUMP-END fragmented\/map/d' "$log" >"$tmp/bad.log"
extract_bad "a BEGIN inside a dump" "KBUDDY-DUMP-BEGIN fragmented/buddyinfo inside the dump of fragmented/map"
sed 's|^KBUDDY-DUMP-END fragmented/map .*|KBUDDY-DUMP-END fragmented/map|' "$log" >"$tmp/bad.log"
extract_bad "an END without its count" "an END line without its line count"
sed '/^KBUDDY-DUMP-BEGIN/,/^KBUDDY-DUMP-END/d' "$log" >"$tmp/bad.log"
extract_bad "a log with no dumps" "no map dump in $tmp/bad.log"
sed "$((first + 3))s/ [a-z]* / frei /" "$log" >"$tmp/bad.log"
extract_bad "a garbled map" "$tmp/bad/dumps/fragmented/map:3: unknown state 'frei'"

echo "$np passed, $nf failed"
[ "$nf" -eq 0 ]
