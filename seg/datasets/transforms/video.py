"""Clip construction: frame sampling from videos and image-to-clip copying."""
from __future__ import annotations

import copy
import random

import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import BaseFrameSample
from mmdet.registry import TRANSFORMS

INSTANCE_ID_OFFSET = 10000


@TRANSFORMS.register_module()
class VideoClipSample(BaseFrameSample):
    """Sample ``num_selected`` frames ``interval`` apart at a uniform random start; short videos -> None."""

    produces_clip = True

    def __init__(self, num_selected: int = 2, interval: int = 2,
                 collect_video_keys: tuple[str, ...] = ('video_id', 'video_length')):
        super().__init__(collect_video_keys=list(collect_video_keys))
        if num_selected < 1 or interval < 1:
            raise ValueError(f'num_selected and interval must be >= 1, got {num_selected}, {interval}')
        self.num_selected = num_selected
        self.interval = interval

    @property
    def span(self) -> int:
        """Number of consecutive frames a clip covers."""
        return self.num_selected + (self.num_selected - 1) * (self.interval - 1)

    def transform(self, video_infos: dict) -> dict | None:
        """Frame lists of the sampled clip (dict of per-frame lists), or None to re-draw."""
        length = len(video_infos['images'])
        if length < self.span:
            return None
        first = random.randint(0, length - self.span)
        indices = [first + k * self.interval for k in range(self.num_selected)]
        return self.prepare_data(copy.deepcopy(video_infos), indices)


@TRANSFORMS.register_module()
class ImageCopy(BaseTransform):
    """Turn one image sample into a ``num_frames`` pseudo clip of deep copies with track ids.

    ``gt_instances_ids = label * 10000 + arange(n) + 1`` (the same in every copy).
    """

    produces_clip = True

    def __init__(self, num_frames: int = 2):
        if num_frames < 1:
            raise ValueError(f'num_frames must be >= 1, got {num_frames}')
        self.num_frames = num_frames

    def transform(self, results: dict) -> dict:
        """Replace every value by a list of copies; add frame ids and instance ids."""
        labels = results.get('gt_bboxes_labels', np.zeros(0, dtype=np.int64))
        results['gt_instances_ids'] = (labels.astype(np.int64) * INSTANCE_ID_OFFSET
                                       + np.arange(len(labels)) + 1)
        results.setdefault('video_id', results.get('img_id'))
        clip = {key: [copy.deepcopy(value) for _ in range(self.num_frames)] for key, value in results.items()}
        clip['frame_id'] = list(range(self.num_frames))
        clip['video_length'] = [self.num_frames] * self.num_frames
        clip['ori_video_length'] = [self.num_frames] * self.num_frames
        return clip
