"""Hand-built data samples with known masks for the visualisation tests."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData, PixelData

H, W = 96, 128
GRAY = 100
CLASSES = ('person,child,kid', 'car', 'sky', 'road')  # 2 things, 2 stuff
NUM_CLASSES = len(CLASSES)
OFFSET = 1000  # mmdet INSTANCE_OFFSET


def gray_image() -> np.ndarray:
    """Uniform grey RGB image (H, W, 3)."""
    return np.full((H, W, 3), GRAY, dtype=np.uint8)


def box_mask(y1: int, y2: int, x1: int, x2: int) -> np.ndarray:
    """Boolean (H, W) mask of one rectangle."""
    mask = np.zeros((H, W), dtype=bool)
    mask[y1:y2, x1:x2] = True
    return mask


def write_gray_image(path: Path) -> str:
    """Write the grey image (as BGR file) to ``path``; returns the path as str."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), gray_image())
    return str(path)


def panoptic_sample(img_path: str = 'imgs/a.png', with_gt: bool = False) -> DetDataSample:
    """Panoptic prediction: person #1 at rows/cols 10-60, sky on rows 70+, void elsewhere."""
    pan = np.full((1, H, W), NUM_CLASSES, dtype=np.int64)
    pan[0, 10:60, 10:60] = 0 + 1 * OFFSET
    pan[0, 70:, :] = 2
    sample = DetDataSample(metainfo=dict(img_path=img_path, ori_shape=(H, W), img_shape=(H, W)))
    sample.pred_panoptic_seg = PixelData(sem_seg=torch.from_numpy(pan))
    if with_gt:
        sem = np.full((1, H, W), 65535, dtype=np.int64)
        sem[0, 70:, :] = 2
        sem[0, 10:60, 10:60] = 0
        sample.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem))
        sample.gt_instances = InstanceData(labels=torch.tensor([0]),
                                           masks=BitmapMasks(box_mask(10, 60, 10, 60)[None], H, W),
                                           bboxes=torch.tensor([[10., 10., 60., 60.]]))
    return sample


def instance_sample(scores=(0.9, 0.1), img_path: str = 'imgs/b.png') -> DetDataSample:
    """Instance predictions: a car at rows 10-50 / cols 10-50 and a person at rows 10-50 / cols 70-110."""
    masks = np.stack([box_mask(10, 50, 10, 50), box_mask(10, 50, 70, 110)])
    sample = DetDataSample(metainfo=dict(img_path=img_path, ori_shape=(H, W), img_shape=(H, W)))
    sample.pred_instances = InstanceData(
        labels=torch.tensor([1, 0]), scores=torch.tensor(scores, dtype=torch.float32),
        masks=torch.from_numpy(masks), bboxes=torch.tensor([[10., 10., 50., 50.], [70., 10., 110., 50.]]))
    return sample


def track_frame(track_boxes: dict[int, tuple[int, int, int, int]], frame_id: int, img_path: str,
                video_length: int) -> DetDataSample:
    """One video frame with ``pred_track_instances``: track id -> box (y1, y2, x1, x2) of its mask."""
    ids = sorted(track_boxes)
    masks = np.stack([box_mask(*track_boxes[i]) for i in ids]) if ids else np.zeros((0, H, W), bool)
    frame = DetDataSample(metainfo=dict(img_path=img_path, frame_id=frame_id, ori_shape=(H, W),
                                        ori_video_length=video_length))
    frame.pred_track_instances = InstanceData(
        labels=torch.ones(len(ids), dtype=torch.int64), scores=torch.full((len(ids),), 0.9),
        masks=torch.from_numpy(masks), instances_id=torch.tensor(ids, dtype=torch.int64))
    return frame


def moving_tracks(num_frames: int) -> list[dict[int, tuple[int, int, int, int]]]:
    """Track 7 moving right by 8 px per frame, track 3 fixed at the bottom."""
    return [{7: (10, 50, 10 + 8 * t, 50 + 8 * t), 3: (60, 90, 20, 100)} for t in range(num_frames)]


def track_sample(video_dir: Path, num_frames: int = 3, first: int = 0, video_length: int | None = None,
                 write_images: bool = True) -> TrackDataSample:
    """A TrackDataSample of frames ``first..first+num_frames-1`` of video ``video_dir.name``."""
    video_length = video_length or num_frames
    frames = []
    for t, boxes in enumerate(moving_tracks(first + num_frames)[first:], start=first):
        img_path = str(video_dir / f'{t:05d}.png')
        if write_images:
            write_gray_image(Path(img_path))
        frames.append(track_frame(boxes, t, img_path, video_length))
    return TrackDataSample(video_data_samples=frames)


def blended(color, alpha: float = 0.6) -> np.ndarray:
    """Expected pixel of the grey image under a mask of ``color`` drawn with opacity ``alpha``."""
    return np.round((1 - alpha) * GRAY + alpha * np.asarray(color, dtype=np.float64))
