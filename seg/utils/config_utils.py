"""Load a config for the command-line tools: validation, overrides, work dir and launcher."""
from __future__ import annotations

import os
import os.path as osp
from typing import Optional

from mmengine.config import Config

from .distributed import prepare_cpu_distributed


class ConfigError(ValueError):
    """A config file is missing or unusable."""


def load_config(path: str, cfg_options: Optional[dict] = None, work_dir: Optional[str] = None,
                launcher: str = 'none') -> Config:
    """Read a config, merge ``--cfg-options``, set the launcher and ``work_dir`` (default work_dirs/NAME)."""
    if not osp.isfile(path):
        raise ConfigError(f'config file not found: {path!r} (paths are relative to {os.getcwd()!r})')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    ensure_writable_dir(cfg.work_dir)
    prepare_cpu_distributed(cfg)
    return cfg


def ensure_writable_dir(path: str) -> None:
    """Create ``path`` if needed and fail early with a clear message when it is not writable."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f'cannot create output directory {path!r}: {exc.strerror}') from exc
    if not os.access(path, os.W_OK):
        raise ConfigError(f'output directory {path!r} is not writable')


def export_local_rank(local_rank: int) -> None:
    """Export ``LOCAL_RANK`` for ``torch.distributed.launch`` (torchrun already sets it)."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(local_rank)
