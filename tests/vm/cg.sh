#!/bin/bash
cd /mmretry
CG=/sys/fs/cgroup
mkdir -p $CG/t-a $CG/t-b
for m in fentry kprobe; do
./mmretry stat --mode $m --no-anon-vma --by cgroup --json -o /tmp/c.json -- sh -c "sh -c 'echo \$\$ > $CG/t-a/cgroup.procs; exec ./tools/mmretry-gen -q file -n 256 -f /dev/ram0' & sh -c 'echo \$\$ > $CG/t-b/cgroup.procs; exec ./tools/mmretry-gen -q file -n 512 -f /dev/ram1' & wait" >/dev/null 2>/tmp/c.err || cat /tmp/c.err
jq -c '{m: .modes.faults, rows: [.cgroups.rows[] | {cgroup, faults, retries, major, file_io: .retry_reasons.file_io, p99: .fault_ns.p99}], tot: .faults.retries, sum: ([.cgroups.rows[].retries] | add)}' /tmp/c.json
done
./mmretry stat --mode tracepoint --by cgroup --cgroup-depth 1 --json -o /tmp/c.json -- true 2>/tmp/c.err >/dev/null || cat /tmp/c.err
jq -c '.cgroups.depth' /tmp/c.json
