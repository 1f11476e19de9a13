"""Strict, reported checkpoint loading: missing / unexpected / mis-shaped keys are listed, not ignored."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

MAX_LISTED_KEYS = 20


@dataclass
class KeyReport:
    """Differences between a model's state_dict and a checkpoint's."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)  # 'key: checkpoint (a, b) vs model (c, d)'

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.mismatched)

    def describe(self) -> str:
        """Human-readable listing of every problem (long lists are cut)."""
        parts = []
        for title, keys in (('missing', self.missing), ('unexpected', self.unexpected),
                            ('shape mismatch', self.mismatched)):
            if keys:
                shown = ', '.join(keys[:MAX_LISTED_KEYS])
                more = f' ... (+{len(keys) - MAX_LISTED_KEYS} more)' if len(keys) > MAX_LISTED_KEYS else ''
                parts.append(f'{len(keys)} {title} key(s): {shown}{more}')
        return '; '.join(parts)


def read_state_dict(path: str | os.PathLike) -> dict[str, Tensor]:
    """State dict of a plain (head-only) or mmengine checkpoint file (``state_dict`` entry), CPU tensors."""
    checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state_dict, dict):
        raise ValueError(f'{path} holds no state_dict (got {type(checkpoint).__name__})')
    return {k.removeprefix('module.'): v for k, v in state_dict.items()}


def compare_state_dicts(model_state: dict[str, Tensor], checkpoint_state: dict[str, Tensor],
                        optional_prefixes: tuple[str, ...] = ()) -> KeyReport:
    """Report keys missing from the checkpoint (except ``optional_prefixes``), unexpected or mis-shaped."""
    report = KeyReport()
    for key, value in model_state.items():
        if key not in checkpoint_state:
            if not key.startswith(optional_prefixes):
                report.missing.append(key)
        elif tuple(checkpoint_state[key].shape) != tuple(value.shape):
            report.mismatched.append(
                f'{key}: checkpoint {tuple(checkpoint_state[key].shape)} vs model {tuple(value.shape)}')
    report.unexpected = [key for key in checkpoint_state if key not in model_state]
    return report


def load_checked(model: nn.Module, checkpoint: str | os.PathLike | dict[str, Tensor], *, strict: bool = True,
                 optional_prefixes: tuple[str, ...] = ('backbone.',)) -> KeyReport:
    """Load ``checkpoint`` into ``model``; with ``strict`` any key problem raises with the full listing.

    Keys under ``optional_prefixes`` may be absent (published head-only checkpoints carry no frozen CLIP
    backbone, which comes from the CLIP weights). Mis-shaped keys are never loaded.
    """
    state = checkpoint if isinstance(checkpoint, dict) else read_state_dict(checkpoint)
    source = 'given state_dict' if isinstance(checkpoint, dict) else str(checkpoint)
    report = compare_state_dicts(model.state_dict(), state, optional_prefixes)
    if strict and report:
        raise RuntimeError(f'Checkpoint {source} does not match the model: {report.describe()}. '
                           f'Pass strict=False to load the matching keys only.')
    mismatched = {entry.split(':')[0] for entry in report.mismatched}
    model.load_state_dict({k: v for k, v in state.items() if k not in mismatched}, strict=False)
    return report
