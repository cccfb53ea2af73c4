#!/bin/sh
# make style: checkpatch --strict and kernel-doc over kbuddy's kernel sources,
# and sparse (C=2) over a module build against Debian's headers.
# checkpatch comes from Debian's linux-source-6.1 (extracted once into
# ~/.cache/kbuddy), kernel-doc from the installed headers.
#
# sparse runs against the newest plain and the newest PREEMPT_RT headers
# (where a local_lock is a spinlock_t, which sparse tracks); any sparse
# warning in kbuddy's files fails. The KUnit suites build only against a
# kernel with KUnit (the debug kernels), so sparse sees kernel/ and
# kunit/stress.c here.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$top"

cache=${KBUDDY_CACHE:-$HOME/.cache/kbuddy}
cp_dir=$cache/checkpatch-$(dpkg-query -W -f='${Version}' linux-source-6.1)
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$cp_dir" --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi
kdoc=$(ls /usr/src/linux-headers-*-common/scripts/kernel-doc | sort -V | tail -n 1)

rc=0
pids=""
# sparse: both flavours at once, in the background while checkpatch runs.
sparse_one() { # sparse_one KDIR OUTDIR
	rm -rf "$2"
	mkdir -p "$2"
	cp -r kernel kunit include Kbuild "$2/"
	if ! make -C "$1" M="$2" C=2 modules >"$2/sparse.log" 2>&1; then
		echo "sparse: the module build against $1 failed:"
		tail -n 20 "$2/sparse.log"
		return 1
	fi
	# Reports from kbuddy's own files; the kernel's headers are not ours.
	if grep -F "$2/" "$2/sparse.log" |
	   grep -E '/(kernel|kunit)/[^/:]*:[0-9]+:[0-9]+: (warning|error):'; then
		echo "sparse: warnings against $1 (full log: $2/sparse.log)"
		return 1
	fi
}
if ! command -v sparse >/dev/null; then
	echo "sparse: not installed (make deps)"
	rc=1
else
	for fl in "" rt; do
		kdir=$(debian_kdirs "$fl" | tail -n 1)
		[ -n "$kdir" ] || { echo "sparse: no Debian ${fl:-plain} headers (make deps)"; rc=1; continue; }
		sparse_one "$kdir" "$build/sparse-$(kdir_release "$kdir")" &
		pids="$pids $!"
	done
fi
# One checkpatch run for all files (its start-up is most of a small file's
# cost), and one for the compatibility header, which exists to test
# LINUX_VERSION_CODE.
files=$(ls kernel/*.c kernel/*.h kunit/*.c 2>/dev/null | grep -v '^kernel/compat.h$')
# shellcheck disable=SC2086
"$cp_dir/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types -f $files || rc=1
"$cp_dir/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types \
	--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kernel/compat.h || rc=1
for f in kernel/*.c kernel/*.h; do
	if "$kdoc" -none "$f" 2>&1 | grep -E "warning|error"; then
		rc=1
	fi
done
for p in $pids; do
	wait "$p" || rc=1
done
# Every export has rows in the kbuddy_api KUnit table.
if ! "$top/tools/check-api-table.sh"; then
	rc=1
fi
[ "$rc" -eq 0 ] && echo "style: clean"
exit "$rc"
