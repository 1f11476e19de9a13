"""Undo the batch padding: one (1, C, h, w) input per image, padded as if it had been batched alone."""
from __future__ import annotations

import math
from collections.abc import Iterator

from mmdet.structures import SampleList
from torch import Tensor


def own_pad_shape(img_shape: tuple[int, int], size_divisor: int) -> tuple[int, int]:
    """``img_shape`` (h, w) rounded up to a multiple of ``size_divisor`` (a batch of one's shape)."""
    divisor = max(int(size_divisor or 1), 1)
    return tuple(int(math.ceil(side / divisor) * divisor) for side in img_shape[:2])


def split_padded_batch(inputs: Tensor, data_samples: SampleList,
                       size_divisor: int) -> Iterator[tuple[Tensor, SampleList]]:
    """Yield ``(inputs_i (1, C, h_i, w_i), [sample_i])`` for a batch padded to its largest image.

    Each image is cut back to its own padded shape (the padding a batch of one gets), and its sample's
    meta is updated to say so (``batch_input_shape``, ``pad_shape``); the samples themselves are yielded,
    so predictions stored in them stay in the caller's list. What a model computes from the pieces is then
    what it computes for the image alone, whichever images shared its batch.
    """
    if inputs.shape[0] != len(data_samples):
        raise ValueError(f'{inputs.shape[0]} inputs but {len(data_samples)} data samples')
    for i, sample in enumerate(data_samples):
        height, width = own_pad_shape(sample.metainfo['img_shape'], size_divisor)
        if height > inputs.shape[-2] or width > inputs.shape[-1]:
            raise ValueError(f'image {i}: img_shape {sample.metainfo["img_shape"]} does not fit the batch '
                             f'input {tuple(inputs.shape[-2:])}')
        sample.set_metainfo(dict(batch_input_shape=(height, width), pad_shape=(height, width)))
        yield inputs[i:i + 1, ..., :height, :width], [sample]
