# kbuddy-stat (tools/kbuddy-stat, /bin/kbuddy-stat) against a live pool:
# sourced by a guest script that has sourced lib.sh and loaded kbuddy; it
# loads nothing itself. t_kbuddy_stat takes some blocks and objects through
# $D/blocks (t frees them afterwards), then checks the tool's one snapshot,
# text and JSON, against the files it read: pages free and cached against
# stats, free blocks per order against buddyinfo, the objects of kmalloc-64
# against slabinfo, validate. busybox has no python: the JSON is checked for
# balanced brackets outside strings with awk, and for its keys with sed.

# The number after "KEY": in the JSON on stdin, inside the first OBJECT.
stat_json_key() { # stat_json_key OBJECT KEY
	sed -n "s/.*\"$1\": {[^}]*\"$2\": \([0-9][0-9]*\).*/\1/p" | head -n 1
}

# Exit 0 if stdin is one JSON object: brackets balanced outside strings,
# escapes inside them, nothing after the last brace.
stat_json_balanced() {
	awk 'BEGIN { depth = 0; instr = 0; esc = 0; bad = 0; ended = 0 }
	{
		n = length($0)
		for (i = 1; i <= n; i++) {
			c = substr($0, i, 1)
			if (instr) {
				if (esc) esc = 0
				else if (c == "\\") esc = 1
				else if (c == "\"") instr = 0
				continue
			}
			if (ended && c != " ") bad = 1
			if (c == "\"") instr = 1
			else if (c == "{" || c == "[") depth++
			else if (c == "}" || c == "]") { depth--; if (depth < 0) bad = 1; if (!depth) ended = 1 }
		}
	}
	END { exit (bad || depth || instr || !ended) }'
}

t_kbuddy_stat() {
	command -v kbuddy-stat >/dev/null || { echo "no kbuddy-stat in the initramfs"; return 1; }
	echo "alloc 3 2" >"$D/blocks" && echo "alloc 0 5" >"$D/blocks" &&
	echo "malloc 64 10" >"$D/blocks" || return 1
	kbuddy-stat -1 -p default >/tmp/stat.txt 2>&1 || { echo "-1 failed:"; cat /tmp/stat.txt; return 1; }
	cat /tmp/stat.txt
	grep -q '^pool default ' /tmp/stat.txt || { echo "no 'pool default' line"; return 1; }
	expect "$(awk '$1 == "free" && $3 == "pages" { print $2 }' /tmp/stat.txt)" "$(st pages_free)" "free pages" &&
	expect "$(awk '$1 == "cached" && $3 == "pages" { print $2 }' /tmp/stat.txt)" "$(st pages_pcp)" "cached pages" &&
	expect "$(awk '$1 == "free" && $3 == "pages" { print $4 }' /tmp/stat.txt)" $(($(st pages_free) * 4096)) "free bytes" || return 1
	for o in 0 3 10; do
		expect "$(awk -v o=$o '/free blocks per order/ { s = 1; next } /^  [a-z]/ { s = 0 } s && $1 == o { print $2 }' /tmp/stat.txt)" \
			"$(bi $o)" "order-$o free blocks" || return 1
	done
	expect "$(awk '$1 == "kmalloc-64" { print $2 }' /tmp/stat.txt)" \
		"$(awk '$1 == "kmalloc-64" { print $2 }' "$D/slabinfo")" "kmalloc-64 active objects" &&
	expect "$(sed -n 's/^  validate: //p' /tmp/stat.txt)" ok validate || return 1

	kbuddy-stat --json -p default >/tmp/stat.json 2>&1 || { echo "--json failed:"; cat /tmp/stat.json; return 1; }
	stat_json_balanced </tmp/stat.json || { echo "--json: not one balanced object:"; cat /tmp/stat.json; return 1; }
	grep -q '"name": "default"' /tmp/stat.json || { echo "--json: no pool default"; return 1; }
	expect "$(stat_json_key pages free </tmp/stat.json)" "$(st pages_free)" "JSON pages.free" &&
	expect "$(stat_json_key bytes free </tmp/stat.json)" $(($(st pages_free) * 4096)) "JSON bytes.free" &&
	expect "$(stat_json_key pages cached </tmp/stat.json)" "$(st pages_pcp)" "JSON pages.cached" &&
	expect "$(stat_json_key refused debugfs_writes_refused </tmp/stat.json)" "$(st debugfs_writes_refused)" \
		"JSON refused.debugfs_writes_refused" &&
	expect "$(sed -n 's/.*"free_blocks": \[\([^]]*\)\].*/\1/p' /tmp/stat.json | awk -F', ' '{ print $11 }')" \
		"$(bi 10)" "JSON order-10 free blocks" &&
	expect "$(sed -n 's/.*"validate": "\([^"]*\)".*/\1/p' /tmp/stat.json)" ok "JSON validate" || return 1
	# The files kbuddy has had all along are read (pools, map and histogram
	# come with issue 14's kernel side).
	for f in pools map histogram buddyinfo stats slabinfo extfrag/unusable_index extfrag/extfrag_index validate; do
		! grep -q "\"$f: " /tmp/stat.json || { echo "--json: $f not read: $(grep -o "\"$f: [^\"]*\"" /tmp/stat.json)"; return 1; }
	done

	# The refresh mode: two snapshots, each after a clear screen.
	kbuddy-stat -n 2 -d 0.2 -p default >/tmp/stat.top 2>&1 || { echo "refresh mode failed"; return 1; }
	expect "$(grep -c 'kbuddy-stat - .* every 0.2s$' /tmp/stat.top)" 2 "refreshes" &&
	expect "$(grep -c '^pool default ' /tmp/stat.top)" 2 "pools drawn" || return 1
	# Bad options: exit 2.
	kbuddy-stat --bogus >/dev/null 2>&1
	expect "$?" 2 "exit status of a bad option"
}
