"""OMG-Seg answering point / box / click-set prompts (SAM-like interactive segmentation)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample, SampleList
from mmengine.structures import InstanceData
from torch import Tensor

from ..heads.outputs import HeadPrediction
from ..heads.prompt_query_mixin import gt_masks_tensor
from ..query_generators import (
    CLICK_PADDING,
    ObjectPrompt,
    make_object_prompts,
    make_prompts,
    mask_boxes,
    mask_ious,
    object_prompt_to_input,
    scale_to_input,
    simulate_clicks,
)
from .image_features import ImageFeatures
from .omg_seg import OMGSeg

PROMPT_DATA_TAG = 'sam'


@MODELS.register_module()
class OMGSegInteractive(OMGSeg):
    """OMG-Seg whose prompt batches give one mask per prompt (``pred_instances``); other batches as OMGSeg.

    A batch is a prompt batch when its samples carry ``prompts`` (``seg.models.query_generators``,
    coordinates in the resized input frame) or ``data_tag == 'sam'``; with ``prompts_only=True`` every
    batch is (the reference's ``inference_sam``), prompts being drawn from the GT masks where missing
    (evaluation: one centre click or box per GT instance, ``panoptic_head.prompt_sampler``).

    ``eval_clicks=C`` (> 0) evaluates GT-prompted batches by click simulation instead, in the original
    image frame: click 1 at each object's deepest point, then C - 1 corrective clicks (``simulate_clicks``),
    each round decoding all clicks so far (and, with a ``mask_feedback`` encoder, the previous round's
    mask logits as ``mask_inputs``); plus one tight-box prompt per object. More than one click needs
    a click-set prompt encoder (``ClickSetPromptEncoder``).

    Output per prompt, in prompt order: ``masks`` (N, H, W) bool at ``ori_shape`` (``rescale``) or
    ``img_shape``, ``scores`` (N,) the objectness probability of the prompt query, ``mask_scores`` (N,)
    the mean foreground probability inside the mask, ``bboxes`` (N, 4) the masks' tight boxes, ``labels``
    (N,) all 0 (class-agnostic; present for mmdet's visualiser). With ``eval_clicks``: the masks after the
    first click, ``click_ious`` (N, C) the IoU after each click and ``box_ious`` (N,).
    """

    def __init__(self, *, prompts_only: bool = False, eval_clicks: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        if not self.panoptic_head.enable_box_query:
            raise ValueError('OMGSegInteractive needs panoptic_head.enable_box_query=True '
                             '(prompt parameters)')
        takes_sets = getattr(self.panoptic_head.prompt_encoder, 'takes_click_sets', False)
        if eval_clicks < 0 or (eval_clicks > 1 and not takes_sets):
            raise ValueError(f'eval_clicks={eval_clicks}: must be >= 0, and more than 1 click per object '
                             'needs panoptic_head.prompt_encoder=dict(type="ClickSetPromptEncoder")')
        self.prompts_only = prompts_only
        self.eval_clicks = eval_clicks

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
        """Per-prompt masks for prompt batches, panoptic / instance results otherwise (each image with its
        own padding, as :class:`OMGSeg`)."""
        self._tag_prompt_batch(batch_data_samples)
        return super().predict(batch_inputs, batch_data_samples, rescale=rescale)

    def _predict_batch(self, batch_inputs: Tensor, batch_data_samples: SampleList,
                       rescale: bool = True) -> SampleList:
        """One padded batch: prompt results, click simulation, or :class:`OMGSeg`'s results."""
        if not self.panoptic_head.uses_prompts(batch_data_samples):
            return super()._predict_batch(batch_inputs, batch_data_samples, rescale)
        modes = self.inference_modes  # the network under the inference modes, as OMGSeg._predict_batch
        features = modes.run(self, self.encode, modes.inputs(batch_inputs), batch_data_samples)
        if self.eval_clicks and all(sample.get('prompts') is None for sample in batch_data_samples):
            for index, sample in enumerate(batch_data_samples):
                sample.pred_instances = self.click_evaluation(features.select(index), sample)
            return batch_data_samples
        prediction = modes.to_fp32(modes.run(self, self.decode, features, data_samples=batch_data_samples,
                                             upsample=True))
        for index, sample in enumerate(batch_data_samples):
            sample.pred_instances = self.prompt_results(prediction, index, sample.metainfo,
                                                        len(sample.prompts), rescale)
        return batch_data_samples

    # ------------------------------------------------------------------ click simulation
    def segment_objects(self, features: ImageFeatures, objects: list[ObjectPrompt],
                        mask_inputs: Tensor | None = None) -> InstanceData:
        """Prompt results (original image size) of one encoded image for objects given in its pixels;
        ``mask_inputs`` (N, h, w): their previous masks' ``low_res_logits`` (needs ``mask_feedback``)."""
        meta = features.metainfos[0]
        prompts = make_object_prompts([object_prompt_to_input(obj, meta) for obj in objects])
        if mask_inputs is not None:
            prompts.mask_inputs = mask_inputs
        return OMGSegInteractive.decode_prompts(self, features, prompts)[0]  # also for OMGSeg

    def decode_prompts(self, features: ImageFeatures, prompts: InstanceData,
                       with_logits: bool = False) -> tuple[InstanceData, HeadPrediction]:
        """Prompt results of one encoded image (original size) with ``low_res_logits`` (N, h, w), the
        decoder's 1/4-input mask logits (what ``mask_inputs`` of a next round takes), and the prediction.
        Also called unbound on a plain :class:`OMGSeg` with prompt queries (the predictor)."""
        meta = features.metainfos[0]
        modes = self.inference_modes
        prediction = modes.to_fp32(modes.run(self, self.decode, features,
                                             [prompts.to(features.pixels.mask_features.device)]))
        low_res = prediction.mask_logits
        upsampled = F.interpolate(low_res, size=tuple(meta['batch_input_shape']), mode='bilinear',
                                  align_corners=False)  # as panoptic_head.predict(upsample=True)
        prediction = prediction._replace(mask_logits=upsampled)
        results = OMGSegInteractive.prompt_results(self, prediction, 0, meta, len(prompts), rescale=True,
                                                   with_logits=with_logits)  # also for OMGSeg (predictor)
        results.low_res_logits = low_res[0, :len(prompts)].float()
        return results, prediction

    def click_evaluation(self, features: ImageFeatures, sample: DetDataSample) -> InstanceData:
        """Click-simulation results of one image against its GT masks (original size)."""
        meta = features.metainfos[0]
        gts = gt_masks_tensor(sample, torch.device('cpu'))
        size = tuple(meta['ori_shape'][:2])
        if gts.shape[0] and tuple(gts.shape[-2:]) != size:
            gts = F.interpolate(gts[:, None].float(), size=size, mode='nearest')[:, 0] > 0.5
        if gts.shape[0] == 0:
            empty = InstanceData(masks=torch.zeros(0, *size, dtype=torch.bool), scores=torch.zeros(0))
            empty.click_ious, empty.box_ious = torch.zeros(0, self.eval_clicks), torch.zeros(0)
            return empty

        rounds: list[InstanceData] = []
        feedback = getattr(self.panoptic_head.prompt_encoder, 'takes_mask_inputs', False)

        def segment(clicks: Tensor, labels: Tensor) -> Tensor:
            objects = [ObjectPrompt(c[lab != CLICK_PADDING].numpy(), lab[lab != CLICK_PADDING].numpy())
                       for c, lab in zip(clicks, labels)]
            previous = rounds[-1].low_res_logits if feedback and rounds else None
            rounds.append(self.segment_objects(features, objects, previous))
            return rounds[-1].masks.cpu()

        click_ious, _ = simulate_clicks(segment, gts, self.eval_clicks)
        box_prompts = make_prompts(boxes=scale_to_input(mask_boxes(gts), meta))
        prediction = self.decode(features, [box_prompts.to(features.pixels.mask_features.device)],
                                 upsample=True)
        box_masks = self.prompt_results(prediction, 0, meta, len(gts), rescale=True).masks.cpu()
        results = rounds[0]  # the answer to the first click
        del results.low_res_logits
        results.click_ious = click_ious.float().to(results.masks.device)
        results.box_ious = mask_ious(box_masks, gts).float().to(results.masks.device)
        return results

    # ------------------------------------------------------------------ outputs
    def prompt_results(self, prediction: HeadPrediction, index: int, meta: dict, num_prompts: int,
                       rescale: bool, with_logits: bool = False) -> InstanceData:
        """``pred_instances`` of image ``index``: its first ``num_prompts`` prompt queries (``with_logits``:
        also their mask ``logits`` at the output size)."""
        logits = prediction.mask_logits[index, :num_prompts]
        logits = self.panoptic_fusion_head._to_output_size(logits, meta, rescale).float()
        masks = logits > 0
        probs = logits.sigmoid()
        mask_scores = (probs * masks).flatten(1).sum(-1) / masks.flatten(1).sum(-1).clamp(min=1)
        scores = prediction.objectness[index, :num_prompts].float().sigmoid()
        results = InstanceData(masks=masks, scores=scores, mask_scores=mask_scores, bboxes=mask_boxes(masks),
                               labels=torch.zeros(num_prompts, dtype=torch.long, device=masks.device))
        if with_logits:
            results.logits = logits
        return results
