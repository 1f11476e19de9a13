"""``kill -9`` during and right after a checkpoint save, then ``--resume`` (toy config, CPU).

* Killed while ``iter_4.pth`` is being written with ``max_keep_ckpts=1``: the previous checkpoint is still
  there, loads, and ``last_checkpoint`` points to it; ``--resume`` continues from it and removes the
  stale temp file.
* Killed right after the checkpoint of iteration 2: the resumed run logs the same losses for iterations
  3..5 as an uninterrupted run, to the last bit, even with data-loader workers in the resumed run only.
"""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'
TRAIN = str(REPO_ROOT / 'tools' / 'train.py')
KILLER = str(Path(__file__).with_name('sigkill_run.py'))
FAST = ['default_hooks.logger.interval=1', 'param_scheduler.0.end=2', 'log_processor.window_size=1']


def run(args: list[str], cwd: Path, expect_rc: int = 0) -> str:
    """Run a command (this checkout first on PYTHONPATH, one thread); check its exit code; return its log."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == expect_rc, f'{args}: exit {proc.returncode}, not {expect_rc}\n{log[-3000:]}'
    return log


@pytest.fixture(scope='module')
def workspace(toy_root, tmp_path_factory) -> Path:
    """data/toy -> the session's toy data, plus the toy text-embedding bank."""
    root = tmp_path_factory.mktemp('resume_kill')
    (root / 'data').mkdir()
    (root / 'data' / 'toy').symlink_to(toy_root, target_is_directory=True)
    run([str(REPO_ROOT / 'tools' / 'gen_cls.py'), str(CONFIG)], root)
    return root


def train(workspace: Path, work_dir: str, options: list[str], resume: bool = False,
          kill: tuple[str, str] | None = None) -> str:
    args = [TRAIN, str(CONFIG), '--work-dir', work_dir, *(['--resume'] if resume else []),
            '--cfg-options', *FAST, *options]
    if kill is None:
        return run(args, workspace)
    return run([KILLER, *kill, *args], workspace, expect_rc=-signal.SIGKILL)


def logged_losses(work_dir: Path) -> dict[int, float]:
    """``loss`` per iteration from every run's scalars.json in ``work_dir`` (later runs win)."""
    losses = {}
    for scalars in sorted(work_dir.glob('*/vis_data/scalars.json')):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            if 'loss' in record:
                losses[record['iter']] = record['loss']
    return losses


def test_sigkill_during_checkpoint_write_keeps_the_last_complete_one(workspace):
    work_dir = workspace / 'killed_write'
    options = ['train_cfg.max_iters=4', 'default_hooks.checkpoint.interval=2',
               'default_hooks.checkpoint.max_keep_ckpts=1']
    train(workspace, str(work_dir), options, kill=('during-write', 'iter_4.pth'))

    assert sorted(p.name for p in work_dir.glob('iter_*.pth')) == ['iter_2.pth']
    assert Path((work_dir / 'last_checkpoint').read_text()).name == 'iter_2.pth'
    stale = list(work_dir.glob('.iter_4.pth.*.tmp'))
    assert len(stale) == 1 and stale[0].stat().st_size > 1_000_000  # the interrupted write
    ckpt = torch.load(work_dir / 'iter_2.pth', weights_only=True, map_location='cpu')
    assert ckpt['meta']['iter'] == 2 and 'resume_state' in ckpt

    log = train(workspace, str(work_dir), options, resume=True)
    assert 'Auto resumed from the latest checkpoint' in log and 'iter_2.pth' in log
    assert 'Iter(train) [3/4]' in log and 'Iter(train) [1/4]' not in log
    assert 'temp file of an interrupted checkpoint save' in log
    assert sorted(p.name for p in work_dir.glob('iter_*.pth')) == ['iter_4.pth']
    assert not list(work_dir.glob('.*.tmp'))
    assert torch.load(work_dir / 'iter_4.pth', weights_only=True, map_location='cpu')['meta']['iter'] == 4


def test_resume_after_sigkill_repeats_the_uninterrupted_losses_exactly(workspace):
    options = ['train_cfg.max_iters=5', 'default_hooks.checkpoint.interval=2']
    train(workspace, 'straight', options)
    train(workspace, 'killed', options, kill=('after-checkpoint', 'iter_2.pth'))
    assert sorted(logged_losses(workspace / 'killed')) == [1, 2]
    log = train(workspace, 'killed', [*options, 'train_dataloader.num_workers=2'], resume=True)
    assert 'Data stream resumed at batch 2' in log

    straight, resumed = logged_losses(workspace / 'straight'), logged_losses(workspace / 'killed')
    assert sorted(straight) == sorted(resumed) == [1, 2, 3, 4, 5]
    assert len(set(straight.values())) == 5  # the losses do change from iteration to iteration
    for it in (3, 4, 5):
        assert resumed[it] == straight[it], (it, resumed[it], straight[it])  # bit for bit
