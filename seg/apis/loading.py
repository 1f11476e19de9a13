"""Build a model for inference from a config (+ checkpoint), or from a pretrained folder / hub repo."""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import torch
from mmengine.config import Config
from torch import nn

CONFIG_FILE = 'config.py'
CHECKPOINT_FILES = ('model.pth', 'checkpoint.pth')
EMBEDDINGS_SUBDIR = 'embeddings'


def default_device() -> torch.device:
    """The first accelerator when torch sees one, else the CPU."""
    return torch.device('cuda', 0) if torch.cuda.is_available() else torch.device('cpu')


def load_config(config: str | os.PathLike | Config, cfg_options: dict | None = None) -> Config:
    """A copy of ``config`` (file path or Config) with ``cfg_options`` merged in."""
    if isinstance(config, Config):
        cfg = Config(config.to_dict(), filename=config.filename)
    else:
        path = Path(config)
        if not path.is_file():
            raise FileNotFoundError(f'config file not found: {path} (relative paths start at {os.getcwd()})')
        cfg = Config.fromfile(str(path))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def build_model(cfg: Config, checkpoint: str | os.PathLike | None = None,
                device: str | torch.device | None = None, *, strict: bool = True) -> nn.Module:
    """The model of ``cfg`` in eval mode on ``device``, with ``checkpoint`` loaded if given: strictly (any
    missing, unexpected or mis-shaped key raises with the listing) unless ``strict=False`` (matching keys
    only, the rest keeps its initialisation; e.g. prompts switched on for a checkpoint trained without).
    Prompt tensors of published checkpoints that a model without prompts does not use are named on one
    printed line.

    Without a checkpoint the weights are the config's initialisation (random head): useful for tests
    and for checking a config, not for predictions.
    """
    from mmdet.registry import MODELS
    from mmengine.registry import init_default_scope

    import seg  # noqa: F401  (registers the modules, installs the checkpoint-loading shims)
    from seg.models.utils.checkpoint import load_checked

    init_default_scope(cfg.get('default_scope', 'mmdet'))
    model = MODELS.build(cfg.model)
    if checkpoint is None:
        model.init_weights()
    else:
        report = load_checked(model, checkpoint, strict=strict)
        if report:
            warnings.warn(f'loaded {checkpoint} non-strictly: {report.describe()}')
    return model.to(torch.device(device) if device is not None else default_device()).eval()


def find_checkpoint(folder: Path) -> Path:
    """The weights file of a pretrained folder: one of ``CHECKPOINT_FILES``, else its single ``.pth``."""
    for name in CHECKPOINT_FILES:
        if (folder / name).is_file():
            return folder / name
    candidates = sorted(folder.glob('*.pth'))
    if len(candidates) == 1:
        return candidates[0]
    found = ', '.join(p.name for p in candidates) or 'none'
    raise FileNotFoundError(f'{folder}: expected one checkpoint ({" / ".join(CHECKPOINT_FILES)} or a single '
                            f'*.pth), found {found}')


def resolve_pretrained(dir_or_repo: str | os.PathLike, revision: str | None = None) -> Path:
    """Folder holding ``config.py`` + weights: ``dir_or_repo`` itself, or a Hugging Face Hub snapshot."""
    path = Path(dir_or_repo).expanduser()
    if path.is_dir():
        if not (path / CONFIG_FILE).is_file():
            raise FileNotFoundError(f'{path} has no {CONFIG_FILE}; a pretrained folder holds {CONFIG_FILE}, '
                                    f'the weights ({CHECKPOINT_FILES[0]}), optionally {EMBEDDINGS_SUBDIR}/')
        return path
    if path.exists() or str(dir_or_repo).count('/') != 1:
        raise FileNotFoundError(f'{dir_or_repo} is neither a pretrained folder nor a hub id "owner/name"')
    try:
        from huggingface_hub import snapshot_download
    except ImportError as exc:
        raise ImportError(f'loading {dir_or_repo!r} from the Hugging Face Hub needs `pip install '
                          f'huggingface_hub` (or pass a local folder)') from exc
    try:
        return Path(snapshot_download(repo_id=str(dir_or_repo), revision=revision))
    except Exception as exc:  # offline, unknown repo, no access: one clear message
        raise RuntimeError(f'could not download {dir_or_repo!r} from the Hugging Face Hub ({exc}). '
                           f'Offline? Pass a local folder with {CONFIG_FILE} and {CHECKPOINT_FILES[0]} '
                           f'instead.') from exc


def pretrained_config(folder: Path, cfg_options: dict | None = None) -> Config:
    """The folder's config; text-embedding banks are read from ``folder/embeddings`` when it exists."""
    cfg = load_config(folder / CONFIG_FILE, cfg_options)
    embeddings = folder / EMBEDDINGS_SUBDIR
    classifier = cfg.model.get('panoptic_head', {}).get('classifier')
    if embeddings.is_dir() and classifier is not None:
        classifier.embeddings_dir = str(embeddings)
        cfg.embeddings_cache_dir = cfg.get('embeddings_cache_dir') or str(embeddings / 'cache')
    return cfg
