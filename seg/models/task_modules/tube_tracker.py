"""Accumulates clip-level query predictions over a video with query identities kept consistent."""
from __future__ import annotations

import torch
from torch import Tensor

from .frame_tensor_store import FrameTensorStore
from .query_association import associate_queries


class QueryTubeTracker:
    """MinVIS-style tracker: every new clip's queries are permuted to match the previous clip's.

    After all clips: ``cls_logits`` (Q, N+1) and ``objectness`` (Q,) are the mean over clips of the
    aligned clip predictions; ``frame_masks(f)`` gives frame f's aligned mask logits (Q, h, w), kept at
    the resolution they were given (1/4 of the input) on ``store_device`` in ``store_dtype``, so that
    memory grows only with Q * h * w per frame.

    Args:
        store_device: where per-frame mask logits are kept (None: where they were computed; ``'disk'``: an
            unnamed temporary file, so memory stays flat in the video length, values unchanged).
        store_dtype: dtype of the kept mask logits (None: unchanged).
    """

    def __init__(self, *, store_device: str | torch.device | None = None,
                 store_dtype: torch.dtype | None = None) -> None:
        self._cls_sum: Tensor | None = None
        self._obj_sum: Tensor | None = None
        self._reference: Tensor | None = None
        self._frames = FrameTensorStore(store_device, store_dtype)
        self.num_clips = 0

    def add_clip(self, cls_logits: Tensor, objectness: Tensor, embeds: Tensor, mask_logits: Tensor) -> Tensor:
        """Add one clip: cls (Q, N+1), objectness (Q,), embeddings (Q, C), masks (Q, t, h, w).

        Returns the permutation applied to the clip's queries (identity for the first clip).
        """
        if self._reference is None:
            permutation = torch.arange(embeds.shape[0], device=embeds.device)
        else:
            permutation = associate_queries(self._reference, embeds)
        cls_logits, objectness = cls_logits[permutation].float(), objectness[permutation].float()
        self._reference = embeds[permutation]
        self._cls_sum = cls_logits if self._cls_sum is None else self._cls_sum + cls_logits
        self._obj_sum = objectness if self._obj_sum is None else self._obj_sum + objectness
        for frame in mask_logits[permutation].unbind(1):
            self._frames.append(frame)
        self.num_clips += 1
        return permutation

    @property
    def num_frames(self) -> int:
        """Frames added so far."""
        return len(self._frames)

    @property
    def cls_logits(self) -> Tensor:
        """Video-level class logits (Q, N+1): mean of the aligned clip logits."""
        self._check_not_empty()
        return self._cls_sum / self.num_clips

    @property
    def objectness(self) -> Tensor:
        """Video-level objectness logits (Q,): mean of the aligned clip logits."""
        self._check_not_empty()
        return self._obj_sum / self.num_clips

    def frame_masks(self, frame: int) -> Tensor:
        """Aligned mask logits (Q, h, w) of frame ``frame`` (as stored)."""
        return self._frames[frame]

    def _check_not_empty(self) -> None:
        if self.num_clips == 0:
            raise RuntimeError('QueryTubeTracker has no clip yet; call add_clip first')
