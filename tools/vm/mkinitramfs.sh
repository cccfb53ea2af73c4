#!/bin/sh
# Pack a busybox initramfs carrying kbuddy's modules, the guest scripts and
# the debugfs fuzzer (tools/vm/debugfs-fuzz.c, built static: /bin/kbuddy-fuzz)
# and the /dev/kbuddy client (tools/kbuddy-buf, static: /bin/kbuddy-buf)
# and the debugfs reader (tools/kbuddy-stat, static: /bin/kbuddy-stat).
#
# usage: mkinitramfs.sh OUT.cpio.gz MODULE.ko...
set -eu

out=${1:?usage: mkinitramfs.sh OUT.cpio.gz MODULE.ko...}
shift
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/bin" "$stage/guest" "$stage/modules" "$stage/proc" "$stage/sys" \
	"$stage/dev" "$stage/tmp"
cp /bin/busybox "$stage/bin/busybox"
cp "$here/guest/init" "$stage/init"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -o "$stage/bin/kbuddy-fuzz" "$here/debugfs-fuzz.c"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -o "$stage/bin/kbuddy-buf" "$here/../kbuddy-buf/kbuddy-buf.c"
${CC:-gcc} -static -O2 -Wall -Wextra -Werror -o "$stage/bin/kbuddy-stat" "$here/../kbuddy-stat/kbuddy-stat.c"
cp "$here"/guest/*.sh "$stage/guest/"
for m in "$@"; do
	cp "$m" "$stage/modules/"
done
chmod +x "$stage/init" "$stage"/guest/*.sh
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
