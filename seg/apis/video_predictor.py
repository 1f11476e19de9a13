"""Video predictor: VIS / VPS / VSS with MinVIS tracking, and VOS from first-frame masks."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from mmdet.structures import TrackDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData
from torch import Tensor

from .predictor_base import PredictorBase
from .results import Result, instance_result, panoptic_result, semantic_result, track_segment_scorer
from .video_io import frame_files, read_video_frames, video_frames
from .video_objects import FrameObjects, VideoObjectsMixin
from .video_state import VideoState

__all__ = ['FrameObjects', 'VideoPredictor', 'VideoState', 'frame_files', 'read_video_frames', 'video_frames']

VIDEO_TASKS = ('panoptic', 'instance', 'semantic')
VIDEO_MODEL_TYPES = ('OMGSegVideo', 'OMGSegVOS')


class VideoPredictor(VideoObjectsMixin, PredictorBase):
    """OMG-Seg on videos, in the spirit of SAM 2's video predictor.

    ``init_state`` starts a video (optionally with its frames); ``add_frame(s)`` appends frames of a stream.
    Objects, SAM 2 style with class labels (:class:`~seg.apis.video_objects.VideoObjectsMixin`):
    ``add_new_points_or_box`` / ``add_new_mask`` on any frame, ``propagate_in_video`` (a generator, frame by
    frame, features in a bounded window), ``remove_object``, ``reset_state``.
    Whole clips: ``propagate`` segments every frame added so far (video panoptic, instance or semantic
    segmentation, MinVIS clip-by-clip tracking: a thing keeps its ``instance_id`` / ``track_ids`` in every
    frame); ``propagate_masks`` follows given first-frame object masks through the video (VOS, model built
    with ``vos_mode``). Frames: numpy RGB arrays, PIL images or files; results: one dict per frame, as the
    image predictor's, at the original frame size.

    Example::

        predictor = VideoPredictor.from_config(config, checkpoint)
        state = predictor.init_state('path/to/frames')
        frames = predictor.propagate(state, task='panoptic')
        predictor.add_new_points_or_box(state, frame_idx=5, obj_id=1, points=[[120, 80]], labels=[1])
        for frame_idx, obj_ids, masks, class_names, scores in predictor.propagate_in_video(state):
            ...
    """

    @classmethod
    def adapt_config(cls, cfg: Config, vos_mode: str | None = None) -> Config:
        """Use the video detector for image configs (same weights); with ``vos_mode`` ('proposal' or
        'prompt') the VOS detector."""
        if vos_mode is not None:
            cfg.model.type = 'OMGSegVOS'
            cfg.model.vos_mode = vos_mode
        elif cfg.model.type == 'OMGSeg':
            cfg.model.type = 'OMGSegVideo'
        if cfg.model.type not in VIDEO_MODEL_TYPES:
            raise ValueError(f'{cfg.model.type} cannot segment videos; VideoPredictor needs one of '
                             f'{VIDEO_MODEL_TYPES} (or an OMGSeg config, promoted to OMGSegVideo)')
        return cfg

    # ------------------------------------------------------------------ whole clips
    def _batch(self, state: VideoState) -> tuple[Tensor, TrackDataSample]:
        """The video as one normalised clip (T, 3, Hp, Wp) on the model device and its frame samples."""
        self._frame_size(state)
        frames = [state.frame(index) for index in range(state.num_frames)]
        track = TrackDataSample()
        track.video_data_samples = [frame.sample.clone() for frame in frames]
        for index, sample in enumerate(track.video_data_samples):
            sample.set_metainfo(dict(frame_id=index))
        batch = dict(inputs=[torch.stack([frame.inputs for frame in frames])], data_samples=[track])
        batch = self.model.data_preprocessor(batch, False)
        return batch['inputs'][0], batch['data_samples'][0]

    # ------------------------------------------------------------------ VIS / VPS / VSS
    @torch.no_grad()
    def propagate(self, state: VideoState, task: str = 'panoptic', score_thr: float = 0.3) -> list[Result]:
        """Per-frame results of ``task`` ('panoptic', 'instance' with ``score_thr``, 'semantic')."""
        from seg.models.heads.video_fusion import (
            frame_panoptic,
            frame_semantic,
            select_video_instances,
            upsample_frame_masks,
        )
        if task not in VIDEO_TASKS:
            raise ValueError(f'task must be one of {VIDEO_TASKS}, got {task!r}')
        frames, track = self._batch(state)
        tracker = self.model.track_video(frames, list(track.video_data_samples))
        cls_logits, fusion = tracker.cls_logits, self.model.panoptic_fusion_head
        if task == 'instance':
            limit = (fusion.test_cfg or {}).get('max_per_image', 100)
            selection = select_video_instances(cls_logits, self.vocabulary.num_things, limit)
        results = []
        for index, frame in enumerate(track.video_data_samples):
            meta, mask_logits = frame.metainfo, tracker.frame_masks(index).to(cls_logits.device)
            if task == 'panoptic':
                pan_map = frame_panoptic(fusion, cls_logits, mask_logits, meta, True).sem_seg[0]
                results.append(panoptic_result(pan_map, self.vocabulary, track_segment_scorer(cls_logits)))
            elif task == 'semantic':
                results.append(semantic_result(frame_semantic(cls_logits, mask_logits, meta, True).sem_seg[0],
                                               self.vocabulary))
            else:
                instances = self._frame_instances(selection, mask_logits, meta, upsample_frame_masks)
                results.append(instance_result(instances, self.vocabulary, score_thr, meta['ori_shape'][:2]))
        return results

    @staticmethod
    def _frame_instances(selection, mask_logits: Tensor, meta: dict, upsample) -> InstanceData:
        """Instances of one frame for the video's selected (query, class) pairs (empty selection allowed)."""
        from seg.models.heads.video_fusion import frame_instances
        if len(selection.labels):
            return frame_instances(selection, mask_logits, meta, True)
        size = meta['ori_shape'][:2]
        return InstanceData(masks=torch.zeros((0, *size), dtype=torch.bool), labels=selection.labels,
                            scores=selection.scores, bboxes=torch.zeros(0, 4),
                            instances_id=selection.labels.new_zeros(0))

    # ------------------------------------------------------------------ VOS
    @torch.no_grad()
    def propagate_masks(self, state: VideoState, masks, obj_ids: Sequence[int] | None = None) -> list[Result]:
        """Follow objects given by first-frame masks (K, H, W) bool (original size) through the video.

        Per frame: ``id_map`` (H, W) int64 (object id per pixel, 0 = background), ``obj_ids`` (K,) and
        ``masks`` (K, H, W) bool. Object ids default to 1..K.
        """
        if not hasattr(self.model, 'segment_video'):
            raise NotImplementedError('VOS needs the VOS detector: build the predictor with '
                                      "VideoPredictor.from_config(..., vos_mode='prompt' or 'proposal')")
        masks = torch.as_tensor(np.asarray(masks)).bool()
        if masks.dim() == 2:
            masks = masks[None]
        size = tuple(self._frame_size(state))
        if masks.dim() != 3 or tuple(masks.shape[-2:]) != size:
            raise ValueError(f'first-frame masks must have shape (K, {size[0]}, {size[1]}), '
                             f'got {tuple(masks.shape)}')
        ids = torch.arange(1, len(masks) + 1) if obj_ids is None else torch.as_tensor(list(obj_ids)).long()
        if len(ids) != len(masks) or (ids <= 0).any() or len(set(ids.tolist())) != len(ids):
            raise ValueError(f'obj_ids must be {len(masks)} distinct positive ids, got {ids.tolist()}')
        frames, track = self._batch(state)
        track.video_data_samples[0].gt_instances = InstanceData(masks=masks, instances_ids=ids)
        self.model.segment_video(frames, track, rescale=True)
        results = []
        for frame in track.video_data_samples:
            id_map = frame.pred_track_proposal.cpu()
            results.append(dict(id_map=id_map.numpy(), obj_ids=ids.numpy(),
                                masks=(id_map[None] == ids[:, None, None]).numpy()))
        return results

    @staticmethod
    def _frame_size(state: VideoState) -> tuple[int, int]:
        """Original (H, W) of the video's frames."""
        if state.num_frames == 0:
            raise RuntimeError('the video has no frames yet: pass them to init_state or add_frame(s)')
        return state.frame(0).original_size
