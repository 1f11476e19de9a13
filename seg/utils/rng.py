"""Global random-number-generator states (python, numpy, torch) as checkpoint-friendly values."""
from __future__ import annotations

import random

import numpy as np
import torch


def rng_state(cuda: bool = True) -> dict:
    """The python, numpy, torch-CPU (and initialised CUDA) generator states.

    Only ints, floats, None and tensors, so a checkpoint holding them loads with ``weights_only=True``.
    """
    version, internal, gauss = random.getstate()
    _, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(
        python=dict(version=version, internal=torch.tensor(internal, dtype=torch.int64), gauss=gauss),
        numpy=dict(keys=torch.from_numpy(keys.astype(np.int64)), pos=int(pos), has_gauss=int(has_gauss),
                   cached=float(cached)),
        torch=torch.get_rng_state())
    if cuda and torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore what :func:`rng_state` returned."""
    py = state['python']
    random.setstate((py['version'], tuple(py['internal'].tolist()), py['gauss']))
    nps = state['numpy']
    np.random.set_state(('MT19937', nps['keys'].numpy().astype(np.uint32), nps['pos'], nps['has_gauss'],
                         nps['cached']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


def seed_cpu_generators(seed: int) -> None:
    """Seed python's, numpy's and torch's CPU generator (not CUDA's) with ``seed``."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.default_generator.manual_seed(seed)
