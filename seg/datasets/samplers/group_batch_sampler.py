"""Batch sampler that never mixes incompatible samples (e.g. images and clips) in one batch."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from mmdet.registry import DATA_SAMPLERS
from torch.utils.data import BatchSampler, Sampler

MAX_PASSES = 1000


def group_key_fn(dataset):
    """``dataset.group_key(idx)`` when the dataset defines it, else one group for everything."""
    key_fn = getattr(dataset, 'group_key', None)
    return key_fn if callable(key_fn) else (lambda idx: 'all')


def orientation(dataset, idx: int) -> str:
    """'portrait' (width < height) or 'landscape' of a sample (first frame of a video)."""
    info = dataset.get_data_info(idx)
    if 'images' in info:
        info = info['images'][0]
    return 'portrait' if info['width'] < info['height'] else 'landscape'


@DATA_SAMPLERS.register_module()
class GroupedBatchSampler(BatchSampler):
    """Batches of ``batch_size`` indices that share ``dataset.group_key`` (e.g. ``'video/coco'``).

    Indices are taken in the sampler's order and put into one bucket per group; a full bucket is a
    batch. Every epoch yields exactly ``len(sampler) // batch_size`` batches (at least one) on every
    rank, so distributed ranks stay in step: partially filled buckets are dropped at the end of the
    sampler, and if the sampler ends before enough batches are full its order is reused.
    ``drop_last`` is accepted for config compatibility; partial batches are never emitted.
    With ``group_by_orientation`` portrait and landscape samples also go to separate batches
    (less padding), like mmdet's aspect-ratio batch samplers.
    """

    def __init__(self, sampler: Sampler, batch_size: int, drop_last: bool = True,
                 group_by_orientation: bool = False) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f'batch_size must be a positive integer, got {batch_size!r}')
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.dataset = getattr(sampler, 'dataset', None)
        self.group_by_orientation = group_by_orientation
        self._dataset_key = group_key_fn(self.dataset)

    def group_key(self, idx: int) -> str:
        """Bucket of one index: the dataset's group key (and the orientation if requested)."""
        key = self._dataset_key(idx)
        return f'{key}/{orientation(self.dataset, idx)}' if self.group_by_orientation else key

    def __iter__(self) -> Iterator[list[int]]:
        """Group-pure batches, exactly ``len(self)`` of them."""
        buckets: dict[str, list[int]] = defaultdict(list)
        remaining = len(self)
        for _ in range(MAX_PASSES):
            for idx in self.sampler:
                bucket = buckets[self.group_key(idx)]
                bucket.append(idx)
                if len(bucket) == self.batch_size:
                    yield list(bucket)
                    bucket.clear()
                    remaining -= 1
                    if remaining == 0:
                        return
        raise RuntimeError(f'could not fill {len(self)} batches of {self.batch_size} in {MAX_PASSES} passes')

    def __len__(self) -> int:
        """Batches per epoch on this rank."""
        return max(1, len(self.sampler) // self.batch_size)
