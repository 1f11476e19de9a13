"""Engine: hooks and runner-side helpers (atomic checkpoint writes)."""
from . import hooks
from .amp_optim_wrapper import DeviceAmpOptimWrapper
from .atomic_backend import AtomicLocalBackend, use_atomic_local_backend
from .loops import ResumableIterBasedTrainLoop
from .runner import SegRunner

use_atomic_local_backend()

__all__ = ['AtomicLocalBackend', 'DeviceAmpOptimWrapper', 'ResumableIterBasedTrainLoop', 'SegRunner',
           'use_atomic_local_backend']
