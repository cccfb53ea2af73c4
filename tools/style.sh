#!/bin/sh
# make style: checkpatch --strict and kernel-doc over kbuddy's kernel sources.
# checkpatch comes from Debian's linux-source-6.1 (extracted once into
# ~/.cache/kbuddy), kernel-doc from the installed headers.
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

files=$(ls kernel/*.c kernel/*.h kunit/*.c 2>/dev/null)
rc=0
for f in $files; do
	extra=""
	case $f in
	# The compatibility header exists to test LINUX_VERSION_CODE.
	kernel/compat.h) extra="--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON";;
	esac
	# shellcheck disable=SC2086
	if ! "$cp_dir/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types $extra -f "$f"; then
		rc=1
	fi
done
for f in kernel/*.c kernel/*.h; do
	if "$kdoc" -none "$f" 2>&1 | grep -E "warning|error"; then
		rc=1
	fi
done
# Every export has rows in the kbuddy_api KUnit table.
if ! "$top/tools/check-api-table.sh"; then
	rc=1
fi
[ "$rc" -eq 0 ] && echo "style: clean"
exit "$rc"
