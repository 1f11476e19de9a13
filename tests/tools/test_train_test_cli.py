"""End to end on the toy data: gen_cls -> train -> resume -> test with --show-dir, and the same test under
``tools/dist.sh`` with 2 CPU processes (gloo) giving the same metrics as 1 process."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'
FAST = ['train_dataloader.batch_size=1', 'default_hooks.logger.interval=1',
        'default_hooks.checkpoint.interval=2', 'param_scheduler.0.end=2']


def run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run a command from ``cwd`` with this checkout first on PYTHONPATH; fail with its output."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1')
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f'{args} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}'
    return proc


def tool(name: str) -> list[str]:
    return [sys.executable, str(REPO_ROOT / 'tools' / name)]


@pytest.fixture(scope='module')
def workspace(tmp_path_factory) -> Path:
    """A folder with data/toy/coco and the toy bank, as the quick-start prepares them."""
    root = tmp_path_factory.mktemp('toy_e2e')
    run(tool('dataset_convert/make_toy_data.py') + ['--out', 'data/toy', '--datasets', 'coco', '--seed', '0'],
        root)
    run(tool('gen_cls.py') + [str(CONFIG)], root)
    assert (root / 'data' / 'embeddings' / 'omgseg_tiny_convnext_CocoPanopticOVDataset.pth').is_file()
    return root


@pytest.fixture(scope='module')
def trained(workspace) -> Path:
    """Train 4 iterations, then resume the same run up to 6 iterations."""
    work_dir = workspace / 'work'
    run(tool('train.py') + [str(CONFIG), '--work-dir', str(work_dir), '--cfg-options',
                            'train_cfg.max_iters=4', *FAST], workspace)
    assert (work_dir / 'iter_4.pth').is_file()
    resumed = run(tool('train.py') + [str(CONFIG), '--work-dir', str(work_dir), '--resume', '--cfg-options',
                                      'train_cfg.max_iters=6', *FAST], workspace)
    log = resumed.stdout + resumed.stderr
    assert 'resumed' in log.lower()
    assert 'Iter(train) [5/6]' in log and 'Iter(train) [1/6]' not in log
    return work_dir


def test_resume_continues_from_the_last_checkpoint(trained):
    ckpt = torch.load(trained / 'iter_6.pth', weights_only=False, map_location='cpu')
    assert ckpt['meta']['iter'] == 6
    assert (trained / 'last_checkpoint').read_text().strip().endswith('iter_6.pth')


def _test(workspace: Path, work_dir: Path, ckpt: Path | None, extra: list[str], launcher: list[str]) -> dict:
    metrics = work_dir / 'metrics.json'
    weights = ['--checkpoint', str(ckpt)] if ckpt is not None else []
    args = ['--work-dir', str(work_dir), *weights, '--metrics-out', str(metrics), *extra]
    run(launcher + args, workspace)
    return json.loads(metrics.read_text())


def test_test_writes_metrics_and_visualisations(workspace, trained):
    work_dir = workspace / 'test1'
    metrics = _test(workspace, work_dir, trained / 'iter_6.pth', ['--show-dir', 'vis'],
                    tool('test.py') + [str(CONFIG)])
    for key in ('coco_panoptic/PQ', 'coco_panoptic/SQ', 'coco_panoptic/RQ', 'coco/segm_mAP'):
        assert 0.0 <= metrics[key] <= 100.0, key
    renders = list(work_dir.glob('*/vis/*.jpg'))
    assert len(renders) == 8  # every toy val image
    assert all(path.stat().st_size > 1000 for path in renders)


def test_dist_sh_two_cpu_processes_match_one(workspace, trained):
    ckpt = trained / 'iter_6.pth'
    single = _test(workspace, workspace / 'test_single', ckpt, [], tool('test.py') + [str(CONFIG)])
    dist = _test(workspace, workspace / 'test_dist', ckpt, [],
                 ['bash', str(REPO_ROOT / 'tools' / 'dist.sh'), 'test', str(CONFIG), '2'])
    assert dist.keys() == single.keys()
    for key, value in single.items():
        if isinstance(value, float) and key.split('/')[-1] not in ('time', 'data_time'):
            assert dist[key] == pytest.approx(value, abs=1e-6), key


def test_dist_sh_two_cpu_processes_train(workspace):
    work_dir = workspace / 'train_dist'
    run(['bash', str(REPO_ROOT / 'tools' / 'dist.sh'), 'train', str(CONFIG), '2', '--work-dir', str(work_dir),
         '--cfg-options', 'train_cfg.max_iters=2', *FAST], workspace)
    assert (work_dir / 'iter_2.pth').is_file()


def test_head_only_checkpoint_loads_strictly_and_bad_keys_are_listed(workspace, trained):
    """Published checkpoints hold only ``panoptic_head.*``: they load strictly (the toy CLIP is re-created
    from the seed); an unknown key stops the run with the key named."""
    state = torch.load(trained / 'iter_6.pth', weights_only=False, map_location='cpu')['state_dict']
    head_only = {k: v for k, v in state.items() if k.startswith('panoptic_head.')}
    torch.save(head_only, workspace / 'head_only.pth')
    full = _test(workspace, workspace / 'test_full', trained / 'iter_6.pth', [],
                 tool('test.py') + [str(CONFIG)])
    head = _test(workspace, workspace / 'test_head', workspace / 'head_only.pth', [],
                 tool('test.py') + [str(CONFIG)])
    assert head['coco_panoptic/PQ'] == pytest.approx(full['coco_panoptic/PQ'])

    torch.save({**head_only, 'panoptic_head.not_a_weight': torch.zeros(1)}, workspace / 'bad.pth')
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.run(tool('test.py') + [str(CONFIG), '--checkpoint', str(workspace / 'bad.pth'),
                                             '--work-dir', str(workspace / 'test_bad')],
                          cwd=workspace, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0
    assert 'unexpected key(s): panoptic_head.not_a_weight' in proc.stderr


def test_short_toy_training_lowers_loss_and_raises_pq(workspace):
    """150 iterations on toy COCO: the loss falls clearly and toy-val PQ rises far above the untrained."""
    work_dir = workspace / 'short_train'
    proc = run(tool('train.py') + [str(CONFIG), '--work-dir', str(work_dir), '--cfg-options',
                                   'train_cfg.max_iters=150', 'param_scheduler.0.end=10',
                                   'param_scheduler.1.milestones=[130]', 'default_hooks.logger.interval=15',
                                   'default_hooks.checkpoint.interval=150'], workspace)
    losses = [float(line.split(' loss: ')[1].split()[0]) for line in (proc.stdout + proc.stderr).splitlines()
              if 'Iter(train)' in line and ' loss: ' in line]
    assert len(losses) >= 5 and losses[-1] < 0.5 * losses[0], losses
    untrained = _test(workspace, workspace / 'untrained', None, [], tool('test.py') + [str(CONFIG)])
    trained = _test(workspace, workspace / 'trained150', work_dir / 'iter_150.pth', [],
                    tool('test.py') + [str(CONFIG)])
    before, after = untrained['coco_panoptic/PQ'], trained['coco_panoptic/PQ']
    print(f'toy PQ untrained {before:.2f} -> 150 iters {after:.2f}')
    assert after > before + 15  # measured: 0.0 -> 34.6 (600 iterations: 68.4)


def test_open_vocabulary_rescoring_through_test_py(workspace, trained):
    """``ov_vocabulary`` in a config makes test.py set the seen/unseen split and run the CLIP re-scoring."""
    work_dir = workspace / 'test_ov'
    metrics = _test(workspace, work_dir, trained / 'iter_6.pth',
                    ['--cfg-options', 'ov_vocabulary.train=youtube_vis_2019',
                     'ov_vocabulary.test=coco_panoptic_ov'],
                    tool('test.py') + [str(CONFIG)])
    assert 0.0 <= metrics['coco_panoptic/PQ'] <= 100.0
    log = next(work_dir.glob('*/*.log')).read_text()
    assert 'seen_classes' in log  # the dumped config carries the computed split
