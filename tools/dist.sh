#!/usr/bin/env bash
# Distributed launcher: ./tools/dist.sh {train,test,gen_cls} CONFIG GPUS [tool args...]
# Multi-node through NNODES, NODE_RANK, MASTER_ADDR, PORT. On a CPU-only machine the processes
# use the gloo backend (mmengine picks it when CUDA is unavailable).
set -euo pipefail
if [[ $# -lt 3 ]]; then
  echo "usage: $0 {train,test,gen_cls} CONFIG GPUS [tool args...]" >&2
  exit 2
fi
TOOL=$1; CONFIG=$2; GPUS=$3; shift 3
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT="$ROOT/tools/$TOOL.py"
[[ -f "$SCRIPT" ]] || { echo "unknown tool '$TOOL': no $SCRIPT" >&2; exit 2; }
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-$((28500 + RANDOM % 2000))}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
PYTHON=${PYTHON:-python3}
exec "$PYTHON" -m torch.distributed.run --nnodes="$NNODES" --node_rank="$NODE_RANK" \
  --master_addr="$MASTER_ADDR" --nproc_per_node="$GPUS" --master_port="$PORT" \
  "$SCRIPT" "$CONFIG" --launcher pytorch "$@"
