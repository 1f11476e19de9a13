"""OMG-Seg for images and videos: clip training, MinVIS clip-by-clip video inference (MODEL.md §10, §12.2)."""
from __future__ import annotations

import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList, TrackDataSample
from torch import Tensor

from ..heads.clip_layout import strip_to_frames
from ..heads.clip_targets import clip_inference_sample, clip_strip_sample
from ..heads.outputs import HeadOutputs
from ..heads.video_fusion import frame_instances, frame_panoptic, frame_semantic, select_video_instances
from ..task_modules import QueryTubeTracker, video_split
from .omg_seg import OMGSeg

DTYPES = {'float32': torch.float32, 'float16': torch.float16, 'bfloat16': torch.bfloat16}


@MODELS.register_module()
class OMGSegVideo(OMGSeg):
    """:class:`OMGSeg` that also takes clip batches (B, T, 3, H, W) (reference: ``Mask2formerVideoMinVIS``).

    Training: a clip's frames go through the backbone folded into the batch; the head sees each clip as a
    film strip, so one query predicts a track's mask in every frame (tubes from ``instances_ids``).
    Image batches go through :class:`OMGSeg` unchanged, so image and video batches co-train one model.

    Inference on a whole video (batch size 1 per video): the video is split into tubes of ``clip_size``
    frames (``clip_size_small`` when it has at most ``small_clip_thr`` frames); each tube's queries are
    matched to the previous tube's by Hungarian matching on the cosine similarity of the final decoder
    embeddings; class / objectness logits are averaged over tubes (video-level scores); mask logits stay
    at 1/4 resolution (on ``mask_store_device``, ``'disk'`` for memory flat in the video length, in
    ``mask_store_dtype``) and are upsampled one frame at a time inside post-processing. Every frame gets
    ``pred_track_instances`` (VIS; ``instances_id`` = rank of the (query, class) pair chosen once per
    video), ``pred_track_panoptic_seg`` (VPS; thing id = query index + 1) and/or ``pred_sem_seg`` (VSS)
    per ``test_cfg``, moved to ``result_device``.
    """

    def __init__(self, *, clip_size: int = 5, clip_size_small: int = 3, small_clip_thr: int = 15,
                 mask_store_device: str | None = None, mask_store_dtype: str = 'float32',
                 result_device: str | None = 'cpu', **kwargs) -> None:
        super().__init__(**kwargs)
        if min(clip_size, clip_size_small) < 1:
            raise ValueError(f'clip sizes must be >= 1, got clip_size={clip_size}, '
                             f'clip_size_small={clip_size_small}')
        if mask_store_dtype not in DTYPES:
            raise ValueError(f'mask_store_dtype must be one of {sorted(DTYPES)}, got {mask_store_dtype!r}')
        self.clip_size = clip_size
        self.clip_size_small = clip_size_small
        self.small_clip_thr = small_clip_thr
        self.mask_store_device = mask_store_device
        self.mask_store_dtype = DTYPES[mask_store_dtype]
        self.result_device = result_device

    # ------------------------------------------------------------------ training
    def loss(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> dict[str, Tensor]:
        """Losses of an image batch (B, 3, H, W) or a clip batch (B, T, 3, H, W)."""
        if batch_inputs.dim() != 5:
            return super().loss(batch_inputs, batch_data_samples)
        features = self.encode(batch_inputs.flatten(0, 1))
        strips = [clip_strip_sample(sample) for sample in batch_data_samples]
        return self.panoptic_head.loss(features.pixels, strips)

    def _forward(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> HeadOutputs:
        """Raw head outputs; clip masks are strips (B, Q, T*h, w)."""
        if batch_inputs.dim() != 5:
            return super()._forward(batch_inputs, batch_data_samples)
        strips = [clip_inference_sample(sample.video_data_samples[0], batch_inputs.shape[1])
                  for sample in batch_data_samples]
        return self.panoptic_head.decode(self.encode(batch_inputs.flatten(0, 1)).pixels, strips)

    # ------------------------------------------------------------------ inference
    def predict(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Image predictions (:class:`OMGSeg`) or, for clip batches, per-video MinVIS predictions."""
        if batch_inputs.dim() != 5:
            return super().predict(batch_inputs, batch_data_samples, rescale=rescale)
        if self.seen_classes is not None:
            raise NotImplementedError('open-vocabulary re-scoring (seen_classes) is not supported for videos')
        for frames, sample in zip(batch_inputs, batch_data_samples):
            self.predict_video(frames, sample, rescale=rescale)
        return batch_data_samples

    def tube_length(self, num_frames: int) -> int:
        """Frames per inference tube for a video of ``num_frames`` frames."""
        return self.clip_size if num_frames > self.small_clip_thr else self.clip_size_small

    @torch.no_grad()
    def track_video(self, frames: Tensor, frame_samples: list[DetDataSample]) -> QueryTubeTracker:
        """Run the model tube by tube over a video (T, 3, H, W) and associate the queries across tubes."""
        tracker = QueryTubeTracker(store_device=self.mask_store_device, store_dtype=self.mask_store_dtype)
        modes = self.inference_modes  # the network of each tube under the inference modes, results in fp32
        for start, end in video_split(frames.shape[0], self.tube_length(frames.shape[0])):
            strip = clip_inference_sample(frame_samples[start], end - start)
            with modes.network(self, frames.device):
                outputs = self.panoptic_head(self.encode(modes.inputs(frames[start:end])).pixels, [strip])
            tracker.add_clip(outputs.cls_logits[-1][0].float(), outputs.objectness[-1][0].float(),
                             outputs.query_embeds[0].float(),
                             strip_to_frames(outputs.mask_logits[-1][0], end - start).float())
        return tracker

    @torch.no_grad()
    def predict_video(self, frames: Tensor, sample: TrackDataSample, rescale: bool = True) -> TrackDataSample:
        """Fill every frame of ``sample`` with the video's VIS / VPS / VSS predictions (per ``test_cfg``)."""
        frame_samples = list(sample.video_data_samples)
        if len(frame_samples) != frames.shape[0]:
            raise ValueError(f'video has {frames.shape[0]} frames but {len(frame_samples)} frame samples')
        tracker = self.track_video(frames, frame_samples)
        cls_logits = tracker.cls_logits
        test_cfg = self.panoptic_fusion_head.test_cfg
        selection = None
        if test_cfg.get('instance_on', False):
            selection = select_video_instances(cls_logits, self.num_things_classes,
                                               test_cfg.get('max_per_image', 100))
        for index, frame_sample in enumerate(frame_samples):
            mask_logits = tracker.frame_masks(index).to(cls_logits.device)
            meta = frame_sample.metainfo
            if selection is not None:
                frame_sample.pred_track_instances = frame_instances(
                    selection, mask_logits, meta, rescale).to(self.result_device or cls_logits.device)
            if test_cfg.get('panoptic_on', True):
                frame_sample.pred_track_panoptic_seg = frame_panoptic(
                    self.panoptic_fusion_head, cls_logits, mask_logits, meta, rescale).to(
                        self.result_device or cls_logits.device)
            if test_cfg.get('semantic_on', False):
                frame_sample.pred_sem_seg = frame_semantic(cls_logits, mask_logits, meta, rescale).to(
                    self.result_device or cls_logits.device)
        return sample
