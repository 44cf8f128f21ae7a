#!/usr/bin/env bash
# The sweep on a real Slurm cluster: a one-node cluster started here (scripts/slurm-local.sh: Debian's
# slurmctld, slurmd and munge, every file under build/slurm), a small sweep submitted as
# scripts/sweep.sbatch (a 3-task job array) and scripts/sweep-merge.sbatch (afterok on the array),
# waited for, and its report compared byte for byte with the same sweep run on this machine without
# Slurm. The cluster is stopped on every exit. Needs root (apt-get, the daemons). make sweep-slurm-check.
set -euo pipefail
cd "$(dirname "$0")/.."
RTLGEN=${RTLGEN:-.build/release/rtlgen}
state=$PWD/build/slurm
base=build/sweep-slurm
plan=(--units lmul,mitchell,fpmul_ftz --formats e4m2,e5m2 --samples 20000)
local=scripts/slurm-local.sh

bash "$local" install
trap 'bash "$local" stop "$state" > /dev/null' EXIT
trap 'exit 130' INT TERM HUP
bash "$local" start "$state"
eval "$(bash "$local" env "$state")"

rm -rf "$base"
"$RTLGEN" sweep plan --dir "$base/one" "${plan[@]}" > /dev/null
"$RTLGEN" sweep run --dir "$base/one" > /dev/null
"$RTLGEN" sweep merge --dir "$base/one" --out "$base/one/report" > /dev/null

"$RTLGEN" sweep plan --dir "$base/cluster" "${plan[@]}"
mkdir -p "$base/cluster/logs"
export SWEEP_DIR=$base/cluster SWEEP_OUT=$base/cluster/report RTLGEN
start=$SECONDS
array=$(sbatch --parsable --array=1-3 --cpus-per-task=1 --chdir="$PWD" --output="$base/cluster/logs/shard-%A_%a.out" scripts/sweep.sbatch)
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --chdir="$PWD" --output="$base/cluster/logs/merge-%j.out" scripts/sweep-merge.sbatch)
merge=${merge%%;*}
echo "sweep-slurm-check: submitted array job $array (3 shares) and merge job $merge"
rc=0
bash "$local" wait "$state" "$merge" 1800 || rc=1
bash "$local" wait "$state" "$array" 10 || rc=1
if [ $rc -ne 0 ] || [ ! -f "$base/cluster/report/sweep.md" ]; then
  tail -n 20 "$base"/cluster/logs/* >&2 || true
  echo "sweep-slurm-check: the Slurm jobs failed; logs in $base/cluster/logs" >&2
  exit 1
fi
for f in sweep.md sweep.json plots/sweep-pareto.svg; do
  cmp -s "$base/one/report/$f" "$base/cluster/report/$f" || { echo "sweep-slurm-check: $f differs between Slurm and one machine" >&2; exit 1; }
done
echo "sweep-slurm-check: a 3-task array and its dependent merge ran on Slurm in $((SECONDS - start)) s; the report equals one machine's byte for byte"
