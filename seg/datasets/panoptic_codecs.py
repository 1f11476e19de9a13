"""Decoding of panoptic PNGs into (segment-id map, segments) and painting of masks / semantic maps.

Segment dicts follow mmdet's ``segments_info``: ``{'id', 'category', 'is_thing'}``, where ``category``
is the contiguous label of the dataset and ``is_thing`` says whether it yields an instance mask.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .class_names import load_class_names, vipseg_official_order

NO_OBJ = 65535  # label of unlabelled / void pixels in semantic maps (fits merged vocabularies > 255)
INSTANCE_OFFSET_HB = 10000  # video panoptic id = label * 10000 + instance (+1 for things)
VOID_ID = -1  # segment id of void pixels in decoded id maps


def rgb_to_segment_ids(rgb: np.ndarray) -> np.ndarray:
    """COCO panoptic PNG (H, W, 3) in RGB order -> segment ids R + 256 G + 256^2 B (int64)."""
    rgb = rgb.astype(np.int64)
    return rgb[..., 0] + 256 * rgb[..., 1] + 256 * 256 * rgb[..., 2]


@lru_cache(maxsize=1)
def _vipseg_tables() -> tuple[np.ndarray, np.ndarray]:
    """(label of each official VIPSeg id, is-thing of each official id)."""
    names = load_class_names('vipseg')
    label_of = {name: label for label, name in enumerate(names.classes)}
    official = vipseg_official_order()
    labels = np.array([label_of[name] for name in official], dtype=np.int64)
    return labels, labels < len(names.thing_classes)


def decode_vipseg(raw: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """VIPSeg panomask (values: 0/200 void, 1..128 stuff id+1, >128 (id+1)*100 + instance).

    Returns the id map (things ``label*10000 + instance + 1``, stuff ``label*10000``, void -1) and
    the segments present in it.
    """
    if raw.ndim != 2:
        raise ValueError(f'VIPSeg panomask must be single-channel, got shape {raw.shape}')
    labels_of_official, thing_of_official = _vipseg_tables()
    raw = raw.astype(np.int64)
    void = (raw == 0) | (raw == 200)
    thing_coded = raw > 128
    official = np.where(thing_coded, raw // 100 - 1, raw - 1)
    official = np.where(void, 0, official)
    if official.max(initial=0) >= len(labels_of_official) or official.min(initial=0) < 0:
        raise ValueError(f'VIPSeg panomask has values outside the 124 classes: {np.unique(raw[~void])}')
    labels = labels_of_official[official]
    is_thing = thing_of_official[official]
    instance = np.where(thing_coded, raw % 100, 0)
    ids = np.where(is_thing, labels * INSTANCE_OFFSET_HB + instance + 1, labels * INSTANCE_OFFSET_HB)
    ids = np.where(void, VOID_ID, ids)
    segments = [dict(id=int(i), category=int(i // INSTANCE_OFFSET_HB),
                     is_thing=bool(i % INSTANCE_OFFSET_HB != 0))
                for i in np.unique(ids) if i != VOID_ID]
    return ids, segments


def decode_davis(raw: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """DAVIS mask (palette indices, or colours c0*1e6 + c1*1e3 + c2) -> ids; id 0 is background."""
    if raw.ndim == 3:
        raw = raw.astype(np.int64)
        ids = raw[..., 0] * 1_000_000 + raw[..., 1] * 1000 + raw[..., 2]
    else:
        ids = raw.astype(np.int64)
    ids = np.where(ids == 0, VOID_ID, ids)
    segments = [dict(id=int(i), category=0, is_thing=True) for i in np.unique(ids) if i != VOID_ID]
    return ids, segments


def paint_segments(ids: np.ndarray, segments: list[dict]) -> tuple[list[np.ndarray], np.ndarray]:
    """Binary masks (uint8) of the ``is_thing`` segments, and the int32 semantic map (void = NO_OBJ)."""
    sem_seg = np.full(ids.shape, NO_OBJ, dtype=np.int32)
    masks = []
    for segment in segments:
        mask = ids == segment['id']
        sem_seg[mask] = segment['category']
        if segment.get('is_thing'):
            masks.append(mask.astype(np.uint8))
    return masks, sem_seg


def mask_to_bbox(mask: np.ndarray) -> list[float]:
    """Tight xyxy box of a binary mask (zeros for an empty mask)."""
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)]
