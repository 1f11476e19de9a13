"""Packing of clips into ``TrackDataSample`` with per-frame semantic maps."""
from __future__ import annotations

import numpy as np
import torch
from mmdet.datasets.transforms import PackTrackInputs
from mmdet.registry import TRANSFORMS
from mmdet.structures.bbox import BaseBoxes
from mmengine.structures import PixelData


@TRANSFORMS.register_module()
class PackVidSegInputs(PackTrackInputs):
    """mmdet's ``PackTrackInputs`` plus ``gt_sem_seg`` (1, H, W) on every frame's ``DetDataSample``."""

    def transform(self, results: dict) -> dict:
        """Pack frames to ``inputs`` (T, 3, H, W) uint8 and a ``TrackDataSample`` (ids int64)."""
        results = dict(results)
        if 'gt_bboxes' in results:
            results['gt_bboxes'] = [b.numpy() if isinstance(b, BaseBoxes) else b
                                    for b in results['gt_bboxes']]
        if 'gt_instances_ids' in results:
            results['gt_instances_ids'] = [np.asarray(i, dtype=np.int64) for i in results['gt_instances_ids']]
        packed = super().transform(results)
        sem_segs = results.get('gt_seg_map')
        if sem_segs is not None:
            for frame_sample, sem_seg in zip(packed['data_samples'].video_data_samples, sem_segs):
                sem_seg = torch.from_numpy(np.ascontiguousarray(sem_seg)[None])
                frame_sample.gt_sem_seg = PixelData(sem_seg=sem_seg)
        return packed
