"""A toy workspace shared by the API, demo and benchmark tests: toy COCO + DAVIS data, the toy text bank
and a toy checkpoint (2 training iterations, prompt parameters on, video detector), built once per session."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG = REPO_ROOT / 'seg' / 'configs' / 'toy' / 'omg_toy_coco_panoptic.py'
MODEL_OPTIONS = ['model.type=OMGSegVideo', 'model.panoptic_head.enable_box_query=True']
TRAIN_OPTIONS = ['train_cfg.max_iters=2', 'train_dataloader.batch_size=1',
                 'default_hooks.checkpoint.interval=2', 'param_scheduler.0.end=2']


@dataclass(frozen=True)
class ToyWorkspace:
    """Paths of the workspace; ``cfg_options`` make the config independent of the working directory."""

    root: Path
    checkpoint: Path

    @property
    def config(self) -> Path:
        return CONFIG

    @property
    def cfg_options(self) -> dict:
        embeddings = self.root / 'data' / 'embeddings'
        return {'model.type': 'OMGSegVideo', 'model.panoptic_head.enable_box_query': True,
                'model.panoptic_head.classifier.embeddings_dir': str(embeddings),
                'embeddings_cache_dir': str(embeddings / 'cache')}

    @property
    def cli_options(self) -> list[str]:
        """The same as ``--cfg-options`` arguments."""
        return [f'{key}={value}' for key, value in self.cfg_options.items()]

    @property
    def coco_images(self) -> list[Path]:
        return sorted((self.root / 'data' / 'toy' / 'coco' / 'val2017').glob('*.jpg'))

    @property
    def davis_video(self) -> Path:
        return sorted((self.root / 'data' / 'toy' / 'DAVIS' / 'JPEGImages' / '480p').iterdir())[0]

    @property
    def davis_first_mask(self) -> Path:
        annotations = Path(str(self.davis_video).replace('JPEGImages', 'Annotations'))
        return sorted(annotations.glob('*.png'))[0]


def _gen_cls_main():
    spec = importlib.util.spec_from_file_location('gen_cls', REPO_ROOT / 'tools' / 'gen_cls.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def ensure_toy_workspace(root: Path) -> ToyWorkspace:
    """Build the workspace under ``root`` unless a previous call did (marker file ``READY``)."""
    workspace = ToyWorkspace(root, root / 'work' / 'iter_2.pth')
    if (root / 'READY').is_file():
        return workspace
    from seg.datasets.toy import make_toy_data
    root.mkdir(parents=True, exist_ok=True)
    make_toy_data(root / 'data' / 'toy', seed=0, datasets='coco,davis', force=True)
    _gen_cls_main()([str(CONFIG), '--out-dir', str(root / 'data' / 'embeddings')])
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMP_NUM_THREADS='1')
    args = [sys.executable, str(REPO_ROOT / 'tools' / 'train.py'), str(CONFIG),
            '--work-dir', str(root / 'work'), '--cfg-options', *MODEL_OPTIONS, *TRAIN_OPTIONS]
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f'toy training failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}'
    assert workspace.checkpoint.is_file()
    (root / 'READY').write_text('ok')
    return workspace
