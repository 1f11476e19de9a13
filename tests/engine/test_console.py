"""The console shows what a person needs; mmengine's start-up dumps go to the log file only."""
import logging
import os
import subprocess
import sys
from pathlib import Path

from seg.engine.console import LogFileOnlyFilter, quiet_console

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'


def _logger(tmp_path: Path) -> tuple[logging.Logger, list[str], Path]:
    logger = logging.getLogger(f'console-test-{tmp_path.name}')
    logger.setLevel(logging.INFO)
    shown: list[str] = []
    console = logging.StreamHandler()
    console.emit = lambda record: shown.append(record.getMessage())  # type: ignore[method-assign]
    log_file = tmp_path / 'run.log'
    logger.addHandler(console)
    logger.addHandler(logging.FileHandler(log_file))
    return logger, shown, log_file


def test_dumps_reach_the_file_but_not_the_console(tmp_path):
    logger, shown, log_file = _logger(tmp_path)
    quiet_console(logger)
    quiet_console(logger)  # idempotent: one filter per handler
    assert sum(isinstance(f, LogFileOnlyFilter) for h in logger.handlers for f in h.filters) == 1
    logger.info('Config:\nmodel = dict(type="OMGSeg")')
    logger.info('Hooks will be executed in the following order:\nbefore_run:\n(VERY_HIGH) RuntimeInfoHook')
    logger.info('paramwise_options -- panoptic_head.query_embed.weight:lr=0.001')
    logger.warning('backbone.clip_model.trunk.stem.0.weight is skipped since its requires_grad=False')
    logger.info('\n' + '-' * 60 + '\nSystem environment:\n    sys.platform: linux')
    logger.warning('"FileClient" will be deprecated in future. Please use io functions in ...')
    logger.info('Iter(train) [1/600]  loss: 1.0')
    assert shown == ['Iter(train) [1/600]  loss: 1.0']
    text = log_file.read_text()
    for needle in ('Config:', 'Hooks will be executed', 'paramwise_options', 'requires_grad=False',
                   'System environment:', 'Iter(train) [1/600]'):
        assert needle in text, needle


def test_train_console_fits_one_screen_and_log_keeps_the_config(toy_root, tmp_path):
    data = tmp_path / 'data'
    data.mkdir()
    (data / 'toy').symlink_to(toy_root)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1')
    subprocess.run([sys.executable, str(REPO_ROOT / 'tools' / 'gen_cls.py'), str(CONFIG)], cwd=tmp_path,
                   check=True, capture_output=True, timeout=600, env=env)
    env.pop('OMG_SEG_VERBOSE', None)
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / 'tools' / 'train.py'), str(CONFIG), '--work-dir', 'work',
         '--cfg-options', 'train_cfg.max_iters=1', 'default_hooks.logger.interval=1'],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = (proc.stdout + proc.stderr).splitlines()
    first_iter = next(i for i, line in enumerate(lines) if 'Iter(train) [1/1]' in line)
    assert first_iter < 60, '\n'.join(lines[:first_iter])
    assert any('full config' in line and '.log' in line for line in lines[:first_iter])
    log_text = next((tmp_path / 'work').glob('*/*.log')).read_text()
    assert 'Config:' in log_text and 'Hooks will be executed in the following order' in log_text
