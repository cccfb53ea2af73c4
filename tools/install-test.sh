#!/bin/sh
# make install and dkms, checked on the host against installed Debian headers,
# without touching the host's /lib/modules, /usr/src or /var/lib/dkms: one
# line per check, "ok NAME" or "FAIL NAME: why"; exit status 1 if anything
# failed. Logs in build/install-test/.
#
#   install-test.sh [install] [dkms]   both parts by default
#
#   install  make install INSTALL_MOD_PATH=<temp root> KDIR=<headers> on a copy
#            of the sources: kbuddy.ko (or .ko.xz, as the kernel compresses)
#            in <root>/lib/modules/REL/updates/ and no test module anywhere,
#            modules.dep listing it, modinfo -b <root> -k REL finding it with
#            description, author, license, the version of kernel/main.c and a
#            description for every parameter; then make uninstall removes it.
#   dkms     dkms add, build, install and remove with a private tree of each
#            kind (--sourcetree, --dkmstree, --installtree under a temp dir,
#            --no-depmod and depmod -b on the temp tree instead), in a mount
#            namespace of its own with a tmpfs over /var/lib/dkms, where dkms
#            3.0 writes its module signing key: the built kbuddy.ko is for
#            REL, its version is kernel/main.c's, only kbuddy.ko is built,
#            the install lands in updates/dkms/ and modinfo finds it there.
#
#   KBUDDY_INSTALL_KDIR=DIR  make install's kernel (default: the newest plain
#                            Debian headers, 6.12: modules compressed with xz)
#   KBUDDY_DKMS_KDIR=DIR     dkms's kernel (default: the oldest plain Debian
#                            headers, 6.1: modules not compressed)
set -eu
. "$(dirname "$0")/lib.sh"

log=$build/install-test
mkdir -p "$log"
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kbuddy-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

ok() { echo "ok $1"; }
fail() { # fail NAME WHY
	echo "FAIL $1: $2"
	failed=1
}
# Lines on one line.
oneline() { tr '\n' ' '; }
# The last lines of a log, on one line.
tail_of() { tail -n "${2:-3}" "$1" | tr '\n' '|'; }

# The release, the one place it is written (dkms.conf reads the same line).
version=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$top/kernel/main.c")

# copy_sources DIR: what a build needs, as a release tarball would hold it.
copy_sources() {
	mkdir -p "$1"
	cp -r "$top/kernel" "$top/kunit" "$top/include" "$top/Kbuild" \
		"$top/Makefile" "$top/dkms.conf" "$1/"
}

# check_modinfo NAME ROOT REL PATH: modinfo -b ROOT -k REL finds kbuddy at
# PATH, with the fields of a released module and a description for every
# parameter.
check_modinfo() {
	cm_name=$1 cm_root=$2 cm_rel=$3 cm_path=$4
	mi() { modinfo -b "$cm_root" -k "$cm_rel" "$@" kbuddy 2>>"$log/modinfo.err"; }
	if ! cm_file=$(mi -F filename) || [ -z "$cm_file" ]; then
		fail "$cm_name, modinfo -b -k finds kbuddy" "modinfo failed: $(tail_of "$log/modinfo.err" 2)"
		return
	fi
	if [ "$cm_file" != "$cm_path" ]; then
		fail "$cm_name, modinfo -b -k finds kbuddy" "filename $cm_file, not $cm_path"
		return
	fi
	ok "$cm_name, modinfo -b -k finds kbuddy"
	cm_missing=""
	for f in description author license version; do
		[ -n "$(mi -F "$f")" ] || cm_missing="$cm_missing $f"
	done
	cm_ver=$(mi -F version)
	if [ -n "$cm_missing" ]; then
		fail "$cm_name, modinfo fields" "missing:$cm_missing"
	elif [ "$cm_ver" != "$version" ]; then
		fail "$cm_name, modinfo fields" "version '$cm_ver', kernel/main.c says '$version'"
	elif [ "$(mi -F license)" != GPL ]; then
		fail "$cm_name, modinfo fields" "license '$(mi -F license)', not GPL"
	else
		ok "$cm_name, modinfo fields (description, author, license, version $version)"
	fi
	# Every module_param() has a parmtype (NAME:TYPE), a MODULE_PARM_DESC()
	# a parm (NAME:DESCRIPTION). kmod's modinfo -F parm prints every
	# parameter as "NAME:DESCRIPTION (TYPE)", "NAME: (TYPE)" where there is
	# no description.
	cm_types=$(mi -F parmtype)
	cm_parms=$(mi -F parm)
	cm_names="" cm_nodesc=""
	while IFS=: read -r cm_p cm_t; do
		[ -n "$cm_p" ] || continue
		cm_names="$cm_names $cm_p"
		cm_desc=$(printf '%s\n' "$cm_parms" | sed -n "s/^$cm_p:\(.*\)\$/\1/p" |
			sed "s/[[:space:]]*($cm_t)\$//; s/^[[:space:]]*//" | head -n 1)
		[ -n "$cm_desc" ] || cm_nodesc="$cm_nodesc $cm_p"
	done <<-EOT
	$cm_types
	EOT
	if [ -z "$cm_names" ]; then
		fail "$cm_name, every parameter described" "modinfo lists no parameter"
	elif [ -n "$cm_nodesc" ]; then
		fail "$cm_name, every parameter described" "no MODULE_PARM_DESC for:$cm_nodesc"
	else
		ok "$cm_name, every parameter described (${cm_names# })"
	fi
}

# What uname -r says on KDIR's kernel, and modules' vermagic begins with
# (Debian's 6.1 headers have another release in include/config/kernel.release).
uts_release() { # uts_release KDIR
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$1/include/generated/utsrelease.h"
}

# check_vermagic NAME KO REL
check_vermagic() {
	cv_magic=$(modinfo -F vermagic "$2" 2>&1 || true)
	case $cv_magic in
	"$3 "*) ok "$1, kbuddy.ko built for $3";;
	*) fail "$1, kbuddy.ko built for $3" "vermagic '$cv_magic'";;
	esac
}

# The module files of ROOT (any compression), one path a line.
modules_in() { find "$1" -name '*.ko' -o -name '*.ko.*' | sort; }

run_install() {
	set -- install
	kdir=${KBUDDY_INSTALL_KDIR:-$(debian_kdirs "" | tail -n 1)}
	if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
		fail "install headers" "no Debian headers (make deps) or KBUDDY_INSTALL_KDIR"
		return
	fi
	rel=$(uts_release "$kdir")
	[ -n "$rel" ] || { fail "$1 headers" "no UTS_RELEASE in $kdir"; return; }
	root=$tmp/root src=$tmp/src
	host_before=$(modules_in "/lib/modules/$rel" | grep '/kbuddy' || true)
	copy_sources "$src"
	if ! nice -n 10 make -C "$src" install KDIR="$kdir" INSTALL_MOD_PATH="$root" \
		>"$log/install.log" 2>&1; then
		fail "install on $rel, make install INSTALL_MOD_PATH=" "$(tail_of "$log/install.log")"
		return
	fi
	ok "install on $rel, make install INSTALL_MOD_PATH="
	dir=$root/lib/modules/$rel
	mods=$(modules_in "$root")
	ko=$(printf '%s\n' "$mods" | grep "^$dir/updates/kbuddy\.ko\(\.[a-z]*\)\{0,1\}\$" || true)
	if [ -n "$ko" ] && [ "$(printf '%s\n' "$ko" | wc -l)" -eq 1 ]; then
		ok "install on $rel, kbuddy.ko in updates/ (${ko#"$root"/})"
	else
		fail "install on $rel, kbuddy.ko in updates/" "found: $(printf '%s\n' "$mods" | oneline)"
		return
	fi
	check_vermagic "install on $rel" "$ko" "$rel"
	others=$(printf '%s\n' "$mods" | grep -vxF "$ko" || true)
	if [ -z "$others" ]; then
		ok "install on $rel, no test module installed"
	else
		fail "install on $rel, no test module installed" "$(printf '%s\n' "$others" | oneline)"
	fi
	# make install ran depmod on the temp root.
	if grep -q "^updates/kbuddy\.ko[^:]*:" "$dir/modules.dep" 2>/dev/null; then
		ok "install on $rel, depmod -b, modules.dep lists it"
	else
		fail "install on $rel, depmod -b, modules.dep lists it" "$(head -c 200 "$dir/modules.dep" 2>&1)"
	fi
	check_modinfo "install on $rel" "$root" "$rel" "$ko"
	host_after=$(modules_in "/lib/modules/$rel" | grep '/kbuddy' || true)
	if [ "$host_before" = "$host_after" ]; then
		ok "install on $rel, nothing installed outside INSTALL_MOD_PATH"
	else
		fail "install on $rel, nothing installed outside INSTALL_MOD_PATH" "/lib/modules/$rel now has: $host_after"
	fi
	if ! nice -n 10 make -C "$src" uninstall KDIR="$kdir" INSTALL_MOD_PATH="$root" \
		>"$log/uninstall.log" 2>&1; then
		fail "install on $rel, make uninstall" "$(tail_of "$log/uninstall.log")"
	elif [ -n "$(modules_in "$root")" ] || grep -q kbuddy "$dir/modules.dep" 2>/dev/null; then
		fail "install on $rel, make uninstall" "left: $(modules_in "$root" | oneline) $(grep kbuddy "$dir/modules.dep" 2>/dev/null | oneline)"
	else
		ok "install on $rel, make uninstall removes it, modules.dep too"
	fi
}

# dkms with every tree of its own, in a mount namespace where /var/lib/dkms
# is a fresh tmpfs (dkms 3.0 puts the signing key it makes there, and has no
# option to move it): nothing of the host's is written.
dk() {
	unshare --mount --propagation private sh -c \
		'mount -t tmpfs kbuddy-dkms-test /var/lib/dkms && exec "$@"' sh \
		nice -n 10 dkms --dkmstree "$tmp/dkms" --sourcetree "$tmp/usrsrc" \
		--installtree "$tmp/droot/lib/modules" "$@"
}

run_dkms() {
	set -- dkms
	kdir=${KBUDDY_DKMS_KDIR:-$(debian_kdirs "" | head -n 1)}
	if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
		fail "dkms headers" "no Debian headers (make deps) or KBUDDY_DKMS_KDIR"
		return
	fi
	rel=$(uts_release "$kdir")
	[ -n "$rel" ] || { fail "$1 headers" "no UTS_RELEASE in $kdir"; return; }
	if ! command -v dkms >/dev/null; then
		fail "dkms on $rel, dkms installed" "no (make deps)"
		return
	fi
	if ! unshare --mount --propagation private sh -c \
		'mount -t tmpfs kbuddy-dkms-test /var/lib/dkms' >"$log/dkms-unshare.log" 2>&1; then
		fail "dkms on $rel, isolation" "cannot mount a tmpfs over /var/lib/dkms in a mount namespace: $(tail_of "$log/dkms-unshare.log" 2)"
		return
	fi
	mv="kbuddy/$version"
	host_before=$(ls -d /var/lib/dkms/kbuddy /usr/src/kbuddy-* 2>/dev/null || true; modules_in "/lib/modules/$rel" | grep '/kbuddy' || true)
	copy_sources "$tmp/dsrc"
	droot=$tmp/droot dir=$tmp/droot/lib/modules/$rel
	mkdir -p "$dir" "$tmp/dkms" "$tmp/usrsrc"
	if dk add "$tmp/dsrc" >"$log/dkms-add.log" 2>&1 &&
		[ -f "$tmp/usrsrc/kbuddy-$version/dkms.conf" ] &&
		dk status "$mv" 2>&1 | grep -q "^$mv: added"; then
		ok "dkms on $rel, dkms add ($mv, the version of kernel/main.c)"
	else
		fail "dkms on $rel, dkms add ($mv)" "$(tail_of "$log/dkms-add.log") $(dk status 2>&1)"
		return
	fi
	if ! dk build "$mv" -k "$rel" --kernelsourcedir "$kdir" >"$log/dkms-build.log" 2>&1; then
		fail "dkms on $rel, dkms build" "$(tail_of "$log/dkms-build.log"); see $log/dkms-make.log"
		cp "$tmp/dkms/kbuddy/$version/build/make.log" "$log/dkms-make.log" 2>/dev/null || true
		return
	fi
	# dkms keeps a build's make.log beside the module it built.
	cat "$tmp/dkms/kbuddy/$version/$rel"/*/log/make.log >"$log/dkms-make.log" 2>/dev/null || true
	built=$(modules_in "$tmp/dkms/kbuddy/$version/$rel")
	bko=$(printf '%s\n' "$built" | grep '/module/kbuddy\.ko[^/]*$' || true)
	if [ -z "$bko" ]; then
		fail "dkms on $rel, dkms build" "no kbuddy.ko in $tmp/dkms/kbuddy/$version/$rel: $(printf '%s\n' "$built" | oneline)"
		return
	fi
	check_vermagic "dkms on $rel, dkms build" "$bko" "$rel"
	# make.log lists every module the build linked (LD [M]).
	tests=$(grep -o 'kbuddy_[a-z]*\.ko' "$log/dkms-make.log" | sort -u | tr '\n' ' ' || true)
	if ! grep -q 'kbuddy\.ko' "$log/dkms-make.log" 2>/dev/null; then
		fail "dkms on $rel, dkms builds kbuddy.ko alone" "no make.log from dkms"
	elif [ -n "$tests" ]; then
		fail "dkms on $rel, dkms builds kbuddy.ko alone" "also built: $tests"
	else
		ok "dkms on $rel, dkms builds kbuddy.ko alone"
	fi
	if ! dk install --no-depmod "$mv" -k "$rel" >"$log/dkms-install.log" 2>&1; then
		fail "dkms on $rel, dkms install" "$(tail_of "$log/dkms-install.log")"
		return
	fi
	iko=$(modules_in "$droot" | grep "^$dir/updates/dkms/kbuddy\.ko" || true)
	if [ -n "$iko" ] && dk status "$mv" -k "$rel" 2>&1 | grep -q "^$mv, $rel, [^:]*: installed"; then
		ok "dkms on $rel, dkms install, ${iko#"$droot"/}, status installed"
	else
		fail "dkms on $rel, dkms install" "in the tree: $(modules_in "$droot" | oneline); status: $(dk status 2>&1)"
		return
	fi
	if depmod -b "$droot" "$rel" >"$log/dkms-depmod.log" 2>&1 &&
		grep -q "^updates/dkms/kbuddy\.ko[^:]*:" "$dir/modules.dep"; then
		ok "dkms on $rel, depmod -b, modules.dep lists it"
	else
		fail "dkms on $rel, depmod -b, modules.dep lists it" "$(tail_of "$log/dkms-depmod.log")"
	fi
	check_modinfo "dkms on $rel" "$droot" "$rel" "$iko"
	if dk remove "$mv" --all --no-depmod >"$log/dkms-remove.log" 2>&1 &&
		[ -z "$(modules_in "$droot")" ] && [ ! -e "$tmp/dkms/kbuddy/$version" ]; then
		ok "dkms on $rel, dkms remove --all"
	else
		fail "dkms on $rel, dkms remove --all" "$(tail_of "$log/dkms-remove.log"); left: $(modules_in "$droot" | oneline)"
	fi
	host_after=$(ls -d /var/lib/dkms/kbuddy /usr/src/kbuddy-* 2>/dev/null || true; modules_in "/lib/modules/$rel" | grep '/kbuddy' || true)
	if [ "$host_before" = "$host_after" ]; then
		ok "dkms on $rel, nothing written to the host's /var/lib/dkms, /usr/src, /lib/modules"
	else
		fail "dkms on $rel, nothing written to the host's /var/lib/dkms, /usr/src, /lib/modules" "now: $host_after"
	fi
}

if [ -z "$version" ]; then
	fail "version" "no MODULE_VERSION(\"...\"); line in kernel/main.c"
	exit 1
fi
[ $# -gt 0 ] || set -- install dkms
for part in "$@"; do
	case $part in
	install) run_install;;
	dkms) run_dkms;;
	*) echo "usage: install-test.sh [install] [dkms]" >&2; exit 2;;
	esac
done
exit "$failed"
