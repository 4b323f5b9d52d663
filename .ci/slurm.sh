#!/usr/bin/env bash
# CI: a sharded sweep on a real single-node Slurm cluster.
#
# Installs Slurm from Debian's packages if missing, writes a minimal slurm.conf for this host
# into a temporary folder, starts munged, slurmctld and slurmd directly (no systemd), submits
# deploy/slurm's job array (4 shards) and its dependent merge job exactly as README.md "Scaling
# out" says, waits, and compares the merged sweep with an unsharded one byte for byte (cmp).
# Stops the daemons it started by the PIDs in their pid files, on every exit. Exits non-zero on
# any failure or mismatch; skips (loudly, exit 0) only when Slurm cannot be installed.
# Each setting below was learned from a failure on a machine without systemd; see the comments.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
now_ms() { echo $(($(date +%s%N) / 1000000)); }
elapsed() { # seconds since START_MS, one decimal
    local ms=$(($(now_ms) - $1))
    printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
t0=$(now_ms)
say() { echo "slurm.sh: $*"; }

skip() {
    echo "################################################################################"
    echo "## SKIPPED: the Slurm test did not run: $*"
    echo "## (deploy/slurm is untested on this machine)"
    echo "################################################################################"
    exit 0
}

# --- 1. Slurm and munge from Debian's packages -------------------------------------------------
install_secs=0
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
    ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    [ "$(id -u)" = 0 ] || skip "Slurm is not installed and this user is not root"
    command -v apt-get >/dev/null || skip "Slurm is not installed and there is no apt-get"
    say "installing slurmctld slurmd slurm-client munge (apt-get)"
    ti=$(now_ms)
    # Keep the packages' maintainer scripts from starting daemons: this script starts its own.
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    ok=1
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null; } || ok=0
    [ "$own_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "$ok" = 1 ] || skip "apt-get could not install slurmctld slurmd slurm-client munge"
    install_secs=$(elapsed "$ti")
    say "installed in ${install_secs}s"
fi

# --- 2. The binary ----------------------------------------------------------------------------
# The cargo target folder, wherever CARGO_TARGET_DIR puts it.
target_dir=${CARGO_TARGET_DIR:-$repo/target}
case $target_dir in /*) ;; *) target_dir=$repo/$target_dir ;; esac
rotor=${ROTOR:-$target_dir/debug/rotor}
if [ ! -x "$rotor" ]; then
    say "building rotor"
    cargo build --quiet --bin rotor
    rotor=$target_dir/debug/rotor
fi
export ROTOR=$rotor

# --- 3. Configuration -------------------------------------------------------------------------
work=$(mktemp -d /tmp/rotor-slurm.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/state" "$work/spool" "$work/jobs"
host=$(hostname -s)
if ! getent hosts "$host" >/dev/null; then
    say "adding '127.0.0.1 $host' to /etc/hosts (the host name must resolve)"
    echo "127.0.0.1 $host" >>/etc/hosts
fi
# The node's real shape (Boards, Sockets, Cores, Threads) from slurmd -C; memory at 95%.
node=$(slurmd -C | head -n 1)
mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
node=$(sed "s/RealMemory=[0-9]*/RealMemory=$((mem * 95 / 100))/" <<<"$node")
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=rotorci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=600
KillWait=5
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# --- 4. Daemons (stopped on every exit, by PID) -----------------------------------------------
started=()  # pid files of the daemons this script started
jobs_submitted=()
alive() { # PID running (a zombie is not: PID 1 here may not reap promptly)
    [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
stop_all() {
    local rc=$?
    set +e
    if [ "${#jobs_submitted[@]}" -gt 0 ]; then
        scancel "${jobs_submitted[@]}" 2>/dev/null
    fi
    local i pidfile pid
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do
        pidfile=${started[i]}
        pid=$(cat "$pidfile" 2>/dev/null)
        [ -n "$pid" ] || continue
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
        alive "$pid" && kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        say "stopped $(basename "$pidfile" .pid) (pid $pid)"
    done
    if [ "$rc" != 0 ]; then
        for f in "$work"/slurmctld.log "$work"/slurmd.log "$work"/jobs/*.out; do
            [ -f "$f" ] && { echo "--- $f (last 30 lines)"; tail -n 30 "$f"; }
        done
        say "FAILED (exit $rc); files kept in $work"
    else
        rm -rf "$work"
    fi
    exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_for() { # SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds
    local limit=$1 what=$2
    shift 2
    local until=$(($(date +%s) + limit))
    until "$@" >/dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$until" ]; then
            say "timed out after ${limit}s waiting for $what"
            return 1
        fi
        sleep 0.2
    done
}

# munge: the system's socket and key, as slurm's auth/munge expects them.
mkdir -p /run/munge /var/lib/munge /var/log/munge /etc/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
chmod 755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
munge_pid=$(cat /run/munge/munged.pid 2>/dev/null || true)
if [ -n "$munge_pid" ] && alive "$munge_pid" && munge -n | unmunge >/dev/null 2>&1; then
    say "using the munged already running (pid $munge_pid)"
else
    rm -f /run/munge/munged.pid /run/munge/munge.socket.2*
    setpriv --reuid=munge --regid=munge --init-groups munged --foreground \
        --pid-file=/run/munge/munged.pid >"$work/munged.log" 2>&1 &
    echo $! >"$work/munged.pid"  # the same PID munged writes; ours to stop
    started+=("$work/munged.pid")
    wait_for 10 "munged" sh -c 'munge -n | unmunge'
fi

slurmctld -D -c >"$work/slurmctld.out" 2>&1 &
wait_for 10 "slurmctld's pid file" test -s "$work/slurmctld.pid"
started+=("$work/slurmctld.pid")
wait_for 30 "slurmctld to answer" sh -c 'scontrol ping | grep -q UP'
slurmd -D -N "$host" >"$work/slurmd.out" 2>&1 &
wait_for 10 "slurmd's pid file" test -s "$work/slurmd.pid"
started+=("$work/slurmd.pid")
wait_for 60 "node $host idle" sh -c "[ \"\$(sinfo -h -n $host -o %T)\" = idle ]"
say "cluster up in $(elapsed "$t0")s (since the start of this script)"

# --- 5. The sweep: README's two commands, then the unsharded reference ------------------------
config=$repo/strategies/smallcap_vs_tech.toml
args=(--grid strategy.lookback=20..160:20 --grid strategy.rebalance=weekly,monthly
    --set data.start=2021-01-01)
out=$work/run
ts=$(now_ms)
cd "$work/jobs"
job=$(sbatch --parsable --array=0-3 "$repo/deploy/slurm/shard.sbatch" "$out" "$config" "${args[@]}")
job=${job%%;*}
jobs_submitted+=("$job")
merge=$(sbatch --parsable --dependency=afterok:"$job" "$repo/deploy/slurm/merge.sbatch" "$out")
merge=${merge%%;*}
jobs_submitted+=("$merge")
say "submitted array $job (4 shards) and merge $merge"
wait_for 300 "the merge job" sh -c "[ -z \"\$(squeue -h -j $merge 2>/dev/null)\" ]"
slurm_secs=$(elapsed "$ts")
state=$(scontrol show job "$merge" | grep -o 'JobState=[A-Z_]*' | head -n 1)
code=$(scontrol show job "$merge" | grep -o ' ExitCode=[0-9:]*' | head -n 1)
for a in $(seq 0 3); do
    scontrol show job "${job}_$a" | grep -o 'JobState=[A-Z_]*' | head -n 1 |
        grep -q COMPLETED || { say "shard task ${job}_$a did not complete"; exit 1; }
done
if [ "$state" != JobState=COMPLETED ] || [ "$code" != " ExitCode=0:0" ]; then
    say "merge job $merge: $state$code"
    exit 1
fi
jobs_submitted=()
cd "$repo"

"$rotor" sweep "$config" "${args[@]}" --out "$work/reference" --quiet >"$work/reference.out"
for f in sweep.parquet sweep.txt config.toml; do
    cmp "$work/reference/$f" "$out/sweep/$f" || { say "MISMATCH: $f"; exit 1; }
done
grep -q "Overfitting diagnostics" "$out/sweep/sweep.txt"
say "merged Slurm sweep == unsharded sweep (sweep.parquet, sweep.txt, config.toml: cmp)"
say "wall time: ${slurm_secs}s from submit to merged; $(elapsed "$t0")s in all (install ${install_secs}s)"
