# tests/bench/lib.sh: what the benchmarks share (sourced).

# median of the numbers on stdin, one per line
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ratio_line LABEL VALUE BASE UNIT: VALUE, its ratio to BASE and the overhead
ratio_line() {
	printf '  %-28s %12.0f %s  ratio %.3f  overhead %+.1f%%\n' "$1" "$2" "$4" \
		"$(echo "$2 / $3" | bc -l)" "$(echo "(1 - $2 / $3) * 100" | bc -l)"
}
