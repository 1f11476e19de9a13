#!/usr/bin/env bash
# SLURM launcher: [VARS] ./tools/slurm.sh {train,test,gen_cls} CONFIG [tool args...]
# Variables (defaults): GPUS (8, total tasks), GPUS_PER_NODE (8), CPUS_PER_TASK (5), PARTITION,
# JOB_NAME (omg_seg), MASTER_PORT (28500 + random), QUOTATYPE (unset: flag not passed), SRUN_ARGS ("").
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: [GPUS=8 PARTITION=...] $0 {train,test,gen_cls} CONFIG [tool args...]" >&2
  exit 2
fi
TOOL=$1; CONFIG=$2; shift 2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT="$ROOT/tools/$TOOL.py"
[[ -f "$SCRIPT" ]] || { echo "unknown tool '$TOOL': no $SCRIPT" >&2; exit 2; }
: "${PARTITION:?set PARTITION to your SLURM partition}"
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
JOB_NAME=${JOB_NAME:-omg_seg}
SRUN_ARGS=${SRUN_ARGS:-}
QUOTA_ARGS=()
[[ -n "${QUOTATYPE:-}" ]] && QUOTA_ARGS=(--quotatype="$QUOTATYPE")
export MASTER_PORT=${MASTER_PORT:-$((28500 + RANDOM % 2000))}
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
# shellcheck disable=SC2086
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" --ntasks="$GPUS" \
  --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" --kill-on-bad-exit=1 \
  "${QUOTA_ARGS[@]}" $SRUN_ARGS python -u "$SCRIPT" "$CONFIG" --launcher=slurm "$@"
