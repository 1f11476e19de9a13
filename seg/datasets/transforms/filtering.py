"""Annotation filtering and test-time meta adjustments."""
from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.registry import TRANSFORMS


@TRANSFORMS.register_module()
class FilterAnnotationsHB(BaseTransform):
    """Mark instances whose mask area is below ``min_gt_mask_area`` as ignored; None if none is left."""

    def __init__(self, *, min_gt_mask_area: int = 32, keep_empty: bool = False):
        self.min_gt_mask_area = min_gt_mask_area
        self.keep_empty = keep_empty

    def transform(self, results: dict) -> dict | None:
        """Update ``gt_ignore_flags`` from mask areas; drop the sample when no valid instance remains."""
        masks = results.get('gt_masks')
        if masks is None:
            return results
        areas = np.asarray(masks.areas) if len(masks) else np.zeros(0)
        flags = results.get('gt_ignore_flags', np.zeros(len(areas), dtype=bool))
        flags = np.asarray(flags, dtype=bool) | (areas < self.min_gt_mask_area)
        results['gt_ignore_flags'] = flags
        if not self.keep_empty and not (~flags).any():
            return None
        return results


@TRANSFORMS.register_module()
class ResizeOri(BaseTransform):
    """Evaluate at the resized resolution: ``ori_shape`` <- ``img_shape``, ``scale_factor`` <- (1, 1)."""

    def transform(self, results: dict) -> dict:
        """Overwrite the original-shape meta data."""
        results['ori_shape'] = results['img_shape']
        results['scale_factor'] = (1.0, 1.0)
        return results
