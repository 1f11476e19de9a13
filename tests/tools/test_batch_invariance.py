"""Test-time metrics do not depend on the batch size or the number of processes (issue #16.9): a 60-iteration
toy model evaluated by tools/test.py and ``tools/dist.sh test`` with 2 CPU processes at batch sizes 1 and 2
gives the same metrics; ``model.batch_invariant=False`` (the reference's batched inference) does not."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'


def run(args: list[str], cwd: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f'{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}'


@pytest.fixture(scope='module')
def trained(toy_root, tmp_path_factory) -> tuple[Path, Path]:
    """(workspace, checkpoint) of a 60-iteration toy model: its predictions are far from trivial."""
    root = tmp_path_factory.mktemp('batch_invariance')
    (root / 'data').mkdir()
    (root / 'data' / 'toy').symlink_to(toy_root, target_is_directory=True)
    run([sys.executable, str(REPO_ROOT / 'tools' / 'gen_cls.py'), str(CONFIG)], root)
    run([sys.executable, str(REPO_ROOT / 'tools' / 'train.py'), str(CONFIG), '--work-dir', 'train',
         '--cfg-options', 'train_cfg.max_iters=60', 'param_scheduler.0.end=10',
         'default_hooks.logger.interval=30', 'default_hooks.checkpoint.interval=60'], root)
    return root, root / 'train' / 'iter_60.pth'


def metrics(trained, processes: int, batch_size: int, *options: str) -> dict:
    root, ckpt = trained
    name = f'test_p{processes}_b{batch_size}{"_".join(options)}'.replace('=', '_').replace('.', '_')
    launcher = ([sys.executable, str(REPO_ROOT / 'tools' / 'test.py'), str(CONFIG)] if processes == 1 else
                ['bash', str(REPO_ROOT / 'tools' / 'dist.sh'), 'test', str(CONFIG), str(processes)])
    out = root / f'{name}.json'
    run([*launcher, '--checkpoint', str(ckpt), '--work-dir', name, '--metrics-out', str(out),
         '--cfg-options', f'test_dataloader.batch_size={batch_size}', *options], root)
    values = json.loads(out.read_text())
    return {k: v for k, v in values.items() if k.split('/')[-1] not in ('time', 'data_time')}


def test_metrics_do_not_depend_on_batch_size_or_process_count(trained):
    reference = metrics(trained, 1, 1)
    assert reference['coco_panoptic/PQ'] > 5 and reference['coco/segm_mAP'] > 0
    for processes, batch_size in ((1, 2), (2, 1), (2, 2)):
        assert metrics(trained, processes, batch_size) == reference, (processes, batch_size)
    # the switch keeps the reference's batched inference, whose numbers move with the batch
    assert metrics(trained, 1, 2, 'model.batch_invariant=False') != reference
