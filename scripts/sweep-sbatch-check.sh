#!/usr/bin/env bash
# Test of the Slurm path without a cluster: a small sweep run once on this machine
# (rtlgen sweep run, every job) and once as scripts/sweep.sbatch's array tasks, each run with the
# variables Slurm sets (SLURM_ARRAY_TASK_ID/COUNT/MIN, SLURM_CPUS_PER_TASK), in a scrambled order and
# with a 0-based array, then scripts/sweep-merge.sbatch. The two merged reports must be the same bytes.
#   scripts/sweep-sbatch-check.sh [DIR]      (default build/sweep-sbatch-check; make sweep-sbatch-check)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-build/sweep-sbatch-check}
RTLGEN=${RTLGEN:-.build/release/rtlgen}
plan=(--units lmul,mitchell,fpmul_ftz --formats e4m2,e5m2 --samples 20000)
rm -rf "$base"
mkdir -p "$base"

"$RTLGEN" sweep plan --dir "$base/one" "${plan[@]}" > "$base/one.log"
"$RTLGEN" sweep run --dir "$base/one" >> "$base/one.log"
"$RTLGEN" sweep merge --dir "$base/one" --out "$base/one/report" >> "$base/one.log"

"$RTLGEN" sweep plan --dir "$base/array" "${plan[@]}" > "$base/array.log"
tasks=4
for id in 2 0 3 1; do
  env SLURM_ARRAY_JOB_ID=4242 SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_COUNT=$tasks SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=$((tasks - 1)) \
      SLURM_CPUS_PER_TASK=1 SLURM_SUBMIT_DIR="$PWD" SWEEP_DIR="$base/array" RTLGEN="$RTLGEN" \
      bash scripts/sweep.sbatch >> "$base/array.log"
done
SLURM_SUBMIT_DIR="$PWD" SWEEP_DIR="$base/array" SWEEP_OUT="$base/array/report" RTLGEN="$RTLGEN" bash scripts/sweep-merge.sbatch >> "$base/array.log"

jobs=$(ls "$base/array/results" | wc -l)
ran=$(grep -c '^\[ *[0-9]*/' "$base/array.log" || true)
[ "$ran" -eq "$jobs" ] || { echo "sweep-sbatch-check: the $tasks tasks ran $ran jobs, the plan has $jobs (a job ran twice or not at all); see $base/array.log" >&2; exit 1; }
for f in sweep.md sweep.json plots/sweep-pareto.svg; do
  cmp -s "$base/one/report/$f" "$base/array/report/$f" || { echo "sweep-sbatch-check: $f differs between one machine and $tasks array tasks (diff $base/one/report/$f $base/array/report/$f)" >&2; exit 1; }
done
echo "sweep-sbatch-check: $tasks array tasks (ids 2, 0, 3, 1 of 0-3) ran each of the $jobs jobs once; the merged report is byte-identical to one machine's"
