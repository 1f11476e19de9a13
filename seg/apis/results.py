"""Model outputs -> plain numpy results: masks (N, H, W) bool, labels, class names, scores, segment infos."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from mmdet.evaluation.functional import INSTANCE_OFFSET
from mmengine.structures import InstanceData
from torch import Tensor

from seg.models.heads.bounded_fusion import segment_query_overlaps
from seg.models.heads.query_masks import QueryMasks
from seg.visualization.names import display_name

from .vocabulary import Vocabulary

Result = dict[str, Any]
# (masks (S, H, W) bool, labels (S,), instance ids (S,)) -> scores (S,)
SegmentScorer = Callable[[Tensor, Tensor, Tensor], Tensor]


def _numpy(value: Tensor) -> np.ndarray:
    return value.detach().cpu().numpy()


def _names(vocabulary: Vocabulary, labels) -> list[str]:
    """Display names of ``labels`` (as pictures show them: no dataset suffixes, no underscores)."""
    return [display_name(vocabulary.classes[int(label)]) for label in labels]


def _empty_masks(size: tuple[int, int]) -> np.ndarray:
    return np.zeros((0, *size), dtype=bool)


def segment_scores(masks: Tensor, labels: Tensor, class_probs: Tensor,
                   query_masks: Tensor | QueryMasks) -> Tensor:
    """Score (S,) of each segment: class probability of the query that predicts its label and overlaps it
    most (by IoU), falling back to any query.

    masks (S, H, W) bool segments, labels (S,), class_probs (Q, N) softmax without background,
    query_masks: mask logits (Q, H, W) or :class:`QueryMasks` (binary masks = logits > 0, streamed).
    """
    if masks.shape[0] == 0:
        return class_probs.new_zeros(0)
    if isinstance(query_masks, Tensor):
        query_masks = QueryMasks(query_masks)
    inter, query_area = segment_query_overlaps(masks, query_masks)  # exact integer counts
    union = masks.flatten(1).sum(1, keepdim=True) + query_area[None] - inter
    iou = inter.float() / union.float().clamp(min=1)  # (S, Q)
    predicts_label = class_probs.argmax(1)[None] == labels[:, None]
    iou = torch.where(predicts_label.any(1, keepdim=True), iou.masked_fill(~predicts_label, -1), iou)
    owners = iou.argmax(1)
    return class_probs[owners, labels]


def image_segment_scorer(cls_logits: Tensor, mask_logits: Tensor | QueryMasks) -> SegmentScorer:
    """Scores of image panoptic segments from the object queries' class (Q, N+1) and mask (Q, H, W) logits
    (or :class:`QueryMasks`)."""
    probs = F.softmax(cls_logits.float(), dim=-1)[:, :-1]
    return lambda masks, labels, instance_ids: segment_scores(masks, labels, probs, mask_logits)


def track_segment_scorer(cls_logits: Tensor) -> SegmentScorer:
    """Scores of video panoptic segments: a thing's track id k is query k - 1, whose video-level class
    probability is its score; a stuff segment takes the best query probability of its class."""
    probs = F.softmax(cls_logits.float(), dim=-1)[:, :-1]

    def score(masks: Tensor, labels: Tensor, instance_ids: Tensor) -> Tensor:
        best = probs.max(0).values[labels]
        queries = (instance_ids - 1).clamp(min=0)
        return torch.where(instance_ids > 0, probs[queries, labels], best)
    return score


def panoptic_result(pan_map: Tensor, vocabulary: Vocabulary, scorer: SegmentScorer) -> Result:
    """Plain panoptic result from a fused map (H, W) (ids ``label + k * INSTANCE_OFFSET``, void = N).

    ``panoptic_seg`` (H, W) int32 holds segment ids 1..S (0 = void) indexing ``segments_info``
    (id, label, class_name, isthing, score, area, instance_id: k, the track id in videos, 0 for stuff);
    ``masks``/``labels``/``scores`` list the same segments in order.
    """
    ids = torch.unique(pan_map)
    ids = ids[ids != vocabulary.num_classes].long()
    masks = pan_map[None] == ids[:, None, None]
    labels, instance_ids = ids % INSTANCE_OFFSET, ids // INSTANCE_OFFSET
    scores = scorer(masks, labels, instance_ids) if len(ids) else torch.zeros(0)
    panoptic_seg = torch.zeros(pan_map.shape, dtype=torch.int32, device=pan_map.device)
    segments_info = []
    for index, mask in enumerate(masks):
        panoptic_seg[mask] = index + 1
        label = int(labels[index])
        segments_info.append(dict(
            id=index + 1, label=label, class_name=_names(vocabulary, [label])[0],
            isthing=vocabulary.is_thing(label),
            score=float(scores[index]), area=int(mask.sum()), instance_id=int(instance_ids[index])))
    return dict(panoptic_seg=_numpy(panoptic_seg), segments_info=segments_info, masks=_numpy(masks),
                labels=_numpy(labels), class_names=_names(vocabulary, labels),
                scores=_numpy(scores.float()))


def instance_result(instances: InstanceData, vocabulary: Vocabulary, score_thr: float,
                    size: tuple[int, int]) -> Result:
    """Plain instance result: instances with score >= ``score_thr``, best first; ``boxes`` (N, 4) xyxy;
    ``track_ids`` for video instances."""
    keep = instances.scores >= score_thr
    order = instances.scores[keep].argsort(descending=True)
    kept = instances[keep][order]
    labels = _numpy(kept.labels.long())
    result = dict(masks=_numpy(kept.masks.bool()) if len(kept) else _empty_masks(size), labels=labels,
                  class_names=_names(vocabulary, labels),
                  scores=_numpy(kept.scores.float()), boxes=_numpy(kept.bboxes.float()).reshape(-1, 4))
    if 'instances_id' in kept:  # videos: the track of each instance, the same in every frame
        result['track_ids'] = _numpy(kept.instances_id.long())
    return result


def semantic_result(sem_map: Tensor, vocabulary: Vocabulary) -> Result:
    """Plain semantic result: ``sem_seg`` (H, W) int64 class map, one mask per present class + its area."""
    labels = torch.unique(sem_map)
    masks = sem_map[None] == labels[:, None, None]
    return dict(sem_seg=_numpy(sem_map.long()), masks=_numpy(masks), labels=_numpy(labels.long()),
                class_names=_names(vocabulary, labels),
                areas=_numpy(masks.flatten(1).sum(1)))


def prompt_result(instances: InstanceData, cls_logits: Tensor, vocabulary: Vocabulary) -> Result:
    """Plain prompt result, one entry per prompt in prompt order: ``scores`` = objectness probability,
    ``labels``/``class_scores`` = most probable class (background excluded) and its probability."""
    class_probs = F.softmax(cls_logits.float(), dim=-1)[:, :-1]
    class_scores, labels = class_probs.max(-1) if len(class_probs) else (class_probs.new_zeros(0),) * 2
    labels = _numpy(labels.long())
    result = dict(masks=_numpy(instances.masks.bool()), labels=labels,
                  class_names=_names(vocabulary, labels),
                  scores=_numpy(instances.scores.float()), class_scores=_numpy(class_scores.float()),
                  mask_scores=_numpy(instances.mask_scores.float()),
                  boxes=_numpy(instances.bboxes.float()).reshape(-1, 4))
    if 'logits' in instances:
        result['logits'] = _numpy(instances.logits.float())
    return result
