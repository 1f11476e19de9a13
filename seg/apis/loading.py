"""Build a model for inference from a config (+ checkpoint), or from a pretrained folder / hub repo.

A pretrained folder holds ``config.py``, the weights (``model.safetensors``, as ``tools/convert_official.py``
writes them, or ``model.pth``) and optionally ``embeddings/`` (text banks + their class names). A hub id
``owner/name`` is fetched with huggingface_hub's ``snapshot_download`` into its cache; with
``HF_HUB_OFFLINE=1`` the cached snapshot is used without any network access.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path

import torch
from mmengine.config import Config
from torch import nn

CONFIG_FILE = 'config.py'
# save_pretrained writes CHECKPOINT_FILES[0] (torch format), tools/convert_official.py SAFETENSORS_FILE.
SAFETENSORS_FILE = 'model.safetensors'
CHECKPOINT_FILES = ('model.pth', 'checkpoint.pth', SAFETENSORS_FILE)
WEIGHT_SUFFIXES = ('.safetensors', '.pth')
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
        report = load_checked(model, read_weights(checkpoint), strict=strict, source=str(checkpoint))
        if report:
            warnings.warn(f'loaded {checkpoint} non-strictly: {report.describe()}')
    return model.to(torch.device(device) if device is not None else default_device()).eval()


def read_weights(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """State dict of a weights file: safetensors (read without unpickling) or a torch checkpoint."""
    from seg.models.utils.checkpoint import read_state_dict
    path = Path(path)
    if path.suffix != '.safetensors':
        return read_state_dict(path)
    if not path.is_file():
        raise FileNotFoundError(f'checkpoint file not found: {path}')
    from safetensors.torch import load_file
    try:
        return load_file(str(path))
    except Exception as exc:  # truncated / not safetensors: name the file
        raise ValueError(f'{path} is not a readable safetensors file ({exc})') from exc


def find_checkpoint(folder: Path) -> Path:
    """The weights file of a pretrained folder: one of ``CHECKPOINT_FILES``, else its single
    ``.safetensors`` / ``.pth`` file."""
    for name in CHECKPOINT_FILES:
        if (folder / name).is_file():
            return folder / name
    candidates = sorted(p for p in folder.iterdir() if p.suffix in WEIGHT_SUFFIXES and p.is_file())
    if len(candidates) == 1:
        return candidates[0]
    found = ', '.join(p.name for p in candidates) or 'none'
    raise FileNotFoundError(f'{folder}: expected one checkpoint ({" / ".join(CHECKPOINT_FILES)} or a single '
                            f'*.safetensors / *.pth), found {found}')


def resolve_pretrained(dir_or_repo: str | os.PathLike, revision: str | None = None,
                       cache_dir: str | os.PathLike | None = None) -> Path:
    """Folder holding ``config.py`` + weights: ``dir_or_repo`` itself, or the snapshot of the Hugging Face
    Hub repo ``owner/name`` in huggingface_hub's cache (``cache_dir``, default ``HF_HUB_CACHE``), fetched
    when missing unless ``HF_HUB_OFFLINE=1``."""
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
        folder = Path(snapshot_download(repo_id=str(dir_or_repo), revision=revision, cache_dir=cache_dir))
    except Exception as exc:  # offline, unknown repo, no access: one clear message
        raise RuntimeError(f'could not get {dir_or_repo!r} from the Hugging Face Hub or its cache ({exc}). '
                           f'Offline (HF_HUB_OFFLINE=1) only a cached snapshot works; or pass a local folder '
                           f'with {CONFIG_FILE} and {CHECKPOINT_FILES[0]}.') from exc
    if not (folder / CONFIG_FILE).is_file():
        raise FileNotFoundError(f'hub repo {dir_or_repo!r} (snapshot {folder}) has no {CONFIG_FILE}: not an '
                                f'OMG-Seg pretrained folder (tools/convert_official.py makes one)')
    return folder


def pretrained_config(folder: Path, cfg_options: dict | None = None) -> Config:
    """The folder's config; text-embedding banks are read from ``folder/embeddings`` when it exists."""
    cfg = load_config(folder / CONFIG_FILE, cfg_options)
    embeddings = folder / EMBEDDINGS_SUBDIR
    classifier = cfg.model.get('panoptic_head', {}).get('classifier')
    if embeddings.is_dir() and classifier is not None:
        classifier.embeddings_dir = str(embeddings)
        cfg.embeddings_cache_dir = cfg.get('embeddings_cache_dir') or str(embeddings / 'cache')
    return cfg
