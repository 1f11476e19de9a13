"""Per-frame post-processing of video-level query predictions (VIS, VPS, VSS), one frame at a time.

Mask logits arrive per frame at 1/4 input resolution; only the queries a task needs are upsampled to the
output size, a chunk at a time (:class:`QueryMasks`), so device memory grows neither with the video length
(GAPS.md §1.8) nor with queries x pixels.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData, PixelData
from torch import Tensor

from .bounded_fusion import SEMANTIC_GROUP, semantic_fusion
from .omg_fusion_head import OMGFusionHead
from .query_masks import QueryMasks

TRACK_ID_RULES = ('query', 'frame_count')


class VideoInstanceSelection(NamedTuple):
    """(query, class) pairs chosen once per video, best class score first: queries, labels, scores (K,)."""

    queries: Tensor
    labels: Tensor
    scores: Tensor


def upsample_frame_masks(mask_logits: Tensor, meta: dict, rescale: bool) -> Tensor:
    """Mask logits (Q, h, w) -> (Q, H, W) at ``batch_input_shape``, cropped to ``img_shape`` and, if
    ``rescale``, resized to ``ori_shape``."""
    return frame_masks(mask_logits, meta, rescale).full()


def frame_masks(mask_logits: Tensor, meta: dict, rescale: bool) -> QueryMasks:
    """Mask logits (Q, h, w) of a frame (in float32) with the chain to its output size."""
    return QueryMasks(mask_logits.float(), padded_size=tuple(meta['batch_input_shape']),
                      crop_size=meta['img_shape'][:2], out_size=meta['ori_shape'][:2] if rescale else None)


def select_video_instances(cls_logits: Tensor, num_things: int, max_per_video: int) -> VideoInstanceSelection:
    """Top ``max_per_video`` (query, class) pairs of softmax(cls) (Q, N+1) without background, things only."""
    probs = F.softmax(cls_logits.float(), dim=-1)[:, :-1]
    num_classes = probs.shape[1]
    scores, flat = probs.flatten().topk(min(max_per_video, probs.numel()))
    labels = flat % num_classes
    is_thing = labels < num_things
    return VideoInstanceSelection(flat[is_thing] // num_classes, labels[is_thing], scores[is_thing])


def frame_instances(selection: VideoInstanceSelection, mask_logits: Tensor, meta: dict,
                    rescale: bool) -> InstanceData:
    """Instances of one frame for the video's selected pairs; ``instances_id`` = rank + 1 in the selection.

    mask_logits (Q, h, w) of the frame. Score = class score x mean sigmoid inside the binary mask.
    """
    queries, inverse = selection.queries.unique(return_inverse=True)
    masks = upsample_frame_masks(mask_logits[queries], meta, rescale)[inverse]
    binary = masks > 0
    mask_scores = (masks.sigmoid() * binary).flatten(1).sum(1) / (binary.flatten(1).sum(1) + 1e-6)
    track_ids = torch.arange(1, len(selection.labels) + 1, device=masks.device)
    return InstanceData(masks=binary, labels=selection.labels, scores=selection.scores * mask_scores,
                        bboxes=mask2bbox(binary), instances_id=track_ids)


def frame_panoptic(fusion_head: OMGFusionHead, cls_logits: Tensor, mask_logits: Tensor, meta: dict,
                   rescale: bool) -> PixelData:
    """Panoptic map (1, H, W) of one frame; a thing's id is ``label + (query + 1) * INSTANCE_OFFSET``.

    ``test_cfg.panoptic_track_ids``: ``'query'`` (default, the same id in every frame) or ``'frame_count'``
    (the reference: surviving things counted 1, 2, ... per frame, so ids can change between frames,
    GAPS.md §3.4). The fusion is :meth:`OMGFusionHead.panoptic_postprocess`; in its bounded mode only
    queries that pass its class filter (not background, score > object_mask_thr) are upsampled, a chunk
    at a time.
    """
    track_rule = fusion_head.test_cfg.get('panoptic_track_ids', 'query')
    if track_rule not in TRACK_ID_RULES:
        raise ValueError(f'test_cfg.panoptic_track_ids must be one of {TRACK_ID_RULES}, got {track_rule!r}')
    track_ids = torch.arange(1, cls_logits.shape[0] + 1, device=cls_logits.device)
    return fusion_head.panoptic_postprocess(cls_logits, frame_masks(mask_logits, meta, rescale),
                                            track_ids=track_ids if track_rule == 'query' else None)


def frame_semantic(cls_logits: Tensor, mask_logits: Tensor, meta: dict, rescale: bool,
                   chunk: int = SEMANTIC_GROUP) -> PixelData:
    """Semantic map (1, H, W) = argmax_c sum_q softmax(cls)[q, c] * sigmoid(mask_q), ``chunk`` queries
    per einsum (``semantic_fusion``: the image fusion's result for ``chunk = SEMANTIC_GROUP``)."""
    return PixelData(sem_seg=semantic_fusion(cls_logits, frame_masks(mask_logits, meta, rescale), chunk))
