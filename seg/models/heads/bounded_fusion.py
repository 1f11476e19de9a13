"""Panoptic / instance / semantic fusion streamed over queries: memory grows with the image, not Q x pixels.

Each function reads mask logits through :class:`QueryMasks` (low resolution, resampled a chunk of queries
at a time) and keeps running maps of the output size. The outputs equal those of the vectorised fusion
on the full (Q, H, W) logits (``OMGFusionHead(fusion_mode='vectorised')``) exactly: per-pixel maxima are
taken with the first maximum winning (as ``argmax``), areas are integer counts, and every per-query value
is computed query by query in both (``query_sigmoid``, ``instance_mask_scores``).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.evaluation.functional import INSTANCE_OFFSET
from mmdet.structures.mask import mask2bbox
from mmengine.structures import InstanceData
from torch import Tensor

from .query_masks import QueryMasks, query_sigmoid

SEMANTIC_GROUP = 32  # queries summed by one einsum in semantic fusion (fixes the summation order)


def paint_panoptic(owner: Tensor, owner_probs: Tensor | None, area: Tensor, original_area: Tensor,
                   labels: Tensor, *, num_classes: int, num_things: int, iou_thr: float,
                   instance_ids: Tensor | None = None) -> Tensor:
    """Panoptic map (H, W) int32 from the per-pixel winning kept query ``owner`` (H, W).

    owner_probs (H, W): the winner's probability, pixels below 0.5 stay void (``filter_low_score``), or
    None. area (K,): pixels won per kept query; original_area (K,): pixels with probability >= 0.5;
    labels (K,). A kept query is painted when it won pixels and ``area / original_area >= iou_thr``; thing
    ids are ``label + k * INSTANCE_OFFSET`` with k = 1, 2, ... over accepted things (or ``instance_ids``).
    """
    overlap_ratio = area.double() / original_area.double().clamp(min=1)
    accepted = (area > 0) & (original_area > 0) & (overlap_ratio >= iou_thr)
    is_thing = labels < num_things
    instance_index = torch.cumsum((accepted & is_thing).long(), 0) if instance_ids is None else instance_ids
    segment_ids = torch.where(is_thing, labels + instance_index * INSTANCE_OFFSET, labels).to(torch.int32)
    panoptic = torch.full(owner.shape, num_classes, dtype=torch.int32, device=owner.device)
    paint = accepted[owner]
    if owner_probs is not None:
        paint &= owner_probs >= 0.5
    panoptic[paint] = segment_ids[owner[paint]]
    return panoptic


def panoptic_fusion(scores: Tensor, labels: Tensor, queries: Tensor, masks: QueryMasks, *, num_classes: int,
                    num_things: int, iou_thr: float, filter_low_score: bool,
                    instance_ids: Tensor | None = None) -> Tensor:
    """Panoptic map (H, W) int32 of the kept ``queries`` (K,) with class ``scores`` / ``labels`` (K,).

    Per chunk: probabilities, their ``>= 0.5`` counts, and the running per-pixel maximum of
    score x probability with its owner (strict ``>`` across chunks keeps the first maximum).
    """
    height, width = masks.size
    device = masks.device
    owner = torch.zeros((height, width), dtype=torch.long, device=device)
    if len(queries) == 0:
        return torch.full((height, width), num_classes, dtype=torch.int32, device=device)
    best = torch.full((height, width), -1.0, device=device)  # below every score x probability
    owner_probs = torch.zeros((height, width), device=device) if filter_low_score else None
    original_area = torch.zeros(len(queries), dtype=torch.long, device=device)
    for positions, logits in masks.chunks(queries):
        probs = query_sigmoid(logits)
        original_area[positions] = (probs >= 0.5).flatten(1).sum(1)
        value, index = (scores[positions].view(-1, 1, 1) * probs).max(0)
        better = value > best
        best = torch.where(better, value, best)
        owner = torch.where(better, index + positions.start, owner)
        if owner_probs is not None:
            owner_probs = torch.where(better, probs.gather(0, index[None])[0], owner_probs)
        del probs, value, index, better
    area = torch.bincount(owner.flatten(), minlength=len(queries))
    return paint_panoptic(owner, owner_probs, area, original_area, labels, num_classes=num_classes,
                          num_things=num_things, iou_thr=iou_thr, instance_ids=instance_ids)


def instance_mask_scores(logits: Tensor) -> tuple[Tensor, Tensor]:
    """Binary masks (k, H, W) = logits > 0 and mask scores (k,) = mean probability inside (eps 1e-6),
    mmdet's formula evaluated query by query."""
    binary = logits > 0
    scores = logits.new_zeros(logits.shape[0], dtype=torch.float32)
    for index in range(logits.shape[0]):
        row = logits[index].float().contiguous()
        inside = (row > 0).float()
        scores[index] = (row.sigmoid() * inside).sum() / (inside.sum() + 1e-6)
    return binary, scores


def top_instance_pairs(mask_cls: Tensor, *, num_classes: int, num_things: int,
                       max_per_image: int) -> tuple[Tensor, Tensor, Tensor]:
    """mmdet's top-``max_per_image`` (query, class) pairs of softmax(cls) (Q, N+1), things only:
    queries, labels, class scores (K,), in mmdet's (unsorted top-k) order."""
    scores = F.softmax(mask_cls, dim=-1)[:, :-1]
    labels = torch.arange(num_classes, device=mask_cls.device).unsqueeze(0).repeat(mask_cls.shape[0], 1)
    top_scores, top_indices = scores.flatten(0, 1).topk(max_per_image, sorted=False)
    top_labels = labels.flatten(0, 1)[top_indices]
    is_thing = top_labels < num_things
    return (top_indices // num_classes)[is_thing], top_labels[is_thing], top_scores[is_thing]


def instance_fusion(mask_cls: Tensor, masks: QueryMasks, *, num_classes: int, num_things: int,
                    max_per_image: int, score_thr: float | None = None) -> InstanceData:
    """Top (query, class) instances (``bboxes``, ``labels``, ``scores``, ``masks``); only the selected
    queries are resampled, once each. With ``score_thr``, instances scoring below it are left out."""
    queries, labels, class_scores = top_instance_pairs(mask_cls, num_classes=num_classes,
                                                       num_things=num_things, max_per_image=max_per_image)
    unique, inverse = queries.unique(return_inverse=True)
    mask_scores = class_scores.new_zeros(len(unique), dtype=torch.float32)
    binaries: dict[int, Tensor] = {}
    best_class = torch.zeros(len(unique), dtype=class_scores.dtype, device=class_scores.device)
    best_class.scatter_reduce_(0, inverse, class_scores, reduce='amax', include_self=False)
    for positions, logits in masks.chunks(unique):
        binary, mask_scores[positions] = instance_mask_scores(logits)
        for offset, row in enumerate(binary):
            position = positions.start + offset
            if score_thr is None or float(best_class[position] * mask_scores[position]) >= score_thr:
                binaries[position] = row
        del binary
    scores = class_scores * mask_scores[inverse]
    keep = torch.ones_like(scores, dtype=torch.bool) if score_thr is None else scores >= score_thr
    kept = keep.nonzero().squeeze(1)
    binary_masks = torch.zeros((len(kept), *masks.size), dtype=torch.bool, device=masks.device)
    for row, pair in enumerate(kept.tolist()):
        binary_masks[row] = binaries[int(inverse[pair])]
    return InstanceData(bboxes=mask2bbox(binary_masks), labels=labels[kept], scores=scores[kept],
                        masks=binary_masks)


def semantic_fusion(mask_cls: Tensor, masks: QueryMasks, group: int = SEMANTIC_GROUP) -> Tensor:
    """Semantic map (1, H, W) int64 = argmax_c sum_q softmax(cls)[q, c] * sigmoid(mask_q).

    The sum runs over groups of ``group`` queries in order (one einsum per group, in row bands of the
    output), so its rounding does not depend on the image size. Holds (C, H, W) sums.
    """
    class_probs = F.softmax(mask_cls.float(), dim=-1)[:, :-1]
    height, width = masks.size
    seg_logits = torch.zeros((class_probs.shape[1], height, width), device=masks.device)
    band = max(1, masks.chunk_elements // max(class_probs.shape[1] * width, 1))
    for start in range(0, len(masks), group):
        probs = query_sigmoid(masks.full(slice(start, start + group)))
        for row in range(0, height, band):
            seg_logits[:, row:row + band] += torch.einsum(
                'qc,qhw->chw', class_probs[start:start + group], probs[:, row:row + band])
        del probs
    return seg_logits.argmax(0, keepdim=True)


def segment_query_overlaps(segments: Tensor, masks: QueryMasks) -> tuple[Tensor, Tensor]:
    """Pixels shared by each segment and each query's binary mask (logits > 0): (S, Q) int64, and each
    query's mask area (Q,) int64; segments (S, H, W) bool, disjoint. One chunk of queries at a time."""
    num_segments = segments.shape[0]
    segment_index = torch.full(masks.size, num_segments, dtype=torch.long, device=segments.device)
    for index, segment in enumerate(segments):
        segment_index[segment] = index
    overlaps = torch.zeros((num_segments, len(masks)), dtype=torch.long, device=segments.device)
    areas = torch.zeros(len(masks), dtype=torch.long, device=segments.device)
    for positions, logits in masks.chunks():
        for offset, binary in enumerate(logits > 0):
            query = positions.start + offset
            overlaps[:, query] = torch.bincount(segment_index[binary], minlength=num_segments + 1)[:-1]
            areas[query] = binary.sum()
    return overlaps, areas
