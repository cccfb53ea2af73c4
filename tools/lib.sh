# Host-side helpers for kbuddy's scripts (sourced).
top=$(cd "$(dirname "$0")/.." 2>/dev/null && git rev-parse --show-toplevel 2>/dev/null || pwd)
[ -f "$top/Kbuild" ] || top=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$top/Kbuild" ] || top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build

# Installed Debian header trees of one flavour, newest last: the plain amd64
# flavour, or with FLAVOUR=rt (or an argument "rt") the PREEMPT_RT one. The
# glob linux-headers-*-amd64 alone matches both, and sort -V puts -rt- last.
debian_kdirs() { # debian_kdirs [rt]
	case ${1:-${FLAVOUR:-}} in
	"") ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -- '-rt-amd64$' | sort -V;;
	rt) ls -d /usr/src/linux-headers-*-rt-amd64 2>/dev/null | sort -V;;
	*) echo "debian_kdirs: unknown flavour '${1:-$FLAVOUR}' (plain or rt)" >&2; return 1;;
	esac
}
kdir_release() { basename "$1" | sed 's/^linux-headers-//'; }

# build_modules KDIR OUTDIR: build kbuddy's modules with W=1 in OUTDIR (a copy
# of the sources, so that builds for several kernels do not share objects).
# Warnings fail the build.
build_modules() {
	local bm_kdir=$1 bm_out=$2
	rm -rf "$bm_out"
	mkdir -p "$bm_out"
	cp -r "$top/kernel" "$top/kunit" "$top/include" "$top/Kbuild" "$bm_out/"
	# shellcheck disable=SC2086
	if ! ${BM_NICE:-} make -C "$bm_kdir" M="$bm_out" W=1 modules >"$bm_out/build.log" 2>&1; then
		echo "build: modules failed against $bm_kdir:"; tail -n 30 "$bm_out/build.log"; return 1
	fi
	if grep -E 'warning:|error:' "$bm_out/build.log"; then
		echo "build: warnings against $bm_kdir (W=1 must be clean)"; return 1
	fi
}
