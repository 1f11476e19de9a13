"""COCO-panoptic encoding shared by the COCO, ADE, Cityscapes and VIPSeg toy writers.

A segment id is encoded in the PNG as RGB with ``id = R + 256 G + 256^2 B`` (panopticapi
``id2rgb``); 0 is void. Like panopticapi's ``IdGenerator``, a stuff segment takes its category
colour and a thing segment a random jitter of it, so ids look like those of the real files; the
jitter comes from the caller's seeded generator, so the files are reproducible.
"""
from __future__ import annotations

import numpy as np
from panopticapi.utils import id2rgb, rgb2id

from .scene import VOID, Frame

MAX_JITTER = 30


def mask_bbox(mask: np.ndarray) -> list[int]:
    """The [x, y, w, h] integer box of a non-empty boolean mask (pixel-inclusive extent)."""
    ys, xs = np.nonzero(mask)
    x0, y0 = int(xs.min()), int(ys.min())
    return [x0, y0, int(xs.max()) - x0 + 1, int(ys.max()) - y0 + 1]


class SegmentIdAllocator:
    """Unique non-zero segment ids for one image (or one video), derived from category colours."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[int] = {0}

    def new_id(self, color: list[int], is_thing: bool) -> int:
        """A fresh id: the colour itself for stuff when free, else a jittered colour."""
        base = np.asarray(color, dtype=np.int64)
        candidate = int(rgb2id(base)) if not is_thing else 0
        while candidate in self.used:
            jitter = self.rng.integers(-MAX_JITTER, MAX_JITTER + 1, size=3)
            candidate = int(rgb2id(np.clip(base + jitter, 0, 255)))
        self.used.add(candidate)
        return candidate


def id_map(frame: Frame, segment_ids: list[int]) -> np.ndarray:
    """(H, W) int64 panoptic id map of ``frame`` with the given id per segment (0 = void)."""
    lut = np.zeros(len(segment_ids) + 1, dtype=np.int64)  # last slot: VOID (-1) -> 0
    lut[:len(segment_ids)] = segment_ids
    return lut[np.where(frame.segment_map == VOID, len(segment_ids), frame.segment_map)]


def panoptic_rgb(ids: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 PNG content of an id map (``panopticapi.utils.id2rgb``)."""
    return id2rgb(ids).astype(np.uint8)


def segment_info(mask: np.ndarray, segment_id: int, category_id: int, iscrowd: bool) -> dict:
    """One COCO panoptic ``segments_info`` entry of a non-empty mask."""
    return {'id': int(segment_id), 'category_id': int(category_id), 'iscrowd': int(iscrowd),
            'bbox': mask_bbox(mask), 'area': int(mask.sum())}


def panoptic_annotation(frame: Frame, *, image_id, file_name: str, segment_ids: list[int],
                        category_ids: list[int]) -> dict:
    """The per-image COCO panoptic annotation record of a rendered frame."""
    infos = [segment_info(frame.mask(i), sid, cid, seg.crowd)
             for i, (seg, sid, cid) in enumerate(zip(frame.segments, segment_ids, category_ids))]
    return {'segments_info': infos, 'file_name': file_name, 'image_id': image_id}
