"""Turn panoptic / semantic maps and instance predictions into coloured, labelled segments to draw."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from mmdet.evaluation import INSTANCE_OFFSET
from mmdet.structures.mask import BitmapMasks, PolygonMasks
from mmengine.structures import InstanceData, PixelData

from ..datasets.panoptic_codecs import NO_OBJ
from .colors import ClassStyle, Color, instance_color


@dataclass
class Segment:
    """One region to draw: boolean mask (H, W), RGB colour, caption, optional xyxy box."""

    mask: np.ndarray
    color: Color
    text: str
    box: Optional[np.ndarray] = None


def to_numpy(value) -> np.ndarray:
    """Tensor / BitmapMasks / PolygonMasks / array -> numpy array."""
    if isinstance(value, (BitmapMasks, PolygonMasks)):
        return value.to_ndarray()
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def label_map(pixel_data: PixelData) -> np.ndarray:
    """The (H, W) int64 map of a ``PixelData`` holding ``sem_seg`` of shape (1, H, W) or (H, W)."""
    data = to_numpy(pixel_data.sem_seg).astype(np.int64)
    return data[0] if data.ndim == 3 else data


def panoptic_segments(pan_map: np.ndarray, style: ClassStyle, num_classes: int) -> list[Segment]:
    """Segments of a panoptic map with ids ``label + instance * INSTANCE_OFFSET`` (void = ``num_classes``).

    Stuff / semantic segments (instance 0) take their class colour; thing segments the colour of
    their segment id, so an object keeps it in every frame where its id is the same.
    """
    segments = []
    for segment_id in np.unique(pan_map):
        label, instance = int(segment_id % INSTANCE_OFFSET), int(segment_id // INSTANCE_OFFSET)
        if segment_id in (num_classes, NO_OBJ) or label >= num_classes:
            continue
        color = style.color(label) if instance == 0 else instance_color(segment_id)
        segments.append(Segment(pan_map == segment_id, color, style.name(label)))
    return segments


def semantic_segments(sem_map: np.ndarray, style: ClassStyle, num_classes: int) -> list[Segment]:
    """Segments of a semantic map (one per class present; labels >= ``num_classes`` are void)."""
    return panoptic_segments(np.where(sem_map < num_classes, sem_map, num_classes), style, num_classes)


def instance_masks(instances: InstanceData, shape: tuple[int, int]) -> np.ndarray:
    """Boolean (N, H, W) masks of ``instances`` (boxes filled in when there are no masks)."""
    if 'masks' in instances:
        masks = to_numpy(instances.masks).astype(bool)
        if masks.shape[1:] != tuple(shape):
            raise ValueError(f'instance masks have shape {masks.shape[1:]}, the image {tuple(shape)}')
        return masks
    masks = np.zeros((len(instances), *shape), dtype=bool)
    for mask, (x1, y1, x2, y2) in zip(masks, to_numpy(instances.bboxes).round().astype(int)):
        mask[max(y1, 0):max(y2, 0), max(x1, 0):max(x2, 0)] = True
    return masks


def instance_ids(instances: InstanceData) -> Optional[np.ndarray]:
    """Track / identity ids of ``instances`` (``instances_id`` or ``instances_ids``), if any."""
    for key in ('instances_id', 'instances_ids'):
        if key in instances:
            return to_numpy(instances.get(key)).astype(np.int64).reshape(-1)
    return None


def prediction_segments(instances: InstanceData, style: ClassStyle, shape: tuple[int, int],
                        score_thr: float = 0.0) -> list[Segment]:
    """Segments of instance / track predictions above ``score_thr``, lowest score first (drawn below).

    Tracks (``instances_id``) are coloured by track id, other instances by ``label + (i + 1) * OFFSET``.
    Captions: ``class: score`` (and ``#id`` for tracks).
    """
    if len(instances) == 0:
        return []
    labels = to_numpy(instances.labels).astype(np.int64).reshape(-1)
    scores = to_numpy(instances.scores).astype(np.float64) if 'scores' in instances else None
    ids = instance_ids(instances)
    masks = instance_masks(instances, shape)
    boxes = to_numpy(instances.bboxes).astype(np.float64) if 'bboxes' in instances else None
    if boxes is not None and not boxes.any():
        boxes = None  # all-zero dummy boxes (mask-only heads)
    order = np.argsort(scores, kind='stable') if scores is not None else np.arange(len(labels))
    segments = []
    for i in order:
        if scores is not None and scores[i] < score_thr:
            continue
        text = style.name(labels[i])
        if ids is not None:
            text += f' #{ids[i]}'
        if scores is not None:
            text += f': {scores[i]:.2f}'
        key = labels[i] + (i + 1) * INSTANCE_OFFSET
        color = track_color(ids[i]) if ids is not None else instance_color(key)
        segments.append(Segment(masks[i], color, text, None if boxes is None else boxes[i]))
    return segments


def track_color(track_id: int) -> Color:
    """Colour of a track id, the same in every frame of a video."""
    return instance_color(int(track_id))


def ground_truth_panoptic(sample, num_classes: int, shape: tuple[int, int]) -> Optional[np.ndarray]:
    """Panoptic map of the ground truth of ``sample``, or None when it holds none.

    ``gt_panoptic_seg`` is used as is; otherwise ``gt_sem_seg`` (NO_OBJ = void) is overlaid with the
    ``gt_instances`` masks as ``label + id * OFFSET`` (id = ``instances_ids`` when present, else i + 1).
    """
    if 'gt_panoptic_seg' in sample:
        return label_map(sample.gt_panoptic_seg)
    has_instances = 'gt_instances' in sample and len(sample.gt_instances) > 0
    if 'gt_sem_seg' not in sample and not has_instances:
        return None
    pan_map = np.full(shape, num_classes, dtype=np.int64)
    if 'gt_sem_seg' in sample:
        sem_map = label_map(sample.gt_sem_seg)
        if sem_map.shape != tuple(shape):
            raise ValueError(f'gt_sem_seg has shape {sem_map.shape}, the image {tuple(shape)}')
        pan_map = np.where(sem_map < num_classes, sem_map, num_classes)
    if has_instances:
        instances = sample.gt_instances
        labels = to_numpy(instances.labels).astype(np.int64).reshape(-1)
        ids = instance_ids(instances)
        ids = ids if ids is not None else np.arange(1, len(labels) + 1)
        for mask, label, identity in zip(instance_masks(instances, shape), labels, ids):
            pan_map[mask] = label + int(identity) * INSTANCE_OFFSET
    return pan_map
