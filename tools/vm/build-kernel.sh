#!/bin/sh
# Build (once per machine) the debug kernel that runs kbuddy's KUnit suites.
#
# usage: build-kernel.sh SERIES      (SERIES: 6.1, 6.12 or 6.12-rt)
#
# Unpacks Debian's /usr/src/linux-source-VERSION.tar.xz (VERSION is SERIES
# without "-rt"), makes an allnoconfig kernel with debug.config forced on
# (plus debug-rt.config for an -rt series and debug-SERIES.config if present)
# and builds bzImage and modules. Only what the fragments list is built, so a
# kernel takes minutes, not the quarter hour of x86_64_defconfig. The tree is
# cached in ~/.cache/kbuddy/linux-SERIES-HASH, HASH covering every fragment
# used, the build recipe and the source package version, so a machine builds
# each kernel once (KBUDDY_CACHE=DIR puts the trees elsewhere). It prints how
# long the build took; the path of the finished tree is the last line printed.
# Every option kunit/.kunitconfig lists must be on, in a new or cached tree.
set -eu

series=${1:?usage: build-kernel.sh SERIES}
here=$(cd "$(dirname "$0")" && pwd)
ver=${series%-rt}
frags="$here/debug.config"
case $series in
*-rt) frags="$frags $here/debug-rt.config";;
esac
[ -f "$here/debug-$series.config" ] && frags="$frags $here/debug-$series.config"
tarball=/usr/src/linux-source-$ver.tar.xz
[ -r "$tarball" ] || { echo "build-kernel: $tarball missing (make deps)" >&2; exit 1; }
for f in $frags; do
	[ -r "$f" ] || { echo "build-kernel: $f missing" >&2; exit 1; }
done

pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$ver" 2>/dev/null || echo unknown)
# Bump recipe when the way the tree is built changes (targets, base config).
# 2: allnoconfig base instead of x86_64_defconfig.
recipe=2
# shellcheck disable=SC2086
hash=$( (for f in $frags; do echo "fragment ${f##*/}"; cat "$f"; done; \
	echo "recipe $recipe $pkgver") | sha256sum | cut -c1-12)
cache=${KBUDDY_CACHE:-$HOME/.cache/kbuddy}
tree=$cache/linux-$series-$hash

# The options kbuddy's KUnit suites need (kunit/.kunitconfig, also what
# kunit.py users build with) must all be on in the kernel, cached or new:
# checked, not merged, so the file's comments do not key the cache.
kunitconfig=$here/../../kunit/.kunitconfig
check_kunitconfig() {
	[ -r "$kunitconfig" ] || return 0
	for opt in $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/\1/p' "$kunitconfig"); do
		grep -q "^CONFIG_$opt=y" "$tree/.config" || {
			echo "build-kernel: CONFIG_$opt (kunit/.kunitconfig) is not on in $tree/.config: add it to debug.config" >&2
			return 1; }
	done
}

mkdir -p "$cache"
# One build per tree at a time: a second caller waits for the first.
exec 9>"$tree.lock"
flock 9
if [ -f "$tree/.kbuddy-built" ]; then
	check_kunitconfig || exit 1
	secs=$(cat "$tree/.kbuddy-built")
	echo "build-kernel: linux $series cached in $tree (built in ${secs:-an unrecorded time}${secs:+s})" >&2
	echo "$tree"
	exit 0
fi

rm -rf "$tree"
mkdir -p "$tree"
log=$tree.log
start=$(date +%s)
echo "build-kernel: unpacking $tarball (linux-source-$ver $pkgver) into $tree" >&2
tar -xJf "$tarball" -C "$tree" --strip-components=1

cd "$tree"
# allnoconfig with the fragments forced on (merge_config.sh -n): the kernel is
# exactly what the fragments ask for, and whatever they select.
# shellcheck disable=SC2086
./scripts/kconfig/merge_config.sh -n .config $frags >"$log" 2>&1 ||
	{ echo "build-kernel: configuring failed, see $log" >&2; tail -30 "$log" >&2; exit 1; }
# Every option a fragment sets must have stuck: a checker that silently fell
# out (a missing dependency) would make the KUnit run prove nothing.
for opt in $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/\1/p' $frags | sort -u); do
	grep -q "^CONFIG_$opt=y" .config || {
		echo "build-kernel: CONFIG_$opt did not stick in $tree/.config" >&2; exit 1; }
done
check_kunitconfig || exit 1
for opt in $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=n$/\1/p' $frags | sort -u); do
	! grep -q "^CONFIG_$opt=[ym]" .config || {
		echo "build-kernel: CONFIG_$opt is on in $tree/.config" >&2; exit 1; }
done

jobs=$(( $(nproc) + 1 ))
echo "build-kernel: building linux $series (bzImage modules, -j$jobs); log in $log" >&2
# A progress line every 20 s: a first build takes minutes.
make -j"$jobs" bzImage modules >>"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 20
	echo "build-kernel: $(grep -c '^  [A-Z]' "$log") build steps, $(( $(date +%s) - start ))s" >&2
done
wait "$pid" || { echo "build-kernel: build failed, see $log" >&2; tail -30 "$log" >&2; exit 1; }
[ -f arch/x86/boot/bzImage ] || { echo "build-kernel: build failed, see $log" >&2; tail -30 "$log" >&2; exit 1; }
secs=$(( $(date +%s) - start ))
# The build time, kept for the cached runs' message.
echo "$secs" >.kbuddy-built
echo "build-kernel: linux $series built in ${secs}s ($(( secs / 60 ))m$(( secs % 60 ))s: unpack, configure, bzImage + modules, -j$jobs)" >&2
echo "$tree"
