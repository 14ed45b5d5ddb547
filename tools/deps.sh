#!/bin/sh
# Install the Debian packages mmretry needs to build and test, if missing.
# Usage: tools/deps.sh [--vm]    (--vm adds what the QEMU kernel matrix needs)
set -eu

pkgs="make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev pkg-config
      libjansson-dev libyaml-dev libxml2-dev libcmocka-dev libclang-rt-dev jq valgrind
      libmicrohttpd-dev prometheus curl wrk tmux scdoc debhelper lintian bash-completion
      fakeroot man-db systemd bpftrace"
[ "${1:-}" = --vm ] && pkgs="$pkgs qemu-system-x86 busybox-static xz-utils cpio kmod"

missing=
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
