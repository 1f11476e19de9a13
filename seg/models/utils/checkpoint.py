"""Strict, reported checkpoint loading: missing / unexpected / mis-shaped keys are listed, not ignored.

Published OMG-Seg checkpoints are head-only (``panoptic_head.*``) and carry the prompt-query tensors
(they were trained with prompts). A model built without prompt queries leaves exactly those tensors
unused: they are reported on one line, not an error. Modules declare such tensors with a method
``unused_checkpoint_tensors() -> {name: shape}`` (names relative to the module).
"""
from __future__ import annotations

import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor, nn

MAX_LISTED_KEYS = 20
API_HINT = 'Pass strict=False to load the matching keys only.'
CLI_HINT = 'Pass --non-strict to load the matching keys only.'


class CheckpointFileError(ValueError):
    """A file that should hold tensors is unreadable: truncated, not a torch file, or unsafe to unpickle."""


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's keys or shapes do not match the model (strict loading)."""


def load_tensor_file(path: str | os.PathLike, what: str = 'checkpoint') -> object:
    """``torch.load(path, weights_only=True)`` on the CPU; a file that is not one gives a one-line error."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f'{what} file not found: {path}')
    try:
        return torch.load(path, map_location='cpu', weights_only=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001  (torch raises RuntimeError / UnpicklingError / KeyError ...)
        error = exc
    with open(path, 'rb') as f:
        is_zip = f.read(4) == b'PK\x03\x04'
    unsupported = re.search(r'Unsupported global: GLOBAL ([\w.]+)', str(error))
    if isinstance(error, pickle.UnpicklingError) and (unsupported or is_zip):
        reason = f'it pickles {unsupported.group(1)}' if unsupported else 'it is not a plain tensor file'
        message = f'{path} is not a {what} file: torch.load(weights_only=True) refuses it ({reason})'
    else:
        state = 'truncated' if is_zip else 'not a PyTorch file'
        message = f'{path} ({os.path.getsize(path)} bytes) is {state}: not a loadable {what} file'
    raise CheckpointFileError(f'{message} [{type(error).__name__}]')


@dataclass
class KeyReport:
    """Differences between a model's state_dict and a checkpoint's."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)  # 'key: checkpoint (a, b) vs model (c, d)'
    unused: list[str] = field(default_factory=list)  # declared unused tensors (e.g. prompts): not a problem

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

    def unused_line(self, source: str) -> str:
        """One line naming the checkpoint tensors left unused ('' when there are none)."""
        if not self.unused:
            return ''
        return (f'{source}: {len(self.unused)} tensor(s) not used by this model (built without prompt '
                f'queries): {", ".join(self.unused)}')


def read_state_dict(path: str | os.PathLike) -> dict[str, Tensor]:
    """State dict of a plain (head-only) or mmengine checkpoint file (``state_dict`` entry), CPU tensors."""
    checkpoint = load_tensor_file(path, 'checkpoint')
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state_dict, dict):
        raise CheckpointFileError(f'{path} holds no state_dict (got {type(checkpoint).__name__})')
    return {k.removeprefix('module.'): v for k, v in state_dict.items()}


def declared_unused_tensors(model: nn.Module) -> dict[str, tuple[int, ...]]:
    """{full key: shape} of the tensors the model's modules declare a checkpoint may carry unused."""
    declared = {}
    for name, module in model.named_modules():
        method = getattr(module, 'unused_checkpoint_tensors', None)
        if callable(method):
            prefix = f'{name}.' if name else ''
            declared.update({prefix + key: tuple(shape) for key, shape in method().items()})
    return declared


def compare_state_dicts(model_state: dict[str, Tensor], checkpoint_state: dict[str, Tensor],
                        optional_prefixes: tuple[str, ...] = (),
                        unused_ok: dict[str, tuple[int, ...]] | None = None) -> KeyReport:
    """Report keys missing from the checkpoint (except ``optional_prefixes``), unexpected or mis-shaped.

    Checkpoint keys of ``unused_ok`` ({key: shape}) absent from the model are ``unused`` when their shape
    matches, mis-shaped otherwise.
    """
    unused_ok = unused_ok or {}
    report = KeyReport()
    for key, value in model_state.items():
        if key not in checkpoint_state:
            if not key.startswith(optional_prefixes):
                report.missing.append(key)
        elif tuple(checkpoint_state[key].shape) != tuple(value.shape):
            report.mismatched.append(
                f'{key}: checkpoint {tuple(checkpoint_state[key].shape)} vs model {tuple(value.shape)}')
    for key, value in checkpoint_state.items():
        if key in model_state:
            continue
        if key not in unused_ok:
            report.unexpected.append(key)
        elif tuple(value.shape) == unused_ok[key]:
            report.unused.append(key)
        else:
            report.mismatched.append(f'{key}: checkpoint {tuple(value.shape)} vs expected {unused_ok[key]}')
    return report


def _missing_prompt_note(model: nn.Module, report: KeyReport) -> str:
    """Explanation when exactly the prompt tensors are missing (prompts on, checkpoint without them)."""
    prompt_keys = set()
    for name, module in model.named_modules():
        method = getattr(module, 'prompt_tensor_shapes', None)
        if callable(method):
            prompt_keys.update(f'{name}.{key}' if name else key for key in method())
    if report.missing and set(report.missing) <= prompt_keys and not report.unexpected:
        return (' The checkpoint has no prompt-query tensors (it was trained without prompts): build the '
                'model with panoptic_head.enable_box_query=False, or load non-strictly to keep them random.')
    return ''


def load_checked(model: nn.Module, checkpoint: str | os.PathLike | dict[str, Tensor], *, strict: bool = True,
                 optional_prefixes: tuple[str, ...] = ('backbone.',), hint: str = API_HINT,
                 log: Callable[[str], None] | None = print, source: str | None = None) -> KeyReport:
    """Load ``checkpoint`` into ``model``; with ``strict`` any key problem raises with the full listing.

    Keys under ``optional_prefixes`` may be absent (published head-only checkpoints carry no frozen CLIP
    backbone, which comes from the CLIP weights). Tensors the model declares unused (prompt tensors of a
    model built without prompts) are skipped and named on one line via ``log``. Mis-shaped keys are never
    loaded. ``hint`` ends the error message (how the caller turns strictness off); ``source`` names the
    checkpoint in messages (default: its path).
    """
    state = checkpoint if isinstance(checkpoint, dict) else read_state_dict(checkpoint)
    if source is None:
        source = 'given state_dict' if isinstance(checkpoint, dict) else str(checkpoint)
    report = compare_state_dicts(model.state_dict(), state, optional_prefixes, declared_unused_tensors(model))
    if strict and report:
        raise CheckpointMismatchError(f'Checkpoint {source} does not match the model: {report.describe()}.'
                           f'{_missing_prompt_note(model, report)} {hint}')
    if report.unused and log is not None:
        log(report.unused_line(source))
    skipped = {entry.split(':')[0] for entry in report.mismatched} | set(report.unused)
    model.load_state_dict({k: v for k, v in state.items() if k not in skipped}, strict=False)
    return report
