"""COCO instance annotations (instances_*2017.json) derived from a COCO panoptic split.

Every thing segment of the panoptic ground truth becomes one instance annotation with the same
category id: non-crowd masks as compressed RLE (``counts`` a string), crowd masks as uncompressed
RLE (``counts`` a list, as in the official COCO files), so readers see both RLE forms. ``area`` is
the mask pixel count and ``bbox`` its [x, y, w, h] extent, so the two files agree exactly.
"""
from __future__ import annotations

import numpy as np
import pycocotools.mask as mask_utils


def compressed_rle(mask: np.ndarray) -> dict:
    """COCO compressed RLE of a boolean (H, W) mask, JSON-ready (``counts`` as str)."""
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {'size': [int(s) for s in rle['size']], 'counts': rle['counts'].decode('ascii')}


def uncompressed_rle(mask: np.ndarray) -> dict:
    """COCO uncompressed RLE: run lengths over the column-major pixels, starting with a 0-run."""
    flat = np.asfortranarray(mask).reshape(-1, order='F').astype(np.int8)
    changes = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], changes, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat.size and flat[0] == 1:
        counts = [0] + counts
    return {'size': [int(mask.shape[0]), int(mask.shape[1])], 'counts': [int(c) for c in counts]}


def instance_annotation(mask: np.ndarray, *, ann_id: int, image_id: int, category_id: int,
                        iscrowd: bool) -> dict:
    """One COCO instance annotation of a non-empty mask."""
    ys, xs = np.nonzero(mask)
    x0, y0 = float(xs.min()), float(ys.min())
    bbox = [x0, y0, float(xs.max()) + 1.0 - x0, float(ys.max()) + 1.0 - y0]
    segmentation = uncompressed_rle(mask) if iscrowd else compressed_rle(mask)
    return {'id': ann_id, 'image_id': image_id, 'category_id': int(category_id),
            'segmentation': segmentation, 'area': float(mask.sum()), 'bbox': bbox,
            'iscrowd': int(iscrowd)}


def instances_from_panoptic(panoptic: dict, id_maps: dict, thing_categories: list[dict]) -> dict:
    """Build the instances JSON of a panoptic split; ``id_maps[image_id]`` is its (H, W) id map."""
    thing_ids = {c['id'] for c in thing_categories}
    annotations = []
    for record in panoptic['annotations']:
        ids = id_maps[record['image_id']]
        for info in record['segments_info']:
            if info['category_id'] not in thing_ids:
                continue
            annotations.append(instance_annotation(
                ids == info['id'], ann_id=len(annotations) + 1, image_id=record['image_id'],
                category_id=info['category_id'], iscrowd=bool(info['iscrowd'])))
    return {'info': panoptic['info'], 'licenses': panoptic['licenses'], 'images': panoptic['images'],
            'annotations': annotations, 'categories': thing_categories}
