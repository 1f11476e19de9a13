"""Clip ground truth as film strips: one mask tube per track over the T frames of a clip (MODEL.md §10)."""
from __future__ import annotations

import numpy as np
import torch
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData, PixelData

from .clip_layout import NUM_FRAMES_KEY


def _frame_masks(frame: DetDataSample) -> np.ndarray:
    """(n, H, W) uint8 GT masks of one frame."""
    masks = frame.gt_instances.masks
    return masks.masks if isinstance(masks, BitmapMasks) else masks.detach().cpu().numpy().astype(np.uint8)


def _frame_track_ids(frame: DetDataSample, num_frames: int) -> list[int]:
    """Track ids of a frame's instances (a single-frame sample without ids: their indices)."""
    ids = frame.gt_instances.get('instances_ids')
    if ids is None:
        if num_frames > 1:
            raise ValueError(f'clip frame {frame.metainfo.get("img_path")} has gt_instances without '
                             f'instances_ids; clips need track ids to build mask tubes')
        return list(range(len(frame.gt_instances)))
    return [int(i) for i in torch.as_tensor(ids).tolist()]


def _frame_size(frames: list[DetDataSample]) -> tuple[int, int]:
    """(H, W) shared by every frame's GT masks (frames of a batch are padded to one size)."""
    sizes = {(f.gt_instances.masks.height, f.gt_instances.masks.width) if isinstance(
        f.gt_instances.masks, BitmapMasks) else tuple(f.gt_instances.masks.shape[-2:]) for f in frames}
    if len(sizes) != 1:
        raise ValueError(f'frames of a clip have GT masks of different sizes {sorted(sizes)}; '
                         f'pad them to the batch size first (data preprocessor, training=True)')
    return sizes.pop()


def tube_instances(frames: list[DetDataSample]) -> InstanceData:
    """Thing tubes of a clip: labels (N,) and masks BitmapMasks (N, T*H, W), in order of first appearance.

    A track's tube holds its mask in the frames where it appears and zeros elsewhere; its label must be
    the same in every frame.
    """
    num_frames = len(frames)
    height, width = _frame_size(frames)
    tracks: dict[int, int] = {}
    labels: list[int] = []
    placements: list[tuple[int, int, np.ndarray]] = []
    for t, frame in enumerate(frames):
        frame_labels = torch.as_tensor(frame.gt_instances.labels).tolist()
        for track, label, mask in zip(_frame_track_ids(frame, num_frames), frame_labels, _frame_masks(frame)):
            if track not in tracks:
                tracks[track] = len(labels)
                labels.append(int(label))
            elif labels[tracks[track]] != label:
                raise ValueError(f'track {track} changes label ({labels[tracks[track]]} -> {label}) in clip '
                                 f'frame {frame.metainfo.get("img_path")}')
            placements.append((tracks[track], t, mask))
    tubes = np.zeros((len(labels), num_frames, height, width), dtype=np.uint8)
    for index, t, mask in placements:
        tubes[index, t] = mask
    device = torch.as_tensor(frames[0].gt_instances.labels).device
    return InstanceData(labels=torch.tensor(labels, dtype=torch.long, device=device),
                        masks=BitmapMasks(tubes.reshape(len(labels), num_frames * height, width),
                                          num_frames * height, width))


def stacked_sem_seg(frames: list[DetDataSample]) -> PixelData | None:
    """Per-frame semantic maps (1, H, W) stacked to (1, T*H, W); None if a frame has none."""
    if any('gt_sem_seg' not in frame for frame in frames):
        return None
    return PixelData(sem_seg=torch.cat([frame.gt_sem_seg.sem_seg for frame in frames], dim=-2))


def clip_strip_sample(track_sample: TrackDataSample) -> DetDataSample:
    """One ``DetDataSample`` per clip for the head's losses: thing tubes, stacked semantic map (stuff tubes
    follow from it), the first frame's meta plus ``num_frames``."""
    frames = list(track_sample.video_data_samples)
    strip = DetDataSample(metainfo={**frames[0].metainfo, NUM_FRAMES_KEY: len(frames)})
    strip.gt_instances = tube_instances(frames)
    sem_seg = stacked_sem_seg(frames)
    if sem_seg is not None:
        strip.gt_sem_seg = sem_seg
    return strip


def clip_inference_sample(frame: DetDataSample, num_frames: int) -> DetDataSample:
    """Meta-only strip sample for running the head on ``num_frames`` frames shaped like ``frame``."""
    return DetDataSample(metainfo={**frame.metainfo, NUM_FRAMES_KEY: num_frames})
