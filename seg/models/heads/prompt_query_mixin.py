"""Prompt (point / box) queries of the OMG-Seg head: routing, prompt attachment and the 'sam' batch losses."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from mmdet.registry import TASK_UTILS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, reduce_mean
from torch import Tensor

from ..query_generators.click_set_encoding import prompt_clicks
from ..query_generators.click_simulation import append_clicks
from .mask_losses import point_sampled_mask_losses
from .outputs import DecoderQueries, PixelFeatures

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

    def _init_prompt_generators(self, prompt_encoder: ConfigType, prompt_sampler: ConfigType,
                                feat_channels: int) -> None:
        """Build the prompt encoder and sampler. The published encoding is parameter-free (its parameters
        stay on the head); an encoder with ``takes_embed_dims`` (click sets) is a submodule of its own."""
        prompt_encoder = dict(prompt_encoder)
        if getattr(TASK_UTILS.get(prompt_encoder['type']), 'takes_embed_dims', False):
            prompt_encoder.setdefault('embed_dims', feat_channels)
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

    def prompt_queries(self, batch_data_samples: SampleList,
                       mask_features: Tensor | None = None) -> DecoderQueries:
        """Queries (B, N_max, C) of the samples' prompts (drawn from GT first where missing); an encoder
        with ``takes_mask_features`` also gets the ``mask_features`` (B, C, h, w) (previous masks, clicks)."""
        device = self.mask_tokens.weight.device
        for sample in batch_data_samples:
            if sample.get('prompts') is None:
                sample.prompts = self.prompts_from_gt(sample, device)
        prompts = [sample.prompts for sample in batch_data_samples]
        extra = {}
        if getattr(self.prompt_encoder, 'takes_mask_features', False):
            extra['mask_features'] = mask_features
        if (not getattr(self.prompt_encoder, 'takes_mask_inputs', False)
                and any(p.get('mask_inputs') is not None for p in prompts)):
            raise ValueError('the prompts carry mask_inputs (a previous mask) but the prompt encoder takes '
                             'none: use ClickSetPromptEncoder(mask_feedback=True) trained with it')
        return self.prompt_encoder(
            prompts, [sample.metainfo for sample in batch_data_samples],
            mask_token=self.mask_tokens.weight, type_embedding=self.pb_embedding, pos_linear=self.pos_linear,
            training=self.training, **extra)

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
        params = [p for name in names for p in getattr(self, name).parameters()]
        if isinstance(self.prompt_encoder, torch.nn.Module):  # click-set encoder parameters
            params += list(self.prompt_encoder.parameters())
        return sum(p.sum() for p in params) * 0.0

    def loss_prompts(self, x, batch_data_samples: SampleList) -> dict[str, Tensor]:
        """Losses of a prompt batch: each prompt's mask against its own GT instance, every prediction set.
        With a click-set encoder the prompts first get simulated corrective clicks
        (:meth:`simulate_training_clicks`)."""
        if getattr(self.prompt_encoder, 'takes_click_sets', False):
            x = x if isinstance(x, PixelFeatures) else self.encode(x)
            self.simulate_training_clicks(x, batch_data_samples)
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

    @torch.no_grad()
    def simulate_training_clicks(self, pixels: PixelFeatures, batch_data_samples: SampleList) -> None:
        """SAM-style click simulation: each prompt gets 0 .. ``max_train_clicks - 1`` more clicks (uniform),
        each in the largest error region of the model's current answer (positive in a miss, negative in a
        false positive), decoded round by round on the same pixel features. With an encoder that
        ``takes_mask_inputs``, a prompt that gets a click in a round also gets that round's mask logits as
        its ``mask_inputs`` (others keep theirs; zeros = no previous mask)."""
        device = pixels.mask_features.device
        for sample in batch_data_samples:
            if sample.get('prompts') is None:
                sample.prompts = self.prompts_from_gt(sample, device)
            clicks, labels = prompt_clicks(sample.prompts)
            sample.prompts.clicks, sample.prompts.click_labels = clicks.cpu(), labels.cpu()
        feedback = getattr(self.prompt_encoder, 'takes_mask_inputs', False)
        max_clicks = self.prompt_encoder.max_train_clicks
        extra = [torch.randint(0, max_clicks, (len(sample.prompts),)) for sample in batch_data_samples]
        for round_index in range(max((int(e.max()) for e in extra if len(e)), default=0)):
            low_res = self(pixels, batch_data_samples).mask_logits[-1]
            if feedback:
                self._feed_back_masks(low_res, batch_data_samples, extra, round_index)
            input_size = tuple(batch_data_samples[0].metainfo['batch_input_shape'])
            logits = F.interpolate(low_res, size=input_size, mode='bilinear', align_corners=False)
            for index, (sample, more) in enumerate(zip(batch_data_samples, extra)):
                height, width = sample.metainfo['img_shape'][:2]
                count = len(sample.prompts)
                preds = (logits[index, :count, :height, :width] > 0).cpu()
                gts = self._prompt_mask_targets(sample, torch.device('cpu'))[:, :height, :width]
                prompts = sample.prompts
                prompts.clicks, prompts.click_labels = append_clicks(
                    prompts.clicks, prompts.click_labels, preds, gts, active=more > round_index)

    @staticmethod
    def _feed_back_masks(low_res: Tensor, batch_data_samples: SampleList, extra: list[Tensor],
                         round_index: int) -> None:
        """Set ``mask_inputs`` (N, h, w) of the prompts that get another click this round to this round's
        mask logits ``low_res`` (B, N_max, h, w); other prompts keep theirs (zeros at first)."""
        for index, (sample, more) in enumerate(zip(batch_data_samples, extra)):
            prompts, count = sample.prompts, len(sample.prompts)
            current = prompts.get('mask_inputs')
            if current is None:
                current = low_res.new_zeros(count, *low_res.shape[-2:])
            active = (more > round_index).to(low_res.device)[:, None, None]
            prompts.mask_inputs = torch.where(active, low_res[index, :count].detach(), current)

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
