#!/usr/bin/env bash
# The main job on the embedded default, on the CPU, in one command:
#   1. set up the environment (tools/setup_env.sh, idempotent)
#   2. generate the toy datasets in the real on-disk formats (data/toy, seed 0)
#   3. build the toy text-embedding bank (tools/gen_cls.py)
#   4. train the toy config (a few minutes on the CPU)
#   5. evaluate it, print the metrics and write --show-dir visualisations
# Variables: WORK_DIR (default work_dirs/toy), DATA_DIR (default data/toy), TOY_CONFIG, and
# QUICKSTART_THREADS (default 2): see tools/cpu_numerics.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
DATA_DIR=${DATA_DIR:-data/toy}
WORK_DIR=${WORK_DIR:-work_dirs/toy}
TOY_CONFIG=${TOY_CONFIG:-seg/configs/toy/omg_toy_coco_panoptic.py}
started=$(date +%s)
last=
step() {  # print the previous step's time, then the next step's title
  local now
  now=$(date +%s)
  [[ -z $last ]] || printf '[quickstart] (step took %s s)\n' "$(( now - last ))"
  last=$now
  printf '\n[quickstart] == %s\n' "$*"
}

# CPU numerics: threads and kernel instruction sets pinned (see tools/cpu_numerics.sh).
# shellcheck source=tools/cpu_numerics.sh
source tools/cpu_numerics.sh

step 'set-up'
SKIP_TEST_DEPS=1 bash tools/setup_env.sh

step "toy datasets -> $DATA_DIR"
"$PYTHON" tools/dataset_convert/make_toy_data.py --out "$DATA_DIR" --seed 0 --force

if [[ ! -f "$TOY_CONFIG" ]]; then
  step "stopping here: the toy model config $TOY_CONFIG does not exist yet (see README, 'Status')"
  exit 0
fi

step 'text embeddings for the toy vocabulary'
"$PYTHON" tools/gen_cls.py "$TOY_CONFIG"

step "train $TOY_CONFIG -> $WORK_DIR"
"$PYTHON" tools/train.py "$TOY_CONFIG" --work-dir "$WORK_DIR"

step 'evaluate the last checkpoint, with visualisations'
CKPT=$(cat "$WORK_DIR/last_checkpoint")
"$PYTHON" tools/test.py "$TOY_CONFIG" --work-dir "$WORK_DIR" --checkpoint "$CKPT" --show-dir vis
step 'done'
echo "[quickstart] checkpoints, logs and visualisations are under $WORK_DIR ($(( $(date +%s) - started )) s in all)"
