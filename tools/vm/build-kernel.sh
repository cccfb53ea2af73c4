#!/bin/sh
# Build (once per machine) the debug kernel that runs kbuddy's KUnit suites.
#
# usage: build-kernel.sh VERSION      (VERSION: 6.1 or 6.12)
#
# Unpacks Debian's /usr/src/linux-source-VERSION.tar.xz, applies debug.config
# over x86_64_defconfig and builds bzImage and modules. The tree is cached in
# ~/.cache/kbuddy/linux-VERSION-HASH, HASH covering the fragment, the build
# recipe and the source package version, so a machine builds each kernel once. The
# path of the finished tree is the last line printed.
set -eu

ver=${1:?usage: build-kernel.sh VERSION}
here=$(cd "$(dirname "$0")" && pwd)
tarball=/usr/src/linux-source-$ver.tar.xz
[ -r "$tarball" ] || { echo "build-kernel: $tarball missing (make deps)" >&2; exit 1; }

pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$ver" 2>/dev/null || echo unknown)
# Bump recipe when the way the tree is built changes (targets, base config).
recipe=1
hash=$( (cat "$here/debug.config"; [ -f "$here/debug-$ver.config" ] && cat "$here/debug-$ver.config"; \
	echo "recipe $recipe $pkgver") | sha256sum | cut -c1-12)
cache=${KBUDDY_CACHE:-$HOME/.cache/kbuddy}
tree=$cache/linux-$ver-$hash

mkdir -p "$cache"
# One build per tree at a time: a second caller waits for the first.
exec 9>"$tree.lock"
flock 9
if [ -f "$tree/.kbuddy-built" ]; then
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
frags="$here/debug.config"
[ -f "$here/debug-$ver.config" ] && frags="$frags $here/debug-$ver.config"
make -s x86_64_defconfig >"$log" 2>&1
# shellcheck disable=SC2086
./scripts/kconfig/merge_config.sh -m .config $frags >>"$log" 2>&1
make -s olddefconfig >>"$log" 2>&1
for opt in KUNIT KUNIT_DEBUGFS KASAN KASAN_VMALLOC PROVE_LOCKING DEBUG_KMEMLEAK UBSAN DEBUG_VM \
	FAULT_INJECTION DEBUG_FS MODULES BLK_DEV_INITRD SERIAL_8250_CONSOLE; do
	grep -q "^CONFIG_$opt=y" .config || {
		echo "build-kernel: CONFIG_$opt did not stick in $tree/.config" >&2; exit 1; }
done

jobs=$(( $(nproc) + 1 ))
echo "build-kernel: building linux $ver (bzImage modules, -j$jobs); log in $log" >&2
# A progress line every 20 s: a first build takes minutes.
make -j"$jobs" bzImage modules >>"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 20
	echo "build-kernel: $(grep -c '^  [A-Z]' "$log") build steps, $(( $(date +%s) - start ))s" >&2
done
wait "$pid" || { echo "build-kernel: build failed, see $log" >&2; tail -30 "$log" >&2; exit 1; }
[ -f arch/x86/boot/bzImage ] || { echo "build-kernel: build failed, see $log" >&2; tail -30 "$log" >&2; exit 1; }
touch .kbuddy-built
echo "build-kernel: linux $ver ready in $(( $(date +%s) - start ))s" >&2
echo "$tree"
