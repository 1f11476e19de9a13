"""OMG-Seg answering point / box prompts (SAM-like interactive segmentation)."""
from __future__ import annotations

import torch
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmengine.structures import InstanceData
from torch import Tensor

from ..heads.outputs import HeadPrediction
from ..query_generators import mask_boxes
from .omg_seg import OMGSeg

PROMPT_DATA_TAG = 'sam'


@MODELS.register_module()
class OMGSegInteractive(OMGSeg):
    """OMG-Seg whose prompt batches give one mask per prompt (``pred_instances``); other batches as OMGSeg.

    A batch is a prompt batch when its samples carry ``prompts`` (``seg.models.query_generators``,
    coordinates in the resized input frame) or ``data_tag == 'sam'``; with ``prompts_only=True`` every
    batch is (the reference's ``inference_sam``), prompts being drawn from the GT masks where missing
    (evaluation: one centre click or box per GT instance, ``panoptic_head.prompt_sampler``).

    Output per prompt, in prompt order: ``masks`` (N, H, W) bool at ``ori_shape`` (``rescale``) or
    ``img_shape``, ``scores`` (N,) the objectness probability of the prompt query, ``mask_scores`` (N,)
    the mean foreground probability inside the mask, ``bboxes`` (N, 4) the masks' tight boxes, ``labels``
    (N,) all 0 (class-agnostic; present for mmdet's visualiser).
    """

    def __init__(self, *, prompts_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        if not self.panoptic_head.enable_box_query:
            raise ValueError('OMGSegInteractive needs panoptic_head.enable_box_query=True '
                             '(prompt parameters)')
        self.prompts_only = prompts_only

    def _tag_prompt_batch(self, batch_data_samples: SampleList) -> None:
        """With ``prompts_only``, mark samples without a tag as prompt ('sam') samples."""
        if self.prompts_only:
            for sample in batch_data_samples:
                if sample.metainfo.get('data_tag') is None:
                    sample.set_metainfo(dict(data_tag=PROMPT_DATA_TAG))

    def loss(self, batch_inputs: Tensor, batch_data_samples: SampleList) -> dict[str, Tensor]:
        """Losses; prompt batches are supervised prompt by prompt (see ``PromptQueryMixin``)."""
        self._tag_prompt_batch(batch_data_samples)
        return super().loss(batch_inputs, batch_data_samples)

    def predict(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                rescale: bool = True) -> SampleList:
        """Per-prompt masks for prompt batches, panoptic / instance results otherwise."""
        self._tag_prompt_batch(batch_data_samples)
        if not self.panoptic_head.uses_prompts(batch_data_samples):
            return super().predict(batch_inputs, batch_data_samples, rescale=rescale)
        features = self.encode(batch_inputs, batch_data_samples)
        prediction = self.decode(features, data_samples=batch_data_samples, upsample=True)
        for index, sample in enumerate(batch_data_samples):
            sample.pred_instances = self.prompt_results(prediction, index, sample.metainfo,
                                                        len(sample.prompts), rescale)
        return batch_data_samples

    def prompt_results(self, prediction: HeadPrediction, index: int, meta: dict, num_prompts: int,
                       rescale: bool) -> InstanceData:
        """``pred_instances`` of image ``index``: its first ``num_prompts`` prompt queries."""
        logits = prediction.mask_logits[index, :num_prompts]
        logits = self.panoptic_fusion_head._to_output_size(logits, meta, rescale).float()
        masks = logits > 0
        probs = logits.sigmoid()
        mask_scores = (probs * masks).flatten(1).sum(-1) / masks.flatten(1).sum(-1).clamp(min=1)
        scores = prediction.objectness[index, :num_prompts].float().sigmoid()
        return InstanceData(masks=masks, scores=scores, mask_scores=mask_scores, bboxes=mask_boxes(masks),
                            labels=torch.zeros(num_prompts, dtype=torch.long, device=masks.device))
