#!/bin/sh
# Every EXPORT_SYMBOL_GPL of kbuddy (kernel/*.c but the benchmark module,
# kernel/bench.c) must have rows in kunit/api_kunit.c: an
# API_EXPORT(name, ...) (or API_EXPORT_THEN()) entry in its table
# api_exports[], and a KUnit case
# that runs them, API_CASE(name) in kbuddy_api_cases[]. Exit status 1,
# naming each export without one.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$top"

table=kunit/api_kunit.c
entries=$(sed -n '/^static const struct api_export api_exports\[\] = {$/,/^};$/p' "$table" |
	sed -n 's/^[[:space:]]*API_EXPORT\(_THEN\)\{0,1\}(\([A-Za-z0-9_]*\),.*/\2/p')
if [ -z "$entries" ]; then
	echo "api table: no api_exports[] table with API_EXPORT() entries in $table"
	exit 1
fi
exports=$(for f in kernel/*.c; do
	[ "$f" = kernel/bench.c ] || cat "$f"
done | sed -n 's/^[[:space:]]*EXPORT_SYMBOL_GPL(\([A-Za-z0-9_]*\));.*/\1/p' | sort -u)
cases=$(sed -n '/^static struct kunit_case kbuddy_api_cases\[\] = {$/,/^};$/p' "$table" |
	sed -n 's/^[[:space:]]*API_CASE(\([A-Za-z0-9_]*\)),.*/\1/p')
n=0
missing=0
for e in $exports; do
	n=$((n + 1))
	if ! printf '%s\n' "$entries" | grep -qx "$e"; then
		echo "api table: $e is exported but has no API_EXPORT($e, ...) rows in $table"
		missing=$((missing + 1))
	elif ! printf '%s\n' "$cases" | grep -qx "$e"; then
		echo "api table: $e has rows but no API_CASE($e) in kbuddy_api_cases[] to run them"
		missing=$((missing + 1))
	fi
done
if [ "$missing" -ne 0 ]; then
	echo "api table: $missing of $n exports without rows"
	exit 1
fi
echo "api table: $n exports, all covered"
