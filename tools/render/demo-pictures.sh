#!/bin/sh
# The pictures of make demo: cut the debugfs dumps the guest printed
# (tools/vm/guest/demo.sh, dump()) out of a console log and draw each stage.
#
# usage: demo-pictures.sh CONSOLE.log OUTDIR
#        demo-pictures.sh --show CONSOLE.log
#
# A dump on the console is
#     KBUDDY-DUMP-BEGIN STAGE/FILE
#     ...the file's lines...
#     KBUDDY-DUMP-END STAGE/FILE LINES
# (FILE: map, buddyinfo, unusable_index, extfrag_index; LINES: how many the
# guest printed, checked here). Kernel console messages that land inside a
# dump ("[  12.345678] ...") are dropped. Each dump goes to
# OUTDIR/dumps/STAGE/FILE; each STAGE with a map is drawn by kbuddy-map.py
# (with its buddyinfo and indices when dumped too) into
# OUTDIR/kbuddy-STAGE.png, and "picture: PATH" printed, in the order of the
# log. --show prints the guest's output instead (from KBUDDY-GUEST-START to
# the first KBUDDY-GUEST-RC, both left out), each dump folded into one
# line. Exit status 1, with the log's line, on a dump cut short or garbled,
# no map dump at all, or a picture kbuddy-map.py refused.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --show ]; then
	log=${2:?usage: demo-pictures.sh --show CONSOLE.log}
	[ -r "$log" ] || { echo "demo-pictures: $log: cannot read" >&2; exit 1; }
	tr -d '\r' <"$log" | awk '
	/^KBUDDY-GUEST-RC/ { exit }
	on && /^KBUDDY-DUMP-BEGIN / { dump = 1; next }
	on && dump && /^KBUDDY-DUMP-END / { dump = 0; printf "   (%s: %d line%s, kept for the picture)\n", $2, $3, $3 == 1 ? "" : "s"; next }
	on && !dump { print }
	/^KBUDDY-GUEST-START/ { on = 1 }
	'
	exit 0
fi
log=${1:?usage: demo-pictures.sh CONSOLE.log OUTDIR}
out=${2:?usage: demo-pictures.sh CONSOLE.log OUTDIR}
[ -r "$log" ] || { echo "demo-pictures: $log: cannot read" >&2; exit 1; }

rm -rf "$out/dumps"
mkdir -p "$out/dumps"
# Cut the dumps out; print the stages in order, one per line.
stages=$(tr -d '\r' <"$log" | awk -v dir="$out/dumps" -v src="$log" '
function die(what) { printf "demo-pictures: %s:%d: %s\n", src, NR, what > "/dev/stderr"; bad = 1; exit 1 }
/^KBUDDY-DUMP-SKIP / { print "demo-pictures: the guest could not read " substr($0, 19) > "/dev/stderr"; next }
/^KBUDDY-DUMP-BEGIN / {
	if (name != "") die("KBUDDY-DUMP-BEGIN " $2 " inside the dump of " name " (its END line is missing)")
	if (NF != 2 || $2 !~ /^[A-Za-z0-9_-]+\/(map|buddyinfo|unusable_index|extfrag_index)$/)
		die("a BEGIN line that is not \"KBUDDY-DUMP-BEGIN STAGE/FILE\": " $0)
	name = $2; n = 0; file = dir "/" name
	stage = name; sub(/\/.*/, "", stage)
	if (!(stage in seen)) { seen[stage] = 1; order[++nstages] = stage; system("mkdir -p \"" dir "/" stage "\"") }
	if (name in done) die("a second dump of " name)
	printf "" > file
	next
}
/^KBUDDY-DUMP-END / {
	if (name == "") die("KBUDDY-DUMP-END without a BEGIN")
	if ($2 != name) die("KBUDDY-DUMP-END " $2 " ends the dump of " name)
	if (NF != 3 || $3 !~ /^[0-9]+$/) die("an END line without its line count: " $0)
	if ($3 + 0 != n) die(name ": the guest printed " $3 " lines, " n " arrived (a console line lost or split?)")
	close(file); done[name] = 1; name = ""
	next
}
name != "" && /^\[ *[0-9]+\.[0-9]+\] / { next }
name != "" { print > file; n++ }
END {
	if (bad) exit 1
	if (name != "") { printf "demo-pictures: %s: the dump of %s has no END line (the guest stopped?)\n", src, name > "/dev/stderr"; exit 1 }
	for (i = 1; i <= nstages; i++) print order[i]
}')

drawn=0
for stage in $stages; do
	d=$out/dumps/$stage
	[ -f "$d/map" ] || { echo "demo-pictures: stage $stage: no map dump" >&2; continue; }
	set -- "$d/map" -o "$out/kbuddy-$stage.png" --title "kbuddy demo: $stage"
	[ -f "$d/buddyinfo" ] && set -- "$@" --buddyinfo "$d/buddyinfo"
	[ -f "$d/unusable_index" ] && set -- "$@" --unusable "$d/unusable_index"
	[ -f "$d/extfrag_index" ] && set -- "$@" --extfrag "$d/extfrag_index"
	"$here/kbuddy-map.py" "$@" || { echo "demo-pictures: stage $stage: kbuddy-map.py failed (dumps in $d)" >&2; exit 1; }
	drawn=$((drawn + 1))
	echo "picture: $out/kbuddy-$stage.png"
done
if [ "$drawn" = 0 ]; then
	echo "demo-pictures: no map dump in $log (a kbuddy without the map file?)" >&2
	exit 1
fi
