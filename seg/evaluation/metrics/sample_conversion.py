"""Conversion of model outputs / data samples (dicts or mmengine data elements) to numpy id maps."""
from __future__ import annotations

from typing import Any

import numpy as np
from mmdet.evaluation.functional import INSTANCE_OFFSET

__all__ = ['field', 'gt_panoptic_segments', 'label_map', 'pred_panoptic_segments', 'to_numpy']


def to_numpy(value: Any) -> np.ndarray:
    """Tensor / BitmapMasks / array -> numpy array (on CPU)."""
    if hasattr(value, 'masks') and not hasattr(value, 'shape'):   # mmdet BitmapMasks
        value = value.masks
    if hasattr(value, 'to_ndarray'):
        value = value.to_ndarray()
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def label_map(value: Any) -> np.ndarray:
    """A (1, H, W) or (H, W) label / panoptic map as an int64 (H, W) array."""
    array = to_numpy(value).astype(np.int64)
    return array[0] if array.ndim == 3 else array


def field(sample: Any, *keys: str) -> Any:
    """Nested look-up ``sample[k1][k2]...`` in dicts or data elements; None when missing."""
    for key in keys:
        if sample is None:
            return None
        sample = sample.get(key) if isinstance(sample, dict) else getattr(sample, key, None)
    return sample


def pred_panoptic_segments(pan_map: np.ndarray, num_classes: int) -> tuple[np.ndarray, dict]:
    """mmdet panoptic map (``label + k * INSTANCE_OFFSET``, labels >= num_classes void) -> (ids, segments).

    Segment ids are the panoptic values + 1 (0 = void); category ids are the contiguous labels.
    """
    pan_map = label_map(pan_map)
    labels = pan_map % INSTANCE_OFFSET
    ids = np.where(labels < num_classes, pan_map + 1, 0)
    segments = {int(i): {'category_id': int((i - 1) % INSTANCE_OFFSET), 'iscrowd': 0}
                for i in np.unique(ids).tolist() if i != 0}
    return ids, segments


def gt_panoptic_segments(sample: Any, num_things: int, num_classes: int) -> tuple[np.ndarray, dict]:
    """GT (ids, segments) from ``gt_sem_seg`` (stuff; labels >= num_classes void) and ``gt_instances``.

    Things come from ``gt_instances`` (masks, labels, ``instances_ids`` -- the track id kept over a
    video, else the index); stuff segments are one per class of the semantic map.
    """
    sem = label_map(field(sample, 'gt_sem_seg', 'sem_seg'))
    ids = np.zeros(sem.shape, np.int64)
    segments = {}
    for label in np.unique(sem).tolist():
        if num_things <= label < num_classes:
            ids[sem == label] = label + 1
            segments[label + 1] = {'category_id': label, 'iscrowd': 0}
    instances = field(sample, 'gt_instances')
    labels = to_numpy(field(instances, 'labels')) if instances is not None else np.zeros(0)
    if len(labels):
        masks = to_numpy(field(instances, 'masks')).astype(bool)
        track_ids = field(instances, 'instances_ids')
        track_ids = to_numpy(track_ids) if track_ids is not None else np.arange(len(labels))
        for mask, label, track in zip(masks, labels.tolist(), track_ids.tolist()):
            seg_id = num_classes + 1 + int(track)
            ids[mask] = seg_id
            segments[seg_id] = {'category_id': int(label), 'iscrowd': 0}
    present = set(np.unique(ids).tolist())
    return ids, {k: v for k, v in segments.items() if k in present}
