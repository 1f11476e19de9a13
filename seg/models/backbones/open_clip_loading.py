"""Build open_clip models by name, offline-safe, with clear errors when weights are unavailable."""
from __future__ import annotations

from pathlib import Path

import open_clip
import torch
from torch import nn

REPO_ROOT = Path(__file__).resolve().parents[3]
EXT_MODEL_CONFIG_DIR = REPO_ROOT / 'ext' / 'open_clip'


def ensure_model_config(model_name: str) -> None:
    """Register ``ext/open_clip/<model_name>.json`` with open_clip when open_clip does not know the name."""
    if open_clip.get_model_config(model_name) is not None:
        return
    config_file = EXT_MODEL_CONFIG_DIR / f'{model_name}.json'
    if not config_file.is_file():
        raise ValueError(
            f'Unknown open_clip model {model_name!r}: it is not an open_clip built-in model and '
            f'{config_file} does not exist.')
    open_clip.add_model_config(str(config_file))


def embed_dim_of(model_name: str) -> int:
    """CLIP joint embedding width of ``model_name`` (e.g. 768 for convnext_large_d_320)."""
    ensure_model_config(model_name)
    return int(open_clip.get_model_config(model_name)['embed_dim'])


def _weights_error(model_name: str, pretrained: str, exc: Exception) -> RuntimeError:
    """Error explaining why CLIP weights ``pretrained`` could not be loaded and how to fix it."""
    return RuntimeError(
        f'Could not load CLIP weights pretrained={pretrained!r} for open_clip model {model_name!r}: '
        f'{type(exc).__name__}: {exc}. Without network access, either pre-populate the Hugging Face '
        f'cache (HF_HOME / cache_dir) with these weights, pass a local checkpoint file as `pretrained`, '
        f'or set `pretrained=None` in the backbone config when the weights come from a full model '
        f'checkpoint (e.g. `--cfg-options model.backbone.pretrained=None`).')


def create_clip_model(model_name: str, pretrained: str | None = None,
                      cache_dir: str | None = None) -> nn.Module:
    """Create the open_clip CLIP model; random init (no download) when ``pretrained`` is None."""
    ensure_model_config(model_name)
    if pretrained is None:  # built where tensors are created by default (e.g. the meta device)
        return open_clip.create_model(model_name, pretrained=None, device=torch.get_default_device())
    if Path(pretrained).suffix and not Path(pretrained).is_file() and '/' in pretrained:
        raise FileNotFoundError(
            f'CLIP checkpoint file {pretrained!r} for open_clip model {model_name!r} does not exist.')
    try:
        return open_clip.create_model(
            model_name, pretrained=pretrained, cache_dir=cache_dir, require_pretrained=True)
    except Exception as exc:  # network, unknown tag, corrupt file: all reported the same way
        raise _weights_error(model_name, pretrained, exc) from exc
