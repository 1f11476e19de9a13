"""Synthetic videos with known tracks and the toy video model for video tests."""
from __future__ import annotations

import numpy as np
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData, PixelData

from tests.models.model_test_utils import NO_OBJ, toy_model_cfg

NUM_THINGS = 8
TRACK_LABELS = {11: 1, 22: 3}  # track id -> thing label


def build_toy_video_model(seed: int = 0, **video_kwargs):
    """The toy OMG-Seg config as ``OMGSegVideo`` (placeholder text bank), on the CPU."""
    import seg  # noqa: F401  (registers the modules)
    init_default_scope('mmdet')
    torch.manual_seed(seed)
    cfg = toy_model_cfg().model
    cfg.update(type='OMGSegVideo', **video_kwargs)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def track_boxes(frame: int, height: int, width: int) -> dict[int, tuple[int, int, int, int]]:
    """(y0, y1, x0, x1) of each track in ``frame``: track 11 moves right, track 22 moves down."""
    h, w = max(height // 4, 4), max(width // 4, 4)
    return {11: (2, 2 + h, 2 + 3 * frame % max(width - w - 2, 1), 2 + 3 * frame % max(width - w - 2, 1) + w),
            22: (height - h - 2 - 2 * frame % max(height - h - 4, 1),
                 height - 2 - 2 * frame % max(height - h - 4, 1), width - w - 2, width - 2)}


def synthetic_video(num_frames: int = 4, height: int = 64, width: int = 96, seed: int = 0,
                    present: dict[int, list[int]] | None = None) -> tuple[torch.Tensor, TrackDataSample]:
    """BGR uint8 frames (T, 3, H, W) with two tracked rectangles on two stuff halves + the GT clip sample.

    ``present`` maps a track id to the frames it appears in (default: every frame).
    """
    rng = np.random.default_rng(seed)
    frames, frame_samples = [], []
    for t in range(num_frames):
        image = rng.integers(90, 160, size=(3, height, width), dtype=np.uint8)
        sem = np.full((height, width), NO_OBJ, dtype=np.int64)
        sem[: height // 2] = NUM_THINGS
        sem[height // 2:] = NUM_THINGS + 1
        ids, labels, masks, boxes = [], [], [], []
        for track, (y0, y1, x0, x1) in track_boxes(t, height, width).items():
            if present is not None and t not in present.get(track, []):
                continue
            mask = np.zeros((height, width), dtype=np.uint8)
            mask[y0:y1, x0:x1] = 1
            image[:, mask > 0] = 230 if track == 11 else 20
            sem[mask > 0] = TRACK_LABELS[track]
            ids.append(track)
            labels.append(TRACK_LABELS[track])
            masks.append(mask)
            boxes.append([x0, y0, x1, y1])
        sample = DetDataSample(metainfo=dict(
            img_shape=(height, width), ori_shape=(height, width), scale_factor=(1.0, 1.0), frame_id=t,
            video_id=seed, img_id=seed * 1000 + t, img_path=f'video{seed}/{t:05d}.jpg',
            video_length=num_frames))
        sample.gt_instances = InstanceData(
            labels=torch.tensor(labels, dtype=torch.long),
            masks=BitmapMasks(np.stack(masks) if masks else np.zeros((0, height, width), np.uint8),
                              height, width),
            bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
            instances_ids=torch.tensor(ids, dtype=torch.long))
        sample.gt_sem_seg = PixelData(sem_seg=torch.from_numpy(sem)[None])
        frames.append(torch.from_numpy(image))
        frame_samples.append(sample)
    track_sample = TrackDataSample()
    track_sample.video_data_samples = frame_samples
    return torch.stack(frames), track_sample


def synthetic_clip_batch(batch_size: int = 1, **video_kwargs) -> dict:
    """Data dict of clips as the dataloader delivers it (before the data preprocessor)."""
    pairs = [synthetic_video(seed=i, **video_kwargs) for i in range(batch_size)]
    return dict(inputs=[p[0] for p in pairs], data_samples=[p[1] for p in pairs])
