"""Prompt (point / box) queries of the OMG-Seg head: routing, prompt attachment and the 'sam' batch losses."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.registry import TASK_UTILS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, reduce_mean
from torch import Tensor

from .mask_losses import point_sampled_mask_losses
from .outputs import DecoderQueries

PROMPT_DATA_TAG = 'sam'
PROMPT_PARAM_NAMES = ('mask_tokens', 'pb_embedding', 'pos_linear')
OBJECT_QUERY_PARAM_NAMES = ('query_feat', 'query_embed')


def gt_masks_tensor(sample, device: torch.device) -> Tensor:
    """The sample's GT instance masks as a bool tensor (N, H, W)."""
    masks = sample.gt_instances.masks
    if hasattr(masks, 'to_tensor'):
        return masks.to_tensor(dtype=torch.bool, device=device)
    return torch.as_tensor(masks, device=device).bool()


class PromptQueryMixin:
    """Prompt-query part of :class:`OMGSegHead` (needs ``enable_box_query=True``).

    A batch is answered with prompt queries when every data sample carries ``prompts`` (see
    ``seg.models.query_generators.prompts``) or every sample has ``data_tag == 'sam'``. Samples of a 'sam'
    batch without prompts get them from their GT masks: random prompts in training (``prompt_sampler``),
    one centre click / box per GT instance otherwise. Prompt queries are supervised by their own GT
    instance (``prompts.gt_indices``), without Hungarian matching; class and objectness losses are zero
    for them (class-agnostic data), but stay attached to the graph.
    """

    def _init_prompt_generators(self, prompt_encoder: ConfigType, prompt_sampler: ConfigType) -> None:
        """Build the (parameter-free) prompt encoder and sampler; parameters stay on the head."""
        self.prompt_encoder = TASK_UTILS.build(prompt_encoder)
        self.prompt_sampler = TASK_UTILS.build(prompt_sampler)

    def uses_prompts(self, batch_data_samples: SampleList) -> bool:
        """Whether this batch is answered with prompt queries instead of object queries."""
        if not batch_data_samples:
            return False
        with_prompts = [sample.get('prompts') is not None for sample in batch_data_samples]
        if any(with_prompts):
            if not all(with_prompts):
                raise ValueError('either every data sample of a batch carries `prompts` or none does; got '
                                 f'{sum(with_prompts)} of {len(with_prompts)}')
            if not self.enable_box_query:
                raise ValueError('the data samples carry `prompts` but the head was built without prompt '
                                 'parameters; set panoptic_head.enable_box_query=True')
            return True
        tags = [sample.metainfo.get('data_tag') for sample in batch_data_samples]
        return self.enable_box_query and all(tag == PROMPT_DATA_TAG for tag in tags)

    def prompt_queries(self, batch_data_samples: SampleList) -> DecoderQueries:
        """Queries (B, N_max, C) of the samples' prompts (drawn from GT first where missing)."""
        device = self.mask_tokens.weight.device
        for sample in batch_data_samples:
            if sample.get('prompts') is None:
                sample.prompts = self.prompts_from_gt(sample, device)
        return self.prompt_encoder(
            [sample.prompts for sample in batch_data_samples],
            [sample.metainfo for sample in batch_data_samples],
            mask_token=self.mask_tokens.weight, type_embedding=self.pb_embedding, pos_linear=self.pos_linear,
            training=self.training)

    def prompts_from_gt(self, sample, device: torch.device):
        """Training: random prompts from the padded GT masks; else one centre prompt per GT instance."""
        if sample.get('gt_instances') is None or sample.gt_instances.get('masks') is None:
            raise ValueError(f'{sample.metainfo.get("img_path", "a data sample")}: a prompt batch needs '
                             '`prompts` or GT instance masks to draw them from')
        masks = gt_masks_tensor(sample, device)
        if self.training:
            return self.prompt_sampler.training_prompts(masks)
        height, width = sample.metainfo['img_shape'][:2]
        if masks.shape[-2:] != (height, width) and masks.shape[0] > 0:
            # evaluation GT is loaded at the original size: prompts live in the resized input frame
            masks = F.interpolate(masks[:, None].float(), size=(height, width), mode='nearest')[:, 0] > 0.5
        return self.prompt_sampler.evaluation_prompts(masks)

    # ------------------------------------------------------------------ losses
    def unused_parameters_zero(self) -> Tensor:
        """0 x (sum of the object-query and prompt parameters): every parameter is in every graph (DDP)."""
        names = OBJECT_QUERY_PARAM_NAMES + PROMPT_PARAM_NAMES
        return sum(p.sum() for name in names for p in getattr(self, name).parameters()) * 0.0

    def loss_prompts(self, x: tuple[Tensor], batch_data_samples: SampleList) -> dict[str, Tensor]:
        """Losses of a prompt batch: each prompt's mask against its own GT instance, every prediction set."""
        outputs = self(x, batch_data_samples)
        counts = [len(sample.prompts) for sample in batch_data_samples]
        targets = torch.cat([self._prompt_mask_targets(sample, outputs.mask_logits[0].device)
                             for sample in batch_data_samples])
        total = outputs.mask_logits[0].new_tensor([float(sum(counts))])
        num_masks = max(reduce_mean(total).item(), 1.0)
        loss_dict = {}
        num_sets = len(outputs.mask_logits)
        for index, (cls_scores, mask_preds, objectness) in enumerate(
                zip(outputs.cls_logits, outputs.mask_logits, outputs.objectness)):
            preds = torch.cat([mask_preds[i, :n] for i, n in enumerate(counts)]).float()
            loss_mask, loss_dice = point_sampled_mask_losses(
                preds, targets, num_masks, loss_mask=self.loss_mask, loss_dice=self.loss_dice,
                num_points=self.num_points, oversample_ratio=self.oversample_ratio,
                importance_sample_ratio=self.importance_sample_ratio)
            values = dict(loss_cls=cls_scores.sum() * 0.0, loss_obj=objectness.sum() * 0.0,
                          loss_mask=loss_mask, loss_dice=loss_dice)
            prefix = '' if index == num_sets - 1 else f'd{index}.'
            loss_dict.update({prefix + name: value for name, value in values.items()})
        return loss_dict

    @staticmethod
    def _prompt_mask_targets(sample, device: torch.device) -> Tensor:
        """GT masks (N_prompts, Hp, Wp) of the sample's prompts (``prompts.gt_indices``)."""
        gt_indices = sample.prompts.get('gt_indices')
        if gt_indices is None:
            raise ValueError(f'{sample.metainfo.get("img_path", "a data sample")}: training prompts need '
                             '`gt_indices` (the GT instance each prompt is supervised by)')
        masks = gt_masks_tensor(sample, device)
        if len(gt_indices) and int(gt_indices.max()) >= masks.shape[0]:
            raise ValueError(f'{sample.metainfo.get("img_path", "a data sample")}: prompt gt_indices reach '
                             f'{int(gt_indices.max())} but there are {masks.shape[0]} GT instances')
        return masks[gt_indices.to(device)]
