#!/bin/sh
# Install the Debian packages kbuddy's targets need, only those missing.
set -eu

# Both of Debian 12's LTS kernels: 6.1 (the default flavour) and 6.12, each
# also in its PREEMPT_RT flavour (the 6.1-rt and 6.12-rt series of make check).
# dkms: make check builds and installs kbuddy with it (tools/install-test.sh).
# python3-matplotlib: make demo's pictures and their tests (tools/render).
pkgs="make gcc linux-headers-amd64 linux-image-amd64 linux-source-6.1
linux-headers-6.12-amd64 linux-image-6.12-amd64 linux-source-6.12
linux-headers-rt-amd64 linux-image-rt-amd64
linux-headers-6.12-rt-amd64 linux-image-6.12-rt-amd64 qemu-system-x86
busybox-static cpio gzip xz-utils bc bison flex libelf-dev libssl-dev dwarves python3
kmod perl sparse valgrind dkms python3-matplotlib"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "deps: installing$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
