# tests/bench/lib.sh: what the benchmarks share (sourced).

# median of the numbers on stdin, one per line
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# under_export PORT EXPORT-ARGS... -- CMD...: CMD (its output on stdout)
# while `mmretry export EXPORT-ARGS` serves on 127.0.0.1:PORT, from its first
# answered scrape (attached) to CMD's end
under_export() {
	local port=$1 args=() i epid rc=0
	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	./mmretry export -q --listen "127.0.0.1:$port" "${args[@]}" 2>/dev/null &
	epid=$!
	for ((i = 0; i < 100; i++)); do
		curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break
		sleep 0.1
	done
	"$@" || rc=$?
	kill -TERM "$epid"
	wait "$epid" || true
	return $rc
}

# ratio_line LABEL VALUE BASE UNIT: VALUE, its ratio to BASE and the overhead
ratio_line() {
	printf '  %-28s %12.0f %s  ratio %.3f  overhead %+.1f%%\n' "$1" "$2" "$4" \
		"$(echo "$2 / $3" | bc -l)" "$(echo "(1 - $2 / $3) * 100" | bc -l)"
}
