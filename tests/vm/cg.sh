#!/bin/bash
cd /mmretry
for m in fentry kprobe; do
	t0=$SECONDS
	env MMRETRY_MODE=$m MMRETRY_DATA="/dev/ram0 /dev/ram1 /dev/ram2 /dev/ram3" bash tests/vm/cglive.sh 2>&1 | sed "s/^/[$m live] /"
	echo "[$m live] $((SECONDS - t0)) s"
	t0=$SECONDS
	env MMRETRY_MODE=$m MMRETRY_TOP_DATA=/dev/ram3 bash tests/vm/cgtop.sh 2>&1 | sed "s/^/[$m top] /"
	echo "[$m top] $((SECONDS - t0)) s"
done
