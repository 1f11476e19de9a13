"""Engine: hooks and runner-side helpers (atomic checkpoint writes)."""
from . import hooks
from .atomic_backend import AtomicLocalBackend, use_atomic_local_backend
from .loops import ResumableIterBasedTrainLoop
from .runner import SegRunner

use_atomic_local_backend()

__all__ = ['AtomicLocalBackend', 'ResumableIterBasedTrainLoop', 'SegRunner', 'use_atomic_local_backend']
