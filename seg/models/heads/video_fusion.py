"""Per-frame post-processing of video-level query predictions (VIS, VPS, VSS), one frame at a time.

Mask logits arrive per frame at 1/4 input resolution; only the queries a task needs are upsampled to the
output size, so device memory does not grow with the video length (GAPS.md §1.8).
"""
from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData, PixelData
from torch import Tensor

from .omg_fusion_head import OMGFusionHead

SEMANTIC_CHUNK = 32  # queries upsampled at a time for semantic inference
TRACK_ID_RULES = ('query', 'frame_count')


class VideoInstanceSelection(NamedTuple):
    """(query, class) pairs chosen once per video, best class score first: queries, labels, scores (K,)."""

    queries: Tensor
    labels: Tensor
    scores: Tensor


def upsample_frame_masks(mask_logits: Tensor, meta: dict, rescale: bool) -> Tensor:
    """Mask logits (Q, h, w) -> (Q, H, W) at ``batch_input_shape``, cropped to ``img_shape`` and, if
    ``rescale``, resized to ``ori_shape``."""
    if mask_logits.shape[0] == 0:
        size = meta['ori_shape'][:2] if rescale else meta['img_shape'][:2]
        return mask_logits.new_zeros((0, *size), dtype=torch.float32)
    padded = F.interpolate(mask_logits[None].float(), size=tuple(meta['batch_input_shape']), mode='bilinear',
                           align_corners=False)[0]
    return OMGFusionHead._to_output_size(padded, meta, rescale)


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
    GAPS.md §3.4). Only queries that pass the fusion head's class filter (not background, score >
    object_mask_thr) are upsampled; the fusion itself is :meth:`OMGFusionHead.panoptic_postprocess`.
    """
    track_rule = fusion_head.test_cfg.get('panoptic_track_ids', 'query')
    if track_rule not in TRACK_ID_RULES:
        raise ValueError(f'test_cfg.panoptic_track_ids must be one of {TRACK_ID_RULES}, got {track_rule!r}')
    scores, labels = F.softmax(cls_logits.float(), dim=-1).max(-1)
    keep = labels.ne(fusion_head.num_classes) & (scores > fusion_head.test_cfg.get('object_mask_thr', 0.8))
    kept = keep.nonzero().squeeze(1)
    masks = upsample_frame_masks(mask_logits[kept], meta, rescale)
    track_ids = kept + 1 if track_rule == 'query' else None
    return fusion_head.panoptic_postprocess(cls_logits[kept], masks, track_ids=track_ids)


def frame_semantic(cls_logits: Tensor, mask_logits: Tensor, meta: dict, rescale: bool,
                   chunk: int = SEMANTIC_CHUNK) -> PixelData:
    """Semantic map (1, H, W) = argmax_c sum_q softmax(cls)[q, c] * sigmoid(mask_q), queries in chunks."""
    class_probs = F.softmax(cls_logits.float(), dim=-1)[:, :-1]
    seg_logits = None
    for start in range(0, class_probs.shape[0], chunk):
        masks = upsample_frame_masks(mask_logits[start:start + chunk], meta, rescale).sigmoid()
        part = torch.einsum('qc,qhw->chw', class_probs[start:start + chunk], masks)
        seg_logits = part if seg_logits is None else seg_logits + part
    return PixelData(sem_seg=seg_logits.argmax(0, keepdim=True))
