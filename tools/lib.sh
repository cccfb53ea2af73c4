# Host-side helpers for kbuddy's scripts (sourced).
top=$(cd "$(dirname "$0")/.." 2>/dev/null && git rev-parse --show-toplevel 2>/dev/null || pwd)
[ -f "$top/Kbuild" ] || top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/Kbuild" ] || top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build

# Installed Debian header trees, newest last.
debian_kdirs() { ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V; }
kdir_release() { basename "$1" | sed 's/^linux-headers-//'; }

# build_modules KDIR OUTDIR: build kbuddy's modules with W=1 in OUTDIR (a copy
# of the sources, so that builds for several kernels do not share objects).
# Warnings fail the build.
build_modules() {
	local bm_kdir=$1 bm_out=$2
	rm -rf "$bm_out"
	mkdir -p "$bm_out"
	cp -r "$top/kernel" "$top/kunit" "$top/Kbuild" "$bm_out/"
	if ! make -C "$bm_kdir" M="$bm_out" W=1 modules >"$bm_out/build.log" 2>&1; then
		echo "build: modules failed against $bm_kdir:"; tail -n 30 "$bm_out/build.log"; return 1
	fi
	if grep -E 'warning:|error:' "$bm_out/build.log"; then
		echo "build: warnings against $bm_kdir (W=1 must be clean)"; return 1
	fi
}
