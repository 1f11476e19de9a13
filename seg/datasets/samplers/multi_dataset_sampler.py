"""Sampler over a concatenation of datasets with optional per-dataset sampling ratios."""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import torch
from mmdet.registry import DATA_SAMPLERS
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler


def component_sizes(dataset) -> list[int]:
    """Sizes of the components of a ``ConcatDataset`` (``[len(dataset)]`` for any other dataset)."""
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    cumulative = getattr(dataset, 'cumulative_sizes', None)
    if cumulative is None:
        return [len(dataset)]
    return [end - start for start, end in zip([0, *cumulative[:-1]], cumulative)]


@DATA_SAMPLERS.register_module()
class MultiDatasetSampler(Sampler):
    """Distributed, seeded sampler that mixes the components of a concatenated dataset.

    * ``ratios=None``: a permutation of all indices per epoch (mixing in proportion to sizes, like
      mmengine's ``DefaultSampler``).
    * ``ratios=[r_0, ...]``: each of the epoch's samples comes from dataset ``i`` with probability
      ``r_i / sum(r)``; within a dataset, indices follow a fresh permutation (cycled when needed),
      so every sample is seen before any repeats.

    Every rank draws the same global sequence from ``seed + epoch`` and takes a strided slice, so
    ranks are disjoint up to the padding to a multiple of the world size, and an epoch is
    reproducible (``set_epoch`` restores the state on resume).

    Args:
        dataset: the (concatenated) dataset.
        ratios: per-component sampling ratios, or None.
        num_samples: samples per epoch over all ranks (default: ``len(dataset)``).
        shuffle: shuffle (only used with ``ratios=None``; ratios imply random draws).
        seed: base seed (default: a seed synchronised across ranks).
    """

    def __init__(self, dataset, ratios: Sequence[float] | None = None, num_samples: int | None = None,
                 shuffle: bool = True, seed: int | None = None):
        self.dataset = dataset
        self.rank, self.world_size = get_dist_info()
        self.sizes = component_sizes(dataset)
        if ratios is not None:
            ratios = [float(r) for r in ratios]
            if len(ratios) != len(self.sizes) or any(r < 0 for r in ratios) or sum(ratios) <= 0:
                raise ValueError(f'ratios must be {len(self.sizes)} non-negative numbers with a positive '
                                 f'sum, got {ratios}')
            empty = [i for i, (r, n) in enumerate(zip(ratios, self.sizes)) if r > 0 and n == 0]
            if empty:
                raise ValueError(f'datasets {empty} are empty but have a positive sampling ratio')
        self.ratios = ratios
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else int(seed)
        self.total_size = int(num_samples) if num_samples is not None else sum(self.sizes)
        if self.total_size < 1:
            raise ValueError('the sampler needs at least one sample per epoch')
        self.num_samples = math.ceil(self.total_size / self.world_size)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch (the random stream is ``seed + epoch``)."""
        self.epoch = epoch

    def global_indices(self) -> list[int]:
        """The epoch's index sequence shared by all ranks, padded to a multiple of the world size."""
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        if self.ratios is None:
            indices = self._indices_by_size(generator)
        else:
            indices = self._indices_by_ratio(generator)
        padded = self.num_samples * self.world_size
        repeats = math.ceil(padded / len(indices))
        return (indices * repeats)[:padded]

    def _indices_by_size(self, generator: torch.Generator) -> list[int]:
        """A permutation (or the identity) of all indices, cycled to ``total_size``."""
        n = sum(self.sizes)
        order = torch.randperm(n, generator=generator) if self.shuffle else torch.arange(n)
        order = order.tolist()
        return (order * math.ceil(self.total_size / n))[:self.total_size]

    def _indices_by_ratio(self, generator: torch.Generator) -> list[int]:
        """Dataset choices drawn by ratio, each filled from a per-dataset permutation."""
        choices = torch.multinomial(torch.tensor(self.ratios), self.total_size, replacement=True,
                                    generator=generator).tolist()
        offsets = [0]
        for size in self.sizes[:-1]:
            offsets.append(offsets[-1] + size)
        counts = [choices.count(i) for i in range(len(self.sizes))]
        streams = []
        for size, count in zip(self.sizes, counts):
            num_perms = math.ceil(count / size) if count else 0
            perms = [torch.randperm(size, generator=generator) for _ in range(num_perms)]
            streams.append(iter(torch.cat(perms).tolist() if perms else []))
        return [offsets[i] + next(streams[i]) for i in choices]

    def __iter__(self) -> Iterator[int]:
        """This rank's strided share of the epoch's indices."""
        return iter(self.global_indices()[self.rank::self.world_size])

    def __len__(self) -> int:
        """Samples per rank per epoch."""
        return self.num_samples
