"""Annotation loading: panoptic PNGs with an int32 semantic map (void = NO_OBJ), video panoptic masks."""
from __future__ import annotations

import io

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import LoadAnnotations, LoadPanopticAnnotations, LoadTrackAnnotations
from mmdet.registry import TRANSFORMS
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks
from mmengine.fileio import get
from PIL import Image

from ..annotation_checks import check_panoptic_png
from ..panoptic_codecs import (
    NO_OBJ,
    decode_davis,
    decode_vipseg,
    mask_to_bbox,
    paint_segments,
    rgb_to_segment_ids,
)

SEG_DECODERS = dict(vipseg=decode_vipseg, davis=decode_davis)


def read_annotation_bytes(results: dict, backend_args: dict | None = None) -> bytes:
    """Bytes of ``results['seg_map_path']``; a missing file names the image record."""
    path = results['seg_map_path']
    try:
        return get(path, backend_args=backend_args)
    except FileNotFoundError as err:
        raise FileNotFoundError(f'annotation PNG {path} of image id={results.get("img_id")!r} '
                                f'({results.get("img_path")}) not found') from err


@TRANSFORMS.register_module()
class LoadPanopticAnnotationsHB(LoadPanopticAnnotations):
    """mmdet's panoptic loader with an int32 semantic map initialised to NO_OBJ (65535) instead of 255."""

    def _load_masks_and_semantic_segs(self, results: dict) -> None:
        """Decode the panoptic PNG: masks of ``is_thing`` segments; every segment paints ``gt_seg_map``."""
        if results.get('seg_map_path') is None:
            return
        png = mmcv.imfrombytes(read_annotation_bytes(results, self.backend_args), flag='color',
                               channel_order='rgb')
        ids = rgb_to_segment_ids(png)
        described = [s['id'] for s in results['segments_info']]
        check_panoptic_png(np.unique(ids), described, results['seg_map_path'], results.get('img_id'),
                           void_ids=[0, *results.get('void_segment_ids', ())])
        masks, sem_seg = paint_segments(ids, results['segments_info'])
        if self.with_mask:
            h, w = results['ori_shape']
            if png.shape[:2] != (h, w):
                raise ValueError(
                    f'panoptic PNG {results["seg_map_path"]} is {png.shape[:2]}, image is {(h, w)}')
            results['gt_masks'] = BitmapMasks(masks, h, w)
        if self.with_seg:
            results['gt_seg_map'] = sem_seg


@TRANSFORMS.register_module()
class LoadVideoSegAnnotations(BaseTransform):
    """Load one frame's panoptic mask (``seg_format`` 'vipseg' or 'davis') into mmdet result keys.

    Adds ``gt_bboxes`` (from masks), ``gt_bboxes_labels``, ``gt_masks``, ``gt_instances_ids``
    (segment id, stable across the frames of a video), ``gt_ignore_flags`` and ``gt_seg_map`` (int32).
    """

    def __init__(self, *, with_mask: bool = True, with_seg: bool = True, backend_args: dict | None = None):
        self.with_mask = with_mask
        self.with_seg = with_seg
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        """Decode ``results['seg_map_path']`` with the decoder named by ``results['seg_format']``."""
        if results.get('seg_map_path') is None:
            return results
        decoder = SEG_DECODERS.get(results.get('seg_format'))
        if decoder is None:
            raise KeyError(f'unknown seg_format {results.get("seg_format")!r}; known: {sorted(SEG_DECODERS)}')
        raw = np.array(Image.open(io.BytesIO(read_annotation_bytes(results, self.backend_args))))
        try:
            ids, segments = decoder(raw)
        except ValueError as err:
            raise ValueError(f'{results["seg_map_path"]}: {err}') from err
        masks, sem_seg = paint_segments(ids, segments)
        things = [s for s in segments if s['is_thing']]
        h, w = ids.shape
        results['gt_bboxes'] = HorizontalBoxes(np.array([mask_to_bbox(m) for m in masks],
                                                        dtype=np.float32).reshape(-1, 4))
        results['gt_bboxes_labels'] = np.array([s['category'] for s in things], dtype=np.int64)
        results['gt_instances_ids'] = np.array([s['id'] for s in things], dtype=np.int64)
        results['gt_ignore_flags'] = np.zeros(len(things), dtype=bool)
        if self.with_mask:
            results['gt_masks'] = BitmapMasks(masks, h, w)
        if self.with_seg:
            results['gt_seg_map'] = sem_seg
        return results


@TRANSFORMS.register_module()
class AddSemSeg(BaseTransform):
    """Attach an all-NO_OBJ int32 semantic map when the dataset has none (instance-only datasets)."""

    def transform(self, results: dict) -> dict:
        """Add ``gt_seg_map`` of the image size unless present."""
        if results.get('gt_seg_map') is None:
            h, w = results['img'].shape[:2] if 'img' in results else (results['height'], results['width'])
            results['gt_seg_map'] = np.full((h, w), NO_OBJ, dtype=np.int32)
        return results


@TRANSFORMS.register_module()
class LoadTrackAnnotationsHB(LoadTrackAnnotations):
    """mmdet's ``LoadTrackAnnotations`` with boxes as ``HorizontalBoxes`` (so mmdet's crop/flip work)."""

    _load_bboxes = LoadAnnotations._load_bboxes
