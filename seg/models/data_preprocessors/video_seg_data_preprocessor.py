"""Normalise, pad and batch images and video clips for OMG-Seg."""
from __future__ import annotations

from collections.abc import Sequence

import torch
from mmdet.models.data_preprocessors import DetDataPreprocessor
from mmdet.registry import MODELS
from mmdet.structures import TrackDataSample

from .batch_split import own_pad_shape
from .streamed_clips import StreamedClips, StreamedFrames

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)
NO_OBJ = 65535


@MODELS.register_module()
class VideoSegDataPreprocessor(DetDataPreprocessor):
    """mmdet's detection preprocessor with OMG-Seg defaults.

    Defaults: ImageNet mean/std (the statistics the published checkpoints were trained with, although
    CLIP was pre-trained with others), BGR->RGB, padding to a multiple of 32, GT masks padded with 0 and
    semantic maps with NO_OBJ (65535). Inputs: a list of uint8 images (3, H, W) -> (B, 3, Hp, Wp).
    Video clips (T, 3, H, W) go through :meth:`forward_clips` -> (B, T, 3, Hp, Wp). ``stream_clips``
    (default): at inference, clips come out as :class:`StreamedClips`, whose frames are normalised and
    padded a window at a time when the model indexes them (same values; the raw uint8 video is all that is
    held), instead of the whole float32 video at once.
    """

    def __init__(self, *, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD,
                 bgr_to_rgb: bool = True, pad_size_divisor: int = 32, pad_mask: bool = True,
                 mask_pad_value: int = 0, pad_seg: bool = True, seg_pad_value: int = NO_OBJ,
                 stream_clips: bool = True, **kwargs) -> None:
        super().__init__(mean=mean, std=std, bgr_to_rgb=bgr_to_rgb, pad_size_divisor=pad_size_divisor,
                         pad_mask=pad_mask, mask_pad_value=mask_pad_value, pad_seg=pad_seg,
                         seg_pad_value=seg_pad_value, **kwargs)
        self.stream_clips = stream_clips

    @staticmethod
    def is_clip_batch(data: dict) -> bool:
        """Whether ``data['inputs']`` holds video clips (T, 3, H, W) rather than images (3, H, W)."""
        inputs = data['inputs']
        first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        return first.dim() == (4 if isinstance(inputs, (list, tuple)) else 5)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Batch images (B, 3, Hp, Wp) or clips (B, T, 3, Hp, Wp) with their data samples."""
        if self.is_clip_batch(data):
            return self.forward_clips(data, training)
        return super().forward(data, training)

    def forward_clips(self, data: dict, training: bool = False) -> dict:
        """Batch clips (T, 3, H, W) -> (B, T, 3, Hp, Wp): every frame of every clip is normalised and padded
        to the common size like an image, and each frame's ``DetDataSample`` gets ``batch_input_shape`` and
        ``pad_shape`` (training: padded GT masks / semantic maps, batch augments frame by frame)."""
        clips, track_samples = data['inputs'], data.get('data_samples')
        if not isinstance(clips, (list, tuple)):
            clips = list(clips)
        lengths = {clip.shape[0] for clip in clips}
        if len(lengths) != 1:
            raise ValueError(f'all clips of a batch must have the same number of frames, '
                             f'got {sorted(lengths)}')
        num_frames = lengths.pop()
        if self.stream_clips and not training:
            return self._streamed_clips(clips, track_samples)
        frames = [frame for clip in clips for frame in clip]
        frame_samples = None
        if track_samples is not None:
            frame_samples = [frame for sample in track_samples for frame in sample.video_data_samples]
            if len(frame_samples) != len(frames):
                raise ValueError(f'{len(frames)} frames but {len(frame_samples)} frame data samples')
        batch = super().forward(dict(inputs=frames, data_samples=frame_samples), training)
        inputs = batch['inputs']
        inputs = inputs.view(len(clips), num_frames, *inputs.shape[1:])
        if track_samples is not None:  # frame samples were copied to the device: regroup the copies
            frame_samples = batch['data_samples']
            track_samples = [self._track_sample(sample, frame_samples[i * num_frames:(i + 1) * num_frames])
                             for i, sample in enumerate(track_samples)]
        return dict(inputs=inputs, data_samples=track_samples)

    def _normalise(self, frames: list) -> torch.Tensor:
        """Frames (3, H, W) of one size -> normalised batch (n, 3, Hp, Wp), as mmdet's preprocessor does."""
        return super().forward(dict(inputs=frames, data_samples=None), False)['inputs']

    def _streamed_clips(self, clips: list, track_samples: list | None) -> dict:
        """Inference clips as :class:`StreamedClips` on the device; frame samples get ``batch_input_shape``
        (the batch's padded size) and ``pad_shape`` (their clip's own padded size), as for images."""
        height = max(clip.shape[-2] for clip in clips)
        width = max(clip.shape[-1] for clip in clips)
        padded = own_pad_shape((height, width), self.pad_size_divisor)
        inputs = StreamedClips([StreamedFrames(self.cast_data(clip), self._normalise, padded, self.pad_value)
                                for clip in clips])
        if track_samples is not None:
            regrouped = []
            for clip, sample in zip(clips, track_samples):
                if len(sample.video_data_samples) != clip.shape[0]:
                    raise ValueError(f'{clip.shape[0]} frames but {len(sample.video_data_samples)} frame '
                                     'data samples')
                frame_samples = self.cast_data(list(sample.video_data_samples))
                own = own_pad_shape(clip.shape[-2:], self.pad_size_divisor)
                for frame_sample in frame_samples:
                    frame_sample.set_metainfo(dict(batch_input_shape=padded, pad_shape=own))
                regrouped.append(self._track_sample(sample, frame_samples))
            track_samples = regrouped
        return dict(inputs=inputs, data_samples=track_samples)

    @staticmethod
    def _track_sample(sample: TrackDataSample, frame_samples: list) -> TrackDataSample:
        """A TrackDataSample with ``sample``'s meta holding the given frame samples."""
        track_sample = TrackDataSample(metainfo=sample.metainfo)
        track_sample.video_data_samples = frame_samples
        return track_sample
