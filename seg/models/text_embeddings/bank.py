"""Build, save and load CLIP text-embedding banks (the open-vocabulary classifier of the model).

A bank is one float32 tensor (N_cls, K_max, D): for every class, one unit vector per synonym
(the mean of its prompt embeddings, re-normalised); classes with fewer than K_max synonyms are
padded by repeating their first synonym's vector.
"""
from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor

from seg.utils.atomic import atomic_write_bytes, atomic_write_json

from ..utils.checkpoint import load_tensor_file
from .synonyms import split_synonyms
from .templates import VILD_TEMPLATES

EncodeText = Callable[[list[str]], Tensor]
UNIT_NORM_ATOL = 1e-3


def encode_in_batches(texts: Sequence[str], encode_text: EncodeText, batch_size: int = 256,
                      progress: bool = False) -> Tensor:
    """Encode ``texts`` in chunks of at most ``batch_size`` under ``no_grad``; returns float32 (n, D)."""
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    starts = range(0, len(texts), batch_size)
    if progress:
        from tqdm import tqdm
        starts = tqdm(starts, desc='encoding prompts', unit='batch')
    chunks = []
    with torch.no_grad():
        for start in starts:
            chunk = list(texts[start:start + batch_size])
            features = encode_text(chunk)
            if features.ndim != 2 or features.shape[0] != len(chunk):
                raise ValueError(f'encode_text returned shape {tuple(features.shape)} for '
                                 f'{len(chunk)} texts; expected ({len(chunk)}, D)')
            chunks.append(features.detach().float().cpu())
    return torch.cat(chunks)


def build_text_bank(class_names: Sequence[str], encode_text: EncodeText,
                    templates: Sequence[str] = VILD_TEMPLATES, *, batch_size: int = 256,
                    progress: bool = False) -> Tensor:
    """Text-embedding bank (N_cls, K_max, D) of ``class_names`` (synonyms separated by commas)."""
    if len(class_names) == 0:
        raise ValueError('cannot build a text bank for an empty class list')
    if len(templates) == 0:
        raise ValueError('at least one prompt template is needed')
    synonyms_per_class = [split_synonyms(name) for name in class_names]
    synonyms = [s for per_class in synonyms_per_class for s in per_class]
    prompts = [template.format(s) for s in synonyms for template in templates]
    prompt_features = F.normalize(encode_in_batches(prompts, encode_text, batch_size, progress), dim=-1)
    synonym_features = prompt_features.view(len(synonyms), len(templates), -1).mean(dim=1)
    synonym_features = F.normalize(synonym_features, dim=-1)
    return pack_synonyms(synonym_features, [len(s) for s in synonyms_per_class])


def pack_synonyms(synonym_features: Tensor, num_synonyms: Sequence[int]) -> Tensor:
    """Pack flat (sum(num_synonyms), D) vectors into (N_cls, K_max, D), padding with the first synonym."""
    k_max = max(num_synonyms)
    bank = synonym_features.new_empty(len(num_synonyms), k_max, synonym_features.shape[-1])
    start = 0
    for cls_idx, count in enumerate(num_synonyms):
        bank[cls_idx, :count] = synonym_features[start:start + count]
        bank[cls_idx, count:] = synonym_features[start]
        start += count
    return bank


def bank_path(embeddings_dir: str | os.PathLike, name: str) -> Path:
    """Path of the bank called ``name`` (``{clip_model_name}_{dataset_name}``) in ``embeddings_dir``."""
    if not name or '/' in name or os.sep in name:
        raise ValueError(f'invalid text-bank name {name!r}')
    return Path(embeddings_dir) / f'{name}.pth'


def save_text_bank(bank: Tensor, path: str | os.PathLike, *, metadata: dict | None = None) -> Path:
    """Atomically ``torch.save`` ``bank`` (float32, unit norm); ``metadata`` goes to a ``.json`` sidecar."""
    path = Path(path)
    check_text_bank(bank, path)
    buffer = io.BytesIO()
    torch.save(bank.detach().float().cpu().contiguous(), buffer)
    atomic_write_bytes(path, buffer.getvalue())
    if metadata is not None:
        atomic_write_json(path.with_suffix('.json'), metadata, indent=1, ensure_ascii=False)
    return path


def check_text_bank(bank: object, path: str | os.PathLike, num_classes: int | None = None) -> None:
    """Raise if ``bank`` is not a (N_cls, K, D) tensor of unit vectors (with N_cls == ``num_classes``)."""
    if not isinstance(bank, Tensor) or bank.ndim != 3 or not bank.is_floating_point():
        desc = tuple(bank.shape) if isinstance(bank, Tensor) else type(bank).__name__
        raise ValueError(f'text bank {path}: expected a float tensor (N_cls, K, D), got {desc}')
    norms = bank.float().norm(dim=-1)
    if not torch.allclose(norms, torch.ones_like(norms), atol=UNIT_NORM_ATOL):
        raise ValueError(f'text bank {path}: vectors must have unit norm (norms in '
                         f'[{norms.min().item():.4f}, {norms.max().item():.4f}])')
    if num_classes is not None and bank.shape[0] != num_classes:
        raise ValueError(f'text bank {path} has {bank.shape[0]} classes but the model is configured '
                         f'with {num_classes}; was it generated for another vocabulary? A bank of any '
                         f'vocabulary plugs into a predictor with set_bank(path) (demos: --bank); in a '
                         f'config, set model.panoptic_head.num_things_classes/num_stuff_classes to match')


def load_text_bank(path: str | os.PathLike, *, num_classes: int | None = None,
                   config: str | None = None) -> Tensor:
    """Load a bank saved by :func:`save_text_bank`; a missing file names the ``gen_cls.py`` command."""
    path = Path(path)
    if not path.is_file():
        command = f'python tools/gen_cls.py {config or "CONFIG"} --out-dir {path.parent}'
        raise FileNotFoundError(
            f'text-embedding bank {path} not found. Generate it with:\n    {command}\n'
            f'where CONFIG is the config whose vocabulary it encodes (it writes {path.name}).')
    bank = load_tensor_file(path, 'text-embedding bank')
    check_text_bank(bank, path, num_classes)
    return bank.float()
