"""Compatibility shims for torch >= 2.6 and numpy 2 that our stack (mmengine 0.10.7) needs.

* torch >= 2.6 defaults ``torch.load(weights_only=True)``; mmengine 0.10.7 calls
  ``torch.load`` without the argument, so resuming from its own checkpoints fails on the
  ``HistoryBuffer`` and numpy objects stored in the message hub. We allow-list exactly
  those globals once, at import, instead of switching ``weights_only`` off.
  ``HistoryBuffer`` pickles its statistics methods as ``getattr(HistoryBuffer, 'mean')``, so the
  builtin ``getattr`` must be allowed too; the unpickler still only reaches allow-listed objects.
"""
from __future__ import annotations

import numpy as np
import torch


def _numpy_checkpoint_globals() -> list:
    """Numpy objects that mmengine checkpoints pickle (scalars, arrays and dtypes)."""
    multiarray = np._core.multiarray if hasattr(np, '_core') else np.core.multiarray
    dtype_classes = [type(np.dtype(name)) for name in (
        'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
        'float16', 'float32', 'float64')]
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype, *dtype_classes]


def checkpoint_safe_globals() -> list:
    """Everything mmengine's runner stores in a checkpoint besides tensors and builtins."""
    from mmengine.logging.history_buffer import HistoryBuffer
    return [HistoryBuffer, getattr, *_numpy_checkpoint_globals()]


def allow_mmengine_checkpoints() -> None:
    """Allow-list the globals of mmengine checkpoints for ``torch.load(weights_only=True)``."""
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is None:  # torch < 2.4: weights_only defaults to False anyway
        return
    add_safe_globals(checkpoint_safe_globals())


def apply_all() -> None:
    """Install every shim; idempotent."""
    allow_mmengine_checkpoints()
