"""Samplers whose batch stream, augmentations included, can be resumed at any batch exactly.

Two things decide the next training batch besides the model: which indices it holds (the sampler
position) and the random augmentations applied to them (the RNG state of whichever process loads them:
the main process, or one of the data-loader workers). Here both are functions of the batch's position in
the stream: the index stream restarts from its seed and skips to the resume position, and every sample is
loaded with generators seeded from ``(seed, rank, batch position, index in batch)``. Nothing per-worker has
to be saved, and the batches are the same for any ``num_workers``.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from mmdet.datasets.samplers import AspectRatioBatchSampler
from mmdet.registry import DATA_SAMPLERS
from mmengine.dataset import InfiniteSampler
from torch.utils.data import Sampler

from seg.utils.rng import rng_state, seed_cpu_generators, set_rng_state


def sample_seed(seed: int, rank: int, position: int, offset: int) -> int:
    """Seed for sample ``offset`` of batch ``position`` on ``rank`` (a hash of all four)."""
    return int(np.random.SeedSequence([seed, rank, position, offset]).generate_state(1)[0])


class SeededBatch(list):
    """Indices of one batch that seed the CPU generators before each sample is loaded.

    PyTorch's map-style fetcher iterates the batch right before each ``dataset[idx]``, in the worker that
    loads it, so seeding in ``__iter__`` makes the sample's augmentations depend on its seed only. The
    generator states of the iterating process are restored when the batch is done.
    (Datasets with ``__getitems__`` bypass the iteration; mmengine's datasets have none.)
    """

    def __init__(self, indices: Sequence[int], seeds: Sequence[int]) -> None:
        super().__init__(indices)
        if len(seeds) != len(indices):
            raise ValueError(f'{len(indices)} indices but {len(seeds)} seeds')
        self.seeds = list(seeds)

    def __iter__(self) -> Iterator[int]:
        saved = rng_state(cuda=False)
        try:
            for seed, idx in zip(self.seeds, list.__iter__(self)):
                seed_cpu_generators(seed)
                yield idx
        finally:
            set_rng_state(saved)

    def __reduce__(self):
        return SeededBatch, (list(list.__iter__(self)), self.seeds)


@DATA_SAMPLERS.register_module()
class ResumableInfiniteSampler(InfiniteSampler):
    """mmengine's ``InfiniteSampler`` whose every ``__iter__`` restarts the same stream from ``seed``.

    (mmengine's continues one generator across ``__iter__`` calls, so a new data-loader iterator cannot go
    back to a known position.) ``state_dict`` holds the seed: a resumed run reuses it even when the
    config leaves ``seed=None`` (a seed drawn at start-up).
    """

    def __iter__(self) -> Iterator[int]:
        """This rank's share of the infinite index stream, from its start."""
        yield from self._indices_of_rank()

    def state_dict(self) -> dict:
        """The stream's seed."""
        return dict(seed=int(self.seed))

    def load_state_dict(self, state: dict) -> None:
        """Use the seed of a saved stream."""
        self.seed = int(state['seed'])


@DATA_SAMPLERS.register_module()
class ResumableAspectRatioBatchSampler(AspectRatioBatchSampler):
    """mmdet's ``AspectRatioBatchSampler`` over a :class:`ResumableInfiniteSampler` that can start at batch
    ``k`` (``set_start``; the skipped batches cost index look-ups only, no loading) and yields
    :class:`SeededBatch` es.

    Args:
        sampler: a :class:`ResumableInfiniteSampler` (any sampler whose ``__iter__`` restarts a
            deterministic stream and that has ``seed``, ``rank``, ``state_dict`` and ``load_state_dict``).
        batch_size: samples per batch.
        drop_last: as in ``AspectRatioBatchSampler`` (no effect on an infinite stream).
    """

    def __init__(self, sampler: Sampler, batch_size: int, drop_last: bool = False) -> None:
        super().__init__(sampler, batch_size, drop_last)
        needed = ('seed', 'rank', 'state_dict', 'load_state_dict')
        missing = [name for name in needed if not hasattr(sampler, name)]
        if missing:
            raise TypeError(f'{type(self).__name__} needs a restartable seeded sampler such as '
                            f'ResumableInfiniteSampler; {type(sampler).__name__} has no {missing}')
        self.start = 0

    def set_start(self, num_batches: int) -> None:
        """Make the next ``__iter__`` begin at batch ``num_batches`` of the stream."""
        if num_batches < 0:
            raise ValueError(f'num_batches must be >= 0, got {num_batches}')
        self.start = int(num_batches)

    def state_dict(self) -> dict:
        """What a resumed run needs to rebuild the stream (the position is the number of trained batches)."""
        return dict(sampler=self.sampler.state_dict(), batch_size=self.batch_size)

    def load_state_dict(self, state: dict) -> None:
        """Rebuild the saved stream; a different batch size would make the positions meaningless."""
        if state['batch_size'] != self.batch_size:
            raise ValueError(f'cannot resume the sample stream: the checkpoint was trained with batch size '
                             f'{state["batch_size"]}, this run uses {self.batch_size}')
        self.sampler.load_state_dict(state['sampler'])

    def __iter__(self) -> Iterator[SeededBatch]:
        """Seeded batches from position ``start`` on."""
        self._aspect_ratio_buckets = [[] for _ in range(2)]  # leftovers of an earlier iterator
        seed, rank = int(self.sampler.seed), int(self.sampler.rank)
        for position, batch in enumerate(super().__iter__()):
            if position >= self.start:
                yield SeededBatch(batch, [sample_seed(seed, rank, position, i) for i in range(len(batch))])
