#!/bin/sh
# Line coverage of kernel/ files from the objects of "make coverage":
#   coverage.sh DIR NAME...   (NAME: buddy, pcp, ... for kernel/NAME.c)
# One line per file, then "coverage: lines X% (covered/total)" over all.
set -eu
dir=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
total=0
covered=0
for name in "$@"; do
	src=$here/../../kernel/$name.c
	line=$(cd "$dir" && gcov -n -o . "$src" 2>/dev/null |
		awk -v f="kernel/$name.c" '
			/^File / { want = index($0, f) > 0 }
			want && /^Lines executed:/ { print; exit }')
	pct=$(echo "$line" | sed -n 's/^Lines executed:\([0-9.]*\)% of \([0-9]*\)$/\1/p')
	n=$(echo "$line" | sed -n 's/^Lines executed:\([0-9.]*\)% of \([0-9]*\)$/\2/p')
	if [ -z "$n" ]; then
		echo "coverage: kernel/$name.c: no data"
		continue
	fi
	c=$(awk -v p="$pct" -v n="$n" 'BEGIN { printf "%d", p * n / 100 + 0.5 }')
	echo "coverage: kernel/$name.c: lines $pct% ($c/$n)"
	total=$((total + n))
	covered=$((covered + c))
done
[ "$total" -gt 0 ] || { echo "coverage: lines 0% (no data)"; exit 1; }
awk -v c="$covered" -v t="$total" 'BEGIN { printf "coverage: lines %.1f%% (%d/%d)\n", 100 * c / t, c, t }'
