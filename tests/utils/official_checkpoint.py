"""A checkpoint synthesised from official_state_dict.tsv (the released head-only layout), shared by the
converter and README tests."""
from __future__ import annotations

from pathlib import Path

import torch

REPO_ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_TSV = REPO_ROOT / 'tests' / 'models' / 'data' / 'official_state_dict.tsv'


def official_state() -> dict:
    """Random tensors with the keys and shapes of the released head-only checkpoint."""
    generator, state = torch.Generator().manual_seed(0), {}
    for row in OFFICIAL_TSV.read_text().splitlines():
        key, shape = row.split('\t')[:2]
        if key.startswith('panoptic_head.'):
            size = () if shape == 'scalar' else tuple(int(s) for s in shape.split('x'))
            state[key] = torch.randn(size, generator=generator)
    return state


def write_released_checkpoint(path: Path) -> dict:
    """Write the synthesised checkpoint to ``path`` as an mmengine file (``state_dict``, DDP ``module.``
    prefixes, one non-head tensor); returns its head state."""
    state = official_state()
    wrapped = {f'module.{k}': v for k, v in state.items()}
    wrapped['module.data_preprocessor.mean'] = torch.zeros(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({'state_dict': wrapped, 'meta': {'epoch': 12}}, path)
    return state
