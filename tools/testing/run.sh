#!/bin/sh
# Build and run the userspace tests of kbuddy's core: pairs, race, checks, sparse, fuzz
# (short), coverage. One line per test, "ok NAME" or "FAIL NAME: why", then
# the coverage line. Exit status 1 if anything failed. Logs in build-run/.
#
#   FUZZ="--seeds 1-4 --steps 3000"   the fuzzer's arguments
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
log=$here/build-run
mkdir -p "$log"
failed=0
fuzz_args=${FUZZ:---seeds 1-4 --steps 3000}

fail() { # fail NAME WHY
	echo "FAIL $1: $2"
	failed=1
}

# build TARGET: make it, or say why not.
build() {
	if ! make -s "$1" >"$log/build-$1.log" 2>&1; then
		fail "build-$1" "$(tail -n 3 "$log/build-$1.log" | tr '\n' '|')"
		return 1
	fi
}

if build pairs; then
	if out=$(./pairs 20000 2>&1); then
		echo "ok pairs"
	else
		fail pairs "$(echo "$out" | tail -n 1)"
	fi
fi

if build race; then
	./race >"$log/race.out" 2>"$log/race.err"
	st=$?
	cat "$log/race.out"
	if [ $st -ne 0 ]; then
		failed=1
		grep -q '^FAIL' "$log/race.out" || echo "FAIL race: exit status $st, see $log/race.err"
	fi
fi

if build checks; then
	./checks >"$log/checks.out" 2>"$log/checks.err"
	st=$?
	sed 's/^ok /ok checks: /; s/^FAIL /FAIL checks: /' "$log/checks.out"
	if [ $st -ne 0 ]; then
		failed=1
		grep -q '^FAIL' "$log/checks.out" || echo "FAIL checks: exit status $st, see $log/checks.err"
	fi
fi

if build sparse; then
	./sparse >"$log/sparse.out" 2>"$log/sparse.err"
	st=$?
	grep -v '^#' "$log/sparse.out" | sed 's/^ok /ok sparse: /; s/^FAIL /FAIL sparse: /'
	if [ $st -ne 0 ]; then
		failed=1
		grep -q '^FAIL' "$log/sparse.out" || echo "FAIL sparse: exit status $st, see $log/sparse.err"
	fi
fi

if build checks-rt; then
	./checks-rt >"$log/checks-rt.out" 2>"$log/checks-rt.err"
	st=$?
	sed 's/^ok /ok checks-rt: /; s/^FAIL /FAIL checks-rt: /' "$log/checks-rt.out"
	if [ $st -ne 0 ]; then
		failed=1
		grep -q '^FAIL' "$log/checks-rt.out" || echo "FAIL checks-rt: exit status $st, see $log/checks-rt.err"
	fi
fi

# fuzz NAME ARGS...: the fuzzer, a finding or a sanitizer report fails NAME.
fuzz() {
	name=$1
	shift
	./fuzz "$@" >"$log/$name.out" 2>"$log/$name.err"
	st=$?
	n=$(grep -c '^FINDING' "$log/$name.out")
	if grep -q 'runtime error:\|ERROR: AddressSanitizer' "$log/$name.err"; then
		fail "$name" "$(grep -m1 'runtime error:\|ERROR: AddressSanitizer' "$log/$name.err")"
	elif [ $st -ne 0 ] || [ "$n" -ne 0 ]; then
		fail "$name" "$n distinct findings: $(sed -n 's/^FINDING \([^:]*\):.*/\1/p' "$log/$name.out" |
			paste -sd '|' | sed 's/|/ | /g')"
		sed 's/^/    /' "$log/$name.out"
	else
		echo "ok $name: $(tail -n 1 "$log/$name.out")"
	fi
}

if build fuzz; then
	# shellcheck disable=SC2086
	fuzz fuzz $fuzz_args
	# The utilization property: no refusal of a satisfiable request.
	# shellcheck disable=SC2086
	fuzz fuzz-pressure --pressure $fuzz_args
	# Fault injection at every allocation site: every failure clean;
	# every cache poisoned, red-zoned and tracked: kbuddy never writes a free object
	# or a red zone.
	# shellcheck disable=SC2086
	fuzz fuzz-faults --faults 20 --poison $fuzz_args
fi

if make -s coverage FUZZ_SHORT="$fuzz_args" >"$log/coverage.log" 2>&1; then
	grep '^coverage: kernel/' "$log/coverage.log" | sed 's/^/    /'
	grep '^coverage: lines' "$log/coverage.log"
else
	fail coverage "$(tail -n 3 "$log/coverage.log" | tr '\n' '|')"
fi
exit $failed
