#!/usr/bin/env bash
# A real Slurm run of the README's sweep job array (README, "Sweeps and clusters").
#
# Starts a private one-node cluster (munged, slurmctld, configless slurmd; proctrack/linuxproc,
# task/none) in a temporary folder, installs Debian's slurmctld, slurmd, slurm-client and munge
# first when they are missing, then:
#   1. submits the README's sbatch array (taken from README.md, 4 shards instead of 16, one CPU
#      per task) and the README's dependent merge; the merged CSV must be byte-identical to one
#      unsharded run of the same sweep;
#   2. submits it again, cancels one shard while it runs (Slurm sends SIGTERM; hwsim saves the
#      rows it has), checks the part file is incomplete, resubmits that shard (it must resume from
#      its rows) and merges; again byte-identical.
# Stops every daemon it started (by process id) on every exit path. Prints one line per check
# and ends with "slurm-sweep: passed" or "slurm-sweep: FAILED (...)"; exit code 0 only when passed.
# Needs root (slurmd) and about a minute or two on two cores.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/hwsim-slurm.XXXXXX)
pids=()

log() { echo "slurm-sweep: $*"; }
fail() {
  log "FAILED ($*)"
  for f in "$work"/log/*.log "$work"/run-*/slurm-*.out; do
    [ -f "$f" ] && { echo "---- $f (last lines)"; tail -n 15 "$f"; }
  done
  exit 1
}
cleanup() {
  local pid i
  # Jobs still queued or running (a failed check) are cancelled while the cluster is up, so that
  # no job step outlives the daemons.
  if [ -n "${SLURM_CONF:-}" ] && [ -n "$(squeue -h 2>/dev/null)" ]; then
    scancel --full $(squeue -h -o %i 2>/dev/null) 2>/dev/null
    for i in $(seq 75); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
  fi
  # Daemons in reverse order of start: slurmd, slurmctld, munged.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[$i]}
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  done
  cd /
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || fail "needs root: slurmd runs jobs as their users"

# --- packages ---------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  log "installing slurmctld slurmd slurm-client munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge; } >"$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log"; fail "apt-get install failed"; }
  # The packages' own services may have been started by the install: this test runs its own daemons.
fi
log "$(slurmctld -V), munge $(munged --version 2>&1 | awk '{print $2}' | head -n 1)"

# --- hwsim ------------------------------------------------------------------------------------
dotnet build "$repo/Cli" -v q -nologo >"$work/build.log" 2>&1 || { tail -n 20 "$work/build.log"; fail "dotnet build Cli failed"; }
mkdir -p "$work/bin"
ln -s "$repo/Cli/bin/Debug/net10.0/hwsim" "$work/bin/hwsim"
export PATH="$work/bin:$PATH"

# --- munge: our own munged on the default socket (slurmd fetches its configuration before it can
# read AuthInfo), unless one already answers there, which we then use and leave alone --------------
mkdir -p "$work/munge" "$work/log" /run/munge
chmod 700 "$work/munge"
if ! munge -n </dev/null >/dev/null 2>&1; then
  dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$work/munge/munge.key"
  munged -F --force --key-file="$work/munge/munge.key" --pid-file="$work/munge/munged.pid" \
    --seed-file="$work/munge/munged.seed" --log-file="$work/log/munged.log" >"$work/log/munged.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.2; done
  munge -n </dev/null | unmunge >/dev/null 2>&1 || fail "munged did not start"
  log "munged started (pid ${pids[-1]})"
else
  log "using the munged already running"
fi

# --- slurm.conf: one node, configless for slurmd, ports that are free ----------------------------
free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  return 1
}
ctld_port=$(free_port 16817) || fail "no free port"
slurmd_port=$(free_port $((ctld_port + 1))) || fail "no free port"
node=$(hostname -s)
cpus=$(nproc)
mkdir -p "$work/etc" "$work/state" "$work/spool"
cat >"$work/etc/slurm.conf" <<EOF
ClusterName=hwsim-ci
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmctldParameters=enable_configless
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/state/slurmctld.pid
SlurmdPidFile=$work/spool/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=10
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/etc/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.2; done
scontrol ping 2>/dev/null | grep -q UP || fail "slurmctld did not come up"
# Configless: slurmd gets slurm.conf from slurmctld, not from a file.
env -u SLURM_CONF slurmd -D -N "$node" --conf-server "127.0.0.1:$ctld_port" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do sinfo -h -N -o %t 2>/dev/null | grep -qx idle && break; sleep 0.2; done
sinfo -h -N -o %t 2>/dev/null | grep -qx idle || fail "node $node did not become idle: $(sinfo -h -N -o '%t %E' 2>&1)"
[ -d "$work/spool/conf-cache" ] || fail "slurmd did not fetch its configuration from slurmctld (configless)"
log "cluster up: slurmctld pid ${pids[-2]} port $ctld_port, slurmd pid ${pids[-1]} (configless), node $node with $cpus CPUs"

# --- the README's job script and merge, 4 shards --------------------------------------------------
readme="$repo/README.md"
sed -n '/^#SBATCH --job-name=hwsim-sweep/,/^```/p' "$readme" | sed '$d' >"$work/body"
{ echo '#!/bin/bash'; cat "$work/body"; } >"$work/sweep.sbatch.readme"
sed -e 's/^#SBATCH --array=0-15 /#SBATCH --array=0-3  /' -e 's/^N=16$/N=4/' \
    -e 's/^#SBATCH --cpus-per-task=8$/#SBATCH --cpus-per-task=1/' "$work/sweep.sbatch.readme" >"$work/sweep.sbatch"
for want in '^#SBATCH --array=0-3 ' '^N=4$' '^#SBATCH --cpus-per-task=1$' '^hwsim sweep ' '--shard "\$SLURM_ARRAY_TASK_ID/\$N"'; do
  grep -q -e "$want" "$work/sweep.sbatch" || fail "README's sbatch script changed: no line matching '$want'"
done
merge_line=$(grep -m1 '^sbatch --dependency=afterok:\$jobid --wrap "hwsim merge ' "$readme") || fail "README's merge line not found"
sweep_args=$(sed -n 's/^hwsim sweep \(.*\) \\$/\1/p' "$work/sweep.sbatch")
# The README's grid, smaller (16 architectures; 256 points with its --bits 1..8 and two nodes) to keep this to a minute or two.
cat >"$work/grid.yaml" <<'EOF'
version: 1
base: lowbit-default
vary:
  units[lowbit].rows: [8, 16]
  units[lowbit].cols: [8, 16]
  units[lowbit].lanes: [8, 16]
  dram.bandwidth_bytes_per_cycle: [16, unlimited]
EOF

cd "$work"
log "unsharded reference: hwsim sweep $sweep_args -o whole.csv"
eval "hwsim sweep $sweep_args --jobs $cpus -q -o whole.csv" || fail "unsharded sweep failed"
points=$(grep -c '^[0-9]' whole.csv)
log "unsharded run: $points points"

state_of() { scontrol -o show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
wait_done() { # job id, seconds
  local s
  for _ in $(seq $(($2 * 5))); do
    s=$(state_of "$1")
    case "$s" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE) echo "$s"; return;; esac
    sleep 0.2
  done
  echo "TIMEOUT-WAITING($s)"
}
submit_merge() { # dependency list -> job id
  local line=${merge_line/sbatch --dependency=afterok:\$jobid/sbatch --parsable --dependency=afterok:$1}
  eval "$line"
}
rows_of() { [ -f "$1" ] && grep -c '^[0-9]' "$1" || echo 0; }

# 1. README flow as written.
mkdir run-clean && cp sweep.sbatch grid.yaml run-clean/ && cd run-clean
jobid=$(sbatch --parsable sweep.sbatch) || fail "sbatch failed"
merge=$(submit_merge "$jobid") || fail "sbatch of the merge failed"
log "pass 1: array job $jobid (4 shards), merge job $merge (afterok:$jobid)"
s=$(wait_done "$merge" 300); [ "$s" = COMPLETED ] || fail "merge job ended $s"
for i in 0 1 2 3; do
  s=$(state_of "${jobid}_$i"); [ "$s" = COMPLETED ] || fail "shard $i ended $s"
done
cmp -s sweep.csv ../whole.csv || fail "pass 1: merged sweep.csv differs from the unsharded run"
runtime=$(scontrol -o show job "${jobid}_0" | sed -n 's/.* RunTime=\([-0-9:]*\) .*/\1/p')
shard_seconds=$(echo "$runtime" | awk -F'[-:]' '{ s = 0; for (i = 1; i <= NF; i++) s = s * (i == NF - 2 ? 24 : 60) + $i; print s }')
log "pass 1: 4 shards COMPLETED (shard 0 ran ${shard_seconds} s), merge COMPLETED, sweep.csv ($(rows_of sweep.csv) rows) byte-identical to the unsharded run"
cd "$work"

# 2. A shard cancelled mid-run, resubmitted, merged.
mkdir run-kill && cp sweep.sbatch grid.yaml run-kill/ && cd run-kill
jobid=$(sbatch --parsable sweep.sbatch) || fail "sbatch failed"
merge=$(submit_merge "$jobid") || fail "sbatch of the merge failed"
victim=0
for _ in $(seq 300); do [ "$(state_of "${jobid}_$victim")" = RUNNING ] && break; sleep 0.2; done
[ "$(state_of "${jobid}_$victim")" = RUNNING ] || fail "shard $victim never ran"
# Half of shard 0's run time in pass 1: it is then well past start-up and far from done.
sleep $(((shard_seconds + 1) / 2))
scancel "${jobid}_$victim"
s=$(wait_done "${jobid}_$victim" 60); [ "$s" = CANCELLED ] || fail "cancelled shard ended $s (finished before it could be cancelled?)"
expected=$(awk -F, -v n=4 -v i=$victim '/^[0-9]/ && $1 % n == i' ../whole.csv | wc -l)
kept=$(rows_of "parts/part-$victim.csv")
[ "$kept" -gt 0 ] && [ "$kept" -lt "$expected" ] || fail "shard $victim was not cut mid-run: $kept of $expected rows kept"
log "pass 2: shard $victim of array job $jobid cancelled while running; its part file kept $kept of $expected rows"
for i in 1 2 3; do
  s=$(wait_done "${jobid}_$i" 300); [ "$s" = COMPLETED ] || fail "shard $i ended $s"
done
reason=$(squeue -h -j "$merge" -o %r 2>/dev/null)
scancel "$merge"
log "pass 2: the README's merge (job $merge) cannot start now ($reason); cancelled"
resub=$(sbatch --parsable --array=$victim sweep.sbatch) || fail "resubmission failed"
merge=$(submit_merge "${resub}:${jobid}_1:${jobid}_2:${jobid}_3") || fail "sbatch of the merge failed"
s=$(wait_done "$merge" 300); [ "$s" = COMPLETED ] || fail "merge after resubmission ended $s"
out=$(ls slurm-"${resub}"_"$victim".out 2>/dev/null) || fail "no output of the resubmitted shard"
grep -q "$kept already in parts/part-$victim.csv" "$out" || fail "the resubmitted shard did not resume from its $kept rows: $(grep -m1 'sweep ' "$out")"
cmp -s sweep.csv ../whole.csv || fail "pass 2: merged sweep.csv differs from the unsharded run"
log "pass 2: shard $victim resubmitted as job $resub, resumed ($kept already there), merge job $merge COMPLETED, sweep.csv byte-identical to the unsharded run"
cd "$work"

# Every job is finished: nothing of ours runs after the daemons stop.
[ -z "$(squeue -h 2>/dev/null)" ] || fail "jobs still queued: $(squeue -h)"
log "passed"
