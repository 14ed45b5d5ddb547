#!/bin/bash
cd /mmretry
case "$(uname -r)" in
6.12*)
MMRETRY_MODE=fentry MMRETRY_LIVE_SKIP="cli light knob stall preempt filter lock walks" MMRETRY_DATA="/dev/ram0 /dev/ram1 /dev/ram2 /dev/ram3" \
 MMRETRY_PAGELOCK_DATA=/dev/nullb0 MMRETRY_LOCK_MIB=16 MMRETRY_TIMED_DATA=/dev/nullb0 MMRETRY_TIMED_DELAY_NS=2000000 \
 TMPDIR=/tmp bash tests/live/run.sh 2>&1 | grep -E "not ok|cgroups|passed" | head -40 ;;
*) bash tests/vm/cg.sh ;;
esac
