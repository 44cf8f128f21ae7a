#!/usr/bin/env bash
# Submit the design-space sweep to a Slurm cluster: build rtlgen, write the plan, submit
# scripts/sweep.sbatch as a job array of SHARES tasks and scripts/sweep-merge.sbatch after it.
# Run from the repository root on a login node whose file system the compute nodes share, with
# the tools (verilator, yosys, OpenSTA, the liberty file: bash scripts/install-tools.sh) on every node.
#   scripts/sweep-submit.sh [SHARES] [rtlgen sweep plan options...]
#   scripts/sweep-submit.sh 16                 # the default sweep in 16 shares
#   scripts/sweep-submit.sh 4 --quick          # the quick subset in 4
# Environment: SWEEP_DIR (default build/sweep), SWEEP_OUT (default docs), SBATCH_OPTIONS (extra
# sbatch options for both jobs, e.g. "--partition=batch --time=1:00:00").
set -euo pipefail
cd "$(dirname "$0")/.."
shares=${1:-8}
[ $# -gt 0 ] && shift
[[ "$shares" =~ ^[1-9][0-9]*$ ]] || { echo "sweep-submit.sh: SHARES must be a positive whole number, not '$shares'" >&2; exit 64; }
command -v sbatch > /dev/null || { echo "sweep-submit.sh: sbatch not found; run this on a Slurm login node (or use make sweep on one machine)" >&2; exit 1; }
export SWEEP_DIR=${SWEEP_DIR:-build/sweep}
export SWEEP_OUT=${SWEEP_OUT:-docs}
export RTLGEN=${RTLGEN:-.build/release/rtlgen}
make --no-print-directory rtlgen
"$RTLGEN" sweep plan --dir "$SWEEP_DIR" "$@"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="1-$shares" --output="$SWEEP_DIR/slurm-%A_%a.out" scripts/sweep.sbatch)
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --dependency="afterok:$array" --output="$SWEEP_DIR/slurm-merge-%j.out" scripts/sweep-merge.sbatch)
merge=${merge%%;*}
echo "submitted: array job $array ($shares shares of $SWEEP_DIR), merge job $merge (writes $SWEEP_OUT/sweep.md); logs in $SWEEP_DIR/slurm-*.out"
echo "$array $merge" > "$SWEEP_DIR/slurm-jobs"
