#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# tests/docs/run.sh: the man pages and the bash completion say what the
# binary does, so neither drifts from it:
# - for each command `mmretry --help` lists, docs/man/mmretry-CMD.8.scd
#   exists, scdoc builds it, and its OPTIONS section has every option
#   `mmretry CMD --help` prints (its option lines, "  -x, --long=ARG" and
#   "      --long", and the STAT OPTIONS paragraph of check and baseline);
#   mmretry.8 lists every command;
# - `mmretry help CMD` prints what `mmretry CMD --help` prints, `mmretry
#   help` the top-level usage, `mmretry help frob` one line and status 2;
# - every page in build/man renders with man(1) and groff without warnings;
# - packaging/bash-completion/mmretry, sourced in `bash --norc` with
#   bash-completion loaded and without it, completes commands, options,
#   --mode, top --sort, model's scenarios and policies and files, and offers
#   for each command exactly the options its --help documents.
#
# Needs: ./mmretry and build/man (make unit builds both), scdoc, man, groff;
#   bash-completion for the half that loads it. No root, no kernel.
# Prints: TAP (tests/lib.sh), ending with "docs: N passed, N failed";
#   exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin docs

[ -x ./mmretry ] || bail "no ./mmretry: run make first"
for t in scdoc man groff; do
	command -v $t >/dev/null || bail "no $t (make deps)"
done
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

# the commands, from the usage's "commands:" list
mapfile -t cmds < <(./mmretry --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
[ "${#cmds[@]}" -ge 10 ] && ok "mmretry --help lists ${#cmds[@]} commands" ||
	not_ok "mmretry --help lists the commands" "found: ${cmds[*]}"

# stat_paragraph CMD: the option tokens of the STAT OPTIONS paragraph of CMD's
# --help, outside `quotes`; a paragraph that has none but refers to
# `mmretry OTHER --help` is OTHER's
stat_paragraph() {
	local text tokens ref
	text=$(./mmretry "$1" --help | sed -n '/^STAT OPTIONS/,/^$/p')
	[ -n "$text" ] || return 0
	tokens=$(sed 's/`[^`]*`//g' <<<"$text" |
		grep -oE '(^|[ (,;])(--[a-z][a-z-]*|-[a-zA-Z])\b' | sed 's/^[ (,;]//')
	if [ -z "$tokens" ]; then
		ref=$(grep -oE '`mmretry [a-z]+ --help`' <<<"$text" | awk '{ print $2 }')
		[ -n "$ref" ] && [ "$ref" != "$1" ] && stat_paragraph "$ref"
		return 0
	fi
	printf '%s\n' "$tokens"
}

# help_options CMD: every option CMD's --help documents, one per line, sorted
help_options() {
	{
		# option lines: "  -x, --long=ARG  text", "      --long  text",
		# "      --a, --b, --c   as for stat": the options before two spaces
		./mmretry "$1" --help | grep -E '^(  -[a-zA-Z], --|      --)[a-z]' |
			sed -E 's/^ +//; s/  .*//' | tr ',' '\n' | sed -E 's/^ +//; s/[= ].*//'
		stat_paragraph "$1"
	} | grep -E '^-' | sort -u
}

# section FILE NAME: the lines of scdoc section "# NAME"
section() {
	awk -v s="# $2" '$0 == s { on = 1; next } /^# / { on = 0 } on' "$1"
}

for c in "${cmds[@]}"; do
	scd=docs/man/mmretry-$c.8.scd
	if [ ! -f "$scd" ]; then
		not_ok "man: $scd exists"
		continue
	fi
	if scdoc <"$scd" >"$tmp/$c.8" 2>"$tmp/err"; then
		ok "man: scdoc builds $scd"
	else
		not_ok "man: scdoc builds $scd" "$(cat "$tmp/err")"
	fi
	help_options "$c" >"$tmp/$c.help"
	if [ ! -s "$tmp/$c.help" ]; then
		not_ok "man: mmretry $c --help documents options" "none parsed"
		continue
	fi
	missing=$(section "$scd" OPTIONS >"$tmp/$c.opts"
		while read -r o; do grep -qF -- "*$o*" "$tmp/$c.opts" || echo "$o"; done <"$tmp/$c.help")
	[ -z "$missing" ] &&
		ok "man: mmretry-$c(8)'s OPTIONS has all $(wc -l <"$tmp/$c.help") options of its --help" ||
		not_ok "man: mmretry-$c(8)'s OPTIONS has every option of its --help" \
			"missing: $(tr "\n" " " <<<"$missing")"
	missing=
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		grep -qx "# $s" "$scd" || missing="$missing '$s'"
	done
	[ -z "$missing" ] && ok "man: mmretry-$c(8) has its sections" ||
		not_ok "man: mmretry-$c(8) has its sections" "missing:$missing"
done

missing=$(section docs/man/mmretry.8.scd COMMANDS >"$tmp/cmds"
	for c in "${cmds[@]}"; do grep -qx "\*$c\*" "$tmp/cmds" || echo "$c"; done)
[ -z "$missing" ] && ok "man: mmretry(8)'s COMMANDS lists every command" ||
	not_ok "man: mmretry(8)'s COMMANDS lists every command" "missing: $(tr "\n" " " <<<"$missing")"
missing=$(./mmretry --help | sed -n '/^exit status:/,/^$/s/^  \([0-9]\)  .*/\1/p' |
	while read -r n; do section docs/man/mmretry.8.scd "EXIT STATUS" | grep -qx "\*$n\*" ||
		echo "$n"; done)
[ -z "$missing" ] && ok "man: mmretry(8)'s EXIT STATUS has every status of main.c's table" ||
	not_ok "man: mmretry(8)'s EXIT STATUS has every status of main.c's table" \
		"missing: $(tr "\n" " " <<<"$missing")"

# help COMMAND
for c in "${cmds[@]}"; do
	./mmretry "$c" --help >"$tmp/a" 2>&1
	ra=$?
	./mmretry help "$c" >"$tmp/b" 2>"$tmp/berr"
	rb=$?
	if [ $ra -eq 0 ] && [ $rb -eq 0 ] && [ -s "$tmp/b" ] && [ ! -s "$tmp/berr" ] &&
		cmp -s "$tmp/a" "$tmp/b"; then
		ok "help: mmretry help $c prints mmretry $c --help"
	else
		not_ok "help: mmretry help $c prints mmretry $c --help" \
			"status $ra and $rb; $(diff "$tmp/a" "$tmp/b" | head -5; cat "$tmp/berr")"
	fi
done
./mmretry help >"$tmp/a" 2>&1 && ./mmretry --help >"$tmp/b" 2>&1 && cmp -s "$tmp/a" "$tmp/b" &&
	grep -q 'mmretry help COMMAND' "$tmp/a" &&
	ok "help: mmretry help prints the usage, which names mmretry help COMMAND" ||
	not_ok "help: mmretry help prints the usage, which names mmretry help COMMAND"
./mmretry help frob >"$tmp/a" 2>"$tmp/b"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/a" ] && [ "$(wc -l <"$tmp/b")" -eq 1 ] &&
	grep -q "'frob' is not a command" "$tmp/b" &&
	ok "help: mmretry help frob: status 2, one line on stderr" ||
	not_ok "help: mmretry help frob: status 2, one line on stderr" \
		"status $rc: $(cat "$tmp/a" "$tmp/b")"
./mmretry --help | grep -q __complete &&
	not_ok "help: the hidden __complete is not in --help" ||
	ok "help: the hidden __complete is not in --help"

# every built page renders
pages=(build/man/*.8)
[ "${#pages[@]}" -eq "$(ls docs/man/*.scd | wc -l)" ] && [ -f "${pages[0]}" ] &&
	ok "man: build/man has a page per docs/man/*.scd (${#pages[@]})" ||
	not_ok "man: build/man has a page per docs/man/*.scd" "$(ls build/man 2>&1)"
for p in "${pages[@]}"; do
	[ -f "$p" ] || continue
	n=$(basename "$p" .8)
	out=$(MANPAGER=cat MANWIDTH=80 man -l "$p" 2>/dev/null)
	warn=$(MANPAGER=cat MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null
		groff -ww -z -man "$p" 2>&1)
	if grep -q "^NAME" <<<"$out" && grep -q "^ *$n - " <<<"$out" && [ -z "$warn" ]; then
		ok "man: man -l $p renders, without warnings"
	else
		not_ok "man: man -l $p renders, without warnings" "$(head -5 <<<"$warn")"
	fi
done

# completion: one bash --norc session per setting prints, per query,
# "LABEL|CANDIDATES" (sorted, space-separated); the binary as ./mmretry, and
# as plain mmretry found on PATH
touch "$tmp/run1.mmr" "$tmp/run2.mmr"
queries() {
	echo "st|./mmretry st"
	echo "--mo|./mmretry stat --mo"
	echo "mode|./mmretry stat --mode ''"
	echo "mode=|./mmretry stat --mode = ''"
	echo "-m t|./mmretry stat -m t"
	echo "sort|./mmretry top --sort ''"
	echo "scenarios|./mmretry model run ''"
	echo "policies|./mmretry model run x --policy ''"
	echo "files|./mmretry report '$tmp/run'"
	echo "path|mmretry st"
	echo "help|mmretry help sta"
	for c in "${cmds[@]}"; do echo "opts $c|./mmretry $c -"; done
}
session() {
	{
		[ "$1" = with ] && echo ". /usr/share/bash-completion/bash_completion"
		echo ". packaging/bash-completion/mmretry"
		echo 'q() { local l=$1; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
			_mmretry 2>/dev/null
			printf "%s|%s\n" "$l" "$(printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " ")"; }'
		queries | while IFS='|' read -r l w; do echo "q '$l' $w"; done
	} >"$tmp/session.sh"
	PATH="$root:$PATH" bash --norc "$tmp/session.sh"
}
# expect SETTING LABEL WANT...: the candidates are exactly WANT
expect() {
	local s=$1 l=$2 got want
	shift 2
	got=$(awk -F'|' -v l="$l" '$1 == l { print $2; exit }' "$tmp/$s" | sed 's/ *$//')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ' | sed 's/ *$//')
	[ "$got" = "$want" ] && ok "completion ($s bash-completion): $l" ||
		not_ok "completion ($s bash-completion): $l" "want: $want"$'\n'"got:  $got"
}
settings=(without)
if [ -r /usr/share/bash-completion/bash_completion ]; then
	settings+=(with)
else
	skip "completion with bash-completion" "no /usr/share/bash-completion/bash_completion"
fi
for s in "${settings[@]}"; do
	session "$s" >"$tmp/$s" 2>"$tmp/$s.err"
	[ -s "$tmp/$s" ] || not_ok "completion ($s bash-completion): the session ran" \
		"$(head -5 "$tmp/$s.err")"
	expect "$s" "st" stat
	expect "$s" "--mo" --mode
	expect "$s" "mode" fentry kprobe tracepoint light auto
	expect "$s" "mode=" fentry kprobe tracepoint light auto
	expect "$s" "-m t" tracepoint
	# top's parser's keys: what its usage error lists
	mapfile -t keys < <(./mmretry top --sort frob 2>&1 | sed -n 's/.*(\(.*\)).*/\1/p' |
		sed 's/,* or /, /; s/, /\n/g')
	[ "${#keys[@]}" -ge 5 ] || not_ok "top --sort frob lists the sort keys" "${keys[*]}"
	expect "$s" "sort" "${keys[@]}"
	mapfile -t scen < <(./mmretry model list | sed -n '/^scenarios:/,/^$/s/^  \([a-z0-9-][a-z0-9-]*\) .*/\1/p')
	expect "$s" "scenarios" "${scen[@]}"
	mapfile -t pol < <(./mmretry model list | sed -n '/^policies/,/^$/s/^  \([a-z-][a-z-]*\) .*/\1/p')
	expect "$s" "policies" "${pol[@]}" auto
	expect "$s" "files" "$tmp/run1.mmr" "$tmp/run2.mmr"
	expect "$s" "path" stat
	expect "$s" "help" stat
	for c in "${cmds[@]}"; do
		mapfile -t want <"$tmp/$c.help"
		expect "$s" "opts $c" "${want[@]}"
	done
done

finish
