"""Video datasets stored as frame folders plus per-frame panoptic PNGs (VIPSeg, DAVIS 2017).

The frame lists are built in memory from a directory scan (no cache file is written, so read-only
data roots work); masks are decoded per frame by ``LoadVideoSegAnnotations``.
"""
from __future__ import annotations

import os
import os.path as osp

from mmdet.datasets import BaseVideoDataset
from mmdet.registry import DATASETS
from PIL import Image
from tqdm import tqdm

from .annotation_checks import AnnotationError
from .class_names import load_class_names

FRAME_ID_STRIDE = 10000  # img_id = video_id * 10000 + frame_id


@DATASETS.register_module()
class VideoFolderDataset(BaseVideoDataset):
    """Videos listed one per line in ``ann_file``; frames in ``img/<video>/``, masks in ``seg/<video>/``.

    Each video becomes ``{video_id, video_name, video_length, images: [frame info]}``; a frame info
    holds ``img_path``, ``seg_map_path``, ``seg_format``, ``height``, ``width``, ``frame_id``, ``img_id``.
    Every frame is kept (``filter_cfg`` is ignored).
    """

    seg_format: str = ''
    image_suffix = '.jpg'
    mask_suffix = '.png'

    @property
    def dataset_name(self) -> str:
        """Name used in text-bank file names and merged dataset names."""
        return type(self).__name__

    def load_data_list(self) -> list[dict]:
        """Scan the frame folders of the listed videos."""
        if not osp.isfile(self.ann_file):
            raise AnnotationError(f'video list file not found: {self.ann_file}')
        with open(self.ann_file, encoding='utf-8') as f:
            names = [line.strip() for line in f if line.strip()]
        if not names:
            raise AnnotationError(f'{self.ann_file}: no video listed')
        return [self.load_video(video_id, name)
                for video_id, name in enumerate(tqdm(names, desc=f'scanning {type(self).__name__}',
                                                     disable=len(names) < 100))]

    def load_video(self, video_id: int, name: str) -> dict:
        """Frame infos of one video; a missing folder or mask names the list file, video and frame."""
        img_dir = osp.join(self.data_prefix['img'], name)
        if not osp.isdir(img_dir):
            raise AnnotationError(f'{self.ann_file}: video {name!r} has no frame folder {img_dir}')
        frames = sorted(f for f in os.listdir(img_dir) if f.endswith(self.image_suffix))
        if not frames:
            raise AnnotationError(
                f'{self.ann_file}: video {name!r} has no {self.image_suffix} frame in {img_dir}')
        width, height = Image.open(osp.join(img_dir, frames[0])).size
        seg_dir = osp.join(self.data_prefix['seg'], name) if self.data_prefix.get('seg') else None
        images = []
        for frame_id, frame in enumerate(frames):
            seg_map_path = None
            if seg_dir is not None:
                seg_map_path = osp.join(seg_dir, osp.splitext(frame)[0] + self.mask_suffix)
                if not osp.isfile(seg_map_path):
                    raise AnnotationError(f'{self.ann_file}: video {name!r} frame {frame!r} has no mask '
                                          f'{seg_map_path}')
            images.append(dict(img_path=osp.join(img_dir, frame), seg_map_path=seg_map_path,
                               seg_format=self.seg_format, height=height, width=width, frame_id=frame_id,
                               img_id=video_id * FRAME_ID_STRIDE + frame_id, video_id=video_id))
        return dict(video_id=video_id, video_name=name, video_length=len(images), images=images)

    def filter_data(self) -> list[dict]:
        """Keep every frame of every video."""
        return self.data_list


@DATASETS.register_module()
class VIPSegDataset(VideoFolderDataset):
    """VIPSeg video panoptic segmentation (58 things + 66 stuff), 720p release layout."""

    METAINFO = load_class_names('vipseg').metainfo()
    seg_format = 'vipseg'


@DATASETS.register_module()
class DAVISDataset(VideoFolderDataset):
    """DAVIS 2017 semi-supervised VOS: every object is one class-agnostic instance."""

    METAINFO = dict(classes=('object',), thing_classes=('object',), stuff_classes=())
    seg_format = 'davis'
