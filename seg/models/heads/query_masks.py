"""Mask logits of the queries at low resolution, brought to the output size a few queries at a time.

Bilinear interpolation treats every channel on its own, so resampling a chunk of queries gives exactly the
values of resampling all of them together: post-processing can stream over queries and keep only running
maps of the output size, instead of (Q, H, W) tensors (``bounded_fusion.py``).
"""
from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import Tensor

CHUNK_ELEMENTS = 2 ** 24  # values of one chunk of queries at the output size (64 MiB in float32)
MIN_RESAMPLE_CHUNK = 64  # queries per chunk in resample_through (see there)

Size = tuple[int, int]


class QueryMasks:
    """Mask logits (Q, h, w) of one image and the chain to the output size (H, W).

    The chain: bilinear upsampling to ``padded_size`` (the batch input), crop to ``crop_size`` (the image
    inside the padding), bilinear resize to ``out_size`` when given (the original image). The upsampling
    is skipped where the logits already have ``padded_size``; the logits' dtype is kept. ``chunk_size``
    queries are resampled at a time so one chunk holds about ``chunk_elements`` values.
    """

    def __init__(self, logits: Tensor, *, padded_size: Size | None = None, crop_size: Size | None = None,
                 out_size: Size | None = None, chunk_elements: int = CHUNK_ELEMENTS) -> None:
        if logits.dim() != 3:
            raise ValueError(f'mask logits must be (Q, h, w), got shape {tuple(logits.shape)}')
        self.logits = logits
        self.padded_size = tuple(padded_size or logits.shape[-2:])
        self.crop_size = tuple(crop_size or self.padded_size)
        self.out_size = tuple(out_size) if out_size is not None else None
        self.chunk_elements = chunk_elements

    @classmethod
    def from_meta(cls, logits: Tensor, meta: dict, rescale: bool, **kwargs) -> QueryMasks:
        """Chain of a sample: ``batch_input_shape`` (default: the logits' size) -> crop to ``img_shape`` ->
        ``ori_shape`` if ``rescale``."""
        return cls(logits, padded_size=meta.get('batch_input_shape', logits.shape[-2:]),
                   crop_size=meta['img_shape'][:2], out_size=meta['ori_shape'][:2] if rescale else None,
                   **kwargs)

    def __len__(self) -> int:
        return self.logits.shape[0]

    @property
    def size(self) -> Size:
        """(H, W) of the output."""
        return self.out_size or self.crop_size

    @property
    def device(self) -> torch.device:
        return self.logits.device

    @property
    def chunk_size(self) -> int:
        """Queries resampled at a time."""
        pixels = max(self.padded_size[0] * self.padded_size[1], self.size[0] * self.size[1])
        return max(1, self.chunk_elements // max(pixels, 1))

    def full(self, queries: Tensor | slice | None = None) -> Tensor:
        """Logits (k, H, W) of ``queries`` (indices or a slice; default all) at the output size."""
        logits = self.logits if queries is None else self.logits[queries]
        if logits.shape[0] == 0:
            return logits.new_zeros((0, *self.size))
        if tuple(logits.shape[-2:]) != self.padded_size:
            logits = F.interpolate(logits[None], size=self.padded_size, mode='bilinear',
                                   align_corners=False)[0]  # upsampling: exact for any chunk
        logits = logits[:, :self.crop_size[0], :self.crop_size[1]]
        if self.out_size is not None:  # one plane per query (N = k, C = 1): exact for any chunk
            logits = F.interpolate(logits[:, None], size=self.out_size, mode='bilinear',
                                   align_corners=False)[:, 0]
        return logits

    def chunks(self, queries: Tensor | None = None) -> Iterator[tuple[slice, Tensor]]:
        """(positions in ``queries``, their logits (k, H, W)) for ``queries`` (default all), in order."""
        count = len(self) if queries is None else len(queries)
        step = self.chunk_size
        for start in range(0, count, step):
            positions = slice(start, min(start + step, count))
            yield positions, self.full(positions if queries is None else queries[positions])


def query_sigmoid(logits: Tensor) -> Tensor:
    """Sigmoid (k, H, W) in float32 computed query by query on contiguous maps.

    torch.sigmoid's vectorised and scalar code paths differ in the last bit and which path an element takes
    depends on its position in the tensor; per-query maps make each query's probabilities independent of
    the queries processed with it (bounded and vectorised fusion then agree exactly).
    """
    probs = torch.empty(logits.shape, dtype=torch.float32, device=logits.device)
    for index in range(logits.shape[0]):
        torch.sigmoid(logits[index].float().contiguous(), out=probs[index])
    return probs


def resample_through(logits: Tensor, size: Size, via: Size | None = None,
                     chunk_elements: int = CHUNK_ELEMENTS) -> Tensor:
    """Mask logits (B, Q, h, w) resized bilinearly to ``via`` (when given and different) and then to
    ``size``, a chunk of queries at a time: the values of resizing the whole (B, Q, via) tensor.

    Chunks hold at least ``MIN_RESAMPLE_CHUNK`` queries (or all): on the CPU, downsampling a (1, C, H, W)
    tensor takes another code path for few channels than for many, which rounds differently.
    """
    if via is None or tuple(via) == tuple(logits.shape[-2:]):
        return F.interpolate(logits, size=tuple(size), mode='bilinear', align_corners=False)
    count = logits.shape[1]
    step = max(MIN_RESAMPLE_CHUNK, chunk_elements // max(via[0] * via[1], 1))
    starts = list(range(0, count, step))
    if len(starts) > 1 and count - starts[-1] < MIN_RESAMPLE_CHUNK:
        starts.pop()  # the short remainder joins the previous chunk
    parts = []
    for start, end in zip(starts, [*starts[1:], count]):
        padded = F.interpolate(logits[:, start:end], size=tuple(via), mode='bilinear', align_corners=False)
        parts.append(F.interpolate(padded, size=tuple(size), mode='bilinear', align_corners=False))
    return torch.cat(parts, dim=1) if parts else logits.new_zeros((*logits.shape[:2], *size))
