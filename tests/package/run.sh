#!/bin/bash
# tests/package/run.sh: the Debian package, from build to purge, and make
# install/uninstall. Builds it (make deb), holds it to lintian, installs it
# with dpkg -i, runs the installed binary and man pages, verifies the
# exporter's unit with systemd-analyze and runs its ExecStart as its user
# with its capabilities and nothing more (setpriv: this machine's PID 1 may
# not be systemd), scraping /metrics once and reading the capabilities it
# keeps while serving (none), completes words with the installed bash
# completion, then purges the package and looks for anything left: every
# file dpkg -L listed, its directories that no other package holds, the
# user, /etc and /var. Last, make install and make uninstall into a DESTDIR
# leave it empty.
#
# It refuses (skips) to run if a package or a user named mmretry is
# already on the machine: the purge at the end would take someone's install.
#
# Needs: root, the tools of make deps (debhelper, lintian, man-db, systemd,
#   bash-completion, curl), a tree git tracks (make deb copies it).
# Prints: TAP (tests/lib.sh), a test point per check, ending with the line
#   "package: N passed, N failed"; exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin package

UNIT=/lib/systemd/system/mmretry-export.service
COMPLETION=/usr/share/bash-completion/completions/mmretry

if [ "$(id -u)" -ne 0 ]; then
	skip "package: build, install, purge" "needs root (dpkg -i)"
	finish
	exit
fi
for t in dpkg-buildpackage lintian man systemd-analyze setpriv curl; do
	command -v "$t" >/dev/null || bail "$t is missing (make deps)"
done
status=$(dpkg-query -W -f='${Status}' mmretry 2>/dev/null || true)
if [ -n "$status" ] && [ "$status" != "unknown ok not-installed" ]; then
	skip "package: build, install, purge" "a package named mmretry is on this machine ($status): not touching it"
	finish
	exit
fi
if getent passwd mmretry >/dev/null || getent group mmretry >/dev/null; then
	skip "package: build, install, purge" "a user or group named mmretry exists here: the purge must not be blamed for it"
	finish
	exit
fi

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-package.XXXXXX")
installed='' epid=''
cleanup() {
	[ -n "$epid" ] && kill "$epid" 2>/dev/null && wait "$epid" 2>/dev/null
	[ -n "$installed" ] && dpkg --purge mmretry >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# what mentions mmretry under /etc and /var (not the temporary directories,
# where the other suites work)
leftovers() {
	find /etc /var -path /var/tmp -prune -o -path '*mmretry*' -print 2>/dev/null | sort
}
leftovers >"$tmp/before"

# --- build and lintian
t0=$(date +%s)
if make deb >"$tmp/deb.log" 2>&1; then
	ok "package: make deb builds it"
else
	not_ok "package: make deb builds it" "$(tail -20 "$tmp/deb.log")"
	finish
	exit
fi
echo "# make deb took $(($(date +%s) - t0)) s"
deb=$(ls build/deb/mmretry_*_amd64.deb 2>/dev/null | head -1)
changes=$(ls build/deb/mmretry_*.changes 2>/dev/null | head -1)
[ -n "$deb" ] && [ -n "$changes" ] && ok "package: the .deb and .changes are in build/deb" ||
	not_ok "package: the .deb and .changes are in build/deb" "$(ls build/deb)"
# dpkg-buildpackage writes into its tree's parent: build/deb, never the
# parent of this tree
stray=
for f in build/deb/* ../mmretry_* ../mmretry-dbgsym_*; do
	case $f in
	build/deb/src | build/deb/mmretry_* | build/deb/mmretry-dbgsym_*) ;;
	*) [ -e "$f" ] && stray="$stray $f" ;;
	esac
done
[ -z "$stray" ] && ok "package: the build wrote nothing outside build/deb" ||
	not_ok "package: the build wrote nothing outside build/deb" "$stray"

lintian --fail-on error,warning,info -I "$changes" >"$tmp/lintian" 2>&1
rc=$?
out=$(grep -v '^running with root' "$tmp/lintian")
[ "$rc" -eq 0 ] && [ -z "$out" ] && ok "package: lintian finds nothing (overrides explained in debian/)" ||
	not_ok "package: lintian finds nothing (overrides explained in debian/)" "exit $rc: $out"

# --- install
if dpkg -i "$deb" >"$tmp/install.log" 2>&1; then
	installed=1
	ok "package: dpkg -i installs it"
else
	installed=1
	not_ok "package: dpkg -i installs it" "$(tail -10 "$tmp/install.log")"
	finish
	exit
fi
dpkg -L mmretry >"$tmp/files"
for f in /usr/sbin/mmretry /usr/share/man/man8/mmretry.8.gz /usr/share/man/man8/mmretry-stat.8.gz \
	/usr/share/man/man8/mmretry-export.8.gz "$UNIT" /usr/share/doc/mmretry/metrics.md \
	/usr/share/doc/mmretry/mmretry-alerts.yml /usr/share/doc/mmretry/prometheus-scrape.yml \
	/usr/share/doc/mmretry/grafana-dashboard.json /usr/lib/sysusers.d/mmretry.conf; do
	grep -qx "$f" "$tmp/files" && [ -e "$f" ] && ok "package: installs $f" ||
		not_ok "package: installs $f"
done
! grep -q 'mmretry-gen' "$tmp/files" && ok "package: does not ship the workload generator" ||
	not_ok "package: does not ship the workload generator" "$(grep mmretry-gen "$tmp/files")"

version=$(dpkg-query -W -f='${Version}' mmretry)
out=$(/usr/sbin/mmretry --version 2>&1)
case $out in
"mmretry $version"*) ok "package: mmretry --version names the package's version ($out)" ;;
*) not_ok "package: mmretry --version names the package's version" "want mmretry $version..., got: $out" ;;
esac
/usr/sbin/mmretry probe >"$tmp/probe.out" 2>&1 && grep -q 'mode' "$tmp/probe.out" &&
	ok "package: the installed mmretry probe runs" ||
	not_ok "package: the installed mmretry probe runs" "$(head -5 "$tmp/probe.out")"

for page in mmretry mmretry-stat; do
	where=$(man -w "$page" 2>&1)
	# wider than 80 columns, so that man-db saves no cat page in
	# /var/cache/man (a leftover the package would be blamed for)
	body=$(MANPAGER=cat MANWIDTH=100 man "$page" 2>&1)
	if [ "$where" = "/usr/share/man/man8/$page.8.gz" ] && grep -q '^NAME' <<<"$body" &&
		grep -q "$page" <<<"$body"; then
		ok "package: man $page shows the installed page"
	else
		not_ok "package: man $page shows the installed page" "man -w: $where; $(head -5 <<<"$body")"
	fi
done

# the user, from sysusers.d: a system user without a login
pw=$(getent passwd mmretry)
IFS=: read -r _ _ uid _ _ home shell <<<"$pw"
[ -n "$pw" ] && [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] &&
	ok "package: made the system user mmretry (uid $uid, no login)" ||
	not_ok "package: made the system user mmretry" "passwd: '$pw'"
[ ! -e "$home" ] || [ "$home" = / ] && ok "package: the user has no home directory ($home)" ||
	not_ok "package: the user has no home directory" "$home exists"

# --- the unit: disabled, valid, and enough to run the exporter
[ ! -e /etc/systemd/system/multi-user.target.wants/mmretry-export.service ] &&
	ok "package: the exporter's unit is not enabled" ||
	not_ok "package: the exporter's unit is not enabled"
# (it runs man for Documentation=: no cat page, as above)
out=$(MANWIDTH=100 systemd-analyze verify "$UNIT" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] && ok "package: systemd-analyze verify passes the unit" ||
	not_ok "package: systemd-analyze verify passes the unit" "$out"
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	exposure=$(systemd-analyze security --offline=yes "$UNIT" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: *//p')
	echo "# systemd-analyze security --offline=yes: $exposure"
fi

key() { sed -n "s/^$1=//p" "$UNIT" | tail -1; }
caps() { tr ' ' '\n' <<<"$1" | sed -n 's/^CAP_\(.*\)/+\L\1/p' | paste -sd, -; }
user=$(key User) group=$(key Group) exec=$(key ExecStart)
ambient=$(caps "$(key AmbientCapabilities)") bounding=$(caps "$(key CapabilityBoundingSet)")
nnp=
[ "$(key NoNewPrivileges)" = yes ] && nnp=--no-new-privs
# a free loopback port: nothing answers there
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		curl -s -o /dev/null "http://127.0.0.1:$p/" 2>/dev/null
		[ $? -eq 7 ] && break
	done
	echo "$p"
}
port=$(free_port)
cmd=$(sed "s/--listen [^ ]*/--listen 127.0.0.1:PORT/" <<<"$exec")
if [ "$user" = mmretry ] && [ -n "$ambient" ] && [ "$cmd" != "$exec" ] && [ "${exec%% *}" = /usr/sbin/mmretry ]; then
	ok "package: the unit runs /usr/sbin/mmretry as $user with $ambient (bounding $bounding)"
else
	not_ok "package: the unit runs /usr/sbin/mmretry as mmretry with capabilities" \
		"User=$user ambient=$ambient ExecStart=$exec"
fi
# ProtectProc=invisible, as systemd makes it: a /proc of its own, hidepid
sandbox=()
# shellcheck disable=SC2016 # $@ is the inner shell's
[ "$(key ProtectProc)" = invisible ] &&
	sandbox=(unshare -m --propagation private sh -c \
		'mount -t proc -o hidepid=invisible proc /proc && exec "$@"' sh)
# another port if someone took this one meanwhile
for _ in 1 2 3; do
	# shellcheck disable=SC2086 # the command line, as systemd splits it
	"${sandbox[@]}" setpriv --reuid="$user" --regid="${group:-$user}" --init-groups $nnp \
		--inh-caps="$ambient" --ambient-caps="$ambient" --bounding-set="-all,$bounding" \
		${cmd//PORT/$port} >"$tmp/export.out" 2>&1 &
	epid=$!
	for _ in $(seq 1 100); do
		curl -sf "http://127.0.0.1:$port/metrics" -o "$tmp/metrics" && break
		kill -0 "$epid" 2>/dev/null || break
		sleep 0.2
	done
	grep -q 'Address already in use' "$tmp/export.out" || break
	wait "$epid"
	port=$(free_port)
done
if grep -q '^mmretry_info{' "$tmp/metrics" 2>/dev/null && grep -q '^mmretry_fault_retries_total ' "$tmp/metrics"; then
	ok "package: the unit's ExecStart, as its user with its capabilities, serves /metrics ($(grep -o 'faults_mode="[a-z]*"' "$tmp/metrics"))"
else
	not_ok "package: the unit's ExecStart, as its user with its capabilities, serves /metrics" \
		"$(head -5 "$tmp/export.out")"
fi
if ! grep -q 'warning' "$tmp/export.out"; then
	ok "package: the exporter warns of nothing with the unit's capabilities"
else
	not_ok "package: the exporter warns of nothing with the unit's capabilities" "$(cat "$tmp/export.out")"
fi
# every thread, MHD's included, serves without a capability
capeff=$(cat /proc/"$epid"/task/*/status 2>/dev/null | sed -n 's/^CapEff:\t*//p' | sort -u | paste -sd' ' -)
owner=$(stat -c %U /proc/"$epid" 2>/dev/null)
[ "$capeff" = 0000000000000000 ] && [ "$owner" = "$user" ] &&
	ok "package: serving, the exporter runs as $owner with no capability left (CapEff $capeff)" ||
	not_ok "package: serving, the exporter runs as $user with no capability left" "owner $owner, CapEff $capeff"
kill "$epid" 2>/dev/null
wait "$epid"
rc=$?
epid=
[ "$rc" -eq 0 ] && ok "package: the exporter stops on SIGTERM with status 0" ||
	not_ok "package: the exporter stops on SIGTERM with status 0" "exit $rc: $(tail -3 "$tmp/export.out")"

# --- bash completion, from the installed file in a bare shell
complete_words() {
	# the completion asks the mmretry it completes: PATH's, the installed one
	PATH=/usr/sbin:/usr/bin:/sbin:/bin bash --norc -c '
		[ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
		. "$1"
		shift
		f=$(complete -p mmretry 2>/dev/null | sed -n "s/.*-F \([^ ]*\).*/\1/p")
		[ -n "$f" ] || { echo "no completion function for mmretry"; exit 1; }
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		"$f" mmretry "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' bash "$COMPLETION" "$@" 2>&1
}
if grep -qx "$COMPLETION" "$tmp/files"; then
	out=$(complete_words mmretry st)
	grep -qx 'stat' <<<"$out" && ok "package: the completion turns 'mmretry st' into stat" ||
		not_ok "package: the completion turns 'mmretry st' into stat" "$out"
	out=$(complete_words mmretry stat --mo)
	grep -qx -- '--mode' <<<"$out" && ok "package: the completion turns 'mmretry stat --mo' into --mode" ||
		not_ok "package: the completion turns 'mmretry stat --mo' into --mode" "$out"
elif [ -e packaging/bash-completion/mmretry ]; then
	not_ok "package: installs the bash completion" "packaging/bash-completion/mmretry is in the tree, not in the package"
else
	skip "package: bash completion" "packaging/bash-completion/mmretry is not in this tree yet"
fi

# --- purge: nothing left
if dpkg --purge mmretry >"$tmp/purge.log" 2>&1; then
	installed=
	ok "package: dpkg --purge removes it"
else
	not_ok "package: dpkg --purge removes it" "$(tail -5 "$tmp/purge.log")"
fi
left=
while IFS= read -r f; do
	[ -e "$f" ] && [ "$f" != /. ] || continue
	# a directory another package holds too (/usr/share/doc...) stays
	[ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1 && continue
	left="$left $f"
done <"$tmp/files"
[ -z "$left" ] && ok "package: every path dpkg -L listed is gone ($(wc -l <"$tmp/files") listed)" ||
	not_ok "package: every path dpkg -L listed is gone" "left:$left"
! getent passwd mmretry >/dev/null && ! getent group mmretry >/dev/null &&
	ok "package: the user and group mmretry are gone" ||
	not_ok "package: the user and group mmretry are gone" "$(getent passwd mmretry; getent group mmretry)"
leftovers >"$tmp/after"
extra=$(comm -13 "$tmp/before" "$tmp/after")
[ -z "$extra" ] && ok "package: nothing of it left in /etc or /var" ||
	not_ok "package: nothing of it left in /etc or /var" "$extra"

# --- make install and make uninstall with a DESTDIR
dest="$tmp/destdir"
mkdir "$dest"
if make install DESTDIR="$dest" PREFIX=/usr/local >"$tmp/inst.log" 2>&1 &&
	[ -x "$dest/usr/local/sbin/mmretry" ] &&
	grep -q '^ExecStart=/usr/local/sbin/mmretry ' "$dest/usr/local/lib/systemd/system/mmretry-export.service" &&
	[ -e "$dest/usr/local/share/doc/mmretry/metrics.md" ] && [ -e "$dest/usr/local/share/man/man8/mmretry.8" ]; then
	ok "package: make install DESTDIR PREFIX=/usr/local installs ($(find "$dest" -type f | wc -l) files), the unit naming /usr/local/sbin/mmretry"
else
	not_ok "package: make install DESTDIR PREFIX=/usr/local installs" "$(tail -5 "$tmp/inst.log"; find "$dest" | head)"
fi
make uninstall DESTDIR="$dest" PREFIX=/usr/local >"$tmp/uninst.log" 2>&1
left=$(find "$dest" -mindepth 1)
[ -z "$left" ] && ok "package: make uninstall with the same leaves DESTDIR empty" ||
	not_ok "package: make uninstall with the same leaves DESTDIR empty" "$left"
finish
