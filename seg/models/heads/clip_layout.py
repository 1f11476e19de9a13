"""Film-strip layout of video clips: the T frames of a clip stacked along the height axis."""
from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor

NUM_FRAMES_KEY = 'num_frames'


def frames_to_strip(frames: Tensor, num_frames: int) -> Tensor:
    """Per-frame maps (B*T, C, h, w) -> one strip per clip (B, C, T*h, w), frames top to bottom."""
    total, channels, height, width = frames.shape
    if total % num_frames:
        raise ValueError(f'{total} frames cannot be split into clips of {num_frames} frames')
    clips = frames.view(total // num_frames, num_frames, channels, height, width)
    return clips.permute(0, 2, 1, 3, 4).reshape(total // num_frames, channels, num_frames * height, width)


def strip_to_frames(strip: Tensor, num_frames: int) -> Tensor:
    """A strip (..., T*h, w) -> (..., T, h, w)."""
    height = strip.shape[-2] // num_frames
    if height * num_frames != strip.shape[-2]:
        raise ValueError(f'strip height {strip.shape[-2]} is not a multiple of {num_frames} frames')
    return strip.unflatten(-2, (num_frames, height))


def samples_num_frames(batch_data_samples: Sequence) -> int:
    """Frames per sample from the samples' ``num_frames`` meta (1 = images); all samples must agree."""
    counts = {sample.metainfo.get(NUM_FRAMES_KEY, 1) for sample in batch_data_samples}
    if len(counts) > 1:
        raise ValueError(f'all clips of a batch must have the same number of frames, got {sorted(counts)}')
    return counts.pop() if counts else 1
